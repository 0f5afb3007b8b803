"""The SMTP conversation (an aiosmtpd handler): who may receive, and what a message does.

- RCPT: the recipient must be a reader's live address (`save+KEY@BROADSHEET_MAIL_DOMAIN`), else
  `550 5.1.1`; one recipient per message (`452 4.5.3` for a second one: the sender's server
  sends it again on its own); a reader whose hourly allowance is spent gets `450 4.7.1` (the
  sender's server tries again later).
- DATA: over `BROADSHEET_MAIL_IN_MAX_BYTES` is `552` (aiosmtpd stops keeping the bytes at the
  limit); a message whose shape is refused (`mailin.parse`) is `554 5.6.0`; otherwise it is
  counted against the allowance and saved through core, and the answer is `250` whatever core
  said (the limit reached, already saved, nothing to save): nothing is ever mailed back, the
  outcome is logged and given in the reply's text.

The database is reached from a worker thread (`asyncio.to_thread`): Django's ORM is synchronous,
and the event loop keeps serving other connections meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import close_old_connections, connections

from broadsheet.core import mailkeys, mailsave, services
from broadsheet.core.errors import RateLimited
from broadsheet.mailin import parse

log = logging.getLogger("broadsheet.mailin")

T = TypeVar("T")


def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run `fn` on this worker thread's database connection, closed afterwards: the executor's
    threads outlive the call, and a connection kept open per thread would pile up."""
    close_old_connections()
    try:
        return fn(*args)
    finally:
        connections.close_all()


async def _db(fn: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(_in_thread, fn, *args)


def _reply_text(text: str) -> str:
    """Our words on one line of ASCII, as an SMTP reply must be."""
    return " ".join(text.encode("ascii", "replace").decode("ascii").split())[:400]


def _rate_limited(wait: int) -> str:
    return "450 4.7.1 " + _reply_text(RateLimited(wait, mailkeys.RATE_WHAT).message)


NO_SUCH_ADDRESS = "550 5.1.1 No such address here"


def _check_recipient(address: str) -> str | None:
    """The refusal of a recipient, or None when it is a reader's address with room this hour."""
    user = mailkeys.user_for_recipient(address)
    if user is None:
        log.info("mail refused: no such address")
        return NO_SUCH_ADDRESS
    wait = mailkeys.retry_after(user)
    if wait:
        log.info("mail for user %s refused at RCPT: rate limited", user.pk)
        return _rate_limited(wait)
    return None


def _deliver(address: str, mailed: mailsave.Mailed) -> str:
    """Count the message against the reader's allowance and save what it holds; the reply."""
    user = mailkeys.user_for_recipient(address)
    if user is None:  # the address was retired during the conversation
        return NO_SUCH_ADDRESS
    try:
        services.begin_mail_message(user)
    except RateLimited as exc:
        log.info("mail for user %s refused: rate limited", user.pk)
        return _rate_limited(exc.retry_after)
    result = mailsave.save_mailed(user, mailed)
    return "250 2.0.0 " + _reply_text(result.detail)


class SaveByMail:
    """The handler aiosmtpd calls; `max_bytes` is checked again on the data it hands over."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if envelope.rcpt_tos:
            return "452 4.5.3 One recipient per message, please"
        refusal = await _db(_check_recipient, address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content or b""
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        if len(data) > self.max_bytes:
            return "552 5.3.4 Message too big"
        try:
            mailed = await asyncio.to_thread(parse.read, bytes(data))
        except parse.Unreadable as exc:
            log.info("mail refused: %s", exc)
            return "554 5.6.0 " + _reply_text(str(exc))
        return await _db(_deliver, envelope.rcpt_tos[0], mailed)

    async def handle_exception(self, error: Exception) -> str:
        """Our failure (the database away for a moment): the sender's server tries again later,
        and the reason stays in our log, not in the reply."""
        log.error("mail-in failed", exc_info=error)
        return "451 4.3.0 Temporary failure, try again later"
