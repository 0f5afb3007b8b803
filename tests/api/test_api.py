"""The REST API at /api/v1: every route, its errors, and the OpenAPI document."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from broadsheet.api.schemas import MAX_OFFSET
from broadsheet.core import services
from broadsheet.core.models import Item, Note
from tests.conftest import ApiClient, Site, article_html

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items"


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def _save(user: AbstractBaseUser, n: int, start: int = 0) -> list[Item]:
    return [services.save_item(user, f"https://news.example/{i}") for i in range(start, start + n)]


# --- saving ---------------------------------------------------------------------------------------


def test_save_answers_201_pending(api: ApiClient, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = api.post(ITEMS, {"url": "https://News.Example/story?utm_source=feed#x"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "pending"
    assert body["url"] == "https://News.Example/story?utm_source=feed#x"
    assert body["canonical_url"] == "https://news.example/story"
    assert body["archived"] is False and body["error"] == ""
    assert Item.objects.get(pk=body["id"]).user == api.user
    # The fetch is enqueued, and the story indexed for search, when the save commits.
    assert len(callbacks) == 2


def test_quota_exceeded(api: ApiClient) -> None:
    assert api.user is not None
    _save(api.user, 20)
    r = api.post(ITEMS, {"url": "https://news.example/twenty-one"})
    err = _error(r, 409, "quota_exceeded")
    assert err["message"] == "You reached the limit of 20 saved items."
    assert Item.objects.count() == 20


def test_already_saved_names_the_item(api: ApiClient) -> None:
    first = api.post(ITEMS, {"url": "https://news.example/a?id=1"}).json()
    r = api.post(ITEMS, {"url": "https://NEWS.example/a?fbclid=2&id=1"})
    err = _error(r, 409, "already_saved")
    assert err["message"] == "You have already saved this item."
    assert err["item_id"] == first["id"]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "not a url"},
        {"url": "http://"},
        {"url": "ftp://example.com/file"},
        {"url": "javascript:alert(1)"},
        {"url": "file:///etc/passwd"},
        {"url": ""},
        {"url": "https://example.com/" + "a" * 5000},
        {"url": 42},
        {"url": None},
        {},
        {"url": "https://example.com/", "is_staff": True},
        {"url": "https://example.com/", "user": 1},
        {"url": "https://example.com/", "quota": None},
        {"url": "https://example.com/", "status": "ready"},
    ],
)
def test_save_refuses_bad_input(api: ApiClient, body: dict[str, Any]) -> None:
    r = api.post(ITEMS, body)
    assert r.status_code == 422, r.content
    assert r.json()["error"]["code"] in {"invalid_url", "invalid_input"}
    assert not Item.objects.exists()


@pytest.mark.parametrize("raw", ["", "null", "[1, 2]", '"https://example.com/"', "not json"])
def test_save_refuses_malformed_bodies(api: ApiClient, raw: str) -> None:
    """invalid_input is 422, whether the body is not JSON at all or JSON of the wrong shape."""
    for method, path in (("POST", ITEMS), ("PATCH", f"{ITEMS}/1")):
        err = _error(api.request(method, path, raw), 422, "invalid_input")
        if raw == "not json":
            assert err["message"] == "The request body is not valid JSON."
    assert not Item.objects.exists()


def test_folded_item_points_to_the_earlier_one(api: ApiClient, alice: AbstractBaseUser) -> None:
    from broadsheet.core.models import Fold

    kept = services.save_item(alice, "https://news.example/kept")
    Fold.objects.create(user=alice, old_item_id=kept.pk + 1000, into=kept, url="https://x.example/")
    err = _error(api.get(f"{ITEMS}/{kept.pk + 1000}"), 404, "folded")
    assert err["item_id"] == kept.pk
    assert str(kept.pk) in err["message"]


def test_mass_assignment_is_refused(api: ApiClient) -> None:
    assert api.user is not None
    r = api.post(ITEMS, {"url": "https://example.com/", "is_staff": True, "quota": None})
    assert r.status_code == 422
    api.user.refresh_from_db()
    assert not api.user.is_staff
    assert api.get("/api/v1/me").json()["limit"] == 20


# --- listing --------------------------------------------------------------------------------------


def test_list_filters_pages_and_counts(api: ApiClient) -> None:
    assert api.user is not None
    services.set_quota(api.user, None)
    items = _save(api.user, 7)
    # Distinct times, newest last saved.
    base = timezone.now() - timedelta(hours=1)
    for i, item in enumerate(items):
        Item.objects.filter(pk=item.pk).update(saved_at=base + timedelta(minutes=i))
    for item in items[:2]:
        services.set_archived(api.user, item.pk, True)

    unread = api.get(ITEMS).json()
    assert unread["count"] == 5 and unread["limit"] == 50 and unread["offset"] == 0
    assert [i["id"] for i in unread["items"]] == [i.pk for i in reversed(items[2:])]

    archived = api.get(ITEMS, state="archived").json()
    assert [i["id"] for i in archived["items"]] == [items[1].pk, items[0].pk]
    assert all(i["archived"] for i in archived["items"])

    everything = api.get(ITEMS, state="all").json()
    assert everything["count"] == 7

    page1 = api.get(ITEMS, state="all", limit=3, offset=0).json()
    page2 = api.get(ITEMS, state="all", limit=3, offset=3).json()
    page3 = api.get(ITEMS, state="all", limit=3, offset=6).json()
    ids = [i["id"] for p in (page1, page2, page3) for i in p["items"]]
    assert ids == [i.pk for i in reversed(items)]
    assert [len(p["items"]) for p in (page1, page2, page3)] == [3, 3, 1]
    assert page2["count"] == 7 and page2["limit"] == 3 and page2["offset"] == 3
    assert api.get(ITEMS, state="all", offset=100).json()["items"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"state": "deleted"},
        {"limit": 0},
        {"limit": 501},
        {"offset": -1},
        {"limit": "many"},
        # Past the bound, before the database's 64-bit integers overflow (a 500 once).
        {"offset": MAX_OFFSET + 1},
        {"offset": 2**63},
        {"offset": 10**40},
    ],
)
def test_list_refuses_bad_parameters(api: ApiClient, params: dict[str, Any]) -> None:
    _error(api.get(ITEMS, **params), 422, "invalid_input")


def test_the_largest_offset_is_an_empty_page(api: ApiClient, alice: AbstractBaseUser) -> None:
    _save(alice, 1)
    body = api.get(ITEMS, offset=MAX_OFFSET, limit=500).json()
    assert body == {"items": [], "count": 1, "limit": 500, "offset": MAX_OFFSET}


def test_the_offset_bound_is_in_the_schema_and_the_docs() -> None:
    from pathlib import Path

    doc = Client().get("/api/v1/openapi.json").json()
    params = doc["paths"]["/api/v1/items"]["get"]["parameters"]
    offset = next(p for p in params if p["name"] == "offset")
    assert offset["schema"]["maximum"] == MAX_OFFSET
    api_md = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    assert f"0 to {MAX_OFFSET:,}" in api_md


def test_list_shows_only_own_items(
    api: ApiClient, bob: AbstractBaseUser, alice: AbstractBaseUser
) -> None:
    _save(bob, 3)
    mine = _save(alice, 1)
    body = api.get(ITEMS, state="all").json()
    assert body["count"] == 1 and [i["id"] for i in body["items"]] == [mine[0].pk]


# --- one item -------------------------------------------------------------------------------------


def test_get_patch_delete(api: ApiClient, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    r = api.get(f"{ITEMS}/{item.pk}")
    assert r.status_code == 200 and r.json()["id"] == item.pk

    r = api.patch(f"{ITEMS}/{item.pk}", {"archived": True})
    assert r.status_code == 200 and r.json()["archived"] is True
    assert Item.objects.get(pk=item.pk).archived

    r = api.patch(f"{ITEMS}/{item.pk}", {})
    assert r.status_code == 200 and r.json()["archived"] is True

    r = api.patch(f"{ITEMS}/{item.pk}", {"archived": False})
    assert r.json()["archived"] is False

    for bad in ({"archived": "perhaps"}, {"title": "mine now"}, {"user": 2}):
        _error(api.patch(f"{ITEMS}/{item.pk}", bad), 422, "invalid_input")
    assert Item.objects.get(pk=item.pk).title == ""

    r = api.delete(f"{ITEMS}/{item.pk}")
    assert r.status_code == 204 and r.content == b""
    assert not Item.objects.filter(pk=item.pk, deleted_at__isnull=True).exists()
    _error(api.get(f"{ITEMS}/{item.pk}"), 404, "not_found")
    _error(api.delete(f"{ITEMS}/{item.pk}"), 404, "not_found")


@pytest.mark.parametrize(
    "raw", ['"yes"', "1", "0", '"false"', '"true"', "null", "[]", "{}", '""', "0.0"]
)
def test_archived_takes_booleans_only(api: ApiClient, alice: AbstractBaseUser, raw: str) -> None:
    """`archived` is true or false; a string, a number or null is refused, never guessed at."""
    item = services.save_item(alice, "https://news.example/a")
    r = api.patch(f"{ITEMS}/{item.pk}", f'{{"archived": {raw}}}')
    err = _error(r, 422, "invalid_input")
    assert err["message"].startswith("archived: "), err["message"]
    assert Item.objects.get(pk=item.pk).archived is False
    services.set_archived(alice, item.pk, True)
    _error(api.patch(f"{ITEMS}/{item.pk}", f'{{"archived": {raw}}}'), 422, "invalid_input")
    assert Item.objects.get(pk=item.pk).archived is True


def test_rate_change_and_clear_a_story(api: ApiClient, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    assert api.get(f"{ITEMS}/{item.pk}").json()["rating"] is None
    r = api.request("PUT", f"{ITEMS}/{item.pk}/rating", {"stars": 4})
    assert r.status_code == 200, r.content
    assert r.json()["rating"] == 4 and Item.objects.get(pk=item.pk).rating == 4
    r = api.request("PUT", f"{ITEMS}/{item.pk}/rating", {"stars": 1})
    assert r.json()["rating"] == 1
    assert api.get(ITEMS, state="all").json()["items"][0]["rating"] == 1
    r = api.delete(f"{ITEMS}/{item.pk}/rating")
    assert r.status_code == 200 and r.json()["rating"] is None
    assert Item.objects.get(pk=item.pk).rating is None


BAD_RATINGS = [
    '{"stars": 0}', '{"stars": 6}', '{"stars": "4"}', '{"stars": 4.5}', '{"stars": true}',
    '{"stars": null}', "{}", '{"stars": 3, "x": 1}',
]  # fmt: skip


@pytest.mark.parametrize("body", BAD_RATINGS)
def test_a_rating_is_one_to_five_stars(api: ApiClient, alice: AbstractBaseUser, body: str) -> None:
    item = services.save_item(alice, "https://news.example/a")
    services.rate_item(alice, item.pk, 3)
    err = _error(api.request("PUT", f"{ITEMS}/{item.pk}/rating", body), 422, "invalid_input")
    assert err["message"]
    assert Item.objects.get(pk=item.pk).rating == 3


def test_a_rating_written_as_a_whole_float_is_that_number(
    api: ApiClient, alice: AbstractBaseUser
) -> None:
    # JSON (and JSON Schema's "integer") makes no difference between 4 and 4.0.
    item = services.save_item(alice, "https://news.example/a")
    r = api.request("PUT", f"{ITEMS}/{item.pk}/rating", '{"stars": 4.0}')
    assert r.status_code == 200 and r.json()["rating"] == 4
    _error(api.request("PUT", f"{ITEMS}/{item.pk}/rating", '{"stars": 6.0}'), 422, "invalid_input")


def test_rating_another_users_item_is_not_found(api: ApiClient, bob: AbstractBaseUser) -> None:
    item = services.save_item(bob, "https://news.example/a")
    _error(api.request("PUT", f"{ITEMS}/{item.pk}/rating", {"stars": 5}), 404, "not_found")
    _error(api.delete(f"{ITEMS}/{item.pk}/rating"), 404, "not_found")
    assert Item.objects.get(pk=item.pk).rating is None


# --- notes ----------------------------------------------------------------------------------------


def test_notes_add_list_edit_delete(api: ApiClient, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    Item.objects.filter(pk=item.pk).update(title="Dam talks stall")
    r = api.post(f"{ITEMS}/{item.pk}/notes", {"text": "Did we miss the farmers?"})
    assert r.status_code == 201, r.content
    note = r.json()
    assert note["item_id"] == item.pk and note["item_title"] == "Dam talks stall"
    assert note["text"] == "Did we miss the farmers?"
    api.post(f"{ITEMS}/{item.pk}/notes", {"text": "Second"})
    listed = api.get(f"{ITEMS}/{item.pk}/notes").json()
    assert listed["count"] == 2 and [n["text"] for n in listed["notes"]] == [
        "Second",
        "Did we miss the farmers?",
    ]
    everyone = api.get("/api/v1/notes", limit=1).json()
    assert everyone["count"] == 2 and len(everyone["notes"]) == 1
    r = api.patch(f"/api/v1/notes/{note['id']}", {"text": "Changed"})
    assert r.status_code == 200 and r.json()["text"] == "Changed"
    assert api.delete(f"/api/v1/notes/{note['id']}").status_code == 204
    assert api.get("/api/v1/notes").json()["count"] == 1
    _error(api.delete(f"/api/v1/notes/{note['id']}"), 404, "not_found")


BAD_NOTES = ['{"text": ""}', '{"text": "   "}', '{"text": 5}', '{"text": null}', "{}",
             '{"text": "a", "x": 1}', '{"text": "\\u0000"}']  # fmt: skip


@pytest.mark.parametrize("body", BAD_NOTES)
def test_a_bad_note_is_refused(api: ApiClient, alice: AbstractBaseUser, body: str) -> None:
    item = services.save_item(alice, "https://news.example/a")
    _error(api.request("POST", f"{ITEMS}/{item.pk}/notes", body), 422, "invalid_input")
    assert not Note.objects.exists()


def test_a_note_of_a_megabyte_is_refused(api: ApiClient, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    r = api.post(f"{ITEMS}/{item.pk}/notes", {"text": "x" * 1_048_576})
    assert "10000" in _error(r, 422, "invalid_input")["message"]
    assert not Note.objects.exists()


def test_notes_of_another_reader_are_not_found(api: ApiClient, bob: AbstractBaseUser) -> None:
    item = services.save_item(bob, "https://news.example/a")
    note = services.add_note(bob, item.pk, "bob's")
    _error(api.post(f"{ITEMS}/{item.pk}/notes", {"text": "x"}), 404, "not_found")
    _error(api.get(f"{ITEMS}/{item.pk}/notes"), 404, "not_found")
    _error(api.patch(f"/api/v1/notes/{note.pk}", {"text": "x"}), 404, "not_found")
    assert api.get("/api/v1/notes").json()["count"] == 0
    assert Note.objects.get().text == "bob's"


def test_the_export_lists_rating_and_notes(api: ApiClient, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    services.rate_item(alice, item.pk, 4)
    services.add_note(alice, item.pk, "kept")
    row = json.loads(api.get("/api/v1/export", format="json").getvalue())["items"][0]
    assert row["rating"] == 4 and [n["text"] for n in row["notes"]] == ["kept"]


def test_archived_is_a_plain_optional_boolean_in_the_schema() -> None:
    doc = Client().get("/api/v1/openapi.json").json()
    body = doc["paths"]["/api/v1/items/{item_id}"]["patch"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema = doc["components"]["schemas"][ref]
    assert schema["properties"]["archived"]["type"] == "boolean"
    assert "default" not in schema["properties"]["archived"]  # omitted changes nothing
    assert "archived" not in schema.get("required", [])


def test_delete_frees_a_slot(api: ApiClient, alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 1)
    first = api.post(ITEMS, {"url": "https://news.example/1"}).json()
    _error(api.post(ITEMS, {"url": "https://news.example/2"}), 409, "quota_exceeded")
    api.patch(f"{ITEMS}/{first['id']}", {"archived": True})
    _error(api.post(ITEMS, {"url": "https://news.example/2"}), 409, "quota_exceeded")
    assert api.delete(f"{ITEMS}/{first['id']}").status_code == 204
    assert api.post(ITEMS, {"url": "https://news.example/2"}).status_code == 201


def test_retry(api: ApiClient, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    _error(api.post(f"{ITEMS}/{item.pk}/retry"), 409, "not_failed")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.FAILED, error="The site answered 404", error_code="http_status"
    )
    failed = api.get(f"{ITEMS}/{item.pk}").json()
    assert failed["status"] == "failed" and failed["error"] == "The site answered 404"
    r = api.post(f"{ITEMS}/{item.pk}/retry")
    assert r.status_code == 202
    assert r.json()["status"] == "pending" and r.json()["error"] == ""
    _error(api.post(f"{ITEMS}/999999/retry"), 404, "not_found")


@pytest.mark.parametrize(
    ("item_id", "status", "code"),
    [
        ("abc", 422, "invalid_input"),
        ("1.5", 422, "invalid_input"),
        ("-1", 404, "not_found"),
        ("0", 404, "not_found"),
        ("99999999999999999999999", 404, "not_found"),
    ],
)
def test_bad_item_ids(api: ApiClient, item_id: str, status: int, code: str) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        _error(api.request(method, f"{ITEMS}/{item_id}", {}), status, code)
    _error(api.post(f"{ITEMS}/{item_id}/retry"), status, code)


# --- /me ------------------------------------------------------------------------------------------


def test_me_has_the_counter(api: ApiClient, alice: AbstractBaseUser) -> None:
    _save(alice, 3)
    assert api.get("/api/v1/me").json() == {
        "username": "alice",
        "saved": 3,
        "limit": 20,
        "counter": "Saved (3 of 20 items)",
        "email": "",
        "digest": "off",
        "digest_hour": 7,
        "digest_weekday": 0,
        "timezone": "UTC",
        "next_digest_at": None,
    }


def test_me_unlimited(
    api_for: Callable[[AbstractBaseUser], ApiClient], admin_user: AbstractBaseUser
) -> None:
    _save(admin_user, 3)
    body = api_for(admin_user).get("/api/v1/me").json()
    assert body["limit"] is None and body["counter"] == "Saved (3 items)"


# --- authentication -------------------------------------------------------------------------------


def _routes() -> list[tuple[str, str]]:
    return [
        ("POST", ITEMS),
        ("GET", ITEMS),
        ("GET", f"{ITEMS}/1"),
        ("PATCH", f"{ITEMS}/1"),
        ("DELETE", f"{ITEMS}/1"),
        ("POST", f"{ITEMS}/1/retry"),
        ("GET", "/api/v1/me"),
    ]


@pytest.mark.parametrize(("method", "path"), _routes())
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer bs_wrong",
        "Basic YWxpY2U6c2VjcmV0",
        "bs_raw-token-no-scheme",
        "Token x",
    ],
)
def test_unauthorized(
    method: str, path: str, authorization: str | None, alice: AbstractBaseUser
) -> None:
    services.save_item(alice, "https://news.example/a")
    headers = {"Authorization": authorization} if authorization else {}
    r = Client().generic(
        method, path, '{"url": "https://x.example/"}', "application/json", headers=headers
    )
    err = _error(r, 401, "unauthorized")
    assert err["message"] == "A valid API token is required."
    assert r["WWW-Authenticate"] == "Bearer"
    assert Item.objects.count() == 1


def test_revoked_token_stops_working(api: ApiClient) -> None:
    assert api.get("/api/v1/me").status_code == 200
    assert api.user is not None
    services.revoke_all_tokens(api.user)
    _error(api.get("/api/v1/me"), 401, "unauthorized")


def test_session_cookie_is_not_api_auth(web: Client) -> None:
    """A logged-in browser cannot be made to call the API (no CSRF surface)."""
    _error(web.get("/api/v1/me"), 401, "unauthorized")
    r = web.post(ITEMS, {"url": "https://x.example/"}, content_type="application/json")
    _error(r, 401, "unauthorized")


# --- OpenAPI --------------------------------------------------------------------------------------


def test_openapi_lists_every_route() -> None:
    from broadsheet.api.routes import api

    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    paths = doc["paths"]
    expected: set[tuple[str, str]] = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    full = "/api/v1" + re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", prefix + path)
                    expected.add((method.lower(), full))
    assert expected, "no routes found"
    documented = {(m, p) for p, ops in paths.items() for m in ops}
    assert expected <= documented, expected - documented
    for want in [
        ("post", "/api/v1/items"),
        ("get", "/api/v1/items"),
        ("get", "/api/v1/items/{item_id}"),
        ("patch", "/api/v1/items/{item_id}"),
        ("delete", "/api/v1/items/{item_id}"),
        ("post", "/api/v1/items/{item_id}/retry"),
        ("get", "/api/v1/me"),
    ]:
        assert want in documented
    for path, ops in paths.items():
        for method, op in ops.items():
            assert op.get("security"), (method, path)
            assert "401" in op["responses"], (method, path)


def test_api_docs_page() -> None:
    r = Client().get("/api/v1/docs")
    assert r.status_code == 200
    assert "script-src 'none'" not in r["Content-Security-Policy"]


# --- a real save, end to end through the worker ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_save_then_read_the_story(
    api_for: Callable[[AbstractBaseUser], ApiClient],
    make_user: Callable[..., AbstractBaseUser],
    site: Site,
    pipeline: Any,
    run_tasks: Callable[[], int],
) -> None:
    client = api_for(make_user("reader"))
    url = site.add("/api/story-1", article_html(seed=101))
    item = client.post(ITEMS, {"url": url}).json()
    assert item["status"] == "pending"
    run_tasks()
    ready = client.get(f"{ITEMS}/{item['id']}").json()
    assert ready["status"] == "ready"
    assert ready["title"] == "Harbour ferry returns after winter repairs"
    assert ready["byline"] == "Jo Reporter"
    assert ready["agency"] == ""
    assert "A new timetable" in ready["html"]
    assert ready["reading_minutes"] >= 1 and ready["fetched_at"]


@pytest.mark.django_db(transaction=True)
def test_the_agency_a_byline_credits_is_its_own_field(
    api_for: Callable[[AbstractBaseUser], ApiClient],
    make_user: Callable[..., AbstractBaseUser],
    site: Site,
    pipeline: Any,
    run_tasks: Callable[[], int],
) -> None:
    """Issue 11: "By Jo Reporter, Reuters" gives byline "Jo Reporter" and agency "Reuters", in
    the item and in the export; the schema documents the field."""
    client = api_for(make_user("reader"))
    url = site.add("/api/wire-story", article_html(seed=102, agency="Reuters"))
    item = client.post(ITEMS, {"url": url}).json()
    run_tasks()
    ready = client.get(f"{ITEMS}/{item['id']}").json()
    assert (ready["byline"], ready["agency"]) == ("Jo Reporter", "Reuters")
    exported = json.loads(client.get("/api/v1/export").getvalue())["items"]
    assert (exported[0]["byline"], exported[0]["agency"]) == ("Jo Reporter", "Reuters")
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["ItemOut"]
    assert "agency" in schema["required"] and schema["properties"]["agency"]["description"]
