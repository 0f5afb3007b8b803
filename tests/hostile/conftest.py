"""Fixtures of the hostile corpus: loopback servers and the real save path.

`origin` is the one server the fetcher is allowed to reach (an allow-list entry for its
host:port only, as an operator would write it); `secret` stands for an internal service that
nothing may reach: every SSRF case checks that it saw no request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from tests.hostile.servers import ScriptServer, reply

SECRET_BODY = b"<html><body><p>internal secret: the keys to the kingdom</p></body></html>"


@pytest.fixture(scope="session")
def origin() -> Iterator[ScriptServer]:
    server = ScriptServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def secret() -> Iterator[ScriptServer]:
    server = ScriptServer(routes={"/": reply(body=SECRET_BODY), "/secret": reply(body=SECRET_BODY)})
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def hostile_pipeline(transactional_db: None, settings: Any, origin: ScriptServer) -> ScriptServer:
    """The real save path, allowed to reach `origin` and nothing else that is not public."""
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = f"127.0.0.1:{origin.port}"
    settings.BROADSHEET_FETCH_RETRIES = 0
    settings.BROADSHEET_FETCH_DEADLINE = 5
    return origin


@pytest.fixture
def save_and_run(
    hostile_pipeline: ScriptServer,
    alice: AbstractBaseUser,
    run_tasks: Callable[[], int],
) -> Callable[[str], Any]:
    """Save `url` as alice through core.services, run the queued tasks, return the item."""
    from broadsheet.core import services
    from broadsheet.core.models import Item

    def run(url: str) -> Item:
        item = services.save_item(alice, url)
        run_tasks()
        return Item.objects.get(pk=item.pk)

    return run
