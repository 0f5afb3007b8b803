"""Addresses with extra leading slashes (an app's server address that ends in `/`): the wallabag
API answers them itself; any other page is sent to its one-slash address, method and body kept
(a 308), and never to another host."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _raw(client: Client, method: str, path: str, data: dict[str, str] | None = None) -> Any:
    """The request with its path exactly as given (the test client would read `//x` as a host)."""
    where, _, query = path.partition("?")
    extra = {"PATH_INFO": where, "QUERY_STRING": query}
    if method == "POST":
        return client.post("/", data or {}, **extra)
    return client.get("/", **extra)


@pytest.mark.parametrize(
    ("asked", "sent_to"),
    [
        ("//", "/"),
        ("//developer", "/developer"),
        ("///accounts/login/?next=/archive/", "/accounts/login/?next=/archive/"),
        ("//evil.example/steal", "/evil.example/steal"),
        ("//api/v1/items", "/api/v1/items"),
    ],
)
def test_a_page_is_sent_to_its_one_slash_address(asked: str, sent_to: str) -> None:
    r = _raw(Client(), "GET", asked)
    assert r.status_code == 308 and r["Location"] == sent_to


def test_a_posted_login_is_sent_on_with_its_body(alice: AbstractBaseUser) -> None:
    """What the Android app does with a server address ending in `/`: POST //login_check. The
    308 keeps the method; following it, the login works."""
    browser = Client()
    form = {"_username": "alice", "_password": PASSWORD, "_csrf_token": "unchecked-in-tests"}
    first = _raw(browser, "POST", "//login_check", form)
    assert first.status_code == 308 and first["Location"] == "/login_check"
    done = browser.post(first["Location"], form)
    assert done.status_code == 302 and done["Location"] == "/"
    assert browser.get("/settings/").status_code == 200


def test_the_wallabag_api_still_answers_behind_extra_slashes() -> None:
    r = _raw(Client(), "GET", "//api/version")
    assert r.status_code == 200 and r.json().startswith("2.")
