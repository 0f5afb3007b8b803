"""Finding the character encoding of a text body.

In order: a byte order mark (it wins, as in browsers), the Content-Type ``charset`` parameter, a
``<meta charset>`` / ``<meta http-equiv="Content-Type">`` / ``<?xml encoding?>`` declaration in the
first 4 KiB, then detection (valid UTF-8 first, else charset-normalizer), else UTF-8. Names nobody
knows are skipped, not fatal; so are UTF-7 (a script-smuggling vector browsers dropped) and a
header's UTF-16/32 for a body that has no byte order mark and no NUL byte. A header's UTF-8 that
the bytes contradict gives way to the encoding the document itself declares. Results are Python
codec names (``"utf-8"``, ``"cp1251"``, ``"shift_jis"``); like browsers, we read ISO-8859-1 and
ASCII labels as windows-1252.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["DEFAULT", "declared_in_document", "find_charset", "from_bom", "normalize_charset"]

DEFAULT = "utf-8"
PRESCAN_BYTES = 4096
DETECT_BYTES = 256 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG Encoding Standard: these labels mean windows-1252 on the web.
_AS_WINDOWS_1252 = frozenset({"latin-1", "iso8859-1", "ascii", "us-ascii"})
# Never honoured, whoever names them (the WHATWG Encoding Standard has no such label).
_REFUSED = frozenset({"utf-7"})
_META = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9][A-Za-z0-9_.:+-]*)""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:+-]+)["']""")


def normalize_charset(label: str | None) -> str | None:
    """The Python codec name for ``label``, or None if Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _REFUSED:
        return None
    if name in _AS_WINDOWS_1252 or label in _AS_WINDOWS_1252:
        return "cp1252"
    return name


def from_bom(content: bytes) -> str | None:
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    return None


def declared_in_document(content: bytes) -> str | None:
    """The encoding a ``<meta>`` tag or an XML declaration in the first 4 KiB names, if known."""
    head = content[:PRESCAN_BYTES]
    for pattern in (_XML_DECL, _META):
        for match in pattern.finditer(head):
            name = normalize_charset(match.group(1).decode("ascii"))
            if name is None:
                continue
            # A document we could read this far as ASCII cannot really be UTF-16/32 (WHATWG).
            return DEFAULT if name.startswith(("utf-16", "utf-32", "utf_16", "utf_32")) else name
    return None


def detect(content: bytes) -> str:
    """Guess the encoding of undeclared content."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return DEFAULT
    best = charset_normalizer.from_bytes(content[:DETECT_BYTES]).best()
    if best is not None:
        name = normalize_charset(best.encoding)
        if name is not None:
            return name
    return DEFAULT


def _is_wide(name: str) -> bool:
    return name.startswith(("utf-16", "utf-32", "utf_16", "utf_32"))


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def find_charset(content: bytes, header_charset: str | None) -> str:
    bom = from_bom(content)
    if bom is not None:
        return bom
    header = normalize_charset(header_charset)
    if header is not None and _is_wide(header) and b"\x00" not in content[:PRESCAN_BYTES]:
        header = None  # a body readable as ASCII is not UTF-16/32
    declared = declared_in_document(content)
    if header == DEFAULT and declared not in (None, DEFAULT) and not _is_utf8(content):
        return str(declared)  # the header's UTF-8 is wrong; the document says what it is
    return header or declared or detect(content)
