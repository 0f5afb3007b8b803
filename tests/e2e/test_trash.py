"""The trash with a real `broadsheet worker`: an item deleted through the API is gone at once, and
the worker's sweeper purges it for good once BROADSHEET_UNDO_WINDOW has passed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.api import Api, create_user
from tests.e2e.test_logs import wait_for_line
from tests.support.fixture_server import FixtureServer
from tests.support.live import live_server, stop_process

pytestmark = pytest.mark.slow


def _rows(server: object, item_id: int) -> int:
    out = server.python(  # type: ignore[attr-defined]
        f"from broadsheet.core.models import Item\nprint(Item.objects.filter(pk={item_id}).count())"
    ).stdout
    return int(out.strip().splitlines()[-1])


def test_the_worker_purges_the_trash_after_the_window(
    tmp_path: Path, news_site: FixtureServer
) -> None:
    env = {"BROADSHEET_UNDO_WINDOW": "2", "BROADSHEET_TASK_LEASE": "2"}  # sweeps every second
    with live_server(tmp_path, workers=0, extra_env=env) as server:
        token = create_user(server, "trash", quota="1")
        log_path = tmp_path / "worker.log"
        worker = server.start_worker(log_path)
        try:
            with Api(server, token) as api:
                item_id = api.save(news_site.article("to-the-trash")).json()["id"]
                api.wait_settled([item_id])
                assert api.client.delete(f"/items/{item_id}").status_code == 204
                assert api.client.get(f"/items/{item_id}").status_code == 404
                assert api.me()["counter"] == "Saved (0 of 1 item)"
                assert _rows(server, item_id) == 1  # in the trash, restorable for a while
                line = wait_for_line(log_path, r"purged 1 deleted item", timeout=30)
                assert " INFO broadsheet.services: " in line
                deadline = time.monotonic() + 10
                while _rows(server, item_id) and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert _rows(server, item_id) == 0
                # The slot is free.
                assert api.save(news_site.article("after-the-trash")).status_code == 201
        finally:
            stop_process(worker)
