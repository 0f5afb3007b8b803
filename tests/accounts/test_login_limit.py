"""The login rate limit: per account and per address, kept in the database, checked before the
password, on our login page and the admin's."""

from __future__ import annotations

import re
from datetime import timedelta
from ipaddress import ip_network
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client, RequestFactory
from django.utils import timezone

from broadsheet.core import ratelimit, services
from broadsheet.core.errors import RateLimited
from broadsheet.core.models import LoginFailure
from tests.accounts.conftest import post_login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _fail(client: Client, username: str, times: int, **extra: Any) -> None:
    for _ in range(times):
        r = post_login(client, username, "wrong password", **extra)
        assert r.status_code == 200, r.status_code  # the form again, with its error


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_even_with_the_right_password(
    alice: AbstractBaseUser, limits: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    _fail(client, "alice", 5)
    checked: list[str] = []
    original = AbstractBaseUser.check_password

    def spy(self: AbstractBaseUser, raw: str) -> bool:
        checked.append(raw)
        return original(self, raw)

    monkeypatch.setattr(AbstractBaseUser, "check_password", spy)
    right = post_login(client, "alice", PASSWORD)
    wrong = post_login(client, "alice", "still wrong")
    assert right.status_code == wrong.status_code == 429
    assert checked == [], "the password was checked while the account was limited"
    assert "Too many failed logins. Try again in 15 minutes." in right.content.decode()
    assert int(right["Retry-After"]) == 900
    assert not _logged_in(client)
    # The same answer, right password or wrong: no oracle.
    assert _page(right) == _page(wrong)


def _page(response: Any) -> str:
    return re.sub(r'value="[^"]*"', 'value=""', response.content.decode())


def test_the_limit_is_per_account_not_per_spelling(alice: AbstractBaseUser, limits: Any) -> None:
    client = Client()
    _fail(client, "alice", 3)
    _fail(client, "ALICE", 2)
    assert post_login(client, " Alice", PASSWORD).status_code == 429


def test_four_failures_still_let_the_owner_in_and_clear_the_count(
    alice: AbstractBaseUser, limits: Any
) -> None:
    client = Client()
    _fail(client, "alice", 4)
    r = post_login(client, "alice", PASSWORD)
    assert r.status_code == 302 and _logged_in(client)
    assert not LoginFailure.objects.filter(scope="account", key="alice").exists()
    other = Client()
    _fail(other, "alice", 4)  # four more: still under the limit, the earlier four forgiven
    assert post_login(other, "alice", PASSWORD).status_code == 302


def test_the_window_slides(alice: AbstractBaseUser, limits: Any) -> None:
    client = Client()
    _fail(client, "alice", 5)
    assert post_login(client, "alice", PASSWORD).status_code == 429
    # Ten minutes later, the oldest failure leaves the window in five.
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=10))
    r = post_login(client, "alice", PASSWORD)
    assert r.status_code == 429
    assert "Try again in 5 minutes." in r.content.decode()
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=1))
    assert post_login(client, "alice", PASSWORD).status_code == 302


def test_one_minute_is_singular(limits: Any) -> None:
    assert RateLimited(59).message == "Too many failed logins. Try again in 1 minute."
    assert RateLimited(61).message == "Too many failed logins. Try again in 2 minutes."


def test_unknown_accounts_are_limited_the_same(db: None, limits: Any) -> None:
    """Trying names that do not exist gives the same answers: no account enumeration."""
    client = Client()
    _fail(client, "nobody", 5)
    assert post_login(client, "nobody", "x").status_code == 429


def test_twenty_failures_lock_the_address(make_user: Any, limits: Any) -> None:
    make_user("carol")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(20):
        _fail(client, f"guess{n}", 1)
    r = post_login(client, "carol", PASSWORD)
    assert r.status_code == 429
    assert not _logged_in(client)
    # Another address is not affected; carol logs in from there.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert post_login(elsewhere, "carol", PASSWORD).status_code == 302


def test_a_good_login_does_not_wash_the_address(make_user: Any, limits: Any) -> None:
    make_user("carol")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(19):
        _fail(client, f"guess{n}", 1)
    assert post_login(client, "carol", PASSWORD).status_code == 302
    other = Client(REMOTE_ADDR="203.0.113.9")
    _fail(other, "guess-last", 1)
    assert post_login(other, "carol", PASSWORD).status_code == 429


def test_ipv6_counts_by_slash_64(make_user: Any, limits: Any) -> None:
    make_user("carol")
    for n in range(20):
        _fail(Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}"), f"guess{n}", 1)
    assert post_login(Client(REMOTE_ADDR="2001:db8:1:2::ffff"), "carol", PASSWORD).status_code == (
        429
    )
    assert post_login(Client(REMOTE_ADDR="2001:db8:1:3::1"), "carol", PASSWORD).status_code == 302


def test_zero_turns_a_limit_off(alice: AbstractBaseUser, limits: Any) -> None:
    limits.BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT = 0
    client = Client()
    _fail(client, "alice", 8)
    assert post_login(client, "alice", PASSWORD).status_code == 302


def test_admin_login_is_limited_too(admin_user: AbstractBaseUser, limits: Any) -> None:
    client = Client()
    for _ in range(5):
        r = client.post(
            "/admin/login/", {"username": "chief", "password": "wrong", "next": "/admin/"}
        )
        assert r.status_code == 200
    assert LoginFailure.objects.filter(scope="account", key="chief").count() == 5
    r = client.post("/admin/login/", {"username": "chief", "password": PASSWORD, "next": "/admin/"})
    assert r.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in r.content.decode()
    assert not _logged_in(client)
    # The admin's own page still works for GET, and logs in once the window passed.
    assert client.get("/admin/login/").status_code == 200
    LoginFailure.objects.all().delete()
    r = client.post("/admin/login/", {"username": "chief", "password": PASSWORD, "next": "/admin/"})
    assert r.status_code == 302 and _logged_in(client)


def test_failures_on_the_login_page_and_the_admin_add_up(
    admin_user: AbstractBaseUser, limits: Any
) -> None:
    client = Client()
    _fail(client, "chief", 3)
    for _ in range(2):
        client.post("/admin/login/", {"username": "chief", "password": "wrong"})
    assert post_login(client, "chief", PASSWORD).status_code == 429


def test_the_backend_refuses_even_a_direct_authenticate(
    alice: AbstractBaseUser, limits: Any
) -> None:
    """Whatever page calls authenticate() (a future one too) is limited the same."""
    from django.contrib.auth import authenticate

    request = RequestFactory().post("/anything/")
    for _ in range(5):
        assert authenticate(request, username="alice", password="wrong") is None
    request = RequestFactory().post("/anything/")
    assert authenticate(request, username="alice", password=PASSWORD) is None
    assert isinstance(getattr(request, "broadsheet_rate_limited", None), RateLimited)


def test_expired_rows_are_deleted(alice: AbstractBaseUser, limits: Any) -> None:
    LoginFailure.objects.create(
        scope="account", key="someone", at=timezone.now() - timedelta(hours=2)
    )
    post_login(Client(), "alice", "wrong")
    assert not LoginFailure.objects.filter(key="someone").exists()


# --- the client address ---------------------------------------------------------------------------


def _address(settings: Any, remote: str, forwarded: str | None, proxies: str = "") -> str:
    settings.BROADSHEET_TRUSTED_PROXIES = tuple(
        ip_network(p.strip(), strict=False) for p in proxies.split(",") if p.strip()
    )
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return ratelimit.client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.5", "1.2.3.4", "", "203.0.113.5"),  # no trusted proxy: header ignored
        ("203.0.113.5", "1.2.3.4", "10.0.0.1", "203.0.113.5"),  # not from the proxy: ignored
        ("10.0.0.1", "198.51.100.7", "10.0.0.1", "198.51.100.7"),
        ("10.0.0.1", "6.6.6.6, 198.51.100.7", "10.0.0.1", "198.51.100.7"),  # spoofed left part
        ("10.0.0.2", "198.51.100.7, 10.0.0.1", "10.0.0.0/8", "198.51.100.7"),  # two proxies
        ("10.0.0.1", "10.0.0.3", "10.0.0.0/8", "10.0.0.3"),  # all trusted: the leftmost
        ("10.0.0.1", "not-an-ip", "10.0.0.1", "10.0.0.1"),  # garbage: believe nothing
        ("10.0.0.1", "", "10.0.0.1", "10.0.0.1"),
        ("::ffff:198.51.100.7", None, "", "198.51.100.7"),
        ("", None, "", "unknown"),
    ],
)
def test_client_address(
    settings: Any, remote: str, forwarded: str | None, proxies: str, expected: str
) -> None:
    assert _address(settings, remote, forwarded, proxies) == expected


def test_trusted_proxy_header_counts_the_real_client(make_user: Any, settings: Any) -> None:
    settings.BROADSHEET_TRUSTED_PROXIES = (ip_network("127.0.0.1/32"),)
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT = 100
    make_user("carol")
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.66")
    for n in range(3):
        _fail(attacker, f"g{n}", 1)
    assert post_login(attacker, "carol", PASSWORD).status_code == 429
    # Everyone else behind the same proxy still logs in.
    neighbour = Client(HTTP_X_FORWARDED_FOR="203.0.113.67")
    assert post_login(neighbour, "carol", PASSWORD).status_code == 302


def test_trusted_proxies_setting_is_parsed() -> None:
    from broadsheet.environment import ConfigError, load

    config = load({"BROADSHEET_TRUSTED_PROXIES": "10.0.0.1, 172.16.0.0/12, ::1"})
    nets = config["BROADSHEET_TRUSTED_PROXIES"]
    assert [str(n) for n in nets] == ["10.0.0.1/32", "172.16.0.0/12", "::1/128"]
    assert load({})["BROADSHEET_TRUSTED_PROXIES"] == ()
    with pytest.raises(ConfigError, match="BROADSHEET_TRUSTED_PROXIES"):
        load({"BROADSHEET_TRUSTED_PROXIES": "proxy.example"})


# --- the service itself -------------------------------------------------------------------------


def test_begin_login_attempt_counts_before_the_check(db: None, limits: Any) -> None:
    attempts = [services.begin_login_attempt("alice", "198.51.100.1") for _ in range(5)]
    assert LoginFailure.objects.filter(scope="account", key="alice").count() == 5
    with pytest.raises(RateLimited):
        services.begin_login_attempt("alice", "198.51.100.2")
    # The refused attempt left nothing behind: it was never a password check.
    assert LoginFailure.objects.filter(scope="account", key="alice").count() == 5
    assert not LoginFailure.objects.filter(key="198.51.100.2").exists()
    services.login_attempt_succeeded(attempts[-1])
    assert not LoginFailure.objects.filter(scope="account", key="alice").exists()
    assert LoginFailure.objects.filter(scope="address", key="198.51.100.1").count() == 4
