"""Which media types a fetch accepts, and sniffing when a server names none (or, for feeds, a
generic one: feeds are often served as ``text/plain`` or ``application/octet-stream``)."""

from __future__ import annotations

from collections.abc import Set
from email.message import Message

__all__ = [
    "MEDIA_TYPES",
    "SNIFFABLE_AS_FEED",
    "accept_header",
    "is_accepted",
    "parse_content_type",
    "sniff",
    "sniff_feed",
    "sniffs_as_feed",
]

#: Media types for each kind of content a caller can ask for ("image" takes any image/*).
MEDIA_TYPES: dict[str, frozenset[str]] = {
    "html": frozenset({"text/html", "application/xhtml+xml"}),
    "feed": frozenset(
        {
            "application/rss+xml",
            "application/atom+xml",
            "application/rdf+xml",
            "application/x-rss+xml",
            "application/xml",
            "text/xml",
            "application/feed+json",  # JSON Feed 1.1
            "application/json",  # JSON Feed 1.0, and most servers serving it
        }
    ),
    "image": frozenset(),
}
_ACCEPT: dict[str, str] = {
    "html": "text/html,application/xhtml+xml;q=0.9",
    "feed": (
        "application/rss+xml,application/atom+xml,application/feed+json,"
        "application/rdf+xml;q=0.9,application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.8"
    ),
    "image": "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8",
}
#: Declared types that say little about a body: when a caller accepts feeds and not the declared
#: type, the body is read (under the same limits) and kept if it is plainly a feed.
SNIFFABLE_AS_FEED = frozenset(
    {"text/plain", "application/octet-stream", "binary/octet-stream", "text/html"}
)
# Root elements of RSS 2.0/0.9x, Atom (also with a prefix) and RSS 1.0/0.90 (RDF), lower-cased.
_FEED_ROOTS = (b"<rss", b"<feed", b"<atom:feed", b"<rdf:rdf")
_AFTER_NAME = frozenset(b" \t\r\n\x0c/>")
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """``"Text/HTML; charset=UTF-8"`` -> ``("text/html", "UTF-8")``; missing -> ``("", None)``."""
    if not value or not value.strip():
        return "", None
    message = Message()
    message["content-type"] = value
    media_type = value.split(";", 1)[0].strip().lower()
    charset = message.get_param("charset")
    return media_type, charset if isinstance(charset, str) and charset else None


def is_accepted(media_type: str, accept: Set[str]) -> bool:
    if "image" in accept and media_type.startswith("image/"):
        return True
    return any(media_type in MEDIA_TYPES[kind] for kind in accept if kind in MEDIA_TYPES)


def accept_header(accept: Set[str]) -> str:
    parts = [_ACCEPT[kind] for kind in sorted(accept) if kind in _ACCEPT]
    return ",".join([*parts, "*/*;q=0.1"])


def sniff(content: bytes) -> str | None:
    """A media type for a body sent without Content-Type, if it is plainly one we know."""
    for magic, media_type in _IMAGE_MAGIC:
        if content.startswith(magic):
            return media_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head")) or b"<body" in head:
        return "text/html"
    is_xml = head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))
    if is_xml and any(root in head for root in (b"<rss", b"<feed", b"<rdf:rdf")):
        return "application/xml"
    return None


def sniffs_as_feed(media_type: str, accept: Set[str]) -> bool:
    """Should a body declared as ``media_type`` be read and sniffed for a feed before refusing?"""
    return (
        "feed" in accept and media_type in SNIFFABLE_AS_FEED and not is_accepted(media_type, accept)
    )


def sniff_feed(content: bytes) -> str | None:
    """``"application/xml"`` for an RSS, Atom or RDF document (told by its root element, after
    any XML declaration, processing instructions, comments and doctype), ``"application/feed+json"``
    for a JSON Feed (a JSON object naming its jsonfeed.org version early on), else None."""
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if head.startswith(b"{"):
        return (
            "application/feed+json"
            if b"jsonfeed.org/version" in head.replace(b"\\/", b"/")
            else None
        )
    root = _skip_prolog(head)
    if root is None:
        return None
    for name in _FEED_ROOTS:
        if root.startswith(name) and len(root) > len(name) and root[len(name)] in _AFTER_NAME:
            return "application/xml"
    return None


def _skip_prolog(head: bytes) -> bytes | None:
    """``head`` from its first element on, or None if the prolog does not end within it."""
    rest = head
    while True:
        rest = rest.lstrip(b" \t\r\n\x0c")
        if rest.startswith(b"<?"):
            end, close = rest.find(b"?>"), b"?>"
        elif rest.startswith(b"<!--"):
            end, close = rest.find(b"-->", 4), b"-->"
        elif rest.startswith(b"<!doctype"):
            # An internal subset ([...]) may hold ">"; the doctype ends at the first ">" after it.
            gt = rest.find(b">")
            bracket = rest.find(b"[", 0, gt if gt >= 0 else len(rest))
            start = rest.find(b"]", bracket) if bracket >= 0 else 0
            end, close = (rest.find(b">", start) if start >= 0 else -1), b">"
        else:
            return rest
        if end < 0:
            return None
        rest = rest[end + len(close) :]
