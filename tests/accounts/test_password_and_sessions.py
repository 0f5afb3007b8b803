"""Session rotation on login, and the password change: tokens revoked, keys changed, other
sessions ended, this one kept; the same from the CLI."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet import cli
from broadsheet.core import services
from broadsheet.core.models import ApiToken, LoginFailure
from broadsheet.web import bookmarklet, feed
from tests.accounts.conftest import post_login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"
CHANGED = "Your password was changed. Your API tokens were revoked; make new ones on this page."


def test_login_rotates_the_session_key(alice: AbstractBaseUser, limits: Any) -> None:
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker who knows this session id"
    session.save()
    before = session.session_key
    assert before and client.cookies["sessionid"].value == before
    r = post_login(client, "alice", PASSWORD)
    assert r.status_code == 302
    after = client.cookies["sessionid"].value
    assert after and after != before
    # The old id no longer names a logged-in session.
    fixated = Client()
    fixated.cookies["sessionid"] = before
    assert fixated.get("/").status_code == 302


def _change(client: Client, old: str, new: str, new2: str | None = None) -> Any:
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": new2 or new},
    )


def test_password_change_revokes_tokens_and_keys_and_keeps_this_session(
    alice: AbstractBaseUser, api_for: Any
) -> None:
    client = Client()
    assert post_login(client, "alice", PASSWORD).status_code == 302
    elsewhere = Client()
    assert post_login(elsewhere, "alice", PASSWORD).status_code == 302
    api = api_for(alice)
    services.create_token(alice, "phone")
    assert api.get("/api/v1/me").status_code == 200
    old_bookmarklet = bookmarklet.key_for(alice)
    old_feed = feed.key_for(alice)
    assert client.get(f"/feeds/{old_feed}/unread.atom").status_code == 200

    page = client.get("/accounts/password/")
    assert page.status_code == 200
    r = _change(client, PASSWORD, NEW_PASSWORD)
    assert r.status_code == 302 and r["Location"] == "/settings/"
    settings_page = client.get("/settings/")
    assert settings_page.status_code == 200, "this device must stay logged in"
    assert CHANGED in settings_page.content.decode()

    assert ApiToken.objects.filter(user=alice).count() == 0
    assert api.get("/api/v1/me").status_code == 401
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not bookmarklet.valid_for(old_bookmarklet, alice)
    assert bookmarklet.valid_for(bookmarklet.key_for(alice), alice)
    assert client.get(f"/feeds/{old_feed}/unread.atom").status_code == 404
    assert client.get(f"/feeds/{feed.key_for(alice)}/unread.atom").status_code == 200
    # Another device was logged out.
    assert elsewhere.get("/").status_code == 302


def test_wrong_old_password_changes_nothing(alice: AbstractBaseUser, web: Client) -> None:
    services.create_token(alice, "phone")
    r = _change(web, "not my password", NEW_PASSWORD)
    assert r.status_code == 200
    assert "Your old password was entered incorrectly" in r.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_mismatched_new_passwords_change_nothing(alice: AbstractBaseUser, web: Client) -> None:
    r = _change(web, PASSWORD, NEW_PASSWORD, "something else entirely")
    assert r.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert not LoginFailure.objects.exists(), "a right old password is no failed login"


def test_old_password_guesses_are_rate_limited(
    alice: AbstractBaseUser, web: Client, limits: Any
) -> None:
    """A stolen session cannot guess the password through this form either."""
    for n in range(5):
        assert _change(web, f"guess {n}", NEW_PASSWORD).status_code == 200
    r = _change(web, PASSWORD, NEW_PASSWORD)
    assert r.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in r.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_password_page_needs_login() -> None:
    r = Client().get("/accounts/password/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_settings_page_links_password_export_and_feed(web: Client, alice: AbstractBaseUser) -> None:
    page = web.get("/settings/").content.decode()
    assert 'href="/accounts/password/"' in page
    assert 'href="/export/items.csv"' in page and 'href="/export/items.json"' in page
    match = re.search(r'id="feed-url">([^<]+)<', page)
    assert match and match.group(1) == f"http://testserver/feeds/{feed.key_for(alice)}/unread.atom"


def test_password_change_clears_the_accounts_failures(alice: AbstractBaseUser, limits: Any) -> None:
    for _ in range(5):
        post_login(Client(), "alice", "wrong")
    assert post_login(Client(), "alice", PASSWORD).status_code == 429
    services.change_password(alice, NEW_PASSWORD)
    assert post_login(Client(), "alice", NEW_PASSWORD).status_code == 302


# --- the CLI --------------------------------------------------------------------------------------


def test_cli_user_password(
    alice: AbstractBaseUser, capsys: pytest.CaptureFixture[str], api_for: Any
) -> None:
    api = api_for(alice)
    services.create_token(alice, "second")
    assert cli.main(["user", "password", "alice", "--password", NEW_PASSWORD]) == 0
    out = capsys.readouterr().out
    assert "Changed the password of alice; revoked 2 API token(s)." in out
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert api.get("/api/v1/me").status_code == 401


def test_cli_user_password_prompts_twice(
    alice: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    assert cli.main(["user", "password", "alice"]) == 0
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    answers = iter(["one long password", "another long password"])
    with pytest.raises(SystemExit, match="the two passwords differ"):
        cli.main(["user", "password", "alice"])
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_cli_user_password_refusals(alice: AbstractBaseUser) -> None:
    with pytest.raises(SystemExit, match="at least 8 characters"):
        cli.main(["user", "password", "alice", "--password", "short"])
    with pytest.raises(SystemExit, match="no user named 'zed'"):
        cli.main(["user", "password", "zed", "--password", NEW_PASSWORD])
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
