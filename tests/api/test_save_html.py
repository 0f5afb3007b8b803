"""`POST /api/v1/items` with the page's HTML (the browser extension): the story behind a login is
saved whole, the HTML goes through the same decoding, extraction and sanitising as a fetched page,
nothing is fetched, and the HTML has a size cap of its own (BROADSHEET_SAVE_HTML_MAX_BYTES)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.api import errors
from broadsheet.core import services
from broadsheet.core.models import Item, PageSnapshot
from tests.conftest import ApiClient, Site, article_html
from tests.support.fixture_server import FixtureServer

ITEMS = "/api/v1/items"
RunTasks = Callable[[], int]
_paths = iter(range(1, 10_000))


def _path() -> str:
    return f"/save-html/{next(_paths)}"


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert body["error"]["code"] == code, body
    return body["error"]


# The reader's page: the part everyone sees, and the part only a logged-in reader sees.
LOCKED = "Subscribers read on: the council's own figures show the bridge repairs ran over budget."


def _paywalled(*, whole: bool, title: str = "Bridge repairs run over budget") -> str:
    page = article_html(title=title, seed=11)
    extra = f"<p>{LOCKED}</p>" if whole else '<p class="paywall">Subscribe to read on.</p>'
    hostile = '<p onclick="steal()">Tap here<script>steal()</script></p>'
    return page.replace("<h2>A new timetable</h2>", extra + hostile + "<h2>A new timetable</h2>")


@pytest.mark.django_db(transaction=True)
def test_the_html_is_extracted_as_a_fetched_page_and_nothing_is_fetched(
    alice: AbstractBaseUser,
    bob: AbstractBaseUser,
    api_for: Callable[[AbstractBaseUser], ApiClient],
    site: Site,
    pipeline: FixtureServer,
    run_tasks: RunTasks,
) -> None:
    page = _paywalled(whole=True)
    # The same page, fetched by the server for Bob, and sent by Alice's browser.
    fetched_path, sent_path = _path(), _path()
    fetched_url = site.add(fetched_path, page)
    sent_url = site.base_url + sent_path
    site.add(sent_path, _paywalled(whole=False), status=403)

    r = api_for(bob).post(ITEMS, {"url": fetched_url})
    assert r.status_code == 201, r.content
    r = api_for(alice).post(ITEMS, {"url": sent_url, "html": page})
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "pending"
    run_tasks()

    fetched = Item.objects.get(user=bob)
    sent = Item.objects.get(user=alice)
    assert sent.status == fetched.status == Item.Status.READY, (sent.error, fetched.error)
    # Nothing of the sent page was fetched: the site answers 403 there and was never asked.
    assert site.hits.get(sent_path, 0) == 0
    assert site.hits[fetched_path] == 1
    assert LOCKED in sent.text
    assert "Subscribe to read on" not in sent.text
    for field in ("title", "summary", "byline", "site_name", "language", "text", "html"):
        assert getattr(sent, field) == getattr(fetched, field), field
    assert sent.word_count == fetched.word_count
    assert "onclick" not in sent.html and "<script" not in sent.html and "steal()" not in sent.html
    assert sent.final_url == sent_url


@pytest.mark.django_db(transaction=True)
def test_a_page_in_a_legacy_charset_reads_the_same_sent_or_fetched(
    alice: AbstractBaseUser,
    bob: AbstractBaseUser,
    api_for: Callable[[AbstractBaseUser], ApiClient],
    site: Site,
    pipeline: FixtureServer,
    run_tasks: RunTasks,
) -> None:
    """A fetched page is decoded from its charset; the browser sends what it decoded (a JSON
    string, whatever the page's `<meta charset>` says): the two read the same."""
    page = article_html(title="Café owners vote on the naïve plan", seed=5).replace(
        '<meta charset="utf-8">', '<meta charset="windows-1252">'
    )
    page = page.replace("</h1>", "</h1><p>“Smart quotes” and a café\u2019s crème brûlée.</p>")
    fetched_url = site.add(_path(), page.encode("cp1252"), content_type="text/html")
    assert api_for(bob).post(ITEMS, {"url": fetched_url}).status_code == 201
    assert api_for(alice).post(ITEMS, {"url": site.base_url + _path(), "html": page}).status_code
    run_tasks()
    fetched, sent = Item.objects.get(user=bob), Item.objects.get(user=alice)
    assert sent.status == fetched.status == Item.Status.READY
    assert "crème brûlée" in sent.text and "“Smart quotes”" in sent.text
    assert (sent.title, sent.text) == (fetched.title, fetched.text)


def test_tags_come_with_the_save(api: ApiClient) -> None:
    r = api.post(
        ITEMS,
        {
            "url": "https://news.example/tagged",
            "html": "<p>x</p>",
            "tags": ["Climate", " climate ", "Long reads"],
        },
    )
    assert r.status_code == 201, r.content
    assert sorted(r.json()["tags"]) == ["Climate", "Long reads"]
    r = api.post(ITEMS, {"url": "https://news.example/no-html", "tags": ["Later"]})
    assert r.status_code == 201 and r.json()["tags"] == ["Later"]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://news.example/a", "html": None},
        {"url": "https://news.example/a", "html": 5},
        {"url": "https://news.example/a", "tags": None},
        {"url": "https://news.example/a", "tags": ["a,b"]},
        {"url": "https://news.example/a", "tags": "climate"},
        {"html": "<p>no address</p>"},
    ],
)
def test_bad_fields_are_refused_and_nothing_is_saved(api: ApiClient, body: dict[str, Any]) -> None:
    _error(api.post(ITEMS, body), 422, "invalid_input")
    assert not Item.objects.exists()


def test_the_html_over_its_cap_is_refused_in_bytes_not_characters(
    api: ApiClient, settings: Any
) -> None:
    settings.BROADSHEET_SAVE_HTML_MAX_BYTES = 1000
    over = "<p>" + "é" * 497 + "</p>"  # 497 characters of two bytes, 7 of one: 1001 bytes
    err = _error(
        api.post(ITEMS, {"url": "https://news.example/big", "html": over}), 413, "too_large"
    )
    assert err["message"] == "A page sent with a save is at most 1,000 bytes; this one is larger."
    assert not Item.objects.exists() and not PageSnapshot.objects.exists()
    fits = "<p>" + "é" * 496 + "</p>"  # 999 bytes
    r = api.post(ITEMS, {"url": "https://news.example/big", "html": fits})
    assert r.status_code == 201, r.content
    assert PageSnapshot.objects.get(item_id=r.json()["id"]).raw_size == 999


def test_a_save_may_be_larger_than_other_bodies(api: ApiClient, settings: Any) -> None:
    """Django reads bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE; a save with the page's HTML gets
    twice the HTML's cap and some room (its JSON escapes), and its HTML is then measured."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    settings.BROADSHEET_SAVE_HTML_MAX_BYTES = 5_000
    html = "<p>" + "word " * 900 + "</p>"
    r = api.post(ITEMS, {"url": "https://news.example/long", "html": html})
    assert r.status_code == 201, r.content
    snapshot = PageSnapshot.objects.get(item_id=r.json()["id"])
    assert snapshot.raw_size == len(html)
    # Another operation keeps Django's limit.
    item_id = r.json()["id"]
    err = _error(api.patch(f"{ITEMS}/{item_id}", {"tags": ["x" * 90] * 30}), 413, "too_large")
    assert "2,000 bytes" in err["message"]
    # A save's body at its own limit is read (and its HTML measured); past it, it is refused
    # from its Content-Length, before it is read.
    limit = errors.save_body_limit()
    assert limit == 2 * 5_000 + errors.SAVE_BODY_SLACK
    body = json.dumps({"url": "https://news.example/huge", "html": "x" * 70_000})
    at_limit = body + " " * (limit - len(body))
    err = _error(api.post(ITEMS, at_limit), 413, "too_large")
    assert err["message"] == "A page sent with a save is at most 4.9 KB; this one is larger."
    err = _error(api.post(ITEMS, at_limit + " "), 413, "too_large")
    assert err["message"] == f"The request body is larger than {limit:,} bytes."
    assert Item.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_lone_surrogate_is_read_as_a_bad_byte_is(
    api: ApiClient, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    """JSON may carry "\\ud800", which is no character: it reads as U+FFFD, as a byte of a
    fetched page that is not in its charset does, and the save does not fail on it."""
    page = article_html(title="Odd bytes", seed=9).replace("</h1>", "</h1><p>A LONE B</p>")
    body = json.dumps({"url": "https://news.example/odd", "html": page})
    body = body.replace("LONE", "\\ud800")
    r = api.post(ITEMS, body)
    assert r.status_code == 201, r.content
    run_tasks()
    item = Item.objects.get(pk=r.json()["id"])
    assert item.status == Item.Status.READY, item.error
    assert "A \ufffd B" in item.text


def test_already_saved_and_the_limit_read_as_usual(api: ApiClient) -> None:
    assert api.user is not None
    first = services.save_item(api.user, "https://news.example/story")
    r = api.post(ITEMS, {"url": "https://NEWS.example/story?utm_source=x", "html": "<p>x</p>"})
    err = _error(r, 409, "already_saved")
    assert err["message"] == "You have already saved this item."
    assert err["item_id"] == first.pk
    for i in range(19):
        services.save_item(api.user, f"https://news.example/{i}")
    err = _error(
        api.post(ITEMS, {"url": "https://news.example/x", "html": "<p>x</p>"}),
        409,
        "quota_exceeded",
    )
    assert err["message"] == "You reached the limit of 20 saved items."
    assert PageSnapshot.objects.count() == 0


def test_the_schema_says_so() -> None:
    doc = json.loads(Client().get("/api/v1/openapi.json").content)
    schema = doc["components"]["schemas"]["SaveIn"]
    assert schema["required"] == ["url"]
    assert schema["properties"]["html"]["type"] == "string"
    assert "BROADSHEET_SAVE_HTML_MAX_BYTES" in schema["properties"]["html"]["description"]
    assert schema["properties"]["tags"]["type"] == "array"
    assert "anyOf" not in schema["properties"]["html"]  # not nullable
    assert "413" in doc["paths"][ITEMS]["post"]["responses"]
