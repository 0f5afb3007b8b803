"""The mail-in server: aiosmtpd's SMTP protocol with the save-by-mail handler, on its own event
loop in a thread. `broadsheet mail-in` runs it until stopped; `broadsheet run` starts it beside
the web server when BROADSHEET_MAIL_IN_PORT is set; the tests start it on a free port.

Plain SMTP, no AUTH, no relaying: it takes mail for its readers' addresses only. Put it behind
the domain's MX (or a forwarding rule of the mail server) as docs/email.md shows.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from aiosmtpd.smtp import SMTP

from broadsheet.mailin.handler import SaveByMail

IDENT = "Broadsheet mail-in"
SESSION_TIMEOUT = 60  # seconds a client may stay silent
# Commands one connection may send: enough for many messages, not for trying keys by the
# thousand (each message has one recipient; a refused one may be followed by a few more).
COMMAND_LIMITS = {"RCPT": 20, "MAIL": 20, "DATA": 20, "*": 100}


class _SMTP(SMTP):
    # RFC 5321 allows 1,000 bytes a line, but newsletters are sent with longer ones and mail
    # servers pass them on: refusing them would refuse the mail readers forward. The size cap
    # still holds for the whole message.
    line_length_limit = 1 << 16


class MailInServer:
    """Listens on `host`:`port` until `stop()`. `start()` returns once the socket is bound (or
    raises OSError: the port is taken)."""

    def __init__(self, host: str, port: int, *, max_bytes: int, hostname: str) -> None:
        self.host = host
        self.port = port
        self.max_bytes = max_bytes
        self.hostname = hostname or "localhost"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    def _protocol(self) -> SMTP:
        return _SMTP(
            SaveByMail(self.max_bytes),
            data_size_limit=self.max_bytes,
            enable_SMTPUTF8=True,
            hostname=self.hostname,
            ident=IDENT,
            timeout=SESSION_TIMEOUT,
            command_call_limit=COMMAND_LIMITS,
        )

    def start(self) -> None:
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(
                    loop.create_server(self._protocol, host=self.host, port=self.port)
                )
            except OSError as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                self._server.close()
                pending = asyncio.all_tasks(loop)
                for task in pending:  # the conversations still open
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_default_executor())
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="broadsheet-mail-in", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        if self._server is not None and self.port == 0:
            self.port = int(self._server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> MailInServer:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def from_settings(host: str | None = None, port: int | None = None) -> MailInServer:
    """The server the settings describe (BROADSHEET_MAIL_IN_*), `host` and `port` overriding."""
    from django.conf import settings

    port = port if port is not None else settings.BROADSHEET_MAIL_IN_PORT
    if port is None:
        raise ValueError("no port for the mail-in server: set BROADSHEET_MAIL_IN_PORT")
    return MailInServer(
        host or settings.BROADSHEET_MAIL_IN_HOST,
        port,
        max_bytes=settings.BROADSHEET_MAIL_IN_MAX_BYTES,
        hostname=settings.BROADSHEET_MAIL_DOMAIN,
    )
