"""One message's bytes in, `core.mailsave.Mailed` out: the standard library's parser, defended.

Mail is hostile input. The stdlib parser copes with malformed MIME (it records defects and goes
on), but three shapes cost it dearly and are refused before the real parse:

- nesting: the parser recurses once per level and fails (RecursionError) past a few hundred;
  more than `MAX_DEPTH` levels, or more than `MAX_PARTS` parts, are refused;
- long structured headers: `policy.default` parses a Content-Type in time that grows faster than
  its length; a Content-* header over `MAX_CONTENT_HEADER` characters is refused;
- the headers we read (Subject, From, Message-ID) are cut to a few hundred characters before they
  are parsed, so a megabyte of encoded words or nested comments costs nothing.

The shape is checked on a first, cheap parse (`policy.compat32`, which parses no header); the
message is then parsed with `policy.default`. Attachments are never decoded; of the bodies, the
first text/plain and the first text/html that are not attachments are read, in a charset that
may lie (an unknown or non-text charset is read as UTF-8, bad bytes replaced).
"""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.parser import BytesParser

from broadsheet.core.mailsave import Mailed

MAX_DEPTH = 8
MAX_PARTS = 100
MAX_CONTENT_HEADER = 4096
MAX_BOUNDARY_MARKS = 4 * MAX_PARTS  # "boundary=" in the raw bytes: more cannot be a fair message
SUBJECT_MAX = 2000
ADDRESS_MAX = 500
MESSAGE_ID_MAX = 998
_UNSUBSCRIBE_URL = re.compile(r"<(https?://[^>\s]{1,2048})>", re.IGNORECASE)
# Python's header parser has raised these on malformed input (beside the RecursionError of
# deeply nested comments); a header it cannot read is read as plain text instead.
_HEADER_PARSE_ERRORS = (RecursionError, ValueError, IndexError, TypeError, AttributeError)


class Unreadable(Exception):
    """A message refused whole (SMTP 554): the reason, one line."""


def _check_shape(data: bytes) -> None:
    if data.lower().count(b"boundary") > MAX_BOUNDARY_MARKS:
        raise Unreadable("Too many MIME parts")
    try:
        shape = BytesParser(policy=policy.compat32).parsebytes(data)
    except RecursionError:
        raise Unreadable("MIME parts nested too deeply") from None
    parts = 0
    stack: list[tuple[Message, int]] = [(shape, 0)]
    while stack:
        part, depth = stack.pop()
        parts += 1
        if parts > MAX_PARTS:
            raise Unreadable("Too many MIME parts")
        if depth > MAX_DEPTH:
            raise Unreadable("MIME parts nested too deeply")
        for name, value in part.raw_items():
            if name.lower().startswith("content-") and len(str(value)) > MAX_CONTENT_HEADER:
                raise Unreadable("A MIME header is too long")
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))


def _raw_header(message: Message, name: str, limit: int) -> str:
    for key, value in message.raw_items():
        if key.lower() == name:
            return str(value)[:limit]
    return ""


def _header(message: Message, name: str, limit: int) -> str:
    """A header's text (encoded words decoded), from its first `limit` characters only."""
    raw = _raw_header(message, name, limit)
    if not raw:
        return ""
    try:
        return str(policy.default.header_factory(name, raw))
    except _HEADER_PARSE_ERRORS:
        return raw


def _sender(message: Message) -> tuple[str, str]:
    raw = _raw_header(message, "from", ADDRESS_MAX)
    if not raw:
        return "", ""
    try:
        header = policy.default.header_factory("from", raw)
        addresses = getattr(header, "addresses", ())
        if not addresses:
            return "", ""
        return str(addresses[0].display_name), str(addresses[0].addr_spec)
    except _HEADER_PARSE_ERRORS:
        return "", ""  # not an address we can read: no sender, the message still counts


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    if len(charset) > 40:
        charset = "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except (LookupError, UnicodeError):  # unknown, or not a text encoding ("base64", "idna")
        return payload.decode("utf-8", errors="replace")


def _bodies(message: Message) -> tuple[str, str]:
    """The first plain-text and the first HTML body that are not attachments, depth first (a
    forwarded message's own bodies come after the forward's), with the same caps."""
    text: str | None = None
    html: str | None = None
    parts = 0
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack and parts < MAX_PARTS and (text is None or html is None):
        part, depth = stack.pop()
        parts += 1
        if part.is_multipart():
            payload = part.get_payload()
            if depth < MAX_DEPTH and isinstance(payload, list):
                children = [c for c in payload if isinstance(c, Message)]
                stack.extend((child, depth + 1) for child in reversed(children))
            continue
        if part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and text is None:
            text = _text_of(part)
        elif kind == "text/html" and html is None:
            html = _text_of(part)
    return text or "", html or ""


def read(data: bytes) -> Mailed:
    """The message as core reads it; Unreadable when its shape is refused."""
    _check_shape(data)
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError:
        raise Unreadable("MIME parts nested too deeply") from None
    name, address = _sender(message)
    text, html = _bodies(message)
    unsubscribe = tuple(
        _UNSUBSCRIBE_URL.findall(_raw_header(message, "list-unsubscribe", 4 * ADDRESS_MAX))
    )
    return Mailed(
        subject=_header(message, "subject", SUBJECT_MAX),
        sender_name=name,
        sender_address=address,
        message_id=" ".join(_raw_header(message, "message-id", MESSAGE_ID_MAX).split()),
        text=text,
        html=html,
        list_unsubscribe=unsubscribe[:10],
    )
