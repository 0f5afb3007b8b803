"""API tokens: hashed, compared in constant time, never accepted in the address, never logged,
bad ones rate-limited per address; and no mass assignment through the API."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client

from broadsheet.core import services
from broadsheet.core.logfilters import RedactSecrets, redact
from broadsheet.core.models import ApiToken, Item, LoginFailure, Profile
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_tokens_are_stored_as_digests_only(alice: AbstractBaseUser) -> None:
    new = services.create_token(alice, "laptop")
    row = ApiToken.objects.get(pk=new.token.pk)
    stored = json.dumps(list(ApiToken.objects.filter(pk=row.pk).values()), default=str)
    assert new.secret not in stored
    assert new.secret[len(row.prefix) :] not in stored
    assert row.digest == services.token_digest(new.secret)


def test_lookup_is_constant_time(alice: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token is found by the index on its digest and confirmed with hmac.compare_digest."""
    import hmac

    from broadsheet.core import access

    calls: list[tuple[str, str]] = []
    original = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    secret = services.create_token(alice).secret
    assert access.user_for_token(secret) == alice
    assert calls and calls[-1][0] == calls[-1][1] == services.token_digest(secret)


@pytest.mark.parametrize("name", ["token", "access_token", "api_key", "Token", "ACCESS_TOKEN"])
def test_a_token_in_the_address_is_refused(api: ApiClient, name: str) -> None:
    # Even together with a good header: the token in the address has leaked, say so.
    r = api.client.get(
        f"/api/v1/me?{name}={api.token}", headers={"Authorization": f"Bearer {api.token}"}
    )
    assert r.status_code == 401
    body = r.json()["error"]
    assert body["code"] == "token_in_url"
    assert "Authorization header" in body["message"]
    alone = Client().get(f"/api/v1/items?{name}={api.token}")
    assert alone.status_code == 401 and alone.json()["error"]["code"] == "token_in_url"


def test_a_token_in_the_address_changes_nothing(api: ApiClient, alice: AbstractBaseUser) -> None:
    r = Client().post(
        f"/api/v1/items?access_token={api.token}",
        json.dumps({"url": "https://news.example/x"}),
        content_type="application/json",
    )
    assert r.status_code == 401
    assert not Item.objects.filter(user=alice).exists()


def test_bad_tokens_are_rate_limited_per_address(
    alice: AbstractBaseUser, api_for: Any, limits: Any
) -> None:
    limits.BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    guesser = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(4):
        r = guesser.get("/api/v1/me", headers={"Authorization": f"Bearer bs_guess{n:04d}xxxxxx"})
        assert r.status_code == 401
    assert LoginFailure.objects.filter(scope="token", key="203.0.113.50").count() == 4
    r = guesser.get("/api/v1/me", headers={"Authorization": "Bearer bs_guess9999xxxxxx"})
    assert r.status_code == 429
    body = r.json()["error"]
    assert body["code"] == "rate_limited"
    assert body["message"] == "Too many requests with a bad API token. Try again in 15 minutes."
    assert int(r["Retry-After"]) > 0
    # No header at all is no guess: it is not counted.
    Client(REMOTE_ADDR="198.51.100.51").get("/api/v1/me")
    assert not LoginFailure.objects.filter(key="198.51.100.51").exists()


def test_a_valid_token_is_never_throttled(alice: AbstractBaseUser, limits: Any) -> None:
    """One misconfigured client behind an office's NAT must not lock the whole office out: past
    the limit, the address's bad tokens get 429, and its good ones are served."""
    limits.BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    office = "203.0.113.60"
    good = services.create_token(alice).secret
    colleague = Client(REMOTE_ADDR=office)
    misconfigured = Client(REMOTE_ADDR=office)
    for n in range(6):
        misconfigured.get("/api/v1/me", headers={"Authorization": f"Bearer bs_stale{n:04d}xxxxx"})
    r = misconfigured.get("/api/v1/me", headers={"Authorization": "Bearer bs_stale9999xxxxx"})
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    for _ in range(3):
        r = colleague.get("/api/v1/me", headers={"Authorization": f"Bearer {good}"})
        assert r.status_code == 200, r.content
        assert r.json()["username"] == "alice"
    r = colleague.post(
        "/api/v1/items",
        json.dumps({"url": "https://news.example/office"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {good}"},
    )
    assert r.status_code == 201
    # The bad ones are still refused, and the refused ones past the limit are not counted again.
    r = misconfigured.get("/api/v1/me", headers={"Authorization": "Bearer bs_stale9999xxxxx"})
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert int(r["Retry-After"]) > 0
    assert LoginFailure.objects.filter(scope="token", key=office).count() == 4


def test_a_wrong_scheme_is_a_bad_token(alice: AbstractBaseUser) -> None:
    secret = services.create_token(alice).secret
    r = Client().get("/api/v1/me", headers={"Authorization": f"Token {secret}"})
    assert r.status_code == 401


# --- never in logs --------------------------------------------------------------------------------


def test_no_log_line_carries_a_token(
    api: ApiClient, alice: AbstractBaseUser, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    """Everything logged at DEBUG (SQL included) around authenticated and refused requests."""
    settings.DEBUG = True  # ninja logs unexpected Authorization headers in DEBUG
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.db.backends", "django.request", "broadsheet", "ninja"):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True
    try:
        assert api.get("/api/v1/me").status_code == 200
        api.post("/api/v1/items", {"url": "https://news.example/logged"})
        Client().get("/api/v1/me", headers={"Authorization": f"Token {api.token}"})
        Client().get("/api/v1/me", headers={"Authorization": f"Basic {api.token}"})
        Client().get(f"/api/v1/me?token={api.token}")
        Client().get("/api/v1/items/999999", headers={"Authorization": f"Bearer {api.token}"})
    finally:
        connection.force_debug_cursor = False
    assert any("SELECT" in r.getMessage() for r in caplog.records), "SQL was not logged"
    secret_part = api.token[len(services.TOKEN_PREFIX) :]
    for record in caplog.records:
        text = record.getMessage()
        assert secret_part not in text, (record.name, text)


@pytest.mark.parametrize(
    "line",
    [
        "Unexpected auth - 'Token bs_abcdefghijklmnop'",
        "{'HTTP_AUTHORIZATION': 'Bearer abcdefghijklmnop1234'}",
        "Authorization: Basic dXNlcjpwYXNzd29yZA==",
        "GET /api/v1/me?access_token=abcdefghijkl&x=1",
        "token bs_ZZZZZZZZZZZZZZZZ in a sentence",
    ],
)
def test_the_filter_redacts(line: str) -> None:
    cleaned = redact(line)
    assert "[redacted]" in cleaned
    for secret in ("abcdefghijklmnop", "dXNlcjpwYXNzd29yZA", "abcdefghijkl", "ZZZZZZZZZZZZ"):
        assert secret not in cleaned


def test_the_filter_sits_on_the_loggers_libraries_use() -> None:
    for name in ("django", "django.request", "django.server", "waitress"):
        assert any(isinstance(f, RedactSecrets) for f in logging.getLogger(name).filters), name
    record = logging.LogRecord(
        "django", logging.ERROR, __file__, 1, "auth %s", ("Bearer bs_secretsecret",), None
    )
    assert RedactSecrets().filter(record)
    assert record.getMessage() == "auth Bearer [redacted]"


# --- no mass assignment ---------------------------------------------------------------------------

FORBIDDEN = {
    "is_staff": True,
    "is_superuser": True,
    "user": 2,
    "user_id": 2,
    "quota": 1000,
    "id": 424242,
    "status": "ready",
    "html": "<script>alert(1)</script>",
}
# A save may carry the page's HTML (the browser extension): `html` is a field of POST /items.
FORBIDDEN_ON_SAVE = {k: v for k, v in FORBIDDEN.items() if k != "html"}


def _state(user: AbstractBaseUser) -> list[Any]:
    user.refresh_from_db()
    items = list(Item.objects.order_by("pk").values())
    return [user.is_staff, user.is_superuser, Profile.objects.get(user=user).quota, items]


@pytest.mark.parametrize(("field", "value"), FORBIDDEN_ON_SAVE.items())
def test_post_refuses_undocumented_fields(
    api: ApiClient, alice: AbstractBaseUser, bob: AbstractBaseUser, field: str, value: Any
) -> None:
    before = _state(alice)
    r = api.post("/api/v1/items", {"url": "https://news.example/mass", field: value})
    assert r.status_code == 422, r.content
    assert r.json()["error"]["code"] == "invalid_input"
    assert field in r.json()["error"]["message"]
    assert _state(alice) == before


@pytest.mark.parametrize(("field", "value"), FORBIDDEN.items())
def test_patch_refuses_undocumented_fields(
    api: ApiClient, alice: AbstractBaseUser, bob: AbstractBaseUser, field: str, value: Any
) -> None:
    item = services.save_item(alice, "https://news.example/owned")
    before = _state(alice)
    for body in ({field: value}, {"archived": True, field: value}):
        r = api.patch(f"/api/v1/items/{item.pk}", body)
        assert r.status_code == 422, r.content
        assert r.json()["error"]["code"] == "invalid_input"
    assert _state(alice) == before
