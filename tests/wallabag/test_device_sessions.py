"""A web session opened at `/login_check` with an app password (the wallabag Android app given
one): it opens the pages the app reads and nothing else, and ends with the app password."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import app_passwords, oauth
from broadsheet.core.models import AppPassword, LoginFailure
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGGED_IN_MARK = '<a href="/logout">'
LOGIN_MARK = 'action="/login_check" method="post" name="loginform"'


def _signed_in(password: str, username: str = "alice") -> Client:
    browser = Client()
    browser.get("/accounts/login/")
    r = browser.post(
        "/login_check",
        {"_username": username, "_password": password, "_csrf_token": "unchecked-in-tests"},
    )
    assert r.status_code == 302
    return browser


def test_an_app_password_opens_the_pages_the_app_reads(alice: AbstractBaseUser) -> None:
    secret = app_passwords.create_app_password(alice, "Phone").secret
    browser = _signed_in(secret)
    home = browser.get("/")
    assert home.status_code == 200 and LOGGED_IN_MARK in home.content.decode()
    assert browser.get("/developer").status_code == 200
    assert browser.get("/developer/client/create").status_code == 200
    assert browser.get("/logout").status_code == 200


@pytest.mark.parametrize("path", ["/archive/", "/settings/", "/search/?q=x", "/export/items.csv"])
def test_anywhere_else_the_session_is_nobody(alice: AbstractBaseUser, path: str) -> None:
    secret = app_passwords.create_app_password(alice, "Phone").secret
    browser = _signed_in(secret)
    r = browser.get(path)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_it_cannot_make_app_passwords_or_change_the_password(alice: AbstractBaseUser) -> None:
    secret = app_passwords.create_app_password(alice, "Phone").secret
    browser = _signed_in(secret)
    browser.post("/settings/app-passwords/", {"label": "Another"})
    assert AppPassword.objects.count() == 1
    browser.post(
        "/accounts/password/",
        {"old_password": secret, "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert Client().login(username="alice", password=PASSWORD)
    assert browser.get("/api/v1/items").status_code == 401


def test_a_bearer_token_beside_the_cookie_still_counts(alice: AbstractBaseUser) -> None:
    """The app's cookie jar also goes with its API calls: the token decides there."""
    secret = app_passwords.create_app_password(alice, "Phone").secret
    browser = _signed_in(secret)
    tokens = oauth.issue(oauth.create_client(alice, "Android app"), alice)  # type: ignore[arg-type]
    r = browser.get("/api/entries.json", headers={"Authorization": f"Bearer {tokens.access_token}"})
    assert r.status_code == 200 and r.json()["total"] == 0


def test_revoking_the_app_password_ends_the_session(alice: AbstractBaseUser) -> None:
    made = app_passwords.create_app_password(alice, "Phone")
    browser = _signed_in(made.secret)
    assert LOGGED_IN_MARK in browser.get("/").content.decode()
    app_passwords.revoke_app_password(alice, made.app_password.pk)  # type: ignore[arg-type]
    r = browser.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert browser.get("/developer").status_code == 302


def test_the_account_password_opens_everything(alice: AbstractBaseUser) -> None:
    browser = _signed_in(PASSWORD)
    assert browser.get("/settings/").status_code == 200


def test_signing_in_with_the_account_password_after_one_opens_everything(
    alice: AbstractBaseUser,
) -> None:
    secret = app_passwords.create_app_password(alice, "Phone").secret
    browser = _signed_in(secret)
    assert browser.get("/settings/").status_code == 302
    r = browser.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert r.status_code == 302
    assert browser.get("/settings/").status_code == 200


def test_a_wrong_app_password_is_a_failed_login(alice: AbstractBaseUser) -> None:
    app_passwords.create_app_password(alice, "Phone")
    forged = app_passwords.grouped(app_passwords.ALPHABET[0] * app_passwords.SECRET_CHARS)
    assert app_passwords.shaped_like_one(forged)
    browser = Client()
    r = browser.post(
        "/login_check", {"_username": "alice", "_password": forged, "_csrf_token": "unchecked"}
    )
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login")
    assert LOGIN_MARK in browser.get("/", follow=True).content.decode()
    assert LoginFailure.objects.exists()


def test_another_readers_app_password_does_not_open_this_account(
    alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    bobs = app_passwords.create_app_password(bob, "Phone").secret
    browser = Client()
    browser.post("/login_check", {"_username": "alice", "_password": bobs, "_csrf_token": "x"})
    assert LOGIN_MARK in browser.get("/", follow=True).content.decode()
