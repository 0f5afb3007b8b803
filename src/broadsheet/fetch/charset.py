"""Finding the character encoding of a text body.

In order: the Content-Type ``charset`` parameter, a byte order mark, a ``<meta charset>`` /
``<meta http-equiv="Content-Type">`` / ``<?xml encoding?>`` declaration in the first 4 KiB, then
detection (valid UTF-8 first, else charset-normalizer), else UTF-8. Names nobody knows are skipped,
not fatal. Results are Python codec names (``"utf-8"``, ``"cp1251"``, ``"shift_jis"``); like
browsers, we read ISO-8859-1 and ASCII labels as windows-1252.
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


def find_charset(content: bytes, header_charset: str | None) -> str:
    return (
        normalize_charset(header_charset)
        or from_bom(content)
        or declared_in_document(content)
        or detect(content)
    )
