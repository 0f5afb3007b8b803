"""The newsletter (issue 12): schedule, composition, a real SMTP server on loopback receiving it,
one-click unsubscribe without a login, and a hanging mail server that holds up nobody else."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from broadsheet.core import newsletter, services
from broadsheet.core.errors import BroadsheetError
from broadsheet.core.models import Item, Profile
from broadsheet.core.schedule import next_send
from broadsheet.core.tasks import send_digest
from tests.support.smtp_server import SmtpServer, hanging_smtp_server, smtp_server

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = 'Dam talks\r\nBcc: victim@example.org <script>alert("x")</script> & more'


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    with smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        settings.BROADSHEET_BASE_URL = "https://news.example.org"
        yield server


def _ready(user: AbstractBaseUser, n: int, title: str = "", **fields: Any) -> Item:
    item = services.save_item(user, f"https://site.example/story-{n}")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY,
        title=title or f"Story number {n}",
        site_name="The Example",
        reading_minutes=4,
        summary=f"What happened in story {n}.",
        text=f"Story {n} text.",
        **fields,
    )
    item.refresh_from_db()
    return item


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


# --- the schedule ---------------------------------------------------------------------------------


def test_next_send_is_the_readers_hour_in_their_zone() -> None:
    now = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)  # 06:00 in Paris
    assert next_send(now, "daily", 7, 0, "Europe/Paris") == datetime(2026, 12, 7, 6, tzinfo=UTC)
    later = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # 07:00 in Paris: today's has gone
    assert next_send(later, "daily", 7, 0, "Europe/Paris") == datetime(2026, 12, 8, 6, tzinfo=UTC)
    # Weekly on Friday (4), from a Monday.
    assert next_send(now, "weekly", 7, 4, "Europe/Paris") == datetime(2026, 12, 11, 6, tzinfo=UTC)
    assert next_send(now, "off", 7, 0, "Europe/Paris") is None
    tokyo = next_send(now, "daily", 7, 0, "Asia/Tokyo")
    assert tokyo == datetime(2026, 12, 7, 22, tzinfo=UTC)


def test_next_send_across_the_clock_changes() -> None:
    # Paris skips 02:00-03:00 on 29 March 2026: a 02:00 newsletter goes at 03:00 local.
    spring = next_send(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "daily", 2, 0, "Europe/Paris")
    assert spring == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    # 02:00 happens twice on 25 October 2026: sent once, at the first.
    autumn = next_send(datetime(2026, 10, 24, 23, 0, tzinfo=UTC), "daily", 2, 0, "Europe/Paris")
    assert autumn == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    after = next_send(autumn, "daily", 2, 0, "Europe/Paris")
    assert after == datetime(2026, 10, 26, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "alice@example.org\r\nBcc: x@example.org"}, "one line"),
        ({"email": "not an address"}, "is not an e-mail address"),
        ({"email": "a" * 250 + "@example.org"}, "at most 254"),
        ({"digest": "hourly"}, "daily, weekly or off"),
        ({"digest_hour": 24}, "0 to 23"),
        ({"digest_hour": True}, "0 to 23"),
        ({"digest_weekday": 7}, "0 to 6"),
        ({"timezone_name": "Mars/Olympus"}, "time zone"),
        ({"timezone_name": "../../etc/passwd"}, "time zone"),
        ({"digest": "daily"}, "Give an e-mail address"),  # no address yet
    ],
)
def test_bad_newsletter_settings_are_refused_whole(
    alice: AbstractBaseUser, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(BroadsheetError, match=message):
        services.update_newsletter(alice, **changes)
    alice.refresh_from_db()
    assert alice.email == ""  # type: ignore[attr-defined]
    assert newsletter.queries.profile_of(alice).digest == "off"


def test_settings_schedule_the_next_newsletter(alice: AbstractBaseUser) -> None:
    profile = services.update_newsletter(
        alice, email="alice@example.org", digest="daily", digest_hour=7, timezone_name="Asia/Tokyo"
    )
    assert profile.next_digest_at is not None and profile.next_digest_at > timezone.now()
    assert profile.next_digest_at.astimezone(UTC).hour == 22  # 07:00 in Tokyo
    profile = services.update_newsletter(alice, digest="off")
    assert profile.next_digest_at is None


# --- composing and sending ------------------------------------------------------------------------


def test_the_newsletter_reaches_a_real_smtp_server(
    smtp: SmtpServer, alice: AbstractBaseUser
) -> None:
    services.update_newsletter(alice, email="alice@example.org", digest="daily")
    _ready(alice, 1)
    hostile = _ready(alice, 2, title=HOSTILE_TITLE)
    assert newsletter.send(alice) == 2
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert smtp.envelopes[0][1] == ["alice@example.org"]
    assert message["Subject"] == "Broadsheet: 2 stories for you"
    assert message["Bcc"] is None and "victim" not in str(message["To"])
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<https://news.example.org/newsletter/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = _parts(message)
    assert "Story number 1" in plain
    assert 'Dam talks Bcc: victim@example.org <script>alert("x")</script> & more' in plain
    assert f"https://news.example.org/items/{hostile.pk}/" in plain
    assert "<script" not in html and "&lt;script&gt;" in html
    assert f'href="https://news.example.org/items/{hostile.pk}/"' in html
    assert "Unsubscribe" in html and "Saved for later" in html
    assert Profile.objects.get(user=alice).last_digest_at is not None


def test_nothing_new_sends_nothing(smtp: SmtpServer, alice: AbstractBaseUser) -> None:
    services.update_newsletter(alice, email="alice@example.org", digest="daily")
    assert newsletter.send(alice) == 0
    assert smtp.messages == []


def test_one_click_unsubscribe_works_without_logging_in(
    smtp: SmtpServer, alice: AbstractBaseUser
) -> None:
    services.update_newsletter(alice, email="alice@example.org", digest="weekly")
    _ready(alice, 1)
    newsletter.send(alice)
    link = str(smtp.messages[0]["List-Unsubscribe"]).strip().strip("<>")
    path = urlsplit(link).path
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(path)  # a link scanner's GET changes nothing
    assert page.status_code == 200 and b"Stop the newsletter?" in page.content
    assert Profile.objects.get(user=alice).digest == "weekly"
    r = anonymous.post(path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded")
    assert r.status_code == 200 and b"You are unsubscribed" in r.content
    profile = Profile.objects.get(user=alice)
    assert profile.digest == "off" and profile.next_digest_at is None


def test_a_forged_unsubscribe_link_is_not_found(alice: AbstractBaseUser) -> None:
    services.update_newsletter(alice, email="alice@example.org", digest="daily")
    token = newsletter.unsubscribe_token(alice)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    r = Client().post(f"/newsletter/unsubscribe/{forged}/")
    assert r.status_code == 404
    assert Profile.objects.get(user=alice).digest == "daily"


def test_due_newsletters_are_claimed_once(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    for user in (alice, bob):
        services.update_newsletter(user, email=f"{user.get_username()}@example.org", digest="daily")
    past = timezone.now() - timedelta(minutes=1)
    Profile.objects.update(next_digest_at=past)
    claimed = newsletter.claim_due()
    assert sorted(claimed) == sorted([alice.pk, bob.pk])
    assert newsletter.claim_due() == []  # moved on to tomorrow
    assert all(p.next_digest_at > timezone.now() for p in Profile.objects.all())


def test_a_hanging_mail_server_gives_up_and_holds_up_no_one(
    settings: Any, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    for user in (alice, bob):
        services.update_newsletter(user, email=f"{user.get_username()}@example.org", digest="daily")
        _ready(user, 1 if user is alice else 2)
    with hanging_smtp_server() as stuck:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = stuck.host, stuck.port
        settings.EMAIL_TIMEOUT = 1
        started = time.monotonic()
        assert send_digest.call(alice.pk) == 0  # logged, not raised
        assert time.monotonic() - started < 10
    with smtp_server() as good:
        settings.EMAIL_HOST, settings.EMAIL_PORT = good.host, good.port
        assert send_digest.call(bob.pk) == 1
        assert len(good.messages) == 1


def test_new_stories_on_a_followed_topic_have_their_part(
    smtp: SmtpServer, alice: AbstractBaseUser
) -> None:
    services.update_newsletter(alice, email="alice@example.org", digest="daily")
    topic = services.create_topic(alice, "Dams", "dam, river")
    on_topic = _ready(alice, 7, title="The dam on the river opens", archived=True)
    from broadsheet.core import following

    following.match_item(on_topic)
    composed = newsletter.compose(alice)
    headings = [s.heading for s in composed.sections]
    assert f"New on {topic.name}" in headings
    newsletter.send(alice)
    plain, _ = _parts(smtp.messages[0])
    assert "New on Dams" in plain and "The dam on the river opens" in plain
