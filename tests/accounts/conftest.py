"""Shared by the accounts tests: hostile strings, a login helper, items with given metadata."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client

from broadsheet.core import services
from broadsheet.core.models import Item

# What a hostile page could make a title, site name or byline.
HOSTILE = [
    "</title><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '=HYPERLINK("http://evil.example","click")',
    "+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "]]><x>",
    "<![CDATA[ boom ]]>",
    'Tom & Jerry\'s "quote" <b>',
    "\u2028line\u2029separators",
]
# Control characters: NUL cannot be stored by PostgreSQL, the rest can.
CONTROL = "ctrl\x01\x07\x1b[31m\x7fend"


def nul_storable() -> bool:
    return connection.vendor != "postgresql"


def item_with(user: AbstractBaseUser, n: int, **fields: Any) -> Item:
    """A ready item whose metadata is exactly `fields` (as if the extractor had produced it)."""
    item = services.save_item(user, f"https://news.example/hostile/{n}")
    defaults: dict[str, Any] = {"status": Item.Status.READY, "word_count": 120}
    Item.objects.filter(pk=item.pk).update(**{**defaults, **fields})
    item.refresh_from_db()
    return item


def post_login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "next": "/"}, **extra
    )


@pytest.fixture
def limits(settings: Any) -> Any:
    """The documented defaults, whatever the environment says."""
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    settings.BROADSHEET_LOGIN_WINDOW = 900
    settings.BROADSHEET_TRUSTED_PROXIES = ()
    return settings
