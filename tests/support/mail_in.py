"""Talking to Broadsheet's own mail-in server over real SMTP on 127.0.0.1.

`mail_in_server()` starts `broadsheet.mailin.server.MailInServer` on a free port in a thread of
the test process (so it shares the test database); `deliver()` speaks SMTP to it with smtplib,
step by step, and says where the conversation ended and with which reply.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from broadsheet.mailin.server import MailInServer

DOMAIN = "mail.broadsheet.test"


@contextmanager
def mail_in_server(*, max_bytes: int = 10 * 1024 * 1024) -> Iterator[MailInServer]:
    server = MailInServer("127.0.0.1", 0, max_bytes=max_bytes, hostname=DOMAIN)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class Reply:
    stage: str  # "rcpt" or "data": where the server gave its last answer
    code: int
    text: str

    @property
    def saved(self) -> bool:
        return self.stage == "data" and self.code == 250 and self.text.startswith("2.0.0 Saved")


@dataclass(frozen=True)
class Endpoint:
    """Where an SMTP server listens (a `broadsheet mail-in` in another process)."""

    host: str
    port: int


def deliver(
    server: MailInServer | Endpoint,
    to: str | list[str],
    message: EmailMessage | bytes,
    *,
    sender: str = "reader@example.org",
) -> Reply:
    raw = message.as_bytes() if isinstance(message, EmailMessage) else message
    # On the wire every line ends in CR LF (smtplib fixes the line ends of text, not of bytes).
    raw = re.sub(rb"\r?\n", b"\r\n", raw)
    recipients = [to] if isinstance(to, str) else to
    with smtplib.SMTP(server.host, server.port, timeout=60) as smtp:
        smtp.ehlo("client.example.org")
        smtp.mail(sender)
        for rcpt in recipients:
            code, text = smtp.rcpt(rcpt)
            if code != 250:
                return Reply("rcpt", code, text.decode("ascii", "replace"))
        try:
            code, text = smtp.data(raw)
        except smtplib.SMTPDataError as exc:  # the 354 never came
            return Reply("data", exc.smtp_code, exc.smtp_error.decode("ascii", "replace"))
        return Reply("data", code, text.decode("ascii", "replace"))


def message(
    *,
    subject: str = "A story",
    text: str | None = None,
    html: str | None = None,
    sender: str = "Reader <reader@example.org>",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = "someone@example.org"
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    if text is not None:
        msg.set_content(text)
    if html is not None:
        if text is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    return msg
