"""Field conversions shared by the readers: addresses, dates, tags, flags.

Each converter either returns the value or raises `BadRow` with the reason, in the reader's
words, that becomes the row's `Invalid`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from broadsheet.core import canonical
from broadsheet.core.errors import InvalidURL
from broadsheet.core.importers import limits

_HTTP_RE = re.compile(r"^https?://", re.IGNORECASE)
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# Unix times beyond these are not dates a library was saved on.
_EARLIEST = 0
_LATEST = 253_402_300_799  # 9999-12-31T23:59:59Z


class BadRow(Exception):
    """A row that cannot be imported; `reason` is for the reader."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def shown(value: str) -> str:
    """A value quoted in a reason: control characters replaced, long values cut."""
    text = _CONTROL_RE.sub("?", value.strip())
    if len(text) > limits.MAX_QUOTED_CHARS:
        text = text[: limits.MAX_QUOTED_CHARS - 1] + "…"
    return text


def web_address(raw: object) -> str:
    """An absolute http(s) address, or BadRow: relative addresses, other schemes (javascript:,
    data:, mailto:), empty or overlong ones are refused."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise BadRow("no web address")
    if not isinstance(raw, str):
        raise BadRow(f"not a web address: {shown(str(raw))}")
    value = raw.strip()
    if len(value) > canonical.MAX_URL_LENGTH:
        raise BadRow("the web address is too long")
    if not _HTTP_RE.match(value):
        if _SCHEME_RE.match(value) and not value.lower().startswith(("http:", "https:")):
            raise BadRow(f"not an http or https address: {shown(value)}")
        raise BadRow(f"not a web address: {shown(value)}")
    try:
        return canonical.normalize_input(value)
    except InvalidURL as exc:
        if exc.message == canonical.TOO_LONG:
            raise BadRow("the web address is too long") from None
        if "port" in exc.message:
            raise BadRow(f"the web address has an invalid port: {shown(value)}") from None
        raise BadRow(f"not a web address: {shown(value)}") from None


def unix_time(raw: object) -> datetime | None:
    """Unix seconds (a number or a string of digits, decimals allowed) as an aware UTC
    datetime; None for an empty value; BadRow for anything else."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        seconds = float(raw.strip() if isinstance(raw, str) else raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadRow(f"not a date: {shown(str(raw))}") from None
    if isinstance(raw, bool) or not math.isfinite(seconds) or not _EARLIEST <= seconds <= _LATEST:
        raise BadRow(f"not a date: {shown(str(raw))}")
    return datetime.fromtimestamp(seconds, tz=UTC)


def iso_time(raw: object) -> datetime | None:
    """An ISO 8601 date or date-time ("2024-05-01 10:11:12+00:00", "2017-10-04T15:30:48+0200",
    "2023-11-03T21:36:08.000Z") as an aware datetime, UTC when it has no zone; None for an empty
    value; BadRow for anything else."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        raise BadRow(f"not a date: {shown(str(raw))}")
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadRow(f"not a date: {shown(raw)}") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def optional(convert: Callable[[object], datetime | None], raw: object) -> datetime | None:
    """A secondary date (published, archived, a highlight's): None when it cannot be read,
    instead of refusing the whole row."""
    try:
        return convert(raw)
    except BadRow:
        return None


def tags(values: Iterable[object]) -> tuple[str, ...]:
    """Stripped tag names, empty ones and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str):
            name = value.strip()
            if name:
                seen.setdefault(name, None)
    return tuple(seen)


def split_tags(raw: str, separator: str) -> tuple[str, ...]:
    return tags(raw.split(separator)) if raw else ()


def flag(raw: object) -> bool:
    """A yes/no field: true, 1, "1", "true", "yes" are yes; everything else no."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return raw == 1
    if isinstance(raw, str):
        return raw.strip().lower() in {"1", "true", "yes", "y", "t"}
    return False


def text(raw: object) -> str:
    """A text field: stripped, "" for anything that is not a string."""
    return raw.strip() if isinstance(raw, str) else ""
