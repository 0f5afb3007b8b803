"""Size caps (also after decompression) and the one deadline for the whole fetch."""

from __future__ import annotations

import socket
import threading
import time
import tracemalloc
from collections.abc import Callable

import pytest

from broadsheet.fetch import FetchOptions, Timeout, TooLarge, fetch
from broadsheet.fetch.errors import describe_size

from .conftest import RawServer, Reply, RoutedServer, read_request

MIB = 1 << 20
RawServerFactory = Callable[[Callable[[socket.socket, threading.Event], None]], RawServer]


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_compression_bombs_are_cut_at_the_cap(
    server: RoutedServer, request: pytest.FixtureRequest, encoding: str
) -> None:
    bomb: bytes = request.getfixturevalue(
        {"gzip": "gzip_bomb", "br": "brotli_bomb", "zstd": "zstd_bomb"}[encoding]
    )
    assert len(bomb) < 1.1 * MIB  # ... that inflates to 1 GiB
    server.routes["/"] = Reply(
        headers=[("Content-Type", "text/html"), ("Content-Encoding", encoding)], body=bomb
    )
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(TooLarge) as info:
            fetch(server.url(), options=server.allow)
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(info.value) == "The page is larger than 10 MiB."
    assert info.value.code == "too_large"
    assert elapsed < 5
    assert peak < 40 * MIB, f"peak {peak / MIB:.1f} MiB"


def test_small_cap_is_enforced_after_decompression(server: RoutedServer, gzip_bomb: bytes) -> None:
    server.routes["/"] = Reply(
        headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body=gzip_bomb
    )
    options = FetchOptions(allow_private=True, max_bytes=256 * 1024)
    with pytest.raises(TooLarge) as info:
        fetch(server.url(), options=options)
    assert str(info.value) == "The page is larger than 256 KiB."


def test_body_exactly_at_the_cap_is_fine(server: RoutedServer) -> None:
    body = b"<html><body>" + b"x" * (4096 - 12)
    server.routes["/"] = Reply(headers=[("Content-Type", "text/html")], body=body)
    assert (
        fetch(server.url(), options=FetchOptions(allow_private=True, max_bytes=4096)).content
        == body
    )
    with pytest.raises(TooLarge):
        fetch(server.url(), options=FetchOptions(allow_private=True, max_bytes=4095))


def test_large_uncompressed_body_without_length(server: RoutedServer) -> None:
    server.routes["/"] = Reply(
        headers=[("Content-Type", "text/html")],
        body=b"<html>" + b"x" * (2 * MIB),
        content_length=False,
    )
    with pytest.raises(TooLarge):
        fetch(server.url(), options=FetchOptions(allow_private=True, max_bytes=MIB))


def test_content_length_over_the_cap_is_refused_before_reading(
    raw_server: RawServerFactory,
) -> None:
    sent = threading.Event()

    def liar(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20971520\r\n\r\n<html>"
        )
        sent.set()
        stop.wait(10)  # would take forever to send 20 MiB

    srv = raw_server(liar)
    started = time.monotonic()
    with pytest.raises(TooLarge):
        fetch(srv.url(), options=srv.allow)
    assert time.monotonic() - started < 1


def test_slow_drip_is_cut_at_the_deadline(raw_server: RawServerFactory) -> None:
    """Every read succeeds within a per-read timeout; only a whole-fetch deadline stops this."""

    def drip(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        )
        while not stop.wait(0.1):
            conn.sendall(b"<")

    srv = raw_server(drip)
    started = time.monotonic()
    with pytest.raises(Timeout) as info:
        fetch(srv.url(), options=FetchOptions(allow_private=True, deadline=1.5))
    elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 2.0
    assert str(info.value) == "The page took too long."
    assert info.value.code == "timeout"


def test_slow_drip_of_headers_is_cut_at_the_deadline(raw_server: RawServerFactory) -> None:
    def drip_headers(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stop.wait(0.1):
            conn.sendall(b"X-Slow: a\r\n")

    srv = raw_server(drip_headers)
    started = time.monotonic()
    with pytest.raises(Timeout):
        fetch(srv.url(), options=FetchOptions(allow_private=True, deadline=1.5))
    assert time.monotonic() - started < 2.0


def test_never_answering_server(raw_server: RawServerFactory) -> None:
    def silent(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        stop.wait(30)

    srv = raw_server(silent)
    started = time.monotonic()
    with pytest.raises(Timeout):
        fetch(srv.url(), options=FetchOptions(allow_private=True, deadline=1.5))
    assert 1.4 < time.monotonic() - started < 2.0


def test_deadline_covers_redirects(raw_server: RawServerFactory) -> None:
    """Each hop is quick, but together they must not outlast the one deadline."""

    def slow_redirect(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        stop.wait(0.6)
        conn.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: /again\r\n"
            b"Content-Length: 0\r\nConnection: close\r\n\r\n"
        )

    srv = raw_server(slow_redirect)
    started = time.monotonic()
    with pytest.raises(Timeout):
        fetch(srv.url(), options=FetchOptions(allow_private=True, deadline=1.5, max_redirects=5))
    assert time.monotonic() - started < 2.0


def test_describe_size() -> None:
    assert describe_size(10 * MIB) == "10 MiB"
    assert describe_size(MIB + MIB // 2) == "1.5 MiB"
    assert describe_size(2048) == "2 KiB"
    assert describe_size(100) == "100 bytes"
