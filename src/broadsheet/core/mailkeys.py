"""The reader's private save-by-mail address (``save+KEY@BROADSHEET_MAIL_DOMAIN``): what a key
looks like, whose key an envelope recipient names, and the hourly allowance of messages.

The key is `Profile.mail_key`: 32 lower-case hex digits (128 random bits from `secrets`), kept in
the clear because the settings page shows the address; it is made and replaced by
`core.services.new_mail_key`. Hex, because some mail systems fold the case of local parts.

The allowance is counted like failed logins (`core.ratelimit`): one `LoginFailure` row of scope
`MAIL_SCOPE` per message accepted for a reader, within a sliding hour, so every process that
shares the database (several `broadsheet mail-in`) counts the same messages. It is counted per
reader, not per key: a new address does not reset it. Reads live here; the write is
`core.services.begin_mail_message`.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from broadsheet.core.models import LoginFailure, Profile

LOCAL_PART = "save"
KEY_BYTES = 16  # 32 hex digits; Profile.mail_key holds 40
MAIL_SCOPE = LoginFailure.Scope.MAIL  # the LoginFailure.scope of a counted message
RATE_WINDOW = timedelta(hours=1)
RATE_WHAT = "messages to your save-by-mail address"

_KEY_RE = re.compile(r"[0-9a-f]{32}")
# The envelope recipient: save+KEY@domain, nothing else (no quoting, no source route, no second
# "+" tag). The domain is compared with BROADSHEET_MAIL_DOMAIN case-insensitively.
_RECIPIENT_RE = re.compile(r"save\+([0-9a-f]{32})@([a-z0-9.-]{1,253})\.?", re.IGNORECASE)


def domain() -> str:
    """The host of the addresses; "" when the server takes no mail (the feature is off)."""
    return str(settings.BROADSHEET_MAIL_DOMAIN)


def address_of_key(key: str) -> str:
    return f"{LOCAL_PART}+{key}@{domain()}"


def address_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The reader's address, or None: no key yet, or the server takes no mail."""
    if not user.is_authenticated or not domain():
        return None
    found = list(Profile.objects.filter(user_id=user.pk).values_list("mail_key", flat=True)[:1])
    return address_of_key(found[0]) if found and found[0] else None


def key_of_recipient(recipient: str) -> str | None:
    """The key an envelope recipient names, or None when it is not one of our addresses."""
    mail_domain = domain()
    if not mail_domain or len(recipient) > 320:
        return None
    match = _RECIPIENT_RE.fullmatch(recipient.strip().strip("<>"))
    if match is None or match.group(2).lower() != mail_domain.lower().rstrip("."):
        return None
    return match.group(1).lower()


def user_for_key(key: str) -> AbstractBaseUser | None:
    """The active reader whose address has this key, or None (a retired key names nobody)."""
    if not _KEY_RE.fullmatch(key):
        return None
    profile = Profile.objects.select_related("user").filter(mail_key=key).first()
    if profile is None or not profile.user.is_active:
        return None
    user: AbstractBaseUser = profile.user
    return user


def user_for_recipient(recipient: str) -> AbstractBaseUser | None:
    key = key_of_recipient(recipient)
    return user_for_key(key) if key else None


# --- the hourly allowance -------------------------------------------------------------------------


def rate_key(user: AbstractBaseUser) -> str:
    return f"user:{user.pk}"


def allowance() -> int:
    """Messages a reader's address takes per hour (0: no limit)."""
    return int(settings.BROADSHEET_MAIL_IN_RATE)


def retry_after(user: AbstractBaseUser, *, now: datetime | None = None) -> int | None:
    """Seconds until the reader's address takes a message again, or None when it does now."""
    limit = allowance()
    if limit <= 0:
        return None
    now = now or timezone.now()
    recent = list(
        LoginFailure.objects.filter(scope=MAIL_SCOPE, key=rate_key(user), at__gte=now - RATE_WINDOW)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    free_at = recent[-1] + RATE_WINDOW
    return max(1, math.ceil((free_at - now).total_seconds()))
