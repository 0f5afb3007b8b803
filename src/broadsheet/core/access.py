"""The only way to load a user's rows.

Another user's row is indistinguishable from a missing one: both raise NotFound.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, QuerySet

from broadsheet.core.errors import NotFound
from broadsheet.core.models import (
    ActionLink,
    ApiClient,
    ApiToken,
    AppPassword,
    Feed,
    FeedEntry,
    Fold,
    Highlight,
    ImportJob,
    Item,
    Note,
    Tag,
    Topic,
)

User = AbstractBaseUser | AnonymousUser
Row = TypeVar("Row", bound=Model)


def items_of(user: User) -> QuerySet[Item]:
    """The user's items; one in the trash (deleted, restorable for a while) is not among them."""
    if not user.is_authenticated:
        return Item.objects.none()
    return Item.objects.filter(user_id=user.pk, deleted_at__isnull=True)


def _one(qs: QuerySet[Row], row_id: int | str, *, for_update: bool) -> Row:
    """The row of `qs` with this id (locked when asked), or NotFound: a malformed id, a missing
    row and a row outside `qs` (another user's) are the same answer."""
    try:
        pk = int(row_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if for_update:
        qs = qs.select_for_update()
    row = qs.filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def item_for(user: User, item_id: int | str, *, for_update: bool = False) -> Item:
    return _one(items_of(user), item_id, for_update=for_update)


def trashed_item_for(
    user: User, item_id: int | str, *, deleted_since: datetime, for_update: bool = False
) -> Item:
    """The user's item that was deleted at `deleted_since` or later (still restorable)."""
    if not user.is_authenticated:
        raise NotFound()
    trash = Item.objects.filter(user_id=user.pk, deleted_at__gte=deleted_since)
    return _one(trash, item_id, for_update=for_update)


def fold_for(user: User, old_item_id: int) -> Fold | None:
    """Where an item that was folded into an earlier one went, if it was this user's (and that
    one is not in the trash)."""
    if not user.is_authenticated:
        return None
    return (
        Fold.objects.filter(user_id=user.pk, old_item_id=old_item_id, into__deleted_at__isnull=True)
        .select_related("into")
        .first()
    )


def notes_of(user: User) -> QuerySet[Note]:
    """The user's notes, on items that are not in the trash."""
    if not user.is_authenticated:
        return Note.objects.none()
    return Note.objects.filter(
        user_id=user.pk, item__user_id=user.pk, item__deleted_at__isnull=True
    )


def note_for(user: User, note_id: int | str, *, for_update: bool = False) -> Note:
    return _one(notes_of(user), note_id, for_update=for_update)


def highlights_of(user: User) -> QuerySet[Highlight]:
    """The user's highlights, on items that are not in the trash."""
    if not user.is_authenticated:
        return Highlight.objects.none()
    return Highlight.objects.filter(
        user_id=user.pk, item__user_id=user.pk, item__deleted_at__isnull=True
    )


def highlight_for(user: User, highlight_id: int | str, *, for_update: bool = False) -> Highlight:
    return _one(highlights_of(user), highlight_id, for_update=for_update)


def tags_of(user: User) -> QuerySet[Tag]:
    if not user.is_authenticated:
        return Tag.objects.none()
    return Tag.objects.filter(user_id=user.pk)


def tag_for(user: User, tag_id: int | str, *, for_update: bool = False) -> Tag:
    return _one(tags_of(user), tag_id, for_update=for_update)


def topics_of(user: User) -> QuerySet[Topic]:
    if not user.is_authenticated:
        return Topic.objects.none()
    return Topic.objects.filter(user_id=user.pk)


def topic_for(user: User, topic_id: int | str, *, for_update: bool = False) -> Topic:
    return _one(topics_of(user), topic_id, for_update=for_update)


def action_for(
    user: User, topic_id: int | str, action_id: int | str, *, for_update: bool = False
) -> ActionLink:
    """One action link of the reader's topic (by both ids: an action of another topic is not
    found under this one)."""
    topic = topic_for(user, topic_id)
    return _one(ActionLink.objects.filter(topic=topic), action_id, for_update=for_update)


def feeds_of(user: User) -> QuerySet[Feed]:
    if not user.is_authenticated:
        return Feed.objects.none()
    return Feed.objects.filter(user_id=user.pk)


def feed_for(user: User, feed_id: int | str, *, for_update: bool = False) -> Feed:
    return _one(feeds_of(user), feed_id, for_update=for_update)


def entries_of(user: User) -> QuerySet[FeedEntry]:
    if not user.is_authenticated:
        return FeedEntry.objects.none()
    return FeedEntry.objects.filter(user_id=user.pk, feed__user_id=user.pk)


def entry_for(user: User, entry_id: int | str, *, for_update: bool = False) -> FeedEntry:
    return _one(entries_of(user), entry_id, for_update=for_update)


def api_clients_of(user: User) -> QuerySet[ApiClient]:
    """The reader's wallabag API clients, oldest first."""
    if not user.is_authenticated:
        return ApiClient.objects.none()
    return ApiClient.objects.filter(user_id=user.pk)


def api_client_for(user: User, client_id: int | str) -> ApiClient:
    return _one(api_clients_of(user), client_id, for_update=False)


def tokens_of(user: User) -> QuerySet[ApiToken]:
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk)


def token_for(user: User, token_id: int | str) -> ApiToken:
    if not user.is_authenticated:
        raise NotFound()
    try:
        pk = int(token_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    token = ApiToken.objects.filter(user_id=user.pk, pk=pk).first()
    if token is None:
        raise NotFound()
    return token


def app_passwords_of(user: User) -> QuerySet[AppPassword]:
    """The user's app passwords (core.app_passwords), newest first."""
    if not user.is_authenticated:
        return AppPassword.objects.none()
    return AppPassword.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def app_password_for(user: User, app_password_id: int | str) -> AppPassword:
    return _one(app_passwords_of(user), app_password_id, for_update=False)


def active_user(user_id: object) -> AbstractBaseUser | None:
    """An active account by id (for a signed key that names its user), or None."""
    from django.contrib.auth import get_user_model

    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user: AbstractBaseUser | None = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.is_active:
        return None
    return user


def user_for_token(secret: str) -> AbstractBaseUser | None:
    """The owner of a bearer token, or None.

    The lookup is an index probe on the SHA-256 of the secret, so timing reveals nothing about
    stored tokens; the final compare is constant-time.
    """
    import hashlib
    import hmac

    from django.utils import timezone

    if not secret or len(secret) > 200:
        return None
    digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()
    token = ApiToken.objects.select_related("user").filter(digest=digest).first()
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    if not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def import_jobs_of(user: User) -> QuerySet[ImportJob]:
    """The user's library imports, newest first."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(user_id=user.pk)


def import_job_for(user: User, job_id: int | str, *, for_update: bool = False) -> ImportJob:
    return _one(import_jobs_of(user), job_id, for_update=for_update)
