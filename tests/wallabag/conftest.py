"""A wallabag client of alice's: the API client pair, a token from the token endpoint, and a
Django test client that sends it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client

from tests.conftest import PASSWORD


@dataclass
class Wallabag:
    client: Client
    client_id: str
    secret: str
    token: str = ""

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: Any = None) -> Any:
        return self.client.get(path, params, headers=self._headers())

    def form(self, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
        from urllib.parse import urlencode

        body = urlencode(data or {}, doseq=True)
        return self.client.generic(
            method,
            path,
            body,
            content_type="application/x-www-form-urlencoded",
            headers=self._headers(),
        )

    def json(self, method: str, path: str, data: Any = None) -> Any:
        body = "" if data is None else json.dumps(data)
        return self.client.generic(
            method, path, body, content_type="application/json", headers=self._headers()
        )

    def login(self, username: str, password: str) -> dict[str, Any]:
        r = self.client.get(
            "/oauth/v2/token",
            {
                "grant_type": "password",
                "client_id": self.client_id,
                "client_secret": self.secret,
                "username": username,
                "password": password,
            },
        )
        assert r.status_code == 200, r.content
        data: dict[str, Any] = r.json()
        self.token = data["access_token"]
        return data


@pytest.fixture
def reader(make_user: Any) -> AbstractBaseUser:
    user: AbstractBaseUser = make_user("wally", quota=None, email="wally@example.org")
    return user


@pytest.fixture
def wb(reader: AbstractBaseUser) -> Wallabag:
    from broadsheet.core import oauth

    made = oauth.create_client(reader, "tests")
    client = Wallabag(Client(), oauth.public_id(made), made.secret)
    client.login("wally", PASSWORD)
    return client
