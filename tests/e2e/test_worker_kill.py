"""A worker killed mid-fetch loses nothing: the stalled-fetch sweep (core.enqueue.sweep_stalled)
enqueues the item again once its lease runs out, and a new worker finishes it. A task that is
still alive inside its lease is left alone."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.api import Api, create_user
from tests.support.fixture_server import (
    FixtureServer,
    synthetic_sentences,
    synthetic_title,
)
from tests.support.live import LiveServer, live_server, stop_process

pytestmark = pytest.mark.slow

LEASE = 3


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        stop_process(proc)


def assert_full_story(item: dict[str, object], seed: str) -> None:
    assert item["status"] == "ready", item
    assert item["title"] == synthetic_title(seed)
    text = re.sub(r"\s+", " ", str(item["text"]))
    for sentence in synthetic_sentences(seed):
        assert sentence in text


def test_worker_killed_mid_fetch_is_recovered_by_the_sweep(
    tmp_path: Path, news_site: FixtureServer, workers: list[subprocess.Popen[bytes]]
) -> None:
    with live_server(
        tmp_path, workers=0, extra_env={"BROADSHEET_TASK_LEASE": str(LEASE)}
    ) as server:
        token = create_user(server, "kill")
        first = server.start_worker()
        workers.append(first)
        seed = "killed-mid-fetch"
        path = f"/slow/6/article-{seed}"
        with Api(server, token) as api:
            r = api.save(news_site.url(f"{path}?once=1"))
            assert r.status_code == 201, r.text
            item_id = r.json()["id"]

            news_site.wait_for_hit(path, timeout=30)  # the worker is inside the 6-second fetch
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            assert first.returncode == -signal.SIGKILL

            assert api.item(item_id)["status"] == "pending"
            assert news_site.count(path) == 1

            workers.append(server.start_worker())
            done = api.wait_settled([item_id], deadline=30)[item_id]

        assert_full_story(done, seed)
        # The sweep enqueued it again: a second, fast fetch of the same page.
        assert news_site.count(path) == 2
        assert f"item {item_id}: its fetch stalled; enqueueing it again" in worker_logs(server)


def worker_logs(server: LiveServer) -> str:
    return "".join(
        p.read_text(errors="replace") for p in server.log_path.parent.glob("worker-*.log")
    )


def sweep(server: LiveServer) -> int:
    out = server.python(
        "from broadsheet.core.enqueue import sweep_stalled\nprint(sweep_stalled())"
    ).stdout
    return int(out.strip().splitlines()[-1])


def test_sweep_leaves_a_live_task_alone(
    tmp_path: Path, news_site: FixtureServer, workers: list[subprocess.Popen[bytes]]
) -> None:
    # A lease much longer than the fetch: the task is alive and inside it the whole time.
    env = {"BROADSHEET_TASK_LEASE": "30", "BROADSHEET_FETCH_DEADLINE": "25"}
    with live_server(tmp_path, workers=0, extra_env=env) as server:
        token = create_user(server, "alive")
        workers.append(server.start_worker())
        seed = "slow-but-alive"
        path = f"/slow/6/article-{seed}"
        with Api(server, token) as api:
            r = api.save(news_site.url(path))
            assert r.status_code == 201, r.text
            item_id = r.json()["id"]
            news_site.wait_for_hit(path, timeout=30)

            # A sweep while the fetch is in flight finds nothing stalled and enqueues nothing.
            assert sweep(server) == 0
            # (Still pending afterwards: the sweep really ran while the task held its lease.)
            assert api.item(item_id)["status"] == "pending"

            done = api.wait_settled([item_id], deadline=30)[item_id]

        assert_full_story(done, seed)
        assert sweep(server) == 0
        assert news_site.count(path) == 1, "the page was fetched twice"
        assert "worker started" in worker_logs(server)
        assert "enqueueing it again" not in worker_logs(server)
