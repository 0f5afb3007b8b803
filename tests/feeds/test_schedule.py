"""The polling schedule: base interval, hints, jittered backoff, Retry-After, validators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.feeds import (
    BASE_INTERVAL,
    FIRST_RETRY,
    JITTER,
    MAX_INTERVAL,
    MAX_RETRY_AFTER,
    MAX_VALIDATOR_CHARS,
    backoff_delay,
    cache_max_age,
    conditional_headers,
    next_poll_after,
    parse_retry_after,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
HOUR = 3600.0


def delay(**kwargs: object) -> float:
    return (next_poll_after(NOW, **kwargs) - NOW).total_seconds()  # type: ignore[arg-type]


def test_the_documented_values() -> None:
    assert timedelta(hours=1) == BASE_INTERVAL
    assert timedelta(minutes=15) == FIRST_RETRY
    assert MAX_INTERVAL == MAX_RETRY_AFTER == timedelta(hours=24)
    assert JITTER == 0.1


def test_a_good_poll_waits_the_base_interval_less_jitter() -> None:
    for key in ("feed-1", "feed-2", "feed-3"):
        assert 0.9 * HOUR <= delay(ok=True, key=key) <= HOUR


def test_jitter_is_deterministic_and_spreads_feeds() -> None:
    assert delay(ok=True, key="feed-1") == delay(ok=True, key="feed-1")
    spread = {delay(ok=True, key=f"feed-{i}") for i in range(50)}
    assert len(spread) == 50
    assert max(spread) - min(spread) > 0.05 * HOUR


def test_hints_lengthen_but_never_shorten_and_are_capped() -> None:
    assert 0.9 * HOUR <= delay(ok=True, ttl=60) <= HOUR
    assert 0.9 * 3 * HOUR <= delay(ok=True, ttl=3 * HOUR) <= 3 * HOUR
    assert 0.9 * 24 * HOUR <= delay(ok=True, ttl=1e30) <= 24 * HOUR
    assert 0.9 * HOUR <= delay(ok=True, ttl=float("nan")) <= HOUR


def test_errors_back_off_exponentially_up_to_the_cap() -> None:
    expected = [15, 30, 60, 120, 240, 480, 960, 1440, 1440, 1440]
    for errors, minutes in enumerate(expected, start=1):
        assert backoff_delay(errors) == timedelta(minutes=minutes)
        got = delay(ok=False, consecutive_errors=errors, key="k")
        assert 0.9 * minutes * 60 <= got <= minutes * 60
    assert backoff_delay(0) == FIRST_RETRY  # "failed" with no count is a first failure
    assert backoff_delay(10**9) == MAX_INTERVAL


def test_errors_are_ignored_after_a_good_poll() -> None:
    assert delay(ok=True, consecutive_errors=12, key="k") == delay(ok=True, key="k")


def test_retry_after_is_a_lower_bound_within_its_cap() -> None:
    assert delay(ok=False, consecutive_errors=1, retry_after=7200) == 7200
    assert delay(ok=False, consecutive_errors=1, retry_after=10 * 86400) == 86400
    assert 0.9 * 15 * 60 <= delay(ok=False, consecutive_errors=1, retry_after=5) <= 15 * 60
    assert delay(ok=True, retry_after=2 * HOUR) == 2 * HOUR
    assert 0.9 * HOUR <= delay(ok=True, retry_after=-5) <= HOUR


def test_now_must_be_aware_and_the_answer_is_utc() -> None:
    with pytest.raises(ValueError):
        next_poll_after(datetime(2025, 1, 1), ok=True)
    plus_two = timezone(timedelta(hours=2))
    when = next_poll_after(datetime(2025, 6, 1, 14, 0, tzinfo=plus_two), ok=True, key="k")
    assert when.tzinfo is UTC
    assert when == next_poll_after(NOW, ok=True, key="k")


@settings(max_examples=200, deadline=None)
@given(
    ok=st.booleans(),
    errors=st.integers(0, 10_000),
    retry_after=st.none() | st.floats(allow_nan=True, allow_infinity=True),
    ttl=st.none() | st.floats(allow_nan=True, allow_infinity=True),
    key=st.text(max_size=20),
)
def test_the_next_poll_is_always_between_the_bounds(
    ok: bool, errors: int, retry_after: float | None, ttl: float | None, key: str
) -> None:
    got = next_poll_after(
        NOW, ok=ok, consecutive_errors=errors, retry_after=retry_after, ttl=ttl, key=key
    )
    low = (1 - JITTER) * (BASE_INTERVAL if ok else FIRST_RETRY)
    assert NOW + low <= got <= NOW + MAX_INTERVAL
    if retry_after is not None and retry_after > 0:
        assert got >= NOW + min(timedelta(seconds=min(retry_after, 1e9)), MAX_RETRY_AFTER)


def test_parse_retry_after() -> None:
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after(" 0 ", NOW) == 0
    assert parse_retry_after("Sun, 01 Jun 2025 13:30:00 GMT", NOW) == 5400
    assert parse_retry_after("Sat, 01 Jan 2000 00:00:00 GMT", NOW) == 0
    for junk in (None, "", "soon", "-5", "1.5", "99999999999999999999", "Mon, 99 Foo"):
        assert parse_retry_after(junk, NOW) is None, junk


def test_cache_max_age() -> None:
    assert cache_max_age("public, max-age=3600") == 3600
    assert cache_max_age('max-age="600", must-revalidate') == 600
    assert cache_max_age("s-maxage=100") is None
    assert cache_max_age("no-cache, max-age=3600") is None
    assert cache_max_age("private, no-store") is None
    assert cache_max_age(None) is None


def test_conditional_headers_send_back_valid_validators_only() -> None:
    assert conditional_headers('"abc123"', "Sun, 01 Jun 2025 10:00:00 GMT") == {
        "If-None-Match": '"abc123"',
        "If-Modified-Since": "Sun, 01 Jun 2025 10:00:00 GMT",
    }
    assert conditional_headers('W/"weak"', None) == {"If-None-Match": 'W/"weak"'}
    assert conditional_headers(None, "yesterday") == {}
    assert conditional_headers('"a"\r\nX-Injected: 1', None) == {}
    assert conditional_headers('"' + "a" * MAX_VALIDATOR_CHARS + '"', None) == {}
    assert conditional_headers('"ünï"', None) == {}
    assert conditional_headers("   ", "") == {}
