"""The error answers through the real server (waitress and the whole middleware stack), not the test
client: a 24 MB body (past even a save's limit, which may bring a page's HTML), sent with a length
or chunked, an unknown address, a method the address does not have. Each is JSON in the error
shape."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow

TOO_LARGE = 24 * 1024 * 1024  # a save takes 20 MiB and 64 KiB (BROADSHEET_SAVE_HTML_MAX_BYTES)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("api-errors"), workers=0) as live:
        yield live


def _request(
    server: LiveServer,
    method: str,
    path: str,
    body: bytes | Iterator[bytes] | None = None,
    **kw: Any,
) -> tuple[int, dict[str, str], dict[str, Any]]:
    parts = urlsplit(server.base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"}, **kw)
        r = conn.getresponse()
        raw = r.read()
        headers = {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()
    assert headers["content-type"].startswith("application/json"), (r.status, raw[:200])
    return r.status, headers, json.loads(raw)


def test_a_24_mb_body_is_413_too_large(server: LiveServer) -> None:
    body = b'{"url": "https://news.example/' + b"a" * TOO_LARGE + b'"}'
    status, _, answer = _request(server, "POST", "/api/v1/items", body)
    assert status == 413 and answer["error"]["code"] == "too_large"


def test_a_chunked_24_mb_body_is_413_too_large(server: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"url": "https://news.example/'
        for _ in range(24):
            yield b"a" * (1024 * 1024)
        yield b'"}'

    status, _, answer = _request(server, "POST", "/api/v1/items", chunks(), encode_chunked=True)
    assert status == 413 and answer["error"]["code"] == "too_large"


def test_an_unknown_address_and_a_wrong_method(server: LiveServer) -> None:
    status, _, answer = _request(server, "GET", "/api/v1/no-such-thing")
    assert status == 404 and answer["error"]["code"] == "not_found"
    status, headers, answer = _request(server, "PUT", "/api/v1/items", b"{}")
    assert status == 405 and answer["error"]["code"] == "method_not_allowed"
    assert headers["allow"] == "GET, POST"


def test_the_schema_is_served(server: LiveServer) -> None:
    status, _, doc = _request(server, "GET", "/api/v1/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.1")
