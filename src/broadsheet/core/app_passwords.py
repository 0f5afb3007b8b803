"""App passwords: one per device or app, in place of the account password where a client can only
send a user name and a password (an e-reader's OPDS catalog over HTTP Basic, a wallabag app's
password grant), and as a revocable key in an OPDS address.

The account password is never accepted in those places: a device holds a password of its own,
that the reader can revoke alone, and that a password change revokes with everything else.

A secret is 20 characters from an alphabet without look-alikes (no i, l, o, 0, 1), shown in
groups of four (``k7m2-9xqa-...``), about 99 random bits: short enough to type on an e-reader's
keyboard, far too many to guess. What the reader types is normalised first (case, spaces and
hyphens do not matter). Only the SHA-256 digest of the normalised secret is stored, as for API
tokens; the secret is shown once.

Guessing is limited like logging in: a user name and password (`authenticate_app_password`)
count against the account and the address with the login rate limit (`core.ratelimit`); a key
in an address (`user_for_key`) counts against the address like a bad API token.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from broadsheet.core import access, profiles, ratelimit, services
from broadsheet.core.errors import LimitReached
from broadsheet.core.models import AppPassword
from broadsheet.core.text_input import one_line

User = access.User

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
SECRET_CHARS = 20
GROUP = 4
LABEL_MAX_CHARS = 100
PER_USER_MAX = 50
# `last_used_at` is written at most this often: a catalog's burst of requests is one write.
USED_RESOLUTION = timedelta(minutes=1)
# Anything longer than this is not worth normalising (a secret is 24 characters shown).
_INPUT_MAX_CHARS = 200


@dataclass(frozen=True)
class NewAppPassword:
    app_password: AppPassword
    secret: str  # shown once, never stored


def normalise(secret: str) -> str:
    """The secret as its digest is made: lower case, without spaces and hyphens."""
    return "".join(secret.split()).replace("-", "").lower()


def grouped(secret: str) -> str:
    """The secret as shown: groups of four joined by hyphens."""
    plain = normalise(secret)
    return "-".join(plain[i : i + GROUP] for i in range(0, len(plain), GROUP))


def digest_of(secret: str) -> str:
    return services.token_digest(normalise(secret))


def _well_formed(plain: str) -> bool:
    return len(plain) == SECRET_CHARS and all(c in ALPHABET for c in plain)


def shaped_like_one(secret: str) -> bool:
    """Whether the text could be an app password (its length and alphabet, once normalised): a
    place that takes either password tries the app password only for these, so one guess is
    counted once against the login limit."""
    return len(secret) <= _INPUT_MAX_CHARS and _well_formed(normalise(secret))


# --- the reader's app passwords -------------------------------------------------------------------


def app_passwords_of(user: User) -> QuerySet[AppPassword]:
    """The reader's app passwords, newest first."""
    return access.app_passwords_of(user)


def create_app_password(user: AbstractBaseUser, label: object) -> NewAppPassword:
    """A new app password with a label (which device or app). The secret is returned once; only
    its digest is kept. InvalidInput for an empty or too long label, LimitReached past
    PER_USER_MAX."""
    name = one_line(label, "A label", LABEL_MAX_CHARS)
    plain = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_CHARS))
    with transaction.atomic():
        profiles.locked(user)  # two makes at the limit cannot both pass the count
        if AppPassword.objects.filter(user_id=user.pk).count() >= PER_USER_MAX:
            raise LimitReached(
                f"You have {PER_USER_MAX} app passwords, the most there can be. "
                "Revoke one you no longer use."
            )
        row = AppPassword.objects.create(
            user_id=user.pk, name=name, prefix=plain[:GROUP], digest=digest_of(plain)
        )
    return NewAppPassword(app_password=row, secret=grouped(plain))


def revoke_app_password(user: User, app_password_id: int | str) -> None:
    """Revoke one app password: its user name and password and its key in an address both stop
    working at once. NotFound for another reader's or a missing one."""
    access.app_password_for(user, app_password_id).delete()


def revoke_all_app_passwords(user: AbstractBaseUser) -> int:
    deleted, _ = AppPassword.objects.filter(user_id=user.pk).delete()
    return deleted


# --- authenticating -------------------------------------------------------------------------------


def _row(secret: str, username: str | None = None) -> AppPassword | None:
    """The app password `secret` of an active reader (named `username`, when given), or None.
    One index probe on the digest; the final compare is constant-time."""
    if not isinstance(secret, str) or len(secret) > _INPUT_MAX_CHARS:
        return None
    plain = normalise(secret)
    if not _well_formed(plain):
        return None
    digest = services.token_digest(plain)
    row = AppPassword.objects.select_related("user").filter(digest=digest).first()
    if row is None or not hmac.compare_digest(row.digest, digest):
        return None
    if not row.user.is_active:
        return None
    if username is not None and ratelimit.account_key(username) != ratelimit.account_key(
        row.user.get_username()
    ):
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= USED_RESOLUTION:
        AppPassword.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def _owner(secret: str, username: str | None = None) -> AbstractBaseUser | None:
    row = _row(secret, username)
    return row.user if row is not None else None


def find_app_password(
    username: str, secret: str, *, address: str = ratelimit.UNKNOWN_ADDRESS
) -> AppPassword | None:
    """The app password `secret` if it is `username`'s (case does not matter, as user names are
    unique whatever their case), its reader loaded; None otherwise. The account password is not
    an app password and is refused.

    Every attempt goes through the login rate limit, as a login does: it is counted as a
    failure before the secret is looked at and forgiven when it was right, and an account or an
    address at its limit raises RateLimited (with `retry_after`) without the secret being
    looked at. Pass the client's `address` (`ratelimit.client_address(request)`); without one,
    every caller shares the limit of the "unknown" address.
    """
    attempt = services.begin_login_attempt(str(username)[:_INPUT_MAX_CHARS], address)
    row = _row(secret, username=str(username))
    if row is not None:
        services.login_attempt_succeeded(attempt)
    return row


def authenticate_app_password(
    username: str, secret: str, *, address: str = ratelimit.UNKNOWN_ADDRESS
) -> AbstractBaseUser | None:
    """The reader whose app password `secret` is (`find_app_password`), or None."""
    row = find_app_password(username, secret, address=address)
    return row.user if row is not None else None


def exists(app_password_id: int) -> bool:
    """Whether this app password is still there (not revoked, its reader's password unchanged)."""
    return AppPassword.objects.filter(pk=app_password_id).exists()


def user_for_key(key: str, *, address: str = ratelimit.UNKNOWN_ADDRESS) -> AbstractBaseUser | None:
    """The owner of an app password given as a key in an address (no user name), or None.

    A good key is served whatever its address did (looked up first, as API tokens are); a bad
    one counts against the address like a bad API token, and past the limit raises RateLimited.
    """
    user = _owner(key)
    if user is not None:
        return user
    services.refuse_token(address)
    return None
