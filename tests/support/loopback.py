"""A raw-socket server on 127.0.0.1 for tests that must send anything at all (bombs, lies in
headers, drips, silence): it accepts connections in a thread and hands each socket to
``handle`` in a thread of its own. The fetch tests and the hostile corpus both build on it."""

from __future__ import annotations

import contextlib
import socket
import threading


def read_request(conn: socket.socket, limit: float | None = 5.0) -> bytes:
    """The request head (up to the blank line), or what arrived before ``limit`` seconds
    (``None``: wait as long as the client keeps the line open)."""
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


class LoopbackServer:
    """Listens on an ephemeral port of 127.0.0.1 until :meth:`close`; subclasses say what to
    do with each connection in :meth:`handle`."""

    backlog = 64

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(self.backlog)
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):  # the client hung up: fine
            self.handle(conn)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()
