"""Servers on 127.0.0.1 for the fetch tests: a routed HTTP server and a raw-socket one."""

from __future__ import annotations

import http.server
import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import brotli
import pytest
import zstandard

from broadsheet.fetch import FetchOptions
from tests.support.loopback import LoopbackServer, read_request

__all__ = ["RawServer", "Reply", "RoutedServer", "read_request"]


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "text/html")])
    body: bytes = b"<!doctype html><html><body><p>Hello</p></body></html>"
    content_length: bool = True  # send Content-Length (else the body ends with the connection)


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class RoutedServer:
    """A threaded HTTP/1.0 server; ``routes[path]`` is a Reply or a function of the handler."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Handler] = {"/": Reply()}
        self.requests: list[tuple[str, dict[str, str]]] = []
        outer = self

        class RequestHandler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = outer.routes.get(self.path.split("?")[0])
                if route is None:
                    route = Reply(status=404, body=b"<html><body>not here</body></html>")
                if callable(route):
                    route(self)
                    return
                self.send_response(route.status)
                for name, value in route.headers:
                    self.send_header(name, value)
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.port: int = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def allow(self) -> FetchOptions:
        """Options that let the fetch reach this server (and nothing else non-public)."""
        return FetchOptions(allow_private=frozenset({f"127.0.0.1:{self.port}"}))


@pytest.fixture
def server() -> Iterator[RoutedServer]:
    srv = RoutedServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


class RawServer(LoopbackServer):
    """Hands each connection to ``handler`` (which reads the request itself, or not)."""

    backlog = 16

    def __init__(self, handler: Callable[[socket.socket, threading.Event], None]) -> None:
        self.handler = handler
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        self.handler(conn, self.stop)

    @property
    def allow(self) -> FetchOptions:
        return FetchOptions(allow_private=frozenset({f"127.0.0.1:{self.port}"}))


@pytest.fixture
def raw_server() -> Iterator[
    Callable[[Callable[[socket.socket, threading.Event], None]], RawServer]
]:
    servers: list[RawServer] = []

    def start(handler: Callable[[socket.socket, threading.Event], None]) -> RawServer:
        srv = RawServer(handler)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.close()


# --- compression bombs: tiny bodies that inflate to 1 GiB of zeros ---------------------------

GIB = 1 << 30


@pytest.fixture(scope="session")
def gzip_bomb() -> bytes:
    """A valid ~1 MB gzip of 1 GiB of zeros (deflate cannot beat ~1:1032), built in a blink:
    after a full flush, every further MiB of zeros compresses to the same bytes."""
    mib = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush()[:-8]  # the last (empty) block; the trailer is rebuilt for 1 GiB
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(mib, crc)
    return first + block * 1023 + final + struct.pack("<II", crc, GIB & 0xFFFFFFFF)


@pytest.fixture(scope="session")
def brotli_bomb() -> bytes:
    mib = bytes(1 << 20)
    compressor = brotli.Compressor(quality=1)
    parts = [compressor.process(mib) for _ in range(1024)]
    return b"".join([*parts, compressor.finish()])


@pytest.fixture(scope="session")
def zstd_bomb() -> bytes:
    mib = bytes(1 << 20)
    compressor = zstandard.ZstdCompressor(level=3).compressobj()
    parts = [compressor.compress(mib) for _ in range(1024)]
    return b"".join([*parts, compressor.flush()])
