"""Every write of the domain. Web, API, CLI, imports and the bookmarklet all come through here."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from broadsheet import feeds
from broadsheet.core import (
    access,
    enqueue,
    following,
    mailkeys,
    oauth,
    profiles,
    ratelimit,
    schedule,
    search_index,
    tagging,
)
from broadsheet.core.canonical import MAX_URL_LENGTH, canonicalize, normalize_input, site_host
from broadsheet.core.errors import (
    AlreadySaved,
    AlreadySubscribed,
    BroadsheetError,
    Conflict,
    InvalidEmail,
    InvalidInput,
    InvalidOpml,
    InvalidQuery,
    LimitReached,
    NotFound,
    NothingToRetry,
    PageTooLarge,
    QuotaExceeded,
    RateLimited,
    SignupClosed,
)
from broadsheet.core.models import (
    ACTION_NOTE_MAX_CHARS,
    ACTION_TITLE_MAX_CHARS,
    ACTIONS_PER_TOPIC_MAX,
    FEEDS_PER_USER_MAX,
    NOTE_MAX_CHARS,
    NOTES_PER_ITEM_MAX,
    RATING_MAX,
    RATING_MIN,
    TOPIC_NAME_MAX_CHARS,
    TOPICS_PER_USER_MAX,
    ActionLink,
    ApiToken,
    AppPassword,
    Feed,
    FeedEntry,
    Fold,
    ImportJob,
    Item,
    LoginFailure,
    Note,
    PageSnapshot,
    Profile,
    Topic,
)
from broadsheet.core.snapshots import compress
from broadsheet.core.text_input import CONTROL, note_text, one_line
from broadsheet.feeds.urls import http_url
from broadsheet.similar.topics import QueryError, parse_query

log = logging.getLogger("broadsheet.services")

User = AbstractBaseUser | AnonymousUser
TOKEN_PREFIX = "bs_"  # noqa: S105  (a visible prefix, not a secret)

_UNSET = object()


# --- users ----------------------------------------------------------------------------------------


def create_user(
    username: str,
    password: str,
    *,
    admin: bool = False,
    quota: int | object | None = _UNSET,
    email: str = "",
) -> AbstractBaseUser:
    """A new account. Admins are unlimited unless a quota is given; others get the default."""
    model = get_user_model()
    username = username.strip()
    if not username:
        raise InvalidInput("A user name is required.")
    if len(password) < 8:
        raise InvalidInput("The password must be at least 8 characters long.")
    with transaction.atomic():
        if model.objects.filter(username__iexact=username).exists():
            raise InvalidInput(f"The user name {username!r} is taken.")
        if admin:
            user = model.objects.create_superuser(username=username, email=email, password=password)
        else:
            user = model.objects.create_user(username=username, email=email, password=password)
        if quota is not _UNSET:
            set_quota(user, quota)  # type: ignore[arg-type]
    return user


def sign_up(username: str, password: str) -> AbstractBaseUser:
    """Self-service sign-up. The first account on a server becomes its admin."""
    model = get_user_model()
    first = not model.objects.exists()
    if not settings.BROADSHEET_OPEN_SIGNUP:
        raise SignupClosed()
    return create_user(username, password, admin=first)


@dataclass(frozen=True)
class PasswordChanged:
    revoked_tokens: int


def change_password(user: AbstractBaseUser, password: str) -> PasswordChanged:
    """Set a new password and retire everything the old one stood behind.

    Every API token and app password is revoked; the bookmarklet and feed keys (derived from the
    password hash) and every other session (Django checks the hash on each request) stop working
    by themselves; the account's failed logins are forgotten. The caller keeps its own session
    with `update_session_auth_hash`.
    """
    if len(password) < 8:
        raise InvalidInput("The password must be at least 8 characters long.")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        revoked = revoke_all_tokens(user)
        # App passwords (core.app_passwords) go too: a device signs in again with a new one.
        AppPassword.objects.filter(user_id=user.pk).delete()
        # The wallabag apps' tokens too (their clients stay; the apps log in again).
        oauth.revoke_all(user)
        clear_login_failures(user.get_username())
    return PasswordChanged(revoked_tokens=revoked)


EMAIL_MAX_CHARS = 254


def _email(value: object) -> str:
    """An e-mail address as stored, or InvalidInput: one line, no CR or LF (a header injection),
    valid by Django's rules. "" clears it."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if not isinstance(value, str):
        raise InvalidInput("An e-mail address is text.")
    if any(c in value for c in "\r\n\x00"):
        raise InvalidEmail("An e-mail address is one line.")
    address = value.strip()
    if not address:
        return ""
    if len(address) > EMAIL_MAX_CHARS:
        raise InvalidEmail(f"An e-mail address is at most {EMAIL_MAX_CHARS} characters.")
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidEmail(f"{address!r} is not an e-mail address.") from None
    return address


def update_newsletter(
    user: User,
    *,
    email: object = _UNSET,
    digest: object = _UNSET,
    digest_hour: object = _UNSET,
    digest_weekday: object = _UNSET,
    timezone_name: object = _UNSET,
) -> Profile:
    """The reader's address and newsletter schedule. Everything is checked before anything is
    written; the next send time is worked out again."""
    if not user.is_authenticated:
        raise NotFound()
    clean_email = None if email is _UNSET else _email(email)
    if digest is not _UNSET and digest not in schedule.FREQUENCIES:
        raise InvalidInput("The newsletter is daily, weekly or off.")
    for value, top, what in ((digest_hour, 23, "hour"), (digest_weekday, 6, "weekday")):
        valid = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top
        if value is not _UNSET and not valid:
            raise InvalidInput(f"The newsletter's {what} is a whole number from 0 to {top}.")
    if timezone_name is not _UNSET and (
        not isinstance(timezone_name, str) or schedule.zone(timezone_name) is None
    ):
        raise InvalidInput(
            "The time zone is a name like Europe/Paris or America/New_York (IANA's list)."
        )
    with transaction.atomic():
        profile = profiles.locked(user)
        account = get_user_model().objects.select_for_update().get(pk=user.pk)
        if clean_email is not None and clean_email != account.email:
            account.email = clean_email
            account.save(update_fields=["email"])
        for field, value in (
            ("digest", digest),
            ("digest_hour", digest_hour),
            ("digest_weekday", digest_weekday),
            ("timezone", timezone_name),
        ):
            if value is not _UNSET:
                setattr(profile, field, value)
        if profile.digest != Profile.Digest.OFF and not account.email:
            raise Conflict("Give an e-mail address to receive the newsletter.")
        profile.next_digest_at = schedule.next_send(
            timezone.now(),
            profile.digest,
            profile.digest_hour,
            profile.digest_weekday,
            profile.timezone,
        )
        profile.save()
    return profile


def set_quota(user: AbstractBaseUser, quota: int | None) -> None:
    if quota is not None and quota < 0:
        raise InvalidInput("The limit must be zero or more.")
    Profile.objects.update_or_create(user_id=user.pk, defaults={"quota": quota})


# --- items ----------------------------------------------------------------------------------------


def _existing_item_id(user: AbstractBaseUser, canonical: str) -> int | None:
    """The reader's item that is this story, if any; one in the trash does not count."""
    # Index probes only: (user, canonical_url) is unique, (user, page_canonical_url) indexed.
    mine = access.items_of(user).order_by()
    for field in ("canonical_url", "page_canonical_url"):
        found = list(mine.filter(**{field: canonical}).values_list("id", flat=True)[:1])
        if found:
            return found[0]
    folded = Fold.objects.filter(user_id=user.pk, url=canonical, into__deleted_at__isnull=True)
    into = list(folded.order_by().values_list("into_id", flat=True)[:1])
    return into[0] if into else None


def existing_item_id(user: AbstractBaseUser, canonical: str) -> int | None:
    """The reader's story at this canonical address (its own, its page's canonical address, or
    one folded into it), as "already saved" finds it; None when there is none."""
    return _existing_item_id(user, canonical)


def save_item(
    user: AbstractBaseUser,
    url: str,
    *,
    html: str | None = None,
    tags: Sequence[object] = (),
) -> Item:
    """Store the item at once with its address; fetching and extraction run in the background.

    `html`, when given (the browser extension, or an import that already has the page), is used
    instead of fetching: stored as the page's snapshot, it is decoded, extracted and sanitised by
    the same task as a fetched page, and nothing is fetched. It is at most
    BROADSHEET_SAVE_HTML_MAX_BYTES bytes of UTF-8 (the fetcher's own cap by default). `tags` are
    set on the new item in the same transaction. Raises InvalidURL, PageTooLarge, AlreadySaved or
    QuotaExceeded. A copy of the same address in the trash (deleted, still restorable) is purged
    first: saving again means a fresh save.
    """
    address = normalize_input(url)
    canonical = canonicalize(address)
    data = None
    if html is not None:
        try:
            data = html.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate (JSON allows "\ud800") is no character: U+FFFD, as the worker
            # reads a byte of a fetched page that is not in the page's charset.
            data = html.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode()
        cap = settings.BROADSHEET_SAVE_HTML_MAX_BYTES
        if len(data) > cap:
            raise PageTooLarge(cap)
    try:
        with transaction.atomic():
            profile = profiles.locked(user)
            existing = _existing_item_id(user, canonical)
            if existing is not None:
                raise AlreadySaved(existing)
            limit = profile.quota
            if limit is not None and access.items_of(user).count() >= limit:
                raise QuotaExceeded(limit)
            # (user, canonical_url) stays unique with the trash in it: the trashed copy goes.
            Item.objects.filter(
                user_id=user.pk, canonical_url=canonical, deleted_at__isnull=False
            ).delete()
            item = Item.objects.create(
                user_id=user.pk,
                url=address,
                canonical_url=canonical,
                host=site_host(address),
                task_token=str(uuid.uuid4()),
            )
            if tags:
                tagging.set_tags(user, item.pk, tags)
            if data is not None:
                PageSnapshot.objects.create(
                    item=item,
                    content=compress(data),
                    charset="utf-8",
                    final_url=address,
                    raw_size=len(data),
                )
            enqueue.fetch_on_commit(item)
            search_index.refresh_on_commit([item.pk])
    except IntegrityError:
        # The same address saved by a concurrent request won the unique constraint.
        existing = _existing_item_id(user, canonical)
        if existing is None:
            raise
        raise AlreadySaved(existing) from None
    return item


def set_archived(user: User, item_id: int | str, archived: bool) -> Item:
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        if item.archived != archived:
            item.archived = archived
            item.archived_at = timezone.now() if archived else None
            item.save(update_fields=["archived", "archived_at", "updated_at"])
    return item


# A bulk action takes at most this many stories at once (a page of the list is 50).
BULK_MAX = 500


def _bulk_ids(item_ids: Sequence[int | str]) -> list[int]:
    ids = tagging.parse_ids(item_ids)
    if len(ids) > BULK_MAX:
        raise InvalidInput(f"A bulk action takes at most {BULK_MAX} stories at once.")
    return ids


def archive_items(user: User, item_ids: Sequence[int | str], archived: bool) -> int:
    """Archive (or unarchive) many stories at once; how many of the reader's stories changed
    (ids of other readers' stories, or of none, are passed over)."""
    with transaction.atomic():
        mine = access.items_of(user).filter(pk__in=_bulk_ids(item_ids), archived=not archived)
        return mine.update(
            archived=archived,
            archived_at=timezone.now() if archived else None,
            updated_at=timezone.now(),
        )


def star_items(user: User, item_ids: Sequence[int | str], favorite: bool) -> int:
    """Star (or unstar) many stories at once; how many changed."""
    with transaction.atomic():
        mine = access.items_of(user).filter(pk__in=_bulk_ids(item_ids), favorite=not favorite)
        return mine.update(
            favorite=favorite,
            favorited_at=timezone.now() if favorite else None,
            updated_at=timezone.now(),
        )


def delete_items(user: User, item_ids: Sequence[int | str]) -> list[int]:
    """Move many stories to the trash at once (each restorable like one, `restore_items`);
    the ids of the reader's stories that went."""
    with transaction.atomic():
        mine = access.items_of(user).filter(pk__in=_bulk_ids(item_ids))
        ids = list(mine.select_for_update().values_list("pk", flat=True))
        Item.objects.filter(pk__in=ids).update(deleted_at=timezone.now(), updated_at=timezone.now())
    return ids


@dataclass(frozen=True)
class Restored:
    restored: int
    refused: list[str]  # why the others could not come back (one line each, first few)


def restore_items(user: User, item_ids: Sequence[int | str]) -> Restored:
    """Undo a bulk delete: each story comes back as `restore_item` brings one back; those that
    cannot (the limit reached meanwhile, saved again) stay in the trash, and the reasons say
    why."""
    restored = 0
    refused: list[str] = []
    for item_id in _bulk_ids(item_ids):
        try:
            restore_item(user, item_id)
        except NotFound:
            continue
        except BroadsheetError as exc:
            if len(refused) < 5 and exc.message not in refused:
                refused.append(exc.message)
            continue
        restored += 1
    return Restored(restored, refused)


def update_item(
    user: User,
    item_id: int | str,
    *,
    archived: bool | None = None,
    favorite: bool | None = None,
    progress: float | None = None,
    tags: Sequence[object] | None = None,
) -> Item:
    """Change any of an item's reader-owned states in one transaction: all or none (None: no
    change)."""
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        if archived is not None:
            item = set_archived(user, item.pk, archived)
        if favorite is not None:
            item = set_favorite(user, item.pk, favorite)
        if progress is not None:
            item = set_progress(user, item.pk, progress)
        if tags is not None:
            item = tagging.set_tags(user, item.pk, tags)
    return item


ITEM_TITLE_MAX_CHARS = 1000


def set_title(user: User, item_id: int | str, title: object) -> Item:
    """Give the story the reader's own title (a wallabag app's rename, a title sent with a
    save). Extraction keeps it from then on instead of the page's headline."""
    cleaned = one_line(title, "A title", ITEM_TITLE_MAX_CHARS)
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        if item.title != cleaned or not item.title_given:
            item.title = cleaned
            item.title_given = True
            item.save(update_fields=["title", "title_given", "updated_at"])
            search_index.refresh_on_commit([item.pk])
    return item


def set_favorite(user: User, item_id: int | str, favorite: bool) -> Item:
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        if item.favorite != favorite:
            item.favorite = favorite
            item.favorited_at = timezone.now() if favorite else None
            item.save(update_fields=["favorite", "favorited_at", "updated_at"])
    return item


def set_progress(
    user: User, item_id: int | str, progress: float, *, at: datetime | None = None
) -> Item:
    """Record how far the reader has read (0.0 to 1.0 of the story). ``at`` is when the device
    saw it (default now); a report older than the one stored is ignored, so a device that
    comes back online with a stale position does not move the reader back."""
    valid = isinstance(progress, int | float) and not isinstance(progress, bool)
    if not valid or not 0.0 <= float(progress) <= 1.0:
        raise InvalidInput("Reading progress is a number from 0 to 1.")
    when = at or timezone.now()
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        if item.progress_at is None or when >= item.progress_at:
            item.progress = float(progress)
            item.progress_at = when
            item.save(update_fields=["progress", "progress_at", "updated_at"])
    return item


def rate_item(user: User, item_id: int | str, stars: int | None) -> Item:
    """Rate the story RATING_MIN to RATING_MAX stars (again: the new rating replaces the old),
    or clear the rating with None. Raises InvalidInput for any other value."""
    valid = isinstance(stars, int) and not isinstance(stars, bool)
    if stars is not None and not (valid and RATING_MIN <= stars <= RATING_MAX):
        raise InvalidInput(f"A rating is {RATING_MIN} to {RATING_MAX} stars.")
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        if item.rating != stars:
            item.rating = stars
            item.rated_at = timezone.now() if stars is not None else None
            item.save(update_fields=["rating", "rated_at", "updated_at"])
    return item


def clean_note(text: object) -> str:
    """A note's text as stored (`text_input.note_text`); a note can't be empty."""
    return note_text(text, NOTE_MAX_CHARS)


def add_note(user: User, item_id: int | str, text: object) -> Note:
    """A new private note on the reader's story ("did we miss an angle?")."""
    cleaned = clean_note(text)
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        if Note.objects.filter(item=item).count() >= NOTES_PER_ITEM_MAX:
            raise LimitReached(f"A story holds at most {NOTES_PER_ITEM_MAX} notes.")
        search_index.refresh_on_commit([item.pk])
        return Note.objects.create(user_id=item.user_id, item=item, text=cleaned)


def edit_note(user: User, note_id: int | str, text: object) -> Note:
    cleaned = clean_note(text)
    with transaction.atomic():
        note = access.note_for(user, note_id, for_update=True)
        if note.text != cleaned:
            note.text = cleaned
            note.save(update_fields=["text", "updated_at"])
            search_index.refresh_on_commit([note.item_id])
    return note


def delete_note(user: User, note_id: int | str) -> None:
    with transaction.atomic():
        note = access.note_for(user, note_id, for_update=True)
        note.delete()
        search_index.refresh_on_commit([note.item_id])


# --- topics and their action links ---------------------------------------------------------------


def _topic_query(value: object) -> str:
    """The canonical form of a topic query, or InvalidInput with the parser's reason."""
    if not isinstance(value, str):
        raise InvalidInput("A topic's query is text.")
    try:
        return parse_query(value.translate(CONTROL)).canonical()
    except QueryError as exc:
        raise InvalidQuery(str(exc)) from None


def _room_for_a_topic(user: User) -> None:
    if access.topics_of(user).count() >= TOPICS_PER_USER_MAX:
        raise LimitReached(f"You follow {TOPICS_PER_USER_MAX} topics, the most there can be.")


def create_topic(user: User, name: object, query: object) -> Topic:
    """Follow a topic written by hand: a name and a query. The worker then finds the reader's
    stories on it."""
    clean_name = one_line(name, "A topic's name", TOPIC_NAME_MAX_CHARS)
    clean_query = _topic_query(query)
    if not user.is_authenticated:
        raise NotFound()
    with transaction.atomic():
        profiles.locked(user)  # one topic at a time per reader: the cap holds
        _room_for_a_topic(user)
        topic = Topic.objects.create(user_id=user.pk, name=clean_name, query=clean_query)
        enqueue.rematch_on_commit(topic)
    return topic


def follow_item(user: User, item_id: int | str) -> Topic:
    """ "Come back to this topic": a topic made from the story's key terms, the story on it and
    its action links proposed. InvalidInput when the story has no terms to follow yet."""
    with transaction.atomic():
        item = access.item_for(user, item_id)
        proposal = following.propose(item)
        if proposal is None:
            raise Conflict("This story has no key terms to follow yet; write the topic yourself.")
        profiles.locked(user)  # type: ignore[arg-type]
        _room_for_a_topic(user)
        topic = Topic.objects.create(
            user_id=item.user_id, name=proposal.name, query=proposal.query, from_item=item
        )
        following.pin(topic, item.pk)
        following.propose_actions(topic, item)
        enqueue.rematch_on_commit(topic)
    return topic


def update_topic(
    user: User, topic_id: int | str, *, name: object = _UNSET, query: object = _UNSET
) -> Topic:
    """Rename a topic or change its query (the worker then matches the library again)."""
    clean_name = None if name is _UNSET else one_line(name, "A topic's name", TOPIC_NAME_MAX_CHARS)
    clean_query = None if query is _UNSET else _topic_query(query)
    with transaction.atomic():
        topic = access.topic_for(user, topic_id, for_update=True)
        fields = []
        if clean_name is not None and clean_name != topic.name:
            topic.name = clean_name
            fields.append("name")
        if clean_query is not None and clean_query != topic.query:
            topic.query = clean_query
            fields.append("query")
            enqueue.rematch_on_commit(topic)
        if fields:
            topic.save(update_fields=[*fields, "updated_at"])
    return topic


def delete_topic(user: User, topic_id: int | str) -> None:
    with transaction.atomic():
        access.topic_for(user, topic_id, for_update=True).delete()


def mark_topic_seen(user: User, topic_id: int | str) -> None:
    access.topics_of(user).filter(pk=topic_id).update(seen_at=timezone.now())


def _action_url(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput("An action's address is text.")
    if len(value) > MAX_URL_LENGTH:
        raise InvalidInput(f"An action's address is at most {MAX_URL_LENGTH:,} characters.")
    return normalize_input(value)  # http(s) only, or InvalidURL saying why


def _action_note(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput("An action's note is text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(CONTROL).strip()
    if len(text) > ACTION_NOTE_MAX_CHARS:
        raise InvalidInput(f"An action's note is at most {ACTION_NOTE_MAX_CHARS:,} characters.")
    return text


def add_action(
    user: User, topic_id: int | str, *, url: object, title: object, note: object = ""
) -> ActionLink:
    """A way to make a difference on the topic, added by the reader (kept at once)."""
    clean_url = _action_url(url)
    clean_title = one_line(title, "An action's title", ACTION_TITLE_MAX_CHARS)
    clean_note = _action_note(note)
    with transaction.atomic():
        topic = access.topic_for(user, topic_id, for_update=True)
        existing = ActionLink.objects.filter(topic=topic, url=clean_url).first()
        if existing is not None and existing.state != ActionLink.State.DISMISSED:
            raise Conflict("This topic already has that address.")
        live = ActionLink.objects.filter(topic=topic).exclude(state=ActionLink.State.DISMISSED)
        if live.count() >= ACTIONS_PER_TOPIC_MAX:
            raise LimitReached(f"A topic holds at most {ACTIONS_PER_TOPIC_MAX} action links.")
        if existing is not None:  # dismissed before: the reader wants it after all
            existing.title, existing.note = clean_title, clean_note
            existing.state = ActionLink.State.KEPT
            existing.save(update_fields=["title", "note", "state", "updated_at"])
            return existing
        return ActionLink.objects.create(
            topic=topic, url=clean_url, title=clean_title, note=clean_note
        )


ACTION_STATES = {s.value for s in ActionLink.State}


def update_action(
    user: User,
    topic_id: int | str,
    action_id: int | str,
    *,
    title: object = _UNSET,
    url: object = _UNSET,
    note: object = _UNSET,
    state: object = _UNSET,
) -> ActionLink:
    """Edit an action link, keep a proposed one (`state` "kept") or dismiss it ("dismissed")."""
    changes: dict[str, str] = {}
    if title is not _UNSET:
        changes["title"] = one_line(title, "An action's title", ACTION_TITLE_MAX_CHARS)
    if url is not _UNSET:
        changes["url"] = _action_url(url)
    if note is not _UNSET:
        changes["note"] = _action_note(note)
    if state is not _UNSET:
        if state not in ACTION_STATES:
            raise InvalidInput("An action's state is proposed, kept or dismissed.")
        changes["state"] = str(state)
    with transaction.atomic():
        action = access.action_for(user, topic_id, action_id, for_update=True)
        moved = "url" in changes and changes["url"] != action.url
        if (
            moved
            and ActionLink.objects.filter(topic_id=action.topic_id, url=changes["url"]).exists()
        ):
            raise Conflict("This topic already has that address.")
        fields = [k for k, v in changes.items() if getattr(action, k) != v]
        for key in fields:
            setattr(action, key, changes[key])
        if fields:
            action.save(update_fields=[*fields, "updated_at"])
    return action


def delete_action(user: User, topic_id: int | str, action_id: int | str) -> None:
    """Remove an action link for good (a dismissed proposal may be proposed again later)."""
    with transaction.atomic():
        access.action_for(user, topic_id, action_id, for_update=True).delete()


# --- feeds ----------------------------------------------------------------------------------------


def subscribe(user: User, url: object, *, category: str = "") -> Feed:
    """Follow a feed, by its address or a site's (the worker finds the feed a page links).
    The first poll runs in the background; the feed says `pending`, then `ok` or `failed`."""
    if not isinstance(url, str):
        raise InvalidInput("A feed's address is text.")
    address = normalize_input(url)
    if not user.is_authenticated:
        raise NotFound()
    with transaction.atomic():
        profiles.locked(user)
        existing = access.feeds_of(user).filter(Q(url=address) | Q(given_url=address)).first()
        if existing is not None:
            raise AlreadySubscribed(existing.pk)
        if access.feeds_of(user).count() >= FEEDS_PER_USER_MAX:
            raise LimitReached(f"You follow {FEEDS_PER_USER_MAX} feeds, the most there can be.")
        feed = Feed.objects.create(
            user_id=user.pk,
            url=address,
            given_url=address,
            category=one_line(category, "A category", 100, required=False),
        )
        enqueue.poll_on_commit(feed)
    return feed


def update_feed(
    user: User, feed_id: int | str, *, title: object = _UNSET, category: object = _UNSET
) -> Feed:
    with transaction.atomic():
        feed = access.feed_for(user, feed_id, for_update=True)
        if title is not _UNSET:
            feed.title = one_line(title, "A feed's title", 300, required=False)
        if category is not _UNSET:
            feed.category = one_line(category, "A category", 100, required=False)
        feed.save(update_fields=["title", "category"])
    return feed


def poll_now(user: User, feed_id: int | str) -> Feed:
    """Poll the feed at the next sweep (a reader pressing "Check now")."""
    with transaction.atomic():
        feed = access.feed_for(user, feed_id, for_update=True)
        feed.next_poll_at = timezone.now()
        feed.save(update_fields=["next_poll_at"])
    return feed


def unsubscribe(user: User, feed_id: int | str) -> None:
    """Stop following a feed: its entries go (the ones saved stay, as saved items)."""
    with transaction.atomic():
        access.feed_for(user, feed_id, for_update=True).delete()


@dataclass(frozen=True)
class OpmlImported:
    added: list[Feed]
    already: int
    skipped: list[tuple[str, str]]


def import_opml(user: User, body: bytes) -> OpmlImported:
    """Follow every feed of an OPML file (the ones already followed are left as they are; the
    outlines that are not feeds are reported, not fatal). Raises InvalidInput for a file that is
    not OPML or is too large."""
    try:
        result = feeds.parse_opml(body)
    except feeds.FeedError as exc:
        raise InvalidOpml(exc.message) from None
    added: list[Feed] = []
    already = 0
    skipped = [(s.what, s.why) for s in result.skipped]
    for entry in result.feeds:
        try:
            added.append(subscribe(user, entry.url, category=entry.category or ""))
        except AlreadySubscribed:
            already += 1
        except BroadsheetError as exc:
            skipped.append((entry.url, exc.message))
            if isinstance(exc, LimitReached):
                break
    titles = {f.url: f.title for f in result.feeds}
    for feed in added:
        title = titles.get(feed.given_url)
        if title:
            Feed.objects.filter(pk=feed.pk).update(title=title[:300])
    return OpmlImported(added=added, already=already, skipped=skipped)


# --- library imports ------------------------------------------------------------------------------


def start_import(
    user: AbstractBaseUser, upload: UploadedFile, *, format: str | None = None
) -> ImportJob:
    """Keep an uploaded library export (Pocket, Instapaper, ...) in the default storage and queue
    its import (tasks.run_import, which core.importing runs). The format is checked now (named
    or detected from the file's first 64 KiB), so the reader hears at once of a file that is no
    export we read. Raises ImportTooLarge past BROADSHEET_IMPORT_MAX_BYTES, ImportFormatUnknown,
    UnreadableImport for an empty file."""
    from pathlib import PurePath

    from django.core.files.storage import default_storage

    from broadsheet.core import importing
    from broadsheet.core.errors import ImportTooLarge, UnreadableImport

    limit = settings.BROADSHEET_IMPORT_MAX_BYTES
    size = upload.size or 0
    if size > limit:
        raise ImportTooLarge(limit)
    if size == 0:
        raise UnreadableImport("The file is empty.")
    name = PurePath((upload.name or "").replace("\\", "/")).name[:255]
    upload.seek(0)
    head = upload.read(importing.SNIFF_BYTES)
    upload.seek(0)
    reader = importing.reader_for(head, name, format)
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}.upload", upload)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                user_id=user.pk, format=reader.name, filename=name, upload=stored, size=size
            )
            enqueue.import_on_commit(job)
    except BaseException:
        default_storage.delete(stored)
        raise
    return job


# What XML 1.0 cannot hold (and so no OPML file): controls but tab and line ends, lone
# surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def export_opml(user: User) -> bytes:
    """The reader's feeds as OPML. A feed whose address no OPML reader could use is left out
    (it could not have been subscribed by this version); text XML cannot hold is dropped."""
    rows = [
        feeds.OpmlFeed(
            url=f.url,
            title=_NOT_XML.sub("", f.display_title),
            category=_NOT_XML.sub("", f.category) or None,
            site_url=f.site_url if http_url(f.site_url) else None,
        )
        for f in access.feeds_of(user)
        if http_url(f.url) is not None
    ]
    return feeds.write_opml(rows, "Broadsheet feeds")


def open_entry(user: User, entry_id: int | str) -> FeedEntry:
    """The reader opened an entry: its full text is fetched if it was not."""
    with transaction.atomic():
        entry = access.entry_for(user, entry_id, for_update=True)
        if entry.text_status in (FeedEntry.Text.NONE, FeedEntry.Text.FAILED):
            entry.text_status = FeedEntry.Text.PENDING
            entry.save(update_fields=["text_status"])
            enqueue.entry_text_on_commit(entry)
    return entry


def save_entry(user: User, entry_id: int | str) -> Item:
    """Save a feed's entry to read later: now it is a saved item, under the limit like any."""
    entry = access.entry_for(user, entry_id)
    item = save_item(user, entry.url)  # type: ignore[arg-type]
    FeedEntry.objects.filter(pk=entry.pk).update(item=item)
    return item


def delete_item(user: User, item_id: int | str) -> None:
    """Move the item to the trash: gone from every list, count and door at once, and from the
    limit; `restore_item` brings it back within BROADSHEET_UNDO_WINDOW seconds, after which the
    worker's sweeper purges it (`purge_deleted`)."""
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        item.deleted_at = timezone.now()
        item.save(update_fields=["deleted_at", "updated_at"])


def _undo_since() -> datetime:
    return timezone.now() - timedelta(seconds=settings.BROADSHEET_UNDO_WINDOW)


def restore_item(user: User, item_id: int | str) -> Item:
    """Undo a delete within the window: the item is back as it was, content and all.

    Restoring an item that is not in the trash any more is a no-op (an Undo pressed twice).
    Raises NotFound past the window (or for another user's item), QuotaExceeded when the list
    filled up meanwhile, AlreadySaved when the same story was saved again meanwhile.
    """
    if not user.is_authenticated:
        raise NotFound()
    with transaction.atomic():
        # The profile first, as save_item locks it: saves and restores serialise, the limit
        # holds, and the locks are always taken in the same order.
        profile = profiles.locked(user)
        try:
            item = access.trashed_item_for(
                user, item_id, deleted_since=_undo_since(), for_update=True
            )
        except NotFound:
            return access.item_for(user, item_id)
        for key in {item.canonical_url, item.page_canonical_url} - {""}:
            existing = _existing_item_id(user, key)
            if existing is not None:
                raise AlreadySaved(existing)
        if profile.quota is not None and access.items_of(user).count() >= profile.quota:
            raise QuotaExceeded(profile.quota)
        item.deleted_at = None
        item.save(update_fields=["deleted_at", "updated_at"])
    return item


def purge_deleted(limit: int = 500) -> int:
    """Delete for good the items that have been in the trash longer than the undo window (with
    their kept pages and folds). The worker's sweeper calls it; returns how many went."""
    cutoff = _undo_since()
    expired = Item.objects.filter(deleted_at__lt=cutoff).order_by("deleted_at")
    purged = 0
    for item_id in list(expired.values_list("id", flat=True)[:limit]):
        with transaction.atomic():
            # Locked and checked again: a restore that won the race keeps its item.
            item = Item.objects.select_for_update().filter(pk=item_id, deleted_at__lt=cutoff)
            expired_item = item.first()
            if expired_item is None:
                continue
            expired_item.delete()
            purged += 1
    if purged:
        log.info("purged %s deleted item(s) past the undo window", purged)
    return purged


def retry_item(user: User, item_id: int | str) -> Item:
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        if item.status != Item.Status.FAILED:
            raise NothingToRetry()
        item.status = Item.Status.PENDING
        item.error = ""
        item.error_code = ""
        item.attempts = 0
        item.save(update_fields=["status", "error", "error_code", "attempts", "updated_at"])
        PageSnapshot.objects.filter(item=item).delete()
        enqueue.requeue(item)
    return item


def mark_folds_seen(user: User) -> None:
    if user.is_authenticated:
        Fold.objects.filter(user_id=user.pk, seen=False).update(seen=True)


# --- API tokens -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user: AbstractBaseUser, name: str = "") -> NewToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user_id=user.pk,
        name=name.strip()[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
    )
    return NewToken(token=token, secret=secret)


def revoke_token(user: User, token_id: int | str) -> None:
    access.token_for(user, token_id).delete()


def revoke_all_tokens(user: AbstractBaseUser) -> int:
    deleted, _ = ApiToken.objects.filter(user_id=user.pk).delete()
    return deleted


# --- save by e-mail (reads and the allowance's rules in core.mailkeys) ----------------------------


def new_mail_key(user: AbstractBaseUser) -> str:
    """Give the reader a save-by-mail address, or a new one: the old key names nobody from now
    on (mail to it is refused at RCPT). Returns the new key."""
    for _ in range(3):
        key = secrets.token_hex(mailkeys.KEY_BYTES)
        try:
            with transaction.atomic():
                profile = profiles.locked(user)
                profile.mail_key = key
                profile.save(update_fields=["mail_key"])
        except IntegrityError:  # another reader holds this key: 2**-128, but never two owners
            continue
        return key
    raise Conflict("Could not make a new address; try again.")


def remove_mail_key(user: AbstractBaseUser) -> None:
    """Stop taking mail for the reader: the address names nobody any more."""
    with transaction.atomic():
        profile = profiles.locked(user)
        if profile.mail_key is not None:
            profile.mail_key = None
            profile.save(update_fields=["mail_key"])


def begin_mail_message(user: AbstractBaseUser) -> None:
    """Count one message to the reader's address against the hourly allowance, or raise
    RateLimited (and count nothing) when it is spent. The reader's profile lock serialises two
    messages arriving at once, so the allowance holds across processes."""
    now = timezone.now()
    LoginFailure.objects.filter(
        scope=mailkeys.MAIL_SCOPE, at__lt=now - mailkeys.RATE_WINDOW
    ).delete()
    with transaction.atomic():
        profiles.locked(user)
        wait = mailkeys.retry_after(user, now=now)
        if wait:
            raise RateLimited(wait, mailkeys.RATE_WHAT)
        LoginFailure.objects.create(scope=mailkeys.MAIL_SCOPE, key=mailkeys.rate_key(user), at=now)


# --- the login rate limit (reads and rules in core.ratelimit) -------------------------------------


def _purge_login_failures(now: datetime) -> None:
    """Forget failures older than the login window (save-by-mail counts keep their own hour)."""
    LoginFailure.objects.filter(at__lt=now - ratelimit.window()).exclude(
        scope=mailkeys.MAIL_SCOPE
    ).delete()


@dataclass(frozen=True)
class LoginAttempt:
    """The failure rows written before the password is checked; deleted if it was right."""

    row_ids: tuple[int, ...]
    username: str


def begin_login_attempt(username: str, address: str) -> LoginAttempt:
    """Count this attempt as a failure before the password is checked; raise RateLimited (and
    count nothing) when the account or the address is already at its limit.

    Counting and writing happen in one transaction that holds the keys' locks (PostgreSQL
    advisory locks; SQLite's IMMEDIATE transaction holds the database's write lock), so of N
    concurrent attempts on one account, across any number of server processes, exactly as many
    as the limit allows go on to the password check.
    """
    now = timezone.now()
    _purge_login_failures(now)
    keys = ratelimit.login_keys(username, address)
    with transaction.atomic():
        _lock_rate_limit_keys(keys)
        waits = [ratelimit.retry_after(scope, key, now=now) or 0 for scope, key in keys]
        if any(waits):
            raise RateLimited(max(waits))
        rows = [LoginFailure.objects.create(scope=scope, key=key, at=now) for scope, key in keys]
    return LoginAttempt(row_ids=tuple(r.pk for r in rows), username=username)


def _lock_rate_limit_keys(keys: list[tuple[str, str]]) -> None:
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return  # SQLite: the IMMEDIATE transaction already serialises every writer
    with connection.cursor() as cursor:
        for scope, key in sorted(keys):
            digest = hashlib.sha256(f"broadsheet.login:{scope}:{key}".encode()).digest()
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
            )


def login_attempt_succeeded(attempt: LoginAttempt) -> None:
    """The password was right: it was no failure, and the account's earlier failures are forgiven
    (the address's are not: one good account must not wash an address clean)."""
    LoginFailure.objects.filter(pk__in=attempt.row_ids).delete()
    clear_login_failures(attempt.username)


def clear_login_failures(username: str) -> int:
    deleted, _ = LoginFailure.objects.filter(
        scope=LoginFailure.Scope.ACCOUNT, key=ratelimit.account_key(username)
    ).delete()
    return deleted


def refuse_token(address: str) -> None:
    """A request from this address brought a bad token (an API token, a wallabag access token,
    an app password in an address): past the address's limit raise RateLimited and count
    nothing more, else count it. Every door that takes a token calls this on a bad one."""
    ratelimit.check_token(address)
    record_token_failure(address)


def record_token_failure(address: str) -> None:
    """A request with a bad API token; counted per address like failed logins."""
    now = timezone.now()
    _purge_login_failures(now)
    LoginFailure.objects.create(
        scope=LoginFailure.Scope.TOKEN, key=ratelimit.address_key(address), at=now
    )
