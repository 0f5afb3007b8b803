"""Loopback servers for the hostile corpus: a raw-socket server that plays scripted replies
(so a case can send anything at all: bombs, lies in headers, drips, silence) and a proxy that
only records whether anyone used it."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

Route = Callable[[socket.socket, threading.Event], None]


def read_request(conn: socket.socket, limit: float = 5.0) -> bytes:
    """The request head (up to the blank line), or what arrived before ``limit`` seconds."""
    conn.settimeout(limit)
    data = b""
    with contextlib.suppress(OSError):
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    conn.settimeout(None)
    return data


def reply(
    status: int = 200,
    headers: Sequence[tuple[str, str]] = (("Content-Type", "text/html; charset=utf-8"),),
    body: bytes = b"",
    *,
    content_length: bool = True,
    reason: str = "OK",
) -> Route:
    """A route answering once with ``status``, ``headers`` and ``body``, then closing."""
    head = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers)]
    if content_length:
        head.append(f"Content-Length: {len(body)}")
    head.append("Connection: close")
    raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body

    def route(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(raw)

    return route


def script(steps: Sequence[dict[str, Any]]) -> Route:
    """A route playing ``steps``: ``{"send": text}``, ``{"sleep": s}``, ``{"close": true}``,
    ``{"drip": text, "every": s}`` (repeat forever, one piece every s seconds),
    ``{"silence": true}`` (hold the connection open and say nothing)."""

    def route(conn: socket.socket, stop: threading.Event) -> None:
        for step in steps:
            if "send" in step:
                conn.sendall(str(step["send"]).encode("latin-1"))
            elif "sleep" in step:
                stop.wait(float(step["sleep"]))
            elif step.get("close"):
                return
            elif "drip" in step:
                piece = str(step["drip"]).encode("latin-1")
                while not stop.is_set():
                    conn.sendall(piece)
                    stop.wait(float(step["every"]))
            elif step.get("silence"):
                stop.wait(60)

    return route


@dataclass
class ScriptServer:
    """Accepts connections on 127.0.0.1, reads each request, and hands the socket to the route
    for its path (404 otherwise). ``hits`` lists the paths asked for, in order."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    read_first: bool = True

    def __post_init__(self) -> None:
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            request = read_request(conn)
            parts = request.split(b" ", 2)
            path = parts[1].decode("latin-1").split("?")[0] if len(parts) > 2 else ""
            with self.lock:
                self.hits.append(path)
            route = self.routes.get(path) or reply(404, body=b"<p>not here</p>")
            route(conn, self.stop)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_WR)
            # Let the client read everything before the socket goes away.
            conn.settimeout(1)
            with contextlib.suppress(OSError):
                while conn.recv(4096):
                    pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


@contextlib.contextmanager
def script_server(routes: dict[str, Route] | None = None) -> Iterator[ScriptServer]:
    server = ScriptServer(routes=dict(routes or {}))
    try:
        yield server
    finally:
        server.close()


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` passes; whether it held."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class EveryPath(dict[str, Route]):
    """A route table that answers every path with the same route."""

    def __init__(self, route: Route) -> None:
        super().__init__()
        self.route = route

    def get(self, key: str, default: Any = None) -> Route:  # type: ignore[override]
        return self.route
