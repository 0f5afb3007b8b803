"""`/oauth/v2/token` as each client calls it (contract §3.2), the bearer check (§3.3), and API
clients' life (made, listed, deleted, revoked by a password change)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from broadsheet.core import oauth, services
from broadsheet.core.models import OAuthGrant
from tests.conftest import PASSWORD
from tests.wallabag.conftest import Wallabag

pytestmark = pytest.mark.django_db


def _grant(client: Client, how: str, fields: dict[str, str]) -> Any:
    if how == "get":
        return client.get("/oauth/v2/token", fields)
    if how == "form":
        return client.post("/oauth/v2/token", fields)
    return client.post("/oauth/v2/token", json.dumps(fields), content_type="application/json")


@pytest.mark.parametrize("how", ["get", "form", "json"])
def test_the_password_grant_answers_every_way_a_client_asks(wb: Wallabag, how: str) -> None:
    r = _grant(
        Client(),
        how,
        {
            "grant_type": "password",
            "client_id": wb.client_id,
            "client_secret": wb.secret,
            "username": "wally",
            "password": PASSWORD,
        },
    )
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json"
    assert r["Cache-Control"] == "no-store"
    body = r.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope", "refresh_token"}
    assert body["expires_in"] == 3600 and isinstance(body["expires_in"], int)
    assert body["token_type"] == "bearer" and body["scope"] is None
    assert isinstance(body["refresh_token"], str) and body["refresh_token"]
    me = Client().get("/api/entries", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200


@pytest.mark.parametrize(
    ("change", "error", "description"),
    [
        ({"grant_type": "client_credentials"}, "invalid_request", "Invalid grant_type"),
        ({"grant_type": ""}, "invalid_request", "Invalid grant_type"),
        ({"client_id": ""}, "invalid_client", "Client id was not found"),
        ({"client_secret": "wrong"}, "invalid_client", "The client credentials are invalid"),
        ({"client_id": "999_nope"}, "invalid_client", "The client credentials are invalid"),
        ({"client_id": "not-a-client-id"}, "invalid_client", "The client credentials are invalid"),
        ({"password": "wrong password"}, "invalid_grant", "Invalid username and password"),
        ({"username": "nobody"}, "invalid_grant", "Invalid username and password"),
        ({"password": ""}, "invalid_request", "password"),
    ],
)
def test_token_errors_are_400_with_the_strings_clients_act_on(
    wb: Wallabag, change: dict[str, str], error: str, description: str
) -> None:
    fields = {
        "grant_type": "password",
        "client_id": wb.client_id,
        "client_secret": wb.secret,
        "username": "wally",
        "password": PASSWORD,
    } | change
    r = Client().get("/oauth/v2/token", fields)
    assert r.status_code == 400
    assert r["Content-Type"] == "application/json"
    body = r.json()
    assert body["error"] == error
    assert description in body["error_description"]


def test_a_refresh_gives_new_tokens_and_retires_the_old_refresh_token(wb: Wallabag) -> None:
    first = wb.login("wally", PASSWORD)
    fields = {
        "grant_type": "refresh_token",
        "client_id": wb.client_id,
        "client_secret": wb.secret,
        "refresh_token": first["refresh_token"],
    }
    r = Client().post("/oauth/v2/token", fields)
    assert r.status_code == 200
    second = r.json()
    assert second["access_token"] != first["access_token"]
    # The old pair is gone: its access token and its refresh token.
    old = Client().get("/api/entries", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert old.status_code == 401
    again = Client().post("/oauth/v2/token", fields)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert again.json()["error_description"] == "Invalid refresh token"


def test_an_expired_refresh_token_is_400_so_the_android_app_falls_back_to_the_password(
    wb: Wallabag,
) -> None:
    tokens = wb.login("wally", PASSWORD)
    OAuthGrant.objects.update(refresh_expires_at=timezone.now() - timedelta(seconds=1))
    r = Client().post(
        "/oauth/v2/token",
        {
            "grant_type": "refresh_token",
            "client_id": wb.client_id,
            "client_secret": wb.secret,
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert r.status_code == 400
    assert r.json()["error_description"] == "Refresh token has expired"


def test_another_clients_refresh_token_is_invalid(wb: Wallabag, reader: AbstractBaseUser) -> None:
    tokens = wb.login("wally", PASSWORD)
    other = oauth.create_client(reader, "other")
    r = Client().post(
        "/oauth/v2/token",
        {
            "grant_type": "refresh_token",
            "client_id": oauth.public_id(other),
            "client_secret": other.secret,
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


def test_no_token_an_unknown_token_and_an_expired_token_are_401_json(wb: Wallabag) -> None:
    none = Client().get("/api/entries")
    assert none.status_code == 401
    assert none["Content-Type"] == "application/json"
    assert none.json()["error"] == "access_denied"
    assert none["WWW-Authenticate"].startswith('Bearer realm="Service"')
    bad = Client().get("/api/entries", headers={"Authorization": "Bearer bogus"})
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_grant"
    assert bad.json()["error_description"] == "The access token provided is invalid."
    OAuthGrant.objects.update(access_expires_at=timezone.now() - timedelta(seconds=1))
    old = wb.get("/api/entries")
    assert old.status_code == 401
    assert old.json()["error_description"] == "The access token provided has expired."


def test_bad_tokens_from_one_address_are_limited(wb: Wallabag, settings: Any) -> None:
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    codes = [
        Client().get("/api/entries", headers={"Authorization": f"Bearer bogus{i}"}).status_code
        for i in range(5)
    ]
    assert codes[:3] == [401, 401, 401]
    assert codes[-1] == 429
    # A good token still works from that address.
    assert wb.get("/api/entries").status_code == 200


def test_password_guessing_through_the_token_endpoint_is_limited(
    wb: Wallabag, settings: Any
) -> None:
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    fields = {
        "grant_type": "password",
        "client_id": wb.client_id,
        "client_secret": wb.secret,
        "username": "wally",
    }
    codes = [
        Client().get("/oauth/v2/token", fields | {"password": f"guess {i}"}).status_code
        for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    limited = Client().get("/oauth/v2/token", fields | {"password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0


def test_deleting_a_client_ends_its_tokens(wb: Wallabag, reader: AbstractBaseUser) -> None:
    made = oauth.find_client(wb.client_id, wb.secret)
    assert made is not None
    oauth.delete_client(reader, made.pk)
    assert wb.get("/api/entries").status_code == 401


def test_a_password_change_ends_the_apps_tokens(wb: Wallabag, reader: AbstractBaseUser) -> None:
    services.change_password(reader, "a new password entirely")
    assert wb.get("/api/entries").status_code == 401
    assert wb.login("wally", "a new password entirely")["access_token"]


def test_clients_act_for_any_reader_unless_bound(
    wb: Wallabag, make_user: Any, settings: Any
) -> None:
    make_user("other")
    fields = {
        "grant_type": "password",
        "client_id": wb.client_id,
        "client_secret": wb.secret,
        "username": "other",
        "password": PASSWORD,
    }
    assert Client().get("/oauth/v2/token", fields).status_code == 200
    settings.BROADSHEET_WALLABAG_BIND_CLIENTS = True
    bound = Client().get("/oauth/v2/token", fields)
    assert bound.status_code == 400 and bound.json()["error"] == "invalid_client"


def test_only_digests_of_tokens_are_stored(wb: Wallabag) -> None:
    tokens = wb.login("wally", PASSWORD)
    stored = list(OAuthGrant.objects.values_list("access_digest", "refresh_digest"))
    flat = {value for pair in stored for value in pair}
    assert tokens["access_token"] not in flat and tokens["refresh_token"] not in flat
