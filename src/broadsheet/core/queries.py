"""Shared reads: the counter, the lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from broadsheet.core import access
from broadsheet.core.models import Fold, Item, Profile

State = Literal["unread", "archived", "all"]
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Counter:
    saved: int
    limit: int | None

    def __str__(self) -> str:
        noun = "item" if (self.limit if self.limit is not None else self.saved) == 1 else "items"
        if self.limit is None:
            return f"Saved ({self.saved} {noun})"
        return f"Saved ({self.saved} of {self.limit} {noun})"


def default_quota(user: AbstractBaseUser | AnonymousUser) -> int | None:
    """The limit a user gets when none was set: none for an admin, else BROADSHEET_DEFAULT_QUOTA."""
    return None if getattr(user, "is_superuser", False) else settings.BROADSHEET_DEFAULT_QUOTA


def quota_of(user: AbstractBaseUser | AnonymousUser) -> int | None:
    """The user's saved-item limit (None: unlimited). An admin given a limit has it, like anyone;
    without a profile row yet, the one the first save will give (core.services)."""
    if not user.is_authenticated or user.pk is None:
        return None
    found = list(Profile.objects.filter(user_id=user.pk).values_list("quota", flat=True)[:1])
    return found[0] if found else default_quota(user)


def counter(user: AbstractBaseUser | AnonymousUser) -> Counter:
    return Counter(saved=access.items_of(user).count(), limit=quota_of(user))


def items(
    user: AbstractBaseUser | AnonymousUser, state: State = "unread", *, with_body: bool = False
) -> QuerySet[Item]:
    qs = access.items_of(user)
    if not with_body:
        qs = qs.defer("text", "html")
    if state == "unread":
        qs = qs.filter(archived=False)
    elif state == "archived":
        qs = qs.filter(archived=True)
    return qs.order_by("-saved_at", "-id")


def unseen_folds(user: AbstractBaseUser | AnonymousUser) -> list[Fold]:
    if not user.is_authenticated:
        return []
    folds = Fold.objects.filter(user_id=user.pk, seen=False, into__deleted_at__isnull=True)
    return list(folds.select_related("into")[:20])
