"""Every answer under /api/ is JSON in the error shape, with the one status docs/api.md gives its
code: a body that is not JSON, one too large, an unknown address, a method the address does not
have, a Host the server does not answer to, a bug. None of them is a Django HTML page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.api import errors
from broadsheet.core import services
from broadsheet.core.models import Item
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items"


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body: dict[str, Any] = json.loads(response.content)
    assert set(body) == {"error"}
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


# --- bodies ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ("not json", "application/json"),
        ('{"url": "https://news.example/a",', "application/json"),
        ("url=https%3A%2F%2Fnews.example%2Fa", "application/x-www-form-urlencoded"),
        ("\xff\xfe", "application/json"),
    ],
)
def test_a_body_that_is_not_json_is_invalid_input(
    api: ApiClient, alice: AbstractBaseUser, raw: str, content_type: str
) -> None:
    """docs/api.md: invalid_input is 422, whatever was wrong with the input (once 400 here)."""
    item = services.save_item(alice, "https://news.example/kept")
    for method, path in (("POST", ITEMS), ("PATCH", f"{ITEMS}/{item.pk}")):
        r = api.client.generic(method, path, raw, content_type, headers=api._headers())
        err = _error(r, 422, "invalid_input")
        assert err["message"] == "The request body is not valid JSON."
    assert Item.objects.count() == 1


TWENTY_MB = 20 * 1024 * 1024


@pytest.mark.parametrize("authorized", [True, False])
@pytest.mark.parametrize(
    ("method", "path"), [("POST", ITEMS), ("PATCH", f"{ITEMS}/1"), ("GET", "/api/v1/me")]
)
def test_a_body_too_large_is_413_too_large(
    api: ApiClient, method: str, path: str, authorized: bool
) -> None:
    # A save may bring the page's HTML: its own limit, twice BROADSHEET_SAVE_HTML_MAX_BYTES and
    # some (tests/api/test_save_html.py); every other body has Django's.
    save = (method, path) == ("POST", ITEMS)
    limit = errors.save_body_limit() if save else 2_621_440
    size = limit + 1024 if save else TWENTY_MB
    body = '{"url": "https://news.example/' + "a" * size + '"}'
    headers = api._headers() if authorized else {}
    r = api.client.generic(method, path, body, "application/json", headers=headers)
    err = _error(r, 413, "too_large")
    assert f"{limit:,} bytes" in err["message"]
    assert not Item.objects.exists()


def test_a_body_at_the_limit_is_read(
    api: ApiClient, alice: AbstractBaseUser, settings: Any
) -> None:
    item = services.save_item(alice, "https://news.example/kept")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"archived": True})
    padded = body + " " * (100 - len(body))
    path = f"{ITEMS}/{item.pk}"
    r = api.client.generic("PATCH", path, padded, "application/json", headers=api._headers())
    assert r.status_code == 200, r.content
    _error(
        api.client.generic("PATCH", path, padded + " ", "application/json", headers=api._headers()),
        413,
        "too_large",
    )


# --- addresses and methods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope",
        "/api/v1/",
        "/api/v1/items/",
        "/api/v1/items/1/nope",
        "/api/v1/items/1/retry/",
        "/api/nope",
        "/api/",
        "/api/v2/items",
    ],
)
def test_an_unknown_address_under_api_is_json_404(api: ApiClient, path: str) -> None:
    for client in (api.client, Client()):
        _error(client.get(path, headers=api._headers()), 404, "not_found")


def test_pages_outside_the_api_keep_their_html_404() -> None:
    r = Client().get("/no-such-page/")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", ITEMS, {"GET", "POST"}),
        ("DELETE", ITEMS, {"GET", "POST"}),
        ("POST", f"{ITEMS}/1", {"GET", "PATCH", "DELETE"}),
        ("PUT", f"{ITEMS}/1", {"GET", "PATCH", "DELETE"}),
        ("GET", f"{ITEMS}/1/retry", {"POST"}),
        ("POST", "/api/v1/me", {"GET", "PATCH"}),
        ("DELETE", "/api/v1/export", {"GET"}),
        ("TRACE", "/api/v1/me", {"GET", "PATCH"}),
    ],
)
def test_a_method_the_address_does_not_have_is_json_405_with_allow(
    api: ApiClient, method: str, path: str, allowed: set[str]
) -> None:
    for headers in (api._headers(), {}):
        r = api.client.generic(method, path, "", "application/json", headers=headers)
        err = _error(r, 405, "method_not_allowed")
        assert {m.strip() for m in r["Allow"].split(",")} == allowed
        assert method in err["message"]


def test_a_host_the_server_does_not_answer_to_is_json_400(api: ApiClient, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["broadsheet.example"]
    ok = api.client.get("/api/v1/me", headers=api._headers(), HTTP_HOST="broadsheet.example")
    assert ok.status_code == 200
    r = api.client.get("/api/v1/me", headers=api._headers(), HTTP_HOST="elsewhere.example")
    _error(r, 400, "bad_request")
    # The web pages keep Django's own page.
    page = Client().get("/", HTTP_HOST="elsewhere.example")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_no_csrf_failure_under_the_api(api: ApiClient, web: Client) -> None:
    """The API takes no cookies, so no CSRF check applies: a browser's session gets 401 JSON."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = web.cookies
    r = strict.post(ITEMS, {"url": "https://news.example/x"}, content_type="application/json")
    _error(r, 401, "unauthorized")
    r = strict.post(
        ITEMS,
        {"url": "https://news.example/x"},
        content_type="application/json",
        headers=api._headers(),
    )
    assert r.status_code == 201


def test_a_bug_is_json_500(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from broadsheet.core import queries

    def broken(user: Any) -> Any:
        raise RuntimeError("a bug in counter")

    monkeypatch.setattr(queries, "counter", broken)
    client = Client(raise_request_exception=False)
    r = client.get("/api/v1/me", headers=api._headers())
    err = _error(r, 500, "server_error")
    assert "a bug in counter" not in err["message"]  # the details are in the log, not the answer
    assert any("a bug in counter" in str(rec.exc_info) for rec in caplog.records if rec.exc_info)


# --- throttled, and the codes of docs/api.md ------------------------------------------------------


def test_rate_limited_is_json_429_with_retry_after(settings: Any) -> None:
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS = 1
    settings.BROADSHEET_TRUSTED_PROXIES = ()
    client = Client(REMOTE_ADDR="203.0.113.70")
    _error(
        client.get("/api/v1/me", headers={"Authorization": "Bearer bs_nope"}), 401, "unauthorized"
    )
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer bs_nope"})
    _error(r, 429, "rate_limited")
    assert int(r["Retry-After"]) > 0


def test_every_code_has_one_status() -> None:
    from broadsheet.api.errors import codes

    table = codes()
    assert table["invalid_input"] == 422
    assert table["too_large"] == 413
    assert table["method_not_allowed"] == 405
    assert table["rate_limited"] == 429
    assert "signup_closed" not in table  # a web page's error, never the API's
