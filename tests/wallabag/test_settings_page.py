"""The settings page's API clients: made, shown with their id and secret, usable by an app at
once, deleted (signing the app out)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from broadsheet.core.models import ApiClient
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_client_made_on_the_settings_page_works_in_an_app(web: Client, alice: object) -> None:
    r = web.post("/settings/clients/", {"name": "wallabag on my phone"}, follow=True)
    assert r.status_code == 200
    page = r.content.decode()
    assert "wallabag on my phone" in page
    assert 'id="wallabag-server">http://testserver</code>' in page
    client_id = re.search(r'class="client-id">([^<]+)<', page)
    secret = re.search(r'class="client-secret">([^<]+)<', page)
    assert client_id and secret
    token = Client().get(
        "/oauth/v2/token",
        {
            "grant_type": "password",
            "client_id": client_id.group(1),
            "client_secret": secret.group(1),
            "username": "alice",
            "password": PASSWORD,
        },
    )
    assert token.status_code == 200
    access = token.json()["access_token"]
    assert (
        Client().get("/api/entries", headers={"Authorization": f"Bearer {access}"}).status_code
        == 200
    )
    made = ApiClient.objects.get()
    gone = web.post(f"/settings/clients/{made.pk}/delete/", follow=True)
    assert "No API clients yet." in gone.content.decode()
    assert (
        Client().get("/api/entries", headers={"Authorization": f"Bearer {access}"}).status_code
        == 401
    )


def test_a_name_too_long_is_refused_with_a_message(web: Client) -> None:
    r = web.post("/settings/clients/", {"name": "x" * 101}, follow=True)
    assert "at most 100 characters" in r.content.decode()
    assert not ApiClient.objects.exists()
