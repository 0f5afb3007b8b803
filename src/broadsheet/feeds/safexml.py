"""XML bytes made safe to hand to a parser: decoded by us, without any DTD.

Two things are done before feedparser or lxml sees a feed or an OPML file:

1. **We choose the character encoding**, not the parser: a byte order mark, else the charset of
   the Content-Type header, else the XML declaration's ``encoding``, else UTF-8, else
   Windows-1252 (which, with Latin-1 as the last resort, decodes anything). Only encodings in
   which XML's markup characters are plain ASCII are accepted from a header or a declaration
   (UTF-16 and UTF-32 come from their byte order mark or their shape); an encoding such as
   UTF-7, under which harmless-looking bytes decode to ``<!DOCTYPE``, is ignored. The text is
   then handed on as UTF-8 with a matching XML declaration.

2. **No DTD reaches a parser**: every ``<!DOCTYPE ...>`` (with its internal subset) and every
   stray ``<!ENTITY ...>`` is replaced by a space, in one pass that cannot leave or make a new
   one. With no DTD there are no entity declarations, so no entity can be
   expanded (no "billion laughs") and no external entity or DTD can be loaded (no file or
   network read); a reference to an undeclared entity is left to the parser's recovery. XML's
   five predefined entities and character references work as usual. A ``<!DOCTYPE`` inside
   CDATA (a page pasted into a feed) is removed too, which no reader will miss.

Control characters that XML forbids (everything below U+0020 but tab, LF and CR) are dropped as
well, so that a feed with a stray one still parses strictly.
"""

from __future__ import annotations

import codecs
import re

__all__ = [
    "charset_of",
    "clean_xml_text",
    "decode_xml",
    "safe_xml_bytes",
    "strip_dtd",
    "utf8_document",
]

_MARKUP = "<?xml version='1.0' encoding=\"x\"?><!DOCTYPE [ ]> &amp; %p; azAZ09-_:/.#=+"

_OPENER = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DOCTYPE_EDGE = re.compile(r"[\[>]")
_SUBSET_CLOSE = re.compile(r"\]\s*>")
_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*?\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_FORBIDDEN_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Byte order marks, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# "<" or "<?" in the wide encodings, without a byte order mark (XML 1.0, appendix F).
_SHAPES = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)


def _ascii_compatible(name: str | None) -> str | None:
    """The codec's name if XML markup is plain ASCII in it, else None."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name)
        if codec.encode(_MARKUP)[0] != _MARKUP.encode("ascii"):
            return None
        if codec.decode(_MARKUP.encode("ascii"))[0] != _MARKUP:
            return None
    except (LookupError, UnicodeError, TypeError, ValueError):
        return None
    return codec.name


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = _CHARSET.search(content_type)
    return match.group(1) if match else None


def decode_xml(body: bytes, content_type: str | None = None) -> str:
    """The document as text, its encoding chosen as the module docstring says."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    for shape, name in _SHAPES:
        if body.startswith(shape):
            return body.decode(name, errors="replace")
    declared = _DECLARED_ENCODING.match(body[:1024])
    candidates: list[str | None] = [
        _ascii_compatible(charset_of(content_type)),
        _ascii_compatible(declared.group(1).decode("ascii") if declared else None),
        "utf-8",
        "cp1252",
    ]
    for candidate in candidates:
        if candidate is None:
            continue
        try:
            return body.decode(candidate)
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1")


def strip_dtd(text: str) -> str:
    """``text`` without any DOCTYPE declaration or entity declaration (see the module doc).

    One left-to-right pass, linear in the length of ``text``: each declaration is replaced by
    one space, so no new ``<!DOCTYPE`` or ``<!ENTITY`` can form where two pieces meet. A
    declaration that never ends takes the rest of the text with it.
    """
    out: list[str] = []
    pos = 0
    while (opener := _OPENER.search(text, pos)) is not None:
        out.append(text[pos : opener.start()])
        out.append(" ")
        pos = len(text)
        if opener.group(1).upper() == "DOCTYPE":
            edge = _DOCTYPE_EDGE.search(text, opener.end())
            if edge is not None and edge.group() == ">":
                pos = edge.end()
            elif edge is not None:
                close = _SUBSET_CLOSE.search(text, edge.end())
                if close is not None:
                    pos = close.end()
        else:
            close_at = text.find(">", opener.end())
            if close_at >= 0:
                pos = close_at + 1
    out.append(text[pos:])
    return "".join(out)


def clean_xml_text(text: str) -> str:
    """Decoded XML made safe: no DTD, no forbidden control character, no XML declaration."""
    text = strip_dtd(_FORBIDDEN_CONTROLS.sub("", text))
    return _XML_DECLARATION.sub("", text, count=1).lstrip()


def utf8_document(text: str) -> bytes:
    """``text`` (from :func:`clean_xml_text`) as UTF-8 bytes with an XML declaration saying so."""
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode("utf-8", "replace")


def safe_xml_bytes(body: bytes, content_type: str | None = None) -> bytes:
    """The document ``body`` decoded, cleaned and re-encoded as UTF-8 (the module docstring)."""
    return utf8_document(clean_xml_text(decode_xml(body, content_type)))
