"""`broadsheet mail-in`, and `broadsheet run` with BROADSHEET_MAIL_IN_PORT: real processes on a
data directory of their own, real SMTP on a free port of 127.0.0.1, stopped by their PID."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from broadsheet.cli import main
from tests.conftest import PASSWORD
from tests.support.live import free_port, live_server
from tests.support.mail_in import DOMAIN, Endpoint, deliver, message

MAKE_KEY = (
    "import django; django.setup(); "
    "from django.contrib.auth import get_user_model; "
    "from broadsheet.core import mailkeys, services; "
    "user = get_user_model().objects.get(username='alice'); "
    "services.new_mail_key(user); print(mailkeys.address_of(user))"
)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BROADSHEET_", "DJANGO_"))}
    env.update(
        {
            "BROADSHEET_DATA_DIR": str(tmp_path / "data"),
            "BROADSHEET_SECRET_KEY": "mail-in-test-secret",
            "BROADSHEET_MAIL_DOMAIN": DOMAIN,
            "DATABASE_URL": "",
            "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "broadsheet.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def _address(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", MAKE_KEY], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _wait_listening(port: int, proc: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"exited early:\n{log.read_text()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"never listened:\n{log.read_text()}")


@pytest.mark.slow
def test_mail_in_starts_takes_a_message_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _cli(env, "migrate")
    _cli(env, "user", "create", "alice", "--password", PASSWORD)
    to = _address(env)
    assert to.startswith("save+") and to.endswith("@" + DOMAIN)
    port = free_port()
    log = tmp_path / "mail-in.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "broadsheet.cli", "mail-in", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_listening(port, proc, log)
        url = "https://news.example.org/2024/mailed-from-the-cli"
        reply = deliver(Endpoint("127.0.0.1", port), to, message(text=f"This one: {url}"))
        assert reply.saved, reply
        listed = json.loads(_cli(env, "list", "--user", "alice", "--json"))
        assert [i["url"] for i in listed] == [url]
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    text = log.read_text()
    assert f"Mail-in on smtp://127.0.0.1:{port}/ for save+KEY@{DOMAIN}." in text
    assert "Mail-in stopped." in text


@pytest.mark.slow
def test_run_starts_the_mail_in_server_when_its_port_is_set(tmp_path: Path) -> None:
    port = free_port()
    extra = {"BROADSHEET_MAIL_DOMAIN": DOMAIN, "BROADSHEET_MAIL_IN_PORT": str(port)}
    with live_server(tmp_path, workers=0, extra_env=extra) as server:
        server.cli("user", "create", "alice", "--password", PASSWORD)
        env = dict(server.env, DJANGO_SETTINGS_MODULE="broadsheet.settings")
        to = _address(env)
        url = "https://news.example.org/2024/mailed-to-run"
        reply = deliver(Endpoint("127.0.0.1", port), to, message(text=url))
        assert reply.saved, reply
        listed = json.loads(server.cli("list", "--user", "alice", "--json").stdout)
        assert [i["url"] for i in listed] == [url]
        assert f"Mail-in on smtp://127.0.0.1:{port}/" in server.log()


def test_mail_in_without_a_mail_domain_says_what_to_set(
    db: None, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.BROADSHEET_MAIL_DOMAIN = ""
    assert main(["mail-in", "--port", str(free_port())]) == 2
    assert "BROADSHEET_MAIL_DOMAIN" in capsys.readouterr().err
