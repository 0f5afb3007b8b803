"""Two real `broadsheet run` servers on one database: failed logins raced at both are counted
together, and exactly the limit reach the password check."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.api import password_of
from tests.support.live import LiveServer, _start, free_port, live_server, stop_process

pytestmark = pytest.mark.slow

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RACERS = 12


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    tmp = tmp_path_factory.mktemp("twins")
    with live_server(tmp, workers=0) as first:
        # A second server process on the same database (same data directory or DATABASE_URL).
        proc, second, log = _start(Path(tmp), dict(first.env), free_port())
        try:
            yield first, second
        finally:
            stop_process(proc)
            log.close()


def _login_form(client: httpx.Client) -> str:
    page = client.get("/accounts/login/")
    match = _CSRF.search(page.text)
    assert match, page.text[:500]
    return match.group(1)


def test_failures_raced_at_two_servers_add_up(servers: tuple[LiveServer, LiveServer]) -> None:
    first, second = servers
    first.cli("user", "create", "dana", "--password", password_of("dana"))
    clients = [
        httpx.Client(base_url=(first if i % 2 else second).base_url, timeout=60)
        for i in range(RACERS)
    ]
    tokens = [_login_form(c) for c in clients]
    barrier = threading.Barrier(RACERS)
    results: list[httpx.Response | BaseException | None] = [None] * RACERS

    def fire(i: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[i] = clients[i].post(
                "/accounts/login/",
                data={"username": "dana", "password": "wrong", "csrfmiddlewaretoken": tokens[i]},
                headers={"Referer": str(clients[i].base_url)},
            )
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    responses = [r for r in results if isinstance(r, httpx.Response)]
    assert len(responses) == RACERS, results
    assert Counter(r.status_code for r in responses) == {200: 5, 429: RACERS - 5}
    # Now even the right password is refused, at either server.
    for client in clients[:2]:
        r = client.post(
            "/accounts/login/",
            data={
                "username": "dana",
                "password": password_of("dana"),
                "csrfmiddlewaretoken": _login_form(client),
            },
        )
        assert r.status_code == 429
        assert "Too many failed logins. Try again in 15 minutes." in r.text
    for c in clients:
        c.close()
