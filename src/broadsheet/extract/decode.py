"""Bytes to text: BOM, then the charset the page declares, then charset-normalizer."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]{1,40})""")
_NON_LATIN = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u0590-\u06ff\u0e00-\u0e7f\u3040-\u9fff\uac00-\ud7af]"
)
_SNIFF_BYTES = 4096
_DETECT_BYTES = 256 * 1024


def _lookup(name: bytes) -> str | None:
    try:
        codec = codecs.lookup(name.decode("ascii", "replace"))
    except LookupError:
        return None
    if codec.name == "utf-7":  # a script-smuggling vector that browsers no longer honour
        return None
    # Pages that declare latin-1 are almost always windows-1252 (as browsers assume).
    if codec.name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return codec.name


def declared_charset(data: bytes) -> str | None:
    """The charset named by a BOM, <meta charset> or the XML declaration, if any."""
    for bom, bom_charset in _BOMS:
        if data.startswith(bom):
            return bom_charset
    head = data[:_SNIFF_BYTES]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        found = pattern.search(head)
        if found:
            name = _lookup(found.group(1))
            if name:
                return name
    return None


def decode_html(data: bytes) -> str:
    """Decode page bytes to text; never raises, undecodable bytes become U+FFFD."""
    charset = declared_charset(data)
    # A page that says utf-16 in an ASCII <meta> is not utf-16: for those, trust only the BOM.
    if (
        charset is not None
        and charset.startswith(("utf-16", "utf-32"))
        and not data.startswith(_WIDE_BOMS)
    ):
        charset = None
    if charset is not None:
        text = data.decode(charset, errors="replace")
        return text[1:] if text.startswith("\ufeff") else text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data[:_DETECT_BYTES])
    best = matches.best()
    if best is None or not best.encoding:
        return data.decode("cp1252", errors="replace")
    encoding = best.encoding
    # For Latin-script pages the detector's pick among look-alike code pages is a coin toss;
    # windows-1252 is what browsers assume for undeclared Western pages.
    if encoding != "cp1252" and any(m.encoding == "cp1252" for m in matches):
        guess = data[:_DETECT_BYTES].decode(encoding, errors="replace")
        if not _NON_LATIN.search(guess):
            encoding = "cp1252"
    return data.decode(encoding, errors="replace")
