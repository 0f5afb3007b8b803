"""What the operator's log says, from a real `broadsheet run` and a real `broadsheet worker` with
the real logging configuration: one line per task run with the item and its outcome (never
django-tasks' "SUCCESSFUL" for a page that failed), no warning for an expected answer (a
duplicate save, a missing item: INFO at most), and no 404 for the browser's /favicon.ico."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.api import Api, create_user
from tests.support.fixture_server import FixtureServer
from tests.support.live import live_server, stop_process

pytestmark = pytest.mark.slow


def wait_for_line(path: Path, pattern: str, *, timeout: float = 15.0) -> str:
    """The first line of the log file at `path` that matches `pattern`, once written."""
    deadline = time.monotonic() + timeout
    while True:
        text = path.read_text(errors="replace") if path.exists() else ""
        for line in text.splitlines():
            if re.search(pattern, line):
                return line
        assert time.monotonic() < deadline, f"no line matching {pattern!r} in:\n{text}"
        time.sleep(0.1)


def test_worker_logs_each_items_outcome(tmp_path: Path, news_site: FixtureServer) -> None:
    with live_server(tmp_path, workers=0) as server:
        token = create_user(server, "operator")
        log_path = tmp_path / "worker.log"
        worker = server.start_worker(log_path)
        try:
            with Api(server, token) as api:
                missing = api.save(news_site.url("/pages/no-such-story.html")).json()["id"]
                story = api.save(news_site.article("logged-story")).json()["id"]
                done = api.wait_settled([missing, story])
            assert done[missing]["status"] == "failed"
            assert done[missing]["error_code"] == "http_status"
            assert done[story]["status"] == "ready"
            failed_line = wait_for_line(log_path, rf"\bitem {missing}\b")
            ready_line = wait_for_line(log_path, rf"\bitem {story}\b")
        finally:
            stop_process(worker)
        log = log_path.read_text(errors="replace")

    # A page's own failure is not the operator's problem: INFO, with the code and the reason.
    assert " INFO broadsheet.tasks: " in failed_line, failed_line
    assert "failed" in failed_line and "http_status" in failed_line, failed_line
    assert done[missing]["error"] in failed_line, failed_line
    assert " INFO broadsheet.tasks: " in ready_line and "ready" in ready_line, ready_line
    # One line per run, and django-tasks' own per-task lines are not the operator's log.
    assert len([ln for ln in log.splitlines() if re.search(rf"\bitem {missing}\b", ln)]) == 1
    assert "SUCCESSFUL" not in log, log
    assert "state=RUNNING" not in log, log


def test_server_log_has_no_warning_for_expected_answers(
    tmp_path: Path, news_site: FixtureServer
) -> None:
    with live_server(tmp_path, workers=0) as server:
        token = create_user(server, "quiet")
        with Api(server, token) as api:
            url = news_site.article("said-twice")
            assert api.save(url).status_code == 201
            assert api.save(url).status_code == 409
            assert api.client.get("/items/999999").status_code == 404
            assert api.client.post("/items", json={"url": "ftp://x"}).status_code == 422
        assert httpx.get(server.url("/api/v1/me")).status_code == 401
        icon = httpx.get(server.url("/favicon.ico"), follow_redirects=True)
        assert icon.status_code == 200
        assert icon.headers["content-type"].startswith("image/svg+xml")
        time.sleep(0.5)
        log = server.log()
    # Expected answers are INFO at most (an operator may still see who gets 401s), never warnings.
    assert "WARNING" not in log and "ERROR" not in log, log
    for answer in ("Conflict", "Not Found", "Unprocessable", "Unauthorized"):
        for line in (ln for ln in log.splitlines() if answer in ln):
            assert " INFO django.request: " in line, line
    assert "favicon" not in log, log
