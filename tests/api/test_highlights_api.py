"""Highlights over the API: /items/{item_id}/highlights, /highlights, /highlights/{id}."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import highlighting, services
from broadsheet.core.anchoring import story_text
from broadsheet.core.models import HIGHLIGHTS_PER_ITEM_MAX, NOTE_MAX_CHARS, Highlight, Item
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

STORY = (
    "<p>The dam opened at dawn. Farmers downstream watched the river rise.</p>"
    "<p>By noon the dam opened its second gate. Émile 😀 said «oui».</p>"
)


def _story(user: AbstractBaseUser, path: str = "a", html: str = STORY) -> int:
    item = services.save_item(user, f"https://news.example/{path}")
    Item.objects.filter(pk=item.pk).update(status=Item.Status.READY, html=html)
    return item.pk


def test_highlight_list_edit_delete(api: ApiClient, alice: AbstractBaseUser) -> None:
    item_id = _story(alice)
    text = story_text(STORY)
    at = text.index("said «oui»")
    body = {
        "quote": "said «oui»",
        "prefix": "Émile 😀 ",
        "suffix": ".",
        "start": at,
        "end": at + 10,
        "note": "Ask Émile again.",
    }
    r = api.post(f"/api/v1/items/{item_id}/highlights", body)
    assert r.status_code == 201, r.content
    got = r.json()
    assert got["quote"] == "said «oui»" and got["start"] == at and got["end"] == at + 10
    assert got["note"] == "Ask Émile again." and got["orphaned"] is False
    assert got["orphaned_at"] is None and got["item_id"] == item_id
    assert got["prefix"].endswith("Émile 😀 ") and got["suffix"] == "."
    hid = got["id"]

    second = api.post(f"/api/v1/items/{item_id}/highlights", {"quote": "dam opened"}).json()
    listed = api.get(f"/api/v1/items/{item_id}/highlights").json()
    assert [h["id"] for h in listed["highlights"]] == [second["id"], hid]  # the story's order
    assert listed["count"] == 2
    everything = api.get("/api/v1/highlights", limit=1).json()
    assert everything["count"] == 2 and everything["limit"] == 1
    assert [h["id"] for h in everything["highlights"]] == [second["id"]]  # newest first
    assert api.get("/api/v1/highlights", offset=1).json()["highlights"][0]["id"] == hid

    r = api.patch(f"/api/v1/highlights/{hid}", {"note": "  Changed.  "})
    assert r.status_code == 200 and r.json()["note"] == "Changed."
    assert api.get(f"/api/v1/highlights/{hid}").json()["note"] == "Changed."
    assert api.delete(f"/api/v1/highlights/{hid}").status_code == 204
    assert api.get(f"/api/v1/highlights/{hid}").status_code == 404
    assert api.delete(f"/api/v1/highlights/{hid}").status_code == 404


def test_orphaned_highlights_are_reported(api: ApiClient, alice: AbstractBaseUser) -> None:
    item_id = _story(alice)
    hid = api.post(f"/api/v1/items/{item_id}/highlights", {"quote": "second gate"}).json()["id"]
    item = Item.objects.get(pk=item_id)
    item.html = "<p>The story was rewritten.</p>"
    highlighting.reanchor(item)
    got = api.get(f"/api/v1/highlights/{hid}").json()
    assert got["orphaned"] is True and got["orphaned_at"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"quote": ""},
        {"quote": "   "},
        {"quote": "not in the story"},
        {"quote": None},
        {"quote": 5},
        {"quote": "dam", "start": -1},
        {"quote": "dam", "start": "3"},
        {"quote": "dam", "start": 1.5},
        {"quote": "dam", "start": None},
        {"quote": "dam", "start": 9, "end": 2},
        {"quote": "dam", "note": "x" * (NOTE_MAX_CHARS + 1)},
        {"quote": "dam", "note": None},
        {"quote": "dam", "prefix": "p" * 1000},
        {"quote": "dam", "colour": "yellow"},
    ],
)
def test_invalid_highlights_are_422(api: ApiClient, alice: AbstractBaseUser, body: object) -> None:
    item_id = _story(alice)
    r = api.post(f"/api/v1/items/{item_id}/highlights", body)
    assert r.status_code == 422, (body, r.content)
    assert r.json()["error"]["code"] == "invalid_input"
    assert not Highlight.objects.exists()


def test_limit_is_409(api: ApiClient, alice: AbstractBaseUser) -> None:
    item_id = _story(alice)
    Highlight.objects.bulk_create(
        Highlight(user=alice, item_id=item_id, quote="dam", start=4, end=7)
        for _ in range(HIGHLIGHTS_PER_ITEM_MAX)
    )
    r = api.post(f"/api/v1/items/{item_id}/highlights", {"quote": "dam"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "limit_reached"


def test_patch_takes_only_a_note(api: ApiClient, alice: AbstractBaseUser) -> None:
    item_id = _story(alice)
    hid = api.post(f"/api/v1/items/{item_id}/highlights", {"quote": "dam"}).json()["id"]
    for body in ({"quote": "other"}, {}, {"note": None}, {"note": 3}):
        r = api.patch(f"/api/v1/highlights/{hid}", body)
        assert r.status_code == 422, body
    assert Highlight.objects.get(pk=hid).quote == "dam"


def test_another_readers_highlight_is_404(
    api: ApiClient,
    alice: AbstractBaseUser,
    bob: AbstractBaseUser,
    api_for: Callable[[AbstractBaseUser], ApiClient],
) -> None:
    item_id = _story(alice)
    hid = api.post(f"/api/v1/items/{item_id}/highlights", {"quote": "dam"}).json()["id"]
    intruder = api_for(bob)
    missing = 10**9
    for method, path, body in (
        ("GET", f"/api/v1/highlights/{hid}", None),
        ("PATCH", f"/api/v1/highlights/{hid}", {"note": "mine"}),
        ("DELETE", f"/api/v1/highlights/{hid}", None),
        ("GET", f"/api/v1/items/{item_id}/highlights", None),
        ("POST", f"/api/v1/items/{item_id}/highlights", {"quote": "dam"}),
    ):
        r = intruder.request(method, path, body)
        assert r.status_code == 404, (method, path)
        assert r.json()["error"]["code"] == "not_found"
        other = intruder.request(method, path.replace(str(hid), str(missing)), body)
        assert other.status_code == 404
    assert intruder.get("/api/v1/highlights").json()["count"] == 0
    assert Highlight.objects.get(pk=hid).note == ""


def test_without_a_token_is_401(api_for: Callable[[AbstractBaseUser | None], ApiClient]) -> None:
    anonymous = api_for(None)
    for path in ("/api/v1/highlights", "/api/v1/highlights/1", "/api/v1/items/1/highlights"):
        r = anonymous.get(path)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
