"""App passwords (core.app_passwords) and their section of the settings page: made with a label
and shown once, listed, revoked; a user name and app password (never the account password), or
the app password alone as a key; failures counted by the login rate limit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import app_passwords, services
from broadsheet.core.errors import InvalidInput, LimitReached, NotFound, RateLimited
from broadsheet.core.models import AppPassword, LoginFailure
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SECRET_SHAPE = re.compile(r"[a-z2-9]{4}(?:-[a-z2-9]{4}){4}")


@pytest.fixture
def limits(settings: Any) -> None:
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    settings.BROADSHEET_LOGIN_WINDOW = 900


def test_made_with_a_label_and_kept_only_as_a_digest(alice: AbstractBaseUser) -> None:
    new = app_passwords.create_app_password(alice, "  Kobo\nClara ")
    assert SECRET_SHAPE.fullmatch(new.secret)
    row = AppPassword.objects.get(pk=new.app_password.pk)
    assert row.name == "Kobo Clara"
    assert row.prefix == new.secret[:4]
    assert new.secret.replace("-", "") not in str(list(AppPassword.objects.values()))
    assert row.digest == services.token_digest(new.secret.replace("-", ""))
    other = app_passwords.create_app_password(alice, "Phone")
    assert other.secret != new.secret
    assert [p.name for p in app_passwords.app_passwords_of(alice)] == ["Phone", "Kobo Clara"]


@pytest.mark.parametrize("label", ["", "   ", "x" * 101, None])
def test_a_label_is_required(alice: AbstractBaseUser, label: Any) -> None:
    with pytest.raises(InvalidInput):
        app_passwords.create_app_password(alice, label)
    assert not AppPassword.objects.exists()


def test_there_is_a_most(alice: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_passwords, "PER_USER_MAX", 2)
    app_passwords.create_app_password(alice, "one")
    app_passwords.create_app_password(alice, "two")
    with pytest.raises(LimitReached):
        app_passwords.create_app_password(alice, "three")


def test_user_name_and_app_password(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    secret = app_passwords.create_app_password(alice, "Kobo").secret
    assert app_passwords.authenticate_app_password("alice", secret) == alice
    # What a reader types on an e-reader's keyboard: case, spaces and hyphens do not matter.
    typed = secret.upper().replace("-", " ")
    assert app_passwords.authenticate_app_password("Alice", typed) == alice
    assert app_passwords.authenticate_app_password("bob", secret) is None
    assert app_passwords.authenticate_app_password("alice", PASSWORD) is None
    other = "a" if secret[-1] != "a" else "b"
    assert app_passwords.authenticate_app_password("alice", secret[:-1] + other) is None
    assert app_passwords.authenticate_app_password("alice", "") is None
    used = AppPassword.objects.get(user=alice).last_used_at
    assert used is not None


def test_an_inactive_account_is_refused(alice: AbstractBaseUser) -> None:
    secret = app_passwords.create_app_password(alice, "Kobo").secret
    alice.is_active = False
    alice.save()
    assert app_passwords.authenticate_app_password("alice", secret) is None
    assert app_passwords.user_for_key(secret) is None


def test_the_key_alone(alice: AbstractBaseUser) -> None:
    secret = app_passwords.create_app_password(alice, "Kobo").secret
    assert app_passwords.user_for_key(secret) == alice
    assert app_passwords.user_for_key(secret.replace("-", "")) == alice
    assert app_passwords.user_for_key("not-a-key") is None
    assert app_passwords.user_for_key(PASSWORD) is None


def test_revoking_stops_both_ways(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    kept = app_passwords.create_app_password(alice, "Phone").secret
    new = app_passwords.create_app_password(alice, "Kobo")
    with pytest.raises(NotFound):
        app_passwords.revoke_app_password(bob, new.app_password.pk)
    assert app_passwords.user_for_key(new.secret) == alice
    app_passwords.revoke_app_password(alice, new.app_password.pk)
    assert app_passwords.authenticate_app_password("alice", new.secret) is None
    assert app_passwords.user_for_key(new.secret) is None
    assert app_passwords.user_for_key(kept) == alice
    with pytest.raises(NotFound):
        app_passwords.revoke_app_password(alice, new.app_password.pk)


def test_a_new_account_password_revokes_them_all(alice: AbstractBaseUser) -> None:
    secret = app_passwords.create_app_password(alice, "Kobo").secret
    services.change_password(alice, "a brand new password")
    assert app_passwords.user_for_key(secret) is None
    assert not AppPassword.objects.filter(user=alice).exists()


def test_guessing_is_limited_like_logging_in(alice: AbstractBaseUser, limits: None) -> None:
    secret = app_passwords.create_app_password(alice, "Kobo").secret
    # A right one leaves no failure behind.
    assert app_passwords.authenticate_app_password("alice", secret, address="203.0.113.9") == alice
    assert not LoginFailure.objects.exists()
    for _ in range(5):
        wrong = app_passwords.authenticate_app_password("alice", PASSWORD, address="203.0.113.9")
        assert wrong is None
    with pytest.raises(RateLimited) as limited:
        app_passwords.authenticate_app_password("alice", secret, address="198.51.100.7")
    assert limited.value.retry_after > 0
    # The account's limit is the login page's: the same account is limited there too.
    r = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert r.status_code == 429


def test_guessing_keys_is_limited_per_address(alice: AbstractBaseUser, limits: None) -> None:
    secret = app_passwords.create_app_password(alice, "Kobo").secret
    for n in range(20):
        assert app_passwords.user_for_key(f"wrong-{n}", address="203.0.113.9") is None
    with pytest.raises(RateLimited):
        app_passwords.user_for_key("wrong-again", address="203.0.113.9")
    # A good key is served whatever its address did; another address is not limited.
    assert app_passwords.user_for_key(secret, address="203.0.113.9") == alice
    assert app_passwords.user_for_key("wrong", address="198.51.100.7") is None


# --- the settings page ----------------------------------------------------------------------------


def _csrf_client(user: AbstractBaseUser) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/settings/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    return client, token.group(1)


def test_the_settings_page_makes_shows_once_lists_and_revokes(alice: AbstractBaseUser) -> None:
    client, csrf = _csrf_client(alice)
    page = client.get("/settings/").content.decode()
    assert 'id="app-passwords"' in page and "No app passwords yet." in page
    assert "<script" not in page.split('id="app-passwords"')[1].split("</section>")[0]

    assert client.post("/settings/app-passwords/", {"label": "Kobo"}).status_code == 403  # CSRF
    r = client.post("/settings/app-passwords/", {"label": "Kobo", "csrfmiddlewaretoken": csrf})
    assert r.status_code == 302 and r["Location"] == "/settings/app-passwords/new/"
    shown = client.get(r["Location"])
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    html = shown.content.decode()
    secret = re.search(r'id="app-password-secret">([^<]+)<', html)
    assert secret and SECRET_SHAPE.fullmatch(secret.group(1))
    assert 'id="opds-url">http://testserver/opds/<' in html
    assert 'id="opds-username">alice<' in html
    assert f'id="opds-key-url">http://testserver/opds/k/{secret.group(1)}/<' in html
    assert "Search → OPDS catalog" in html
    assert app_passwords.authenticate_app_password("alice", secret.group(1)) == alice
    # Shown once.
    again = client.get("/settings/app-passwords/new/")
    assert again.status_code == 302 and secret.group(1) not in again.content.decode()

    listed = client.get("/settings/").content.decode()
    assert "Kobo" in listed and f"<code>{secret.group(1)[:4]}…</code>" in listed
    assert secret.group(1) not in listed
    row = AppPassword.objects.get(user=alice)
    r = client.post(
        f"/settings/app-passwords/{row.pk}/revoke/", {"csrfmiddlewaretoken": csrf}, follow=True
    )
    assert r.status_code == 200 and "App password revoked." in r.content.decode()
    assert app_passwords.user_for_key(secret.group(1)) is None


def test_a_refused_label_is_said(alice: AbstractBaseUser) -> None:
    client, csrf = _csrf_client(alice)
    r = client.post(
        "/settings/app-passwords/", {"label": " ", "csrfmiddlewaretoken": csrf}, follow=True
    )
    assert r.status_code == 200 and "A label can" in r.content.decode()
    assert not AppPassword.objects.exists()


def test_another_readers_app_password_is_not_revoked(
    alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    row = app_passwords.create_app_password(alice, "Kobo").app_password
    client, csrf = _csrf_client(bob)
    r = client.post(f"/settings/app-passwords/{row.pk}/revoke/", {"csrfmiddlewaretoken": csrf})
    assert r.status_code == 404
    assert AppPassword.objects.filter(pk=row.pk).exists()


def test_a_key_in_an_address_stays_out_of_the_log() -> None:
    from broadsheet.core.logfilters import redact

    line = redact("Not Found: /opds/k/abcd-efgh-jkmn-pqrs-tuvw/items/3.epub")
    assert line == "Not Found: /opds/k/[redacted]/items/3.epub"
