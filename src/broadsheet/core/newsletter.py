"""The newsletter: "the stories you care about, delivered to your inbox".

`compose` gathers a reader's unread saved stories, the new stories on the topics they follow and
the stories recommended for them, each part ranked by what the reader rates high
(`core.ranking`); `render` makes the message (HTML through the sanitizer, a plain-text part,
`List-Unsubscribe` with one-click unsubscribe per RFC 8058); `send` hands it to Django's mail
backend. The worker's sweeper claims due readers (`claim_due`) and gives each send its own task,
so a hanging SMTP server holds up one reader's mail, never the others'.

Nothing a story brings (its title, site, summary) reaches a header: the subject is ours, and
every header value is one line.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from broadsheet.core import access, queries, ranking, schedule
from broadsheet.core.models import FeedEntry, Item, Profile, Topic, TopicMatch
from broadsheet.extract import sanitize_html

log = logging.getLogger("broadsheet.newsletter")

# How many stories each part holds at most.
UNREAD_MAX = 10
TOPIC_STORIES_MAX = 5
TOPICS_MAX = 8
RECOMMENDED_MAX = 10
# A first newsletter looks this far back for new stories on followed topics.
FIRST_LOOKBACK = timedelta(days=7)
UNSUBSCRIBE_SALT = "broadsheet.newsletter.unsubscribe"
# A title or summary in the mail is cut to this many characters.
TITLE_MAX = 300
SUMMARY_MAX = 400


@dataclass(frozen=True)
class Story:
    title: str
    link: str
    original: str
    site: str
    minutes: int
    summary: str


@dataclass
class Section:
    heading: str
    intro: str
    stories: list[Story] = field(default_factory=list)
    slug: str = ""


@dataclass
class Composed:
    sections: list[Section]
    unsubscribe_url: str
    settings_url: str

    @property
    def count(self) -> int:
        return sum(len(s.stories) for s in self.sections)


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def absolute(path: str) -> str:
    return f"{settings.BROADSHEET_BASE_URL}{path}"


def one_line(text: str, limit: int) -> str:
    """Text safe for one line of a mail: every run of whitespace (CR and LF too) is one space,
    control characters go, cut to `limit` with an ellipsis."""
    flat = " ".join("".join(c if c.isprintable() or c.isspace() else " " for c in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def unsubscribe_token(user: AbstractBaseUser) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_for_unsubscribe(token: str) -> AbstractBaseUser | None:
    """The reader a one-click unsubscribe link names, or None for a bad or forged token."""
    if not token or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return access.active_user(user_id)


def _story(item: Item) -> Story:
    return Story(
        title=one_line(item.display_title, TITLE_MAX),
        link=absolute(reverse("web:item", args=[item.pk])),
        original=item.url,
        site=one_line(item.site_name, 100),
        minutes=item.reading_minutes,
        summary=one_line(item.summary, SUMMARY_MAX),
    )


def _entry_story(entry: FeedEntry) -> Story:
    return Story(
        title=one_line(entry.display_title, TITLE_MAX),
        link=absolute(reverse("web:entry", args=[entry.pk])),
        original=entry.url,
        site=one_line(entry.site_name or entry.feed.display_title, 100),
        minutes=entry.reading_minutes,
        summary=one_line(entry.summary, SUMMARY_MAX),
    )


def compose(user: AbstractBaseUser, *, now: datetime | None = None) -> Composed:
    """What the reader's next newsletter holds (parts with no stories are left out)."""
    now = now or timezone.now()
    profile = queries.profile_of(user)
    since = profile.last_digest_at or (now - FIRST_LOOKBACK)
    ready = access.items_of(user).filter(status=Item.Status.READY)
    sections: list[Section] = []
    shown: set[int] = set()
    shown_entries: set[int] = set()

    topics = list(Topic.objects.filter(user_id=user.pk).order_by("name"))
    for topic in topics[:TOPICS_MAX]:
        new_ids = TopicMatch.objects.filter(topic=topic, created_at__gt=since).values("item_id")
        fresh = ready.filter(pk__in=new_ids).exclude(pk=topic.from_item_id or 0)
        chosen = [i for i in ranking.order(user, list(fresh[:50])) if i.pk not in shown]
        chosen = chosen[:TOPIC_STORIES_MAX]
        new_entries = TopicMatch.objects.filter(
            topic=topic, created_at__gt=since, entry__isnull=False
        ).values("entry_id")
        from_feeds = list(
            FeedEntry.objects.filter(pk__in=new_entries, item__isnull=True)
            .exclude(pk__in=shown_entries)
            .select_related("feed")
            .order_by("-arrived_at")[: TOPIC_STORIES_MAX - len(chosen)]
        )
        if chosen or from_feeds:
            shown.update(i.pk for i in chosen)
            shown_entries.update(e.pk for e in from_feeds)
            sections.append(
                Section(
                    heading=f"New on {one_line(topic.name, 100)}",
                    intro="A topic you follow.",
                    stories=[_story(i) for i in chosen] + [_entry_story(e) for e in from_feeds],
                    slug=f"topic-{topic.pk}",
                )
            )

    candidates = list(ready.filter(archived=False)[:200])
    unread = [i for i in ranking.order(user, candidates) if i.pk not in shown][:UNREAD_MAX]
    if unread:
        shown.update(i.pk for i in unread)
        sections.insert(
            0,
            Section(
                heading="Saved for later",
                intro="Unread in your list, what you are likely to rate high first.",
                stories=[_story(i) for i in unread],
                slug="unread",
            ),
        )

    recommended = [
        e
        for e in ranking.recommended(user, since=since, limit=RECOMMENDED_MAX + len(shown_entries))
        if e.pk not in shown_entries
    ][:RECOMMENDED_MAX]
    if recommended:
        sections.append(
            Section(
                heading="Recommended",
                intro="New in your feeds, like the stories you rated high.",
                stories=[_entry_story(e) for e in recommended],
                slug="recommended",
            )
        )
    return Composed(
        sections=sections,
        unsubscribe_url=absolute(reverse("web:unsubscribe", args=[unsubscribe_token(user)])),
        settings_url=absolute(reverse("web:settings") + "#newsletter"),
    )


_MAIL_STYLE = (
    "body{font:16px/1.5 Georgia,serif;color:#1d1c1a;max-width:40rem;margin:0 auto;padding:1rem}"
    "h2{font-size:1.1rem;border-bottom:1px solid #e3dfd6;padding-bottom:.2rem;margin-top:1.6rem}"
    "h3{font-size:1rem;margin:.9rem 0 .1rem}a{color:#9c2b1e}p{margin:.2rem 0}"
    "span{color:#6a655d;font-size:.85rem}"
)


def style_hash() -> str:
    """The CSP source of the mail's one style block, for the preview in the browser."""
    digest = hashlib.sha256(_MAIL_STYLE.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(user: AbstractBaseUser, composed: Composed) -> Message:
    """The message: a subject of our own words, the plain-text part, the HTML part (sanitised,
    inside a fixed head), and the unsubscribe headers."""
    context: dict[str, Any] = {"user": user, "digest": composed, "home": absolute("/")}
    body = sanitize_html(render_to_string("broadsheet/mail/digest.html", context))
    html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_MAIL_STYLE}</style></head><body>{body}</body></html>"
    )
    text = render_to_string("broadsheet/mail/digest.txt", context)
    n = composed.count
    subject = f"Broadsheet: {n} stor{'y' if n == 1 else 'ies'} for you"
    headers = {
        "List-Unsubscribe": f"<{composed.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return Message(subject=subject, text=text, html=html, headers=headers)


class NoAddress(Exception):
    """The reader has no e-mail address to send to."""


def send(user: AbstractBaseUser, *, now: datetime | None = None, force: bool = False) -> int:
    """Compose, render and send the reader's newsletter now; how many stories it held (0: none
    was sent, there was nothing new, unless `force`). Records when it was sent."""
    now = now or timezone.now()
    address = get_user_model().objects.filter(pk=user.pk).values_list("email", flat=True).first()
    if not address:
        raise NoAddress()
    composed = compose(user, now=now)
    if composed.count == 0 and not force:
        _sent(user, now)
        return 0
    message = render(user, composed)
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=message.headers,
    )
    mail.attach_alternative(message.html, "text/html")
    mail.send(fail_silently=False)
    _sent(user, now)
    return composed.count


def _sent(user: AbstractBaseUser, now: datetime) -> None:
    Profile.objects.filter(user_id=user.pk).update(last_digest_at=now)


def claim_due(now: datetime | None = None, limit: int = 200) -> list[int]:
    """The readers whose newsletter is due, each claimed by moving its `next_digest_at` on to
    the following slot in one conditional update, so two workers never both send it."""
    now = now or timezone.now()
    claimed: list[int] = []
    due = Profile.objects.filter(next_digest_at__lte=now).exclude(digest=Profile.Digest.OFF)
    for profile in due.order_by("next_digest_at")[:limit]:
        following = schedule.next_send(
            now, profile.digest, profile.digest_hour, profile.digest_weekday, profile.timezone
        )
        with transaction.atomic():
            won = Profile.objects.filter(
                pk=profile.pk, next_digest_at=profile.next_digest_at
            ).update(next_digest_at=following)
        if won:
            claimed.append(profile.user_id)
    return claimed
