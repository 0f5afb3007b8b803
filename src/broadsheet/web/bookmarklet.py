"""The bookmarklet carries a signed, save-only key so one click saves without a CSRF form.

The key can do nothing but save into its user's list; it is not an API token.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing

_SALT = "broadsheet.bookmarklet"


def key_for(user: AbstractBaseUser) -> str:
    return signing.dumps({"u": user.pk}, salt=_SALT, compress=True)


def user_id_from(key: str) -> int | None:
    try:
        data = signing.loads(key, salt=_SALT)
    except signing.BadSignature:
        return None
    uid = data.get("u") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None


def script(origin: str, key: str) -> str:
    return (
        "javascript:(function(){location.href='"
        + origin
        + "/save/?k="
        + key
        + "&url='+encodeURIComponent(location.href);})();"
    )
