"""Real SMTP servers on 127.0.0.1 for the newsletter's tests.

`smtp_server()` is aiosmtpd's Controller: a real SMTP server in a thread that keeps every message
it is sent (`SmtpServer.messages`, parsed with the standard library's e-mail parser).
`hanging_smtp_server()` accepts connections and never says a word, as a stuck mail server does.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)


class _Keep:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        self.server.messages.append(message)  # type: ignore[arg-type]
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(host="127.0.0.1", port=_free_port())
    controller = Controller(_Keep(server), hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@contextmanager
def hanging_smtp_server() -> Iterator[SmtpServer]:
    """A listener that takes connections and never answers (no greeting, ever)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield SmtpServer(host="127.0.0.1", port=int(listener.getsockname()[1]))
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        listener.close()
