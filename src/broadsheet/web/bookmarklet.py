"""The bookmarklet carries a signed, save-only key so one click saves without a CSRF form.

The key can do nothing but save into its user's list; it is not an API token.
"""

from __future__ import annotations

import hmac

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing

_SALT = "broadsheet.bookmarklet"


def _stamp(user: AbstractBaseUser) -> str:
    """Derived from the password hash: changing the password retires every earlier key."""
    return user.get_session_auth_hash()[:20]


def key_for(user: AbstractBaseUser) -> str:
    return signing.dumps({"u": user.pk, "p": _stamp(user)}, salt=_SALT, compress=True)


def valid_for(key: str, user: AbstractBaseUser) -> bool:
    """Whether `key` is the current bookmarklet key of `user`."""
    try:
        data = signing.loads(key, salt=_SALT)
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return False
    return hmac.compare_digest(str(data.get("p", "")), _stamp(user))


def script(origin: str, key: str) -> str:
    return (
        "javascript:(function(){location.href='"
        + origin
        + "/save/?k="
        + key
        + "&url='+encodeURIComponent(location.href);})();"
    )
