"""Requests through the real logging configuration (settings.LOGGING, as `broadsheet run` has it):
an expected answer (409 already saved or over the limit, 404, 405, 413, 422, 401, 429) is no
warning, a server error still logs at ERROR with its traceback, and /favicon.ico is answered."""

from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import services
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _basic_config(root: logging.Logger) -> None:
    """What waitress.serve does before serving: logging.basicConfig(), which adds a stderr handler
    to the root logger unless it has one (pytest's own capture handlers do not count here)."""
    if all(type(h).__module__.startswith("_pytest") for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(logging.BASIC_FORMAT))
        root.addHandler(handler)


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything the configured handlers write, as the operator would read it on stderr."""
    root = logging.getLogger()
    root_handlers = root.handlers[:]
    logging.config.dictConfig(django_settings.LOGGING)
    _basic_config(root)
    out = io.StringIO()
    swapped: list[tuple[logging.StreamHandler[Any], Any]] = []
    names = [None, *django_settings.LOGGING.get("loggers", {})]
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            ):
                swapped.append((handler, handler.setStream(out)))
    assert swapped, "no stream handler in settings.LOGGING"
    try:
        yield out
    finally:
        for handler, stream in swapped:
            handler.setStream(stream)
        root.handlers[:] = root_handlers


def test_expected_answers_are_not_warnings(
    log_output: io.StringIO, api: ApiClient, alice: AbstractBaseUser, settings: Any
) -> None:
    url = "https://news.example/twice"
    assert api.post("/api/v1/items", {"url": url}).status_code == 201
    assert api.post("/api/v1/items", {"url": url}).status_code == 409  # already saved
    services.set_quota(alice, 1)
    assert api.post("/api/v1/items", {"url": url + "-2"}).status_code == 409  # over the limit
    assert api.get("/api/v1/items/999999").status_code == 404
    assert api.post("/api/v1/items", {"url": "ftp://x"}).status_code == 422
    assert Client().get("/api/v1/me").status_code == 401
    assert api.request("PUT", "/api/v1/me").status_code == 405
    too_big = b"x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    # (A save may be larger, with the page's HTML: another route has Django's limit.)
    big = Client().generic("PATCH", "/api/v1/items/1", too_big, content_type="application/json")
    assert big.status_code == 413
    web = Client()
    web.force_login(alice)
    assert web.get("/items/999999/").status_code == 404
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT = 1
    guess = {"username": "alice", "password": "not her password"}
    Client().post("/accounts/login/", guess)
    assert Client().post("/accounts/login/", guess).status_code == 429
    log = log_output.getvalue()
    assert "WARNING" not in log, log
    assert "ERROR" not in log, log


def test_a_server_error_still_logs_at_error(
    log_output: io.StringIO, alice: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr("broadsheet.core.queries.items", broken)
    web = Client(raise_request_exception=False)
    web.force_login(alice)
    assert web.get("/").status_code == 500
    log = log_output.getvalue()
    assert "ERROR django.request: Internal Server Error: /" in log, log
    assert "RuntimeError: the database caught fire" in log, log  # with its traceback


def test_favicon_is_served(log_output: io.StringIO) -> None:
    r = Client().get("/favicon.ico", follow=True)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(r.streaming_content) if r.streaming else b"<svg" in r.content
    assert "Not Found" not in log_output.getvalue()


def test_pages_link_the_icon(web: Client) -> None:
    assert '<link rel="icon" href="/static/broadsheet/icon.svg"' in web.get("/").content.decode()
