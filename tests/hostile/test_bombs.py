"""Compression bombs and oversized bodies: refused as too large, quickly, in bounded memory
(cases in cases/bombs/)."""

from __future__ import annotations

import resource
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from broadsheet.fetch import FetchError, FetchOptions, Page, fetch
from tests.hostile import payloads
from tests.hostile.corpus import Case, params
from tests.hostile.servers import ScriptServer, reply

pytestmark = pytest.mark.django_db(transaction=False)


def _serve(case: Case, origin: ScriptServer, prefix: str = "") -> str:
    body = payloads.body(case.get("body"))
    headers = [("Content-Type", "text/html; charset=utf-8")]
    if case.get("encoding"):
        headers.append(("Content-Encoding", case.get("encoding")))
    if case.get("length_header"):
        headers.append(("Content-Length", case.get("length_header")))
    sends_length = case.get("content_length", True) and not case.get("length_header")
    path = f"/{prefix}{case.name}"
    origin.routes[path] = reply(200, headers, body, content_length=sends_length)
    return origin.url(path)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@pytest.mark.parametrize("case", params("bombs"))
def test_bomb_is_bounded(case: Case, origin: ScriptServer) -> None:
    payloads.body(case.get("body"))  # built before the clock and the memory count start
    url = _serve(case, origin)
    options = FetchOptions(allow_private=frozenset({f"127.0.0.1:{origin.port}"}), deadline=30)
    rss_before = _rss_mb()
    tracemalloc.start()
    start = time.perf_counter()
    outcome: Page | FetchError
    try:
        outcome = fetch(url, options=options)
    except FetchError as exc:
        outcome = exc
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    expect = case.expect
    assert elapsed < expect["max_seconds"], f"took {elapsed:.1f}s"
    assert peak / (1 << 20) < expect["max_memory_mb"], f"peak {peak / (1 << 20):.0f} MB"
    assert _rss_mb() - rss_before < expect["max_memory_mb"]
    if expect.get("ok"):
        assert isinstance(outcome, Page), outcome
        if expect.get("raw"):  # served without Content-Encoding: the bytes as sent
            assert outcome.content == payloads.body(case.get("body"))
        else:
            assert outcome.content.startswith(b"<!doctype html>")
    else:
        assert isinstance(outcome, FetchError), "the bomb was accepted"
        assert outcome.code in expect["error"], outcome
        if "reason" in expect:
            assert outcome.reason == expect["reason"]


@pytest.mark.parametrize("case", params("bombs", where="save"))
def test_bomb_through_the_save_path(
    case: Case, save_and_run: Callable[[str], Any], hostile_pipeline: ScriptServer
) -> None:
    url = _serve(case, hostile_pipeline, prefix="save-")
    start = time.perf_counter()
    item = save_and_run(url)
    assert time.perf_counter() - start < 20
    assert item.status == "failed"
    if case.expect.get("ok"):
        assert item.error_code == case.expect["save_error"]
    else:
        assert item.error_code in case.expect["error"]
        assert item.error == case.expect["reason"]
    assert item.html == ""
