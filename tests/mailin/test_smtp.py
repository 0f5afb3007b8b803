"""Save by e-mail, end to end: real SMTP on 127.0.0.1 to the mail-in server, the real save path
and the real background task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import services
from broadsheet.core.models import Item, LoginFailure
from broadsheet.mailin.server import MailInServer
from tests.conftest import story_text
from tests.hostile.pages import stored_html_problems
from tests.mailin.conftest import address_of
from tests.support.fixture_server import FixtureServer
from tests.support.mail_in import deliver, mail_in_server, message

pytestmark = pytest.mark.slow


def newsletter_html(*, view_online: str | None = None, seed: int = 3) -> str:
    paragraphs = "".join(f"<p>{story_text(seed + i, 60)}</p>" for i in range(4))
    top = (
        f'<p><a href="{view_online}">View this email in your browser</a></p>' if view_online else ""
    )
    return (
        "<!DOCTYPE html><html><head><title></title>"
        "<script>document.title='pwned'</script></head><body>"
        f"{top}<table><tr><td><h1>The Harbour Letter</h1>{paragraphs}"
        '<p><a href="https://example.org/one">First story</a> and '
        '<a href="https://example.org/two">another</a>.</p>'
        '<p><img src="https://example.org/x.png" onerror="alert(1)" alt="chart"></p>'
        '<p><a href="javascript:alert(2)" onclick="steal()">Click here</a></p>'
        '<p><a href="https://example.org/unsubscribe?u=1">Unsubscribe</a></p>'
        "</td></tr></table></body></html>"
    )


def test_a_link_saves_the_story_for_the_reader_it_was_sent_to(
    mail_in: MailInServer,
    alice: AbstractBaseUser,
    bob: AbstractBaseUser,
    pipeline: FixtureServer,
    run_tasks: Callable[[], int],
) -> None:
    to_alice = address_of(alice)
    address_of(bob)
    url = pipeline.article("mailed-link")
    text = f"Have a look at this:\n\n{url}\n\n-- \nSent from my phone\nhttps://example.org/sig\n"
    reply = deliver(mail_in, to_alice, message(subject="Look", text=text))
    assert reply.saved, reply
    assert reply.text == "2.0.0 Saved the link."
    items = list(Item.objects.filter(user=alice))
    assert [i.url for i in items] == [url]
    assert not Item.objects.filter(user=bob).exists()
    run_tasks()
    item = Item.objects.get(user=alice)
    assert item.status == "ready", item.error
    assert pipeline.count("/article/mailed-link") == 1


def test_a_link_in_the_subject_is_saved(mail_in: MailInServer, alice: AbstractBaseUser) -> None:
    reply = deliver(
        mail_in,
        address_of(alice),
        message(subject="https://news.example.org/2024/story?utm_source=mail", text=""),
    )
    assert reply.saved, reply
    assert Item.objects.get(user=alice).url == "https://news.example.org/2024/story?utm_source=mail"


def test_a_newsletter_becomes_a_ready_item_with_its_text_and_no_script(
    mail_in: MailInServer, alice: AbstractBaseUser, run_tasks: Callable[[], int]
) -> None:
    reply = deliver(
        mail_in,
        address_of(alice),
        message(
            subject="Fwd: The Harbour Letter, issue 12",
            sender="The Harbour Letter <letters@harbour.example>",
            text="Plain version with https://example.org/one and https://example.org/two",
            html=newsletter_html(),
            message_id="<issue-12@harbour.example>",
        ),
    )
    assert reply.text == "2.0.0 Saved the newsletter.", reply
    item = Item.objects.get(user=alice)
    assert item.url.startswith("https://newsletter.invalid/")
    run_tasks()
    item.refresh_from_db()
    assert item.status == "ready", f"{item.error_code}: {item.error}"
    assert story_text(3, 60)[:80] in item.text
    assert item.title == "The Harbour Letter, issue 12"
    assert item.site_name == "The Harbour Letter"
    assert stored_html_problems(item.html) == []
    low = item.html.lower()
    for absent in ("<script", "onerror", "onclick", "javascript:", "pwned"):
        assert absent not in low
    # The same message again (same Message-ID) is the same item.
    again = deliver(
        mail_in,
        address_of_existing(alice),
        message(subject="x", html=newsletter_html(), message_id="<issue-12@harbour.example>"),
    )
    assert again.text == "2.0.0 Not saved: You have already saved this item.", again
    assert Item.objects.filter(user=alice).count() == 1


def address_of_existing(user: AbstractBaseUser) -> str:
    from broadsheet.core import mailkeys

    address = mailkeys.address_of(user)
    assert address is not None
    return address


def test_a_newsletter_with_a_view_online_link_is_saved_under_it(
    mail_in: MailInServer, alice: AbstractBaseUser, run_tasks: Callable[[], int]
) -> None:
    online = "https://harbour.example/issues/12?utm_medium=email"
    reply = deliver(mail_in, address_of(alice), message(html=newsletter_html(view_online=online)))
    assert reply.text == "2.0.0 Saved the newsletter.", reply
    run_tasks()
    item = Item.objects.get(user=alice)
    assert item.url == online
    assert item.status == "ready", item.error  # from the mail: harbour.example was never asked


def test_an_unknown_a_retired_and_a_foreign_address_are_refused_at_rcpt(
    mail_in: MailInServer, alice: AbstractBaseUser
) -> None:
    old = address_of(alice)
    new = address_of(alice)
    key = new.split("+", 1)[1].split("@", 1)[0]
    for to in (
        old,  # retired by the new one
        "save+" + "0" * 32 + "@mail.broadsheet.test",
        f"save+{key}@elsewhere.example",
        f"other+{key}@mail.broadsheet.test",
        "postmaster@mail.broadsheet.test",
    ):
        reply = deliver(mail_in, to, message(text="https://example.org/a"))
        assert (reply.stage, reply.code) == ("rcpt", 550), (to, reply)
    assert deliver(mail_in, new.upper(), message(text="https://example.org/a")).saved
    assert Item.objects.filter(user=alice).count() == 1


def test_one_recipient_per_message(mail_in: MailInServer, alice: AbstractBaseUser) -> None:
    to = address_of(alice)
    reply = deliver(mail_in, [to, to], message(text="https://example.org/a"))
    assert (reply.stage, reply.code) == ("rcpt", 452)


def test_a_message_over_the_size_cap_is_refused_with_552(
    transactional_db: None, mail_settings: Any, alice: AbstractBaseUser
) -> None:
    to = address_of(alice)
    with mail_in_server(max_bytes=20_000) as server:
        big = message(text="https://example.org/a\n" + ("x" * 70 + "\n") * 400)
        reply = deliver(server, to, big)
        assert (reply.stage, reply.code) == ("data", 552)
        assert deliver(server, to, message(text="https://example.org/a")).saved
    assert Item.objects.filter(user=alice).count() == 1


def test_the_hourly_allowance_per_reader(
    mail_in: MailInServer, mail_settings: Any, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    mail_settings.BROADSHEET_MAIL_IN_RATE = 2
    to = address_of(alice)
    for n in range(2):
        assert deliver(mail_in, to, message(text=f"https://example.org/{n}")).saved
    reply = deliver(mail_in, to, message(text="https://example.org/late"))
    assert (reply.stage, reply.code) == ("rcpt", 450), reply
    assert "Too many messages to your save-by-mail address" in reply.text
    # A new address does not reset it; another reader is not affected.
    reply = deliver(mail_in, address_of(alice), message(text="https://example.org/late"))
    assert reply.code == 450
    assert deliver(mail_in, address_of(bob), message(text="https://example.org/b")).saved
    assert Item.objects.filter(user=alice).count() == 2
    # Counted in the database, where a login's purge leaves it alone.
    assert LoginFailure.objects.filter(scope="mail").count() == 3
    services.begin_login_attempt("nobody", "127.0.0.1")
    assert LoginFailure.objects.filter(scope="mail").count() == 3


def test_quota_and_already_saved_are_accepted_and_save_nothing(
    mail_in: MailInServer, alice: AbstractBaseUser
) -> None:
    services.set_quota(alice, 1)
    to = address_of(alice)
    assert deliver(mail_in, to, message(text="https://example.org/first")).saved
    reply = deliver(mail_in, to, message(text="https://example.org/first#again"))
    assert (reply.code, reply.text) == (250, "2.0.0 Not saved: You have already saved this item.")
    reply = deliver(mail_in, to, message(text="https://example.org/second"))
    assert (reply.code, reply.text) == (
        250,
        "2.0.0 Not saved: You reached the limit of 1 saved items.",
    )
    assert Item.objects.filter(user=alice).count() == 1


def test_a_short_message_with_several_links_saves_nothing(
    mail_in: MailInServer, alice: AbstractBaseUser
) -> None:
    reply = deliver(
        mail_in,
        address_of(alice),
        message(text="two for you: https://example.org/a and https://example.org/b"),
    )
    assert reply.code == 250 and reply.text.startswith("2.0.0 Nothing saved"), reply
    assert not Item.objects.filter(user=alice).exists()
