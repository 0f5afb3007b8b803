"""Delete with an Undo: the web's message carries a POST button (a form with its CSRF token, no
script) that restores the item; the API's DELETE keeps its contract (204, then 404)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from broadsheet.core import services
from broadsheet.core.models import Item
from broadsheet.web import feed
from tests.conftest import ApiClient
from tests.web.test_pages import counter_of, text_of

pytestmark = pytest.mark.django_db


def _ids(response: Any) -> list[int]:
    return [int(i) for i in re.findall(r'data-item-id="(\d+)"', response.content.decode())]


def _undo_form(response: Any) -> re.Match[str]:
    body = response.content.decode()
    form = re.search(
        r'<ul class="messages".*?<form method="post" action="(?P<action>[^"]+)"[^>]*>'
        r"(?P<inner>.*?)</form>",
        body,
        re.S,
    )
    assert form, "no Undo form in the messages"
    return form


def test_delete_then_undo_on_the_web(alice: AbstractBaseUser, api: ApiClient) -> None:
    web = Client(enforce_csrf_checks=True)
    web.force_login(alice)
    item = services.save_item(alice, "https://news.example/story")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY, title="Harbour ferry returns", html="<p>The ferry is back.</p>"
    )
    listing = web.get("/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', listing.content.decode())
    assert token
    csrf = token.group(1)

    r = web.post(f"/items/{item.pk}/delete/", {"next": "/", "csrfmiddlewaretoken": csrf})
    assert r.status_code == 302 and r["Location"] == "/"
    page = web.get("/")
    assert _ids(page) == []
    assert counter_of(page) == "Saved (0 of 20 items)"
    assert api.get(f"/api/v1/items/{item.pk}").status_code == 404
    assert api.get("/api/v1/items", state="all").json()["count"] == 0
    assert api.get("/api/v1/me").json()["counter"] == "Saved (0 of 20 items)"
    assert web.get(f"/items/{item.pk}/").status_code == 404
    feed_url = f"/feeds/{feed.key_for(alice)}/unread.atom"
    assert "Harbour ferry returns" not in Client().get(feed_url).content.decode()

    # "Deleted. Undo": the button is a form posting to the restore address, with its CSRF token.
    form = _undo_form(page)
    assert form.group("action") == f"/items/{item.pk}/restore/"
    assert "Deleted." in text_of(form.group(0)) and "Undo" in text_of(form.group(0))
    assert 'name="csrfmiddlewaretoken"' in form.group("inner")
    # No script for Undo: the list's one script is the offline worker's (test_offline_pages).
    scripts = re.findall(r"<script[^>]*>", page.content.decode())
    assert scripts == ['<script src="/static/broadsheet/offline.js" defer>']
    assert 'class="messages"' not in web.get("/").content.decode()  # told once

    assert web.get(f"/items/{item.pk}/restore/").status_code == 405  # a link cannot restore
    assert web.post(f"/items/{item.pk}/restore/", {"next": "/"}).status_code == 403  # no token
    r = web.post(f"/items/{item.pk}/restore/", {"next": "/", "csrfmiddlewaretoken": csrf})
    assert r.status_code == 302 and r["Location"] == "/"
    page = web.get("/")
    assert _ids(page) == [item.pk]
    assert "Restored." in text_of(page)
    assert counter_of(page) == "Saved (1 of 20 items)"
    reader = web.get(f"/items/{item.pk}/")
    assert reader.status_code == 200 and "The ferry is back." in text_of(reader)
    assert api.get(f"/api/v1/items/{item.pk}").json()["title"] == "Harbour ferry returns"
    assert "Harbour ferry returns" in Client().get(feed_url).content.decode()


def test_undo_too_late(web: Client, alice: AbstractBaseUser, settings: Any) -> None:
    settings.BROADSHEET_UNDO_WINDOW = 60
    item = services.save_item(alice, "https://news.example/story")
    web.post(f"/items/{item.pk}/delete/", {"next": "/"})
    Item.objects.filter(pk=item.pk).update(deleted_at=timezone.now() - timedelta(seconds=61))
    r = web.post(f"/items/{item.pk}/restore/", {"next": "/"})
    assert r.status_code == 404
    assert "This item was deleted for good; it can no longer be restored." in text_of(r)
    assert _ids(web.get("/")) == []


def test_undo_over_the_limit_says_so(web: Client, alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 1)
    item = services.save_item(alice, "https://news.example/one")
    web.post(f"/items/{item.pk}/delete/", {"next": "/"})
    services.save_item(alice, "https://news.example/two")
    r = web.post(f"/items/{item.pk}/restore/", {"next": "/"}, follow=True)
    assert "You reached the limit of 1 saved items." in text_of(r)
    assert counter_of(r) == "Saved (1 of 1 item)"


def test_delete_then_save_the_same_story_again(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/story")
    web.post(f"/items/{item.pk}/delete/", {"next": "/"})
    r = web.post("/save/", {"url": "https://news.example/story", "next": "/"})
    assert r.status_code == 303
    page = web.get("/")
    assert "This item has been saved to read later from any device." in text_of(page)
    (new_id,) = _ids(page)
    assert new_id != item.pk


def test_api_delete_keeps_its_contract(api: ApiClient, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    assert api.delete(f"/api/v1/items/{item.pk}").status_code == 204
    assert api.get(f"/api/v1/items/{item.pk}").status_code == 404
    assert api.delete(f"/api/v1/items/{item.pk}").status_code == 404
    assert api.patch(f"/api/v1/items/{item.pk}", {"archived": True}).status_code == 404
    assert api.post(f"/api/v1/items/{item.pk}/retry").status_code == 404
    assert json.loads(api.get("/api/v1/export", format="json").getvalue())["count"] == 0
