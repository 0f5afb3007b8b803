"""Search over the API (issue 13): GET /api/v1/items?q=..., ranked, with snippets."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import search_index
from broadsheet.core.models import Item
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _story(user: AbstractBaseUser, n: int, title: str, text: str, **fields: object) -> int:
    url = f"https://news.example/{n}"
    item = Item.objects.create(
        user_id=user.pk, url=url, canonical_url=url, title=title, text=text, **fields
    )
    search_index.refresh([item.pk])
    return item.pk


def test_q_finds_ranks_and_marks(
    alice: AbstractBaseUser, bob: AbstractBaseUser, api: ApiClient
) -> None:
    best = _story(alice, 1, "Glacier retreat", "Ice loss measured in the Alps.")
    body = _story(alice, 2, "Alpine notes", "A glacier walk <b>at dawn</b>.", archived=True)
    _story(alice, 3, "Other", "Nothing to see.")
    _story(bob, 4, "Bob's glacier", "glacier")
    response = api.get("/api/v1/items", q="glacier")
    assert response.status_code == 200, response.content
    got = response.json()
    assert got["count"] == 2  # archived ones too: a search looks in every list by default
    assert [i["id"] for i in got["items"]] == [best, body]
    snippet = got["items"][1]["snippet"]
    assert "<mark>glacier</mark>" in snippet and "&lt;b&gt;at" in snippet
    assert api.get("/api/v1/items", q="glacier", state="unread").json()["count"] == 1
    listed = api.get("/api/v1/items").json()["items"]
    assert all(i["snippet"] is None for i in listed)


def test_q_with_metadata_and_orders(alice: AbstractBaseUser, api: ApiClient) -> None:
    first = _story(alice, 1, "Tide one", "tide")
    second = _story(alice, 2, "Tide two", "tide tide tide")
    got = api.get("/api/v1/items", q="tide", fields="metadata", sort="oldest").json()
    assert [i["id"] for i in got["items"]] == [first, second]
    assert all(i["text"] == "" and i["html"] == "" for i in got["items"])
    assert "<mark>tide</mark>" in got["items"][0]["snippet"]


def test_filters_alone_list_without_snippets(alice: AbstractBaseUser, api: ApiClient) -> None:
    starred = _story(alice, 1, "Starred", "x", favorite=True)
    _story(alice, 2, "Plain", "x")
    got = api.get("/api/v1/items", q="is:favorite").json()
    assert [i["id"] for i in got["items"]] == [starred]
    assert got["items"][0]["snippet"] is None


@pytest.mark.parametrize(
    ("query", "says"),
    [("is:sleeping", "is not a state"), ("rated:9", "1 to 5 stars"), ("x " * 31, "at most 30")],
)
def test_a_query_that_cannot_be_read_is_422_with_the_reason(
    api: ApiClient, query: str, says: str
) -> None:
    response = api.get("/api/v1/items", q=query)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and says in error["message"]
    assert api.get("/api/v1/items", q="x" * 501).status_code == 422


def test_the_list_filters_by_site(alice: AbstractBaseUser, api: ApiClient) -> None:
    here = _story(alice, 1, "Here", "x", host="news.example")
    _story(alice, 2, "Else", "x", host="other.example")
    got = api.get("/api/v1/items", site="https://www.news.example/").json()
    assert [i["id"] for i in got["items"]] == [here]
    assert api.get("/api/v1/items", site="news.example", q="x").json()["count"] == 1
    assert api.get("/api/v1/items", site="").status_code == 422
