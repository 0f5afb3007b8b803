"""`/developer`: wallabag's API client pages, where the Android app's connection wizard finds or
makes its client (the wizard itself is replayed over HTTP in test_client_replays.py). Here: who
may see them, what they show, the checked form token, and a name that is not markup."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import oauth
from broadsheet.core.models import ApiClient

pytestmark = pytest.mark.django_db

HEADER = re.compile(r'<div class="collapsible-header">([^<]+?)</div>')
CELLS = re.compile(r"<td><strong><code>([^<]+?)</code></strong></td>")


def test_signed_out_the_pages_send_to_the_login_page() -> None:
    for path in ("/developer", "/developer/client/create"):
        r = Client().get(path)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_the_listing_shows_each_client_in_wallabags_markup(
    web: Client, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    mine = oauth.create_client(alice, "Kobo")
    oauth.create_client(bob, "Not yours")
    r = web.get("/developer")
    assert r.status_code == 200
    assert r["Cache-Control"] == "private, no-store"
    assert "script-src 'none'" in r["Content-Security-Policy"]
    page = r.content.decode()
    assert HEADER.findall(page) == [f"Kobo - #{mine.pk}"]
    assert CELLS.findall(page) == [
        oauth.public_id(mine),
        mine.secret,
        "[]",
        "[&quot;password&quot;,&quot;refresh_token&quot;]",  # the JSON, as HTML text
    ]
    assert f'action="/developer/client/delete/{mine.pk}"' in page
    assert "Not yours" not in page


def test_a_name_is_text_not_markup(web: Client, alice: AbstractBaseUser) -> None:
    made = oauth.create_client(alice, '<img src=x onerror="alert(1)">')
    page = web.get("/developer").content.decode()
    assert "<img src=x" not in page
    assert HEADER.findall(page) == [f"&lt;img src=x onerror=&quot;alert(1)&quot;&gt; - #{made.pk}"]


def test_the_create_form_posts_under_wallabags_names(alice: AbstractBaseUser) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    form = browser.get("/developer/client/create").content.decode()
    token = re.search(
        r'<input type="hidden" id="client__token" name="client\[_token\]" value="([^"]+)" />', form
    )
    assert token is not None
    made = browser.post(
        "/developer/client/create",
        {
            "client[name]": "Android app",
            "client[redirect_uris]": "",
            "client[save]": "",
            "client[_token]": token.group(1),
        },
    )
    assert made.status_code == 303 and made["Location"] == "/developer"
    client = ApiClient.objects.get(user=alice)
    assert client.name == "Android app"
    listing = browser.get("/developer").content.decode()
    assert HEADER.findall(listing) == [f"Android app - #{client.pk}"]
    assert "“Android app” made." in listing


def test_a_post_without_the_sessions_token_makes_nothing(alice: AbstractBaseUser) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get("/developer/client/create")
    r = browser.post(
        "/developer/client/create", {"client[name]": "Forged", "client[_token]": "x" * 64}
    )
    assert r.status_code == 403
    assert not ApiClient.objects.exists()


def test_a_name_too_long_is_refused_with_a_message(web: Client) -> None:
    r = web.post("/developer/client/create", {"client[name]": "x" * 101}, follow=True)
    assert "at most 100 characters" in r.content.decode()
    assert not ApiClient.objects.exists()


def test_delete_removes_the_client_and_signs_its_apps_out(
    web: Client, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    mine = oauth.create_client(alice, "phone")
    theirs = oauth.create_client(bob, "phone")
    access = oauth.issue(mine, alice).access_token  # type: ignore[arg-type]
    assert web.post(f"/developer/client/delete/{theirs.pk}").status_code == 404
    r = web.post(f"/developer/client/delete/{mine.pk}", follow=True)
    assert r.redirect_chain == [("/developer", 303)]
    assert "No API clients yet." in r.content.decode()
    assert list(ApiClient.objects.values_list("pk", flat=True)) == [theirs.pk]
    answer = Client().get("/api/entries", headers={"Authorization": f"Bearer {access}"})
    assert answer.status_code == 401
