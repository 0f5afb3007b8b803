"""Which media types a fetch accepts, and sniffing when a server names none."""

from __future__ import annotations

from collections.abc import Set
from email.message import Message

__all__ = ["MEDIA_TYPES", "accept_header", "is_accepted", "parse_content_type", "sniff"]

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
        }
    ),
    "image": frozenset(),
}
_ACCEPT: dict[str, str] = {
    "html": "text/html,application/xhtml+xml;q=0.9",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9",
    "image": "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8",
}
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
