"""BROADSHEET_HTTPS=true: session and CSRF cookies are Secure, HSTS is sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from tests.conftest import PASSWORD

_PRINT = (
    "import json, broadsheet.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
    "['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
    "'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_HTTPONLY']}))"
)


def _settings_with(tmp_path: Path, https: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    env.update(BROADSHEET_HTTPS=https, BROADSHEET_SECRET_KEY="x", BROADSHEET_DATA_DIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", _PRINT], env=env, capture_output=True, text=True, check=True
    )
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def test_the_setting_drives_the_cookie_flags(tmp_path: Path) -> None:
    on = _settings_with(tmp_path, "true")
    assert on["SESSION_COOKIE_SECURE"] is True and on["CSRF_COOKIE_SECURE"] is True
    assert on["SECURE_HSTS_SECONDS"] == 31536000
    assert on["SESSION_COOKIE_HTTPONLY"] is True
    off = _settings_with(tmp_path, "false")
    assert off["SESSION_COOKIE_SECURE"] is False and off["CSRF_COOKIE_SECURE"] is False
    assert off["SECURE_HSTS_SECONDS"] is None


@pytest.mark.django_db
def test_a_login_over_https_sets_secure_cookies_and_hsts(
    alice: AbstractBaseUser, settings: Any
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    r = client.post(
        "/accounts/login/",
        {
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf.value,
        },
        secure=True,
        headers={"Referer": "https://testserver/accounts/login/"},
    )
    assert r.status_code == 302
    session = r.cookies["sessionid"]
    assert session["secure"] is True and session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert r["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.django_db
def test_without_https_no_hsts(alice: AbstractBaseUser) -> None:
    r = Client().get("/accounts/login/")
    assert "Strict-Transport-Security" not in r
