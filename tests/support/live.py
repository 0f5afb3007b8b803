"""A real Broadsheet server in a subprocess (`broadsheet run`), on its own data directory.

On SQLite the database is a file in a temporary data directory. With DATABASE_URL pointing at a
PostgreSQL server, each live server gets a fresh database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run `broadsheet ARGS` against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "broadsheet.cli", *args],
            env=self.env, capture_output=True, text=True, check=check, input=input, timeout=120,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def _database(base_env: dict[str, str]) -> Iterator[dict[str, str]]:
    url = base_env.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield {}
        return
    import psycopg

    name = f"bs_live_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    try:
        yield {"DATABASE_URL": f"{base}/{name}"}
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def live_server(tmp_path: Path, *, workers: int = 1, extra_env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("BROADSHEET_", "DJANGO_"))
    }
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "")
    with _database(env) as db_env:
        env.update(db_env)
        env.update(
            {
                "BROADSHEET_DATA_DIR": str(tmp_path / "data"),
                "BROADSHEET_PORT": str(port),
                "BROADSHEET_SECRET_KEY": "live-test-secret",
                "BROADSHEET_FETCH_ALLOW_PRIVATE": "true",
                "BROADSHEET_FETCH_RETRIES": "0",
                "BROADSHEET_FETCH_DEADLINE": "5",
                "BROADSHEET_WORKERS": str(workers),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra_env or {})
        log_path = tmp_path / f"server-{port}.log"
        log = log_path.open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "broadsheet.cli", "run"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        server = LiveServer(f"http://127.0.0.1:{port}", env, proc, log_path)
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited early:\n{server.log()}")
                try:
                    with urlopen(server.url("/healthz"), timeout=2) as r:  # noqa: S310
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start:\n{server.log()}")
                time.sleep(0.2)
            yield server
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            log.close()
