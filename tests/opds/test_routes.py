"""Access to the e-reader catalog, generated from the URL configuration like
tests/web/test_access.py (which leaves `opds/` to this file): every route under `/opds/` is found
by walking Django's resolver, so a new one is covered without anyone remembering it.

With HTTP Basic: no credentials, the account password, a session cookie or a revoked app password
get 401 with the Basic challenge; the owner's app password gets 200; another reader's gets 404 for
the owner's rows (exactly what a missing id gets). With the key in the address: a bad or revoked
key is 404, another reader's key is 404 for the owner's rows. No route accepts POST."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import PIL.Image
import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from broadsheet.core import access, app_passwords, images, services, tagging
from broadsheet.core.models import Item, ItemImage
from tests.accounts.conftest import CONTROL, HOSTILE, item_with
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# The row parameters of the catalog's routes; a new one fails test_every_parameter_is_known.
ROW_PARAMETERS = {"item_id", "tag_id", "digest"}
SECRET_TITLE = "Alice's private story"


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


ROUTES = sorted(route for route, _ in _walk(get_resolver().url_patterns) if route[:5] == "opds/")
BASIC_ROUTES = [r for r in ROUTES if not r.startswith("opds/k/")]
KEY_ROUTES = [r for r in ROUTES if r.startswith("opds/k/")]


def _has_rows(route: str) -> bool:
    return any(f"<{kind}:{name}>" in route for name in ROW_PARAMETERS for kind in ("int", "str"))


def test_the_walk_finds_the_catalog() -> None:
    assert {"opds/", "opds/unread/", "opds/items/<int:item_id>.epub"} <= set(BASIC_ROUTES)
    assert "opds/k/<str:key>/tags/<int:tag_id>/" in KEY_ROUTES
    assert len(KEY_ROUTES) == len(BASIC_ROUTES)


def test_every_parameter_is_known() -> None:
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("opds/"):
            names = set(getattr(pattern.pattern, "converters", {}))
            assert names <= ROW_PARAMETERS | {"key"}, f"test_routes does not know {route!r}"


def _png() -> bytes:
    out = io.BytesIO()
    PIL.Image.new("RGB", (4, 3), (30, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def _rows_of(user: AbstractBaseUser) -> dict[str, Any]:
    item = services.save_item(user, "https://news.example/private")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY, title=SECRET_TITLE, html="<p>Farmers downstream.</p>"
    )
    tagging.set_tags(user, item.pk, ["Rivers"])
    stored = images.store(images.check(_png(), max_pixels=100))
    ItemImage.objects.create(item=item, source_url="https://news.example/a.png", image=stored)
    return {
        "item_id": item.pk,
        "tag_id": access.tags_of(user).get().pk,
        "digest": stored.digest,
    }


def _fill(route: str, rows: dict[str, Any], key: str | None = None) -> str:
    path = route
    for name, value in rows.items():
        for kind in ("int", "str"):
            path = path.replace(f"<{kind}:{name}>", str(value))
    if key is not None:
        path = path.replace("<str:key>", key)
    assert "<" not in path, path
    return "/" + path


def _basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def rows(alice: AbstractBaseUser) -> dict[str, Any]:
    return _rows_of(alice)


@pytest.mark.parametrize("route", BASIC_ROUTES)
def test_basic_routes(
    route: str, rows: dict[str, Any], alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    path = _fill(route, rows)
    mine = app_passwords.create_app_password(alice, "Kobo")
    theirs = app_passwords.create_app_password(bob, "Kobo").secret
    client = Client()

    bad = {"Authorization": "Basic !"}
    refused = [{}, _basic("alice", PASSWORD), _basic("alice", "x" * 24), bad]
    for headers in refused:
        r = client.get(path, headers=headers)
        assert r.status_code == 401, (path, headers)
        assert r["WWW-Authenticate"] == 'Basic realm="Broadsheet"'
        assert SECRET_TITLE.encode() not in r.content
    session = Client()
    session.force_login(alice)
    assert session.get(path).status_code == 401  # a browser's session is not the catalog's login

    own = client.get(path, headers=_basic("alice", mine.secret))
    assert own.status_code == 200, path
    assert client.post(path, headers=_basic("alice", mine.secret)).status_code == 405

    intruder = client.get(path, headers=_basic("bob", theirs))
    if _has_rows(route):
        assert intruder.status_code == 404, path
        missing = _fill(route, dict.fromkeys(rows, 10**9) | {"digest": "0" * 64})
        other = client.get(missing, headers=_basic("bob", theirs))
        assert (other.status_code, other.content) == (404, intruder.content)
    else:
        assert intruder.status_code == 200, path
    assert SECRET_TITLE.encode() not in intruder.content
    assert b"Farmers downstream" not in intruder.content

    app_passwords.revoke_app_password(alice, mine.app_password.pk)
    assert client.get(path, headers=_basic("alice", mine.secret)).status_code == 401


@pytest.mark.parametrize("route", KEY_ROUTES)
def test_key_routes(
    route: str, rows: dict[str, Any], alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    mine = app_passwords.create_app_password(alice, "Kobo")
    theirs = app_passwords.create_app_password(bob, "Kobo").secret
    client = Client()

    assert client.get(_fill(route, rows, mine.secret)).status_code == 200
    assert client.get(_fill(route, rows, mine.secret.upper())).status_code == 200
    assert client.post(_fill(route, rows, mine.secret)).status_code == 405
    wrong = mine.secret[:-1] + ("2" if mine.secret[-1] != "2" else "3")  # well formed, not hers
    for key in ("x", PASSWORD.replace(" ", "-"), wrong):
        r = client.get(_fill(route, rows, key))
        assert r.status_code == 404, key
        assert SECRET_TITLE.encode() not in r.content
    intruder = client.get(_fill(route, rows, theirs))
    assert intruder.status_code == (404 if _has_rows(route) else 200)
    assert SECRET_TITLE.encode() not in intruder.content

    app_passwords.revoke_app_password(alice, mine.app_password.pk)
    assert client.get(_fill(route, rows, mine.secret)).status_code == 404


@pytest.mark.parametrize("hostile", [*HOSTILE, CONTROL])
def test_hostile_text_stays_text(alice: AbstractBaseUser, hostile: str) -> None:
    """A story's title, byline, summary, site and tag as a hostile page could make them: the
    feed is well-formed XML holding the same words as text (control characters XML cannot hold
    dropped), never markup."""
    from lxml import etree

    item = item_with(
        alice,
        1,
        title=hostile,
        byline=hostile,
        summary=hostile,
        site_name=hostile,
        html=f"<p>{hostile}</p>",
    )
    tagging.set_tags(alice, item.pk, [hostile.replace(",", " ")[:90] or "x"])
    secret = app_passwords.create_app_password(alice, "Kobo").secret
    r = Client().get("/opds/unread/", headers=_basic("alice", secret))
    assert r.status_code == 200
    root = etree.fromstring(r.content)
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = root.iter(f"{atom}entry")
    expected = " ".join("".join(c for c in hostile if c >= " " or c in "\t\n").split())
    expected = expected.replace("\x7f", "")
    assert entry.findtext(f"{atom}title") == expected
    assert entry.findtext(f"{atom}author/{atom}name") == expected
    assert entry.findtext(f"{atom}summary") == expected
    assert {el.tag for el in entry} <= {
        f"{atom}{name}"
        for name in ("title", "id", "updated", "author", "summary", "content", "link", "category")
    } | {"{http://purl.org/dc/terms/}publisher"}
    assert not list(root.iter("script", "{http://www.w3.org/1999/xhtml}script"))
    page = Client().get("/opds/unread/", headers=_basic("alice", secret) | {"Accept": "text/html"})
    assert page.status_code == 200 and b"<script>" not in page.content
