"""Loopback servers for the hostile corpus: a raw-socket server that plays scripted replies
(so a case can send anything at all: bombs, lies in headers, drips, silence) and a proxy that
only records whether anyone used it."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from tests.support.loopback import LoopbackServer, read_request

Route = Callable[[socket.socket, threading.Event], None]


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


class ScriptServer(LoopbackServer):
    """Reads each request and hands the socket to the route for its path (404 otherwise).
    ``hits`` lists the paths asked for, in order."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.hits: list[str] = []
        self.lock = threading.Lock()
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
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


@contextlib.contextmanager
def script_server(routes: dict[str, Route] | None = None) -> Iterator[ScriptServer]:
    server = ScriptServer(routes)
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
