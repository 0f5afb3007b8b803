"""When to poll a feed next, and the pure parts of a conditional GET. No clock is read here:
the caller passes ``now`` and stores the result in ``next_poll_at``.

After a good poll (200 or 304), the next one is ``BASE_INTERVAL`` later, or later still if the
feed asks for that (its RSS ``ttl``/``sy:updatePeriod``, or the response's Cache-Control
``max-age``): a hint can lengthen the interval, never shorten it.

After a failed poll (a network error, a 4xx/5xx answer, a body that is not a feed), the wait
doubles with each failure in a row: ``FIRST_RETRY``, twice that, four times that, ... up to
``MAX_INTERVAL``.

Every delay is then shortened by a pseudo-random fraction of at most ``JITTER`` (never
lengthened, so ``MAX_INTERVAL`` stays the maximum), so feeds added together drift apart. The
fraction is a hash of the caller's ``key`` (e.g. the feed's id), the error count and ``now``:
the same inputs always give the same answer.

A ``Retry-After`` from the server is honoured as a lower bound, up to ``MAX_RETRY_AFTER``.

Constants:

``BASE_INTERVAL`` = 1 hour
``FIRST_RETRY`` = 15 minutes
``MAX_INTERVAL`` = 24 hours (every feed is polled at least once a day, whatever it says)
``MAX_RETRY_AFTER`` = 24 hours
``JITTER`` = 0.1 (delays are 90-100% of the computed value)
``MAX_VALIDATOR_CHARS`` = 1,024 (a longer ETag or Last-Modified is not sent back)
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = [
    "BASE_INTERVAL",
    "FIRST_RETRY",
    "JITTER",
    "MAX_INTERVAL",
    "MAX_RETRY_AFTER",
    "MAX_VALIDATOR_CHARS",
    "backoff_delay",
    "cache_max_age",
    "conditional_headers",
    "next_poll_after",
    "parse_retry_after",
]

BASE_INTERVAL = timedelta(hours=1)
FIRST_RETRY = timedelta(minutes=15)
MAX_INTERVAL = timedelta(hours=24)
MAX_RETRY_AFTER = timedelta(hours=24)
JITTER = 0.1
MAX_VALIDATOR_CHARS = 1024

_DELTA_SECONDS = re.compile(r"\s*([0-9]{1,10})\s*")
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?([0-9]{1,10})\"?", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|[,\s])(?:no-cache|no-store)(?:$|[,\s=])", re.IGNORECASE)
_HEADER_VALUE = re.compile(r"[\x20-\x7e]+")


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(UTC)


def backoff_delay(consecutive_errors: int) -> timedelta:
    """The wait after ``consecutive_errors`` failures in a row (at least 1), before jitter."""
    doublings = max(consecutive_errors, 1) - 1
    if doublings >= 32:
        return MAX_INTERVAL
    delay: timedelta = FIRST_RETRY * (2**doublings)
    return min(delay, MAX_INTERVAL)


def _jitter_fraction(key: str, consecutive_errors: int, now: datetime) -> float:
    seed = f"{key}\x00{consecutive_errors}\x00{now.timestamp():.6f}".encode("utf-8", "replace")
    return int.from_bytes(hashlib.sha256(seed).digest()[:8], "big") / 2**64


def next_poll_after(
    now: datetime,
    *,
    ok: bool,
    consecutive_errors: int = 0,
    retry_after: float | None = None,
    ttl: float | None = None,
    key: str = "",
) -> datetime:
    """The time of the next poll of a feed polled at ``now`` (aware; the result is UTC).

    ``ok``: the poll succeeded (200 or 304). ``consecutive_errors``: failures in a row,
    counting this one (ignored when ``ok``). ``retry_after``: the server's Retry-After, in
    seconds (:func:`parse_retry_after`). ``ttl``: the feed's own hint in seconds
    (``Feed.ttl_seconds`` or :func:`cache_max_age`; ignored unless ``ok``). ``key``: what
    spreads feeds apart, e.g. the feed's id.
    """
    now = _aware(now)
    if ok:
        delay = BASE_INTERVAL
        if ttl is not None and ttl > BASE_INTERVAL.total_seconds():
            delay = timedelta(seconds=min(ttl, MAX_INTERVAL.total_seconds()))
    else:
        delay = backoff_delay(consecutive_errors)
    delay *= 1 - JITTER * _jitter_fraction(key, 0 if ok else consecutive_errors, now)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, timedelta(seconds=min(retry_after, MAX_RETRY_AFTER.total_seconds())))
    return now + delay


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from ``now`` (0 for a date in
    the past), or None if absent or unreadable."""
    if not value:
        return None
    seconds = _DELTA_SECONDS.fullmatch(value)
    if seconds:
        return float(seconds.group(1))
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - _aware(now)).total_seconds(), 0.0)


def cache_max_age(cache_control: str | None) -> float | None:
    """The ``max-age`` of a Cache-Control header in seconds, as a polling hint; None if absent
    or if the response says ``no-cache``/``no-store`` (which ask for no caching, not for more
    polls)."""
    if not cache_control or _NO_CACHE.search(cache_control):
        return None
    match = _MAX_AGE.search(cache_control)
    return float(match.group(1)) if match else None


def _validator(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > MAX_VALIDATOR_CHARS or not _HEADER_VALUE.fullmatch(value):
        return None
    return value


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The request headers of a conditional GET, from the validators of the last 200 answer.

    A validator that is empty, longer than ``MAX_VALIDATOR_CHARS`` or not printable ASCII
    (a CR or LF could smuggle in a header) is left out. Last-Modified is sent back as the
    server wrote it, but only if it reads as an HTTP date.
    """
    headers: dict[str, str] = {}
    tag = _validator(etag)
    if tag is not None:
        headers["If-None-Match"] = tag
    modified = _validator(last_modified)
    if modified is not None:
        try:
            parsedate_to_datetime(modified)
        except (TypeError, ValueError, IndexError, OverflowError):
            modified = None
    if modified is not None:
        headers["If-Modified-Since"] = modified
    return headers
