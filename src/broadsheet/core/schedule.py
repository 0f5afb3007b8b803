"""When a reader's newsletter is due: their hour, in their time zone, daily or on their weekday.

Pure arithmetic on aware datetimes (zoneinfo); the worker reads `Profile.next_digest_at` from
the database, so any number of workers share the schedule without cron.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

FREQUENCIES = ("off", "daily", "weekly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def zone(name: str) -> ZoneInfo | None:
    """The time zone of an IANA name ("Europe/Paris", "UTC"), or None for anything else."""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    if name not in _known():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_KNOWN: frozenset[str] | None = None


def _known() -> frozenset[str]:
    global _KNOWN
    if _KNOWN is None:
        _KNOWN = frozenset(available_timezones()) | {"UTC"}
    return _KNOWN


def zone_names() -> list[str]:
    """Every time zone name a reader may choose, sorted."""
    return sorted(_known())


def next_send(
    now: datetime, frequency: str, hour: int, weekday: int, timezone: str
) -> datetime | None:
    """The first moment after `now` (aware) at `hour`:00 local time, every day or on `weekday`
    (0 = Monday), in UTC; None when the newsletter is off.

    A local hour the clocks skip (spring forward) is sent at the same UTC offset as just
    before the change, an hour later by the clock; an hour they repeat (fall back) is sent once,
    at its first occurrence.
    """
    if frequency not in ("daily", "weekly"):
        return None
    tz = zone(timezone) or ZoneInfo("UTC")
    local_now = now.astimezone(tz)
    day = local_now.date()
    for offset in range(0, 15):
        candidate_day = day + timedelta(days=offset)
        if frequency == "weekly" and candidate_day.weekday() != weekday:
            continue
        local = datetime.combine(candidate_day, time(hour), tzinfo=tz)  # fold=0: first occurrence
        at = local.astimezone(UTC)
        if at > now:
            return at
    raise AssertionError("no send time within two weeks")  # pragma: no cover
