"""Hostile mail: each case of cases/mail/ is sent over real SMTP to the mail-in server on
127.0.0.1, for a reader's address; the reply is the one expected, nothing hangs, and what is
saved is safe: stored HTML without script, titles on one line."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import mailkeys, services
from broadsheet.core.models import Item
from broadsheet.extract import sanitize_html
from broadsheet.mailin.server import MailInServer
from tests.hostile.corpus import Case, params
from tests.hostile.mail import LINK, build
from tests.hostile.pages import stored_html_problems
from tests.support.mail_in import DOMAIN, deliver, mail_in_server

# A hostile message is answered within this many seconds (a parse that grows faster than the
# message would take minutes).
MAX_SECONDS = 15


@pytest.fixture
def mail_in(transactional_db: None, settings: Any) -> Iterator[MailInServer]:
    settings.BROADSHEET_MAIL_DOMAIN = DOMAIN
    settings.BROADSHEET_MAIL_IN_RATE = 0
    with mail_in_server(max_bytes=10 * 1024 * 1024) as server:
        yield server


@pytest.mark.slow
@pytest.mark.parametrize("case", params("mail"))
def test_hostile_mail(
    case: Case,
    mail_in: MailInServer,
    alice: AbstractBaseUser,
    run_tasks: Callable[[], int],
) -> None:
    services.new_mail_key(alice)
    to = mailkeys.address_of(alice)
    assert to is not None
    raw = build(case)
    started = time.monotonic()
    reply = deliver(mail_in, to, raw)
    assert time.monotonic() - started < MAX_SECONDS, "the server took too long"
    expect = case.expect
    assert (reply.stage, reply.code) == (expect.get("stage", "data"), expect["smtp"]), reply
    saved = expect.get("saved", "nothing")
    items = list(Item.objects.filter(user=alice))
    if saved == "nothing":
        assert items == []
        return
    assert len(items) == 1, reply
    if saved == "link":
        assert items[0].url == expect.get("url", LINK)
        return
    assert saved == "newsletter"
    run_tasks()
    item = Item.objects.get(pk=items[0].pk)
    assert item.status == "ready", f"{item.error_code}: {item.error}"
    assert stored_html_problems(item.html) == []
    assert sanitize_html(item.html, base_url=item.final_url) == item.html
    low = item.html.lower()
    for absent in expect.get("absent", []):
        assert absent.lower() not in low, f"{absent!r} survived"
    for field in (item.title, item.site_name, item.byline):
        # One line of text (markup in it is text: every output escapes it, cases/titles/).
        assert "\n" not in field and "\r" not in field and "\x00" not in field
    for absent in expect.get("title_absent", []):
        assert absent.lower() not in item.title.lower()
        assert absent.lower() not in item.site_name.lower()
    for present in expect.get("present", []):
        assert present in item.text
