"""Small HTTP helpers for the end-to-end tests: a token client for /api/v1 and a logged-in web
session (cookies + the CSRF token from the form, as a browser would)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

import httpx

from tests.support.live import LiveServer

READY_DEADLINE = 30.0
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def create_user(server: LiveServer, name: str, *, quota: str = "unlimited") -> str:
    """Create a user with the CLI; returns a fresh API token for it."""
    password = f"pw-{name}-long-enough"
    out = server.cli("user", "create", name, "--password", password, "--quota", quota)
    assert f"Created user {name}" in out.stdout, out.stdout + out.stderr
    token = server.cli("token", "create", name).stdout.strip()
    assert token.startswith("bs_"), token
    return token


def password_of(name: str) -> str:
    return f"pw-{name}-long-enough"


class Api:
    def __init__(self, server: LiveServer, token: str, *, timeout: float = 30.0) -> None:
        self.client = httpx.Client(
            base_url=server.base_url + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def save(self, url: str) -> httpx.Response:
        return self.client.post("/items", json={"url": url})

    def item(self, item_id: int) -> dict[str, Any]:
        r = self.client.get(f"/items/{item_id}")
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data

    def all_items(self) -> tuple[list[dict[str, Any]], int]:
        r = self.client.get("/items", params={"state": "all", "limit": 500})
        assert r.status_code == 200, r.text
        body = r.json()
        return body["items"], body["count"]

    def me(self) -> dict[str, Any]:
        r = self.client.get("/me")
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data

    def wait_settled(
        self, ids: Iterable[int], *, deadline: float = READY_DEADLINE
    ) -> dict[int, dict[str, Any]]:
        """Poll until no item of `ids` is pending; their final JSON. Fails at the deadline."""
        waiting = set(ids)
        done: dict[int, dict[str, Any]] = {}
        end = time.monotonic() + deadline
        while waiting:
            for item_id in sorted(waiting):
                data = self.item(item_id)
                if data["status"] != "pending":
                    done[item_id] = data
                    waiting.discard(item_id)
            if not waiting:
                break
            assert time.monotonic() < end, f"items still pending after {deadline}s: {waiting}"
            time.sleep(0.2)
        return done


class WebSession:
    """A real browser-like session: log in through the form, then post forms with the token."""

    def __init__(self, server: LiveServer, name: str) -> None:
        self.client = httpx.Client(base_url=server.base_url, timeout=30.0)
        page = self.client.get("/accounts/login/")
        assert page.status_code == 200
        r = self.client.post(
            "/accounts/login/",
            data={
                "username": name,
                "password": password_of(name),
                "csrfmiddlewaretoken": self.csrf(page.text),
                "next": "/",
            },
        )
        assert r.status_code == 302, r.text
        assert r.headers["location"] == "/"

    @staticmethod
    def csrf(html: str) -> str:
        m = _CSRF.search(html)
        assert m, "no CSRF token in the form"
        return m.group(1)

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def save(self, url: str) -> httpx.Response:
        """Use the `Save for later` form on the list: the page the browser ends up on (the list
        again after a 303, with the outcome as a message; the form again when refused, 422)."""
        home = self.client.get("/")
        assert home.status_code == 200
        return self.client.post(
            "/save/",
            data={"url": url, "next": "/", "csrfmiddlewaretoken": self.csrf(home.text)},
            follow_redirects=True,
        )

    def close(self) -> None:
        self.client.close()
