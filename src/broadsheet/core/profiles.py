"""A reader's profile row, locked: what every write that counts against the limit takes first."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import queries
from broadsheet.core.models import Profile


def locked(user: AbstractBaseUser) -> Profile:
    """The user's profile, locked for this transaction (PostgreSQL row lock; on SQLite the
    IMMEDIATE transaction already holds the database's write lock), made when missing. Saves,
    restores and imports take it first: they serialise, the limit holds, and the locks are
    always taken in the same order."""
    profile = Profile.objects.select_for_update().filter(user_id=user.pk).first()
    if profile is None:
        defaults = {"quota": queries.default_quota(user)}
        Profile.objects.get_or_create(user_id=user.pk, defaults=defaults)
        profile = Profile.objects.select_for_update().get(user_id=user.pk)
    return profile
