"""Access on every wallabag route, generated from the door's URL configuration: a new route is
covered without anyone remembering to add it here. Anonymous requests are 401 JSON (but for the
three public routes); another reader's ids are 404 and change nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client

from broadsheet.core import highlighting, oauth, services, tagging
from broadsheet.core.models import Highlight, Item, ItemTag, Tag
from broadsheet.wallabag import urls

pytestmark = pytest.mark.django_db

PUBLIC = {"wallabag-token", "wallabag-version", "wallabag-info"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _path(pattern: str, values: dict[str, Any]) -> str:
    """A concrete path for a route's regular expression."""
    path = pattern.lstrip("^").rstrip("$").replace("(?:\\.json)?", "").replace("/?", "")
    path = path.replace("\\.", ".")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    assert "(" not in path and "\\" not in path, path
    return "/" + path


ROUTES = [(p.name, str(p.pattern)) for p in urls.urlpatterns]


def test_the_walk_finds_the_routes() -> None:
    names = {name for name, _ in ROUTES}
    assert {"wallabag-entries", "wallabag-entry", "wallabag-annotations"} <= names


@pytest.mark.parametrize(("name", "pattern"), [r for r in ROUTES if r[0] not in PUBLIC])
@pytest.mark.parametrize("method", METHODS)
def test_anonymous_gets_401_json(name: str, pattern: str, method: str) -> None:
    path = _path(pattern, {"item_id": 1, "tag_id": 1, "fmt": "json"})
    r = Client().generic(method, path)
    assert r["Content-Type"] == "application/json"
    if r.status_code == 405:  # a method the route does not have, said before anything else
        assert method not in r["Allow"]
        return
    assert r.status_code == 401, (method, path)
    assert r.json()["error"] == "access_denied"


def _rows(user: AbstractBaseUser) -> dict[str, Any]:
    item = services.save_item(user, "https://news.example/private-story")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY, html="<p>What the farmers downstream say.</p>"
    )
    tagging.set_tags(user, item.pk, ["Dams"])
    highlighting.add_highlight(user, item.pk, "farmers downstream", note="Ask")
    return {
        "item_id": item.pk,
        "tag_id": Tag.objects.get(user=user).pk,
        "fmt": "json",
    }


def _snapshot(user: AbstractBaseUser) -> list[Any]:
    return [
        list(Item.objects.filter(user=user).values().order_by("pk")),
        list(Tag.objects.filter(user=user).values().order_by("pk")),
        list(ItemTag.objects.filter(item__user=user).values("item_id", "tag_id").order_by("pk")),
        list(Highlight.objects.filter(user=user).values().order_by("pk")),
    ]


def _token(user: AbstractBaseUser) -> str:
    client = oauth.create_client(user, "tests")
    return oauth.issue(client, user).access_token


ID_ROUTES = [r for r in ROUTES if "(?P<" in r[1] and r[0] not in PUBLIC]


@pytest.mark.parametrize(("name", "pattern"), ID_ROUTES)
@pytest.mark.parametrize("method", METHODS)
def test_another_reader_gets_404_and_changes_nothing(
    name: str, pattern: str, method: str, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    rows = _rows(alice)
    path = _path(pattern, rows)
    if name == "wallabag-annotations" and method in {"PUT", "DELETE"}:
        path = _path(pattern, {"item_id": Highlight.objects.get(user=alice).pk})
    before = _snapshot(alice)
    body = '{"tags": "x", "archive": 1, "text": "t", "quote": "farmers downstream"}'
    r = Client().generic(
        method,
        path,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {_token(bob)}"},
    )
    assert r.status_code in {404, 405}, (method, path, r.status_code)
    assert _snapshot(alice) == before
    if r.status_code == 405:
        return
    # And the owner, with the same request, is served: the 404 meant "not yours".
    own = Client().generic(
        method,
        path,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {_token(alice)}"},
    )
    assert own.status_code == 200, (method, path, own.content)
