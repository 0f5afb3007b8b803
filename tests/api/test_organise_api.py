"""Tags, favourites and reading progress over the API (issue 13): PATCH /items/{id}, /tags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.core import services
from broadsheet.core.models import TAGS_PER_ITEM_MAX, Item
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _save(api: ApiClient, path: str) -> int:
    response = api.post("/api/v1/items", {"url": f"https://news.example/{path}"})
    assert response.status_code == 201
    return int(response.json()["id"])


def test_patch_stars_tags_and_records_progress_in_one_request(api: ApiClient) -> None:
    item_id = _save(api, "a")
    fresh = api.get(f"/api/v1/items/{item_id}").json()
    assert fresh["favorite"] is False and fresh["progress"] == 0 and fresh["tags"] == []
    body = {"favorite": True, "progress": 0.42, "tags": ["Climate", "long reads", "climate"]}
    response = api.patch(f"/api/v1/items/{item_id}", body)
    assert response.status_code == 200, response.content
    got = response.json()
    assert got["favorite"] is True and got["progress"] == pytest.approx(0.42)
    assert got["tags"] == ["Climate", "long reads"]
    assert api.get(f"/api/v1/items/{item_id}").json()["tags"] == ["Climate", "long reads"]
    cleared = api.patch(f"/api/v1/items/{item_id}", {"tags": [], "progress": 1}).json()
    assert cleared["tags"] == [] and cleared["progress"] == 1.0 and cleared["favorite"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"progress": 1.5},
        {"progress": -0.1},
        {"progress": "0.5"},
        {"progress": None},
        {"favorite": "yes"},
        {"favorite": None},
        {"tags": "climate"},
        {"tags": ["a,b"]},
        {"tags": ["  "]},
        {"tags": ["x" * 101]},
        {"tags": [f"t{n}" for n in range(TAGS_PER_ITEM_MAX + 1)]},
        {"tags": None},
        {"archived": True, "tags": [""]},
    ],
)
def test_a_bad_field_refuses_the_whole_patch(api: ApiClient, body: dict[str, Any]) -> None:
    item_id = _save(api, "a")
    response = api.patch(f"/api/v1/items/{item_id}", body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    item = Item.objects.get(pk=item_id)
    assert not item.archived and not item.favorite and item.progress == 0.0
    assert not item.tags.exists()


def test_the_list_carries_tags_without_a_query_per_item(api: ApiClient) -> None:
    ids = [_save(api, f"s{n}") for n in range(6)]
    for n, item_id in enumerate(ids):
        api.patch(f"/api/v1/items/{item_id}", {"tags": [f"t{n}", "all"]})
    with CaptureQueriesContext(connection) as few:
        listed = api.get("/api/v1/items", limit=2).json()
    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/items", limit=6)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert listed["items"][0]["tags"] == ["all", "t5"]


def test_tags_list_rename_merge_delete(
    alice: AbstractBaseUser,
    api: ApiClient,
    api_for: Callable[[AbstractBaseUser], ApiClient],
    bob: AbstractBaseUser,
) -> None:
    a, b = _save(api, "a"), _save(api, "b")
    api.patch(f"/api/v1/items/{a}", {"tags": ["AI", "Energy"]})
    api.patch(f"/api/v1/items/{b}", {"tags": ["machine learning"]})
    services.delete_item(alice, b)  # in the trash: not counted
    listed = api.get("/api/v1/tags").json()
    assert [(t["name"], t["stories"]) for t in listed["tags"]] == [
        ("AI", 1),
        ("Energy", 1),
        ("machine learning", 0),
    ]
    assert listed["count"] == 3
    ids = {t["name"]: t["id"] for t in listed["tags"]}
    renamed = api.patch(f"/api/v1/tags/{ids['Energy']}", {"name": "Energy policy"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Energy policy"
    merged = api.patch(f"/api/v1/tags/{ids['machine learning']}", {"name": "ai"})
    assert merged.status_code == 200
    assert merged.json() == {"id": ids["AI"], "name": "AI", "stories": 1}
    assert api.delete(f"/api/v1/tags/{ids['AI']}").status_code == 204
    assert [t["name"] for t in api.get("/api/v1/tags").json()["tags"]] == ["Energy policy"]
    assert api.get(f"/api/v1/items/{a}").json()["tags"] == ["Energy policy"]
    other = api_for(bob)
    assert other.patch(f"/api/v1/tags/{ids['Energy']}", {"name": "x"}).status_code == 404
    assert other.delete(f"/api/v1/tags/{ids['Energy']}").status_code == 404
    assert other.get("/api/v1/tags").json() == {"tags": [], "count": 0}
    bad = api.patch(f"/api/v1/tags/{ids['Energy']}", {"name": "a, b"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"


def test_list_filters_by_tag_and_star_and_sorts(alice: AbstractBaseUser, api: ApiClient) -> None:
    ids = [_save(api, f"s{n}") for n in range(4)]
    minutes = [7, 2, 9, 2]
    sites = ["Zeta News", "alpha Times", "Beta Post", "alpha Times"]
    for item_id, m, site in zip(ids, minutes, sites, strict=True):
        Item.objects.filter(pk=item_id).update(reading_minutes=m, site_name=site)
    api.patch(f"/api/v1/items/{ids[0]}", {"tags": ["Climate"], "favorite": True})
    api.patch(f"/api/v1/items/{ids[2]}", {"tags": ["climate", "Energy"]})

    def listed(**params: Any) -> list[int]:
        response = api.get("/api/v1/items", **params)
        assert response.status_code == 200, response.content
        return [i["id"] for i in response.json()["items"]]

    assert listed() == ids[::-1]
    assert listed(sort="oldest") == ids
    assert listed(tag="CLIMATE") == [ids[2], ids[0]]
    assert listed(tag="climate", favorite="true") == [ids[0]]
    assert listed(favorite="false") == [ids[3], ids[2], ids[1]]
    assert listed(tag="no such tag") == []
    assert listed(sort="reading_time") == [ids[3], ids[1], ids[0], ids[2]]
    assert listed(sort="site") == [ids[3], ids[1], ids[2], ids[0]]
    day = timezone.now() - timedelta(days=3)
    Item.objects.filter(pk=ids[1]).update(published=day)
    Item.objects.filter(pk=ids[2]).update(published=day - timedelta(days=1))
    assert listed(sort="published") == [ids[1], ids[2], ids[3], ids[0]]  # undated last
    assert api.get("/api/v1/items", tag="climate").json()["count"] == 2
    for bad in ({"sort": "random"}, {"favorite": "maybe"}, {"fields": "some"}, {"tag": "a,b"}):
        response = api.get("/api/v1/items", **bad)
        assert response.status_code == 422, bad


def test_metadata_listing_leaves_the_bodies_out_and_never_loads_them(
    alice: AbstractBaseUser, api: ApiClient
) -> None:
    ids = [_save(api, f"s{n}") for n in range(5)]
    Item.objects.filter(pk__in=ids).update(text="The whole story. " * 50, html="<p>The story</p>")
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/items", fields="metadata").json()
    assert [i["text"] for i in body["items"]] == [""] * 5
    assert {i["html"] for i in body["items"]} == {""}
    assert {i["reading_minutes"] for i in body["items"]} == {0}
    sqls = [q["sql"] for q in queries.captured_queries]
    assert any('"core_item"."url"' in sql for sql in sqls)  # the listing is among them
    assert not any('"core_item"."text"' in sql for sql in sqls)  # and no row loads its story
    full = api.get("/api/v1/items").json()
    assert full["items"][0]["text"].startswith("The whole story.")
