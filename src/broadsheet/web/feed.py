"""The reader's private Atom feed of the unread list, at /feeds/<key>/unread.atom.

The key is signed like the bookmarklet's and derived from the password hash, so changing the
password retires every earlier feed address. The feed carries titles, bylines and summaries as
plain text (`type="text"`), never stored HTML.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.utils.crypto import salted_hmac
from django.utils.feedgenerator import Atom1Feed

from broadsheet.core import access
from broadsheet.core.export import clean_text

_SALT = "broadsheet.feed"
MAX_ENTRIES = 100


def _stamp(user: AbstractBaseUser) -> str:
    return salted_hmac(_SALT, user.password, algorithm="sha256").hexdigest()[:24]


def key_for(user: AbstractBaseUser) -> str:
    return signing.dumps({"u": user.pk, "p": _stamp(user)}, salt=_SALT, compress=True)


def user_for_key(key: str) -> AbstractBaseUser | None:
    """The owner of a current feed key, or None (forged, altered, or retired by a new password)."""
    try:
        data = signing.loads(key, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = access.active_user(data.get("u"))
    if user is None or not hmac.compare_digest(str(data.get("p", "")), _stamp(user)):
        return None
    return user


def one_line(text: str) -> str:
    """A title or a name for the feed: no control characters, whitespace runs made one space."""
    return " ".join(clean_text(text).split())


def paragraph(text: str) -> str:
    """A summary for the feed: no control characters; CR and CRLF become LF (an XML parser
    would turn a raw CR into LF anyway)."""
    return clean_text(text).replace("\r\n", "\n").replace("\r", "\n")


class PlainTextAtomFeed(Atom1Feed):
    """Atom with `<summary type="text">`: Django's Atom1Feed marks summaries as HTML."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item.get("plain_summary"):
            handler.addQuickElement("summary", item["plain_summary"], {"type": "text"})
