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
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.request import urlopen


def _listening(pid: int, port: int) -> bool:
    """Whether process `pid` holds the socket listening on 127.0.0.1:`port` (Linux /proc; True
    where /proc cannot tell). Guards against a port taken by another test's server meanwhile."""
    try:
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(cols[9])
        fds = Path(f"/proc/{pid}/fd")
        owned = {os.readlink(fd) for fd in fds.iterdir()}
    except OSError:
        return True
    return any(f"socket:[{inode}]" in owned for inode in inodes)


def _start(
    tmp_path: Path, env: dict[str, str], port: int
) -> tuple[subprocess.Popen[bytes], LiveServer, IO[bytes]]:
    """Start `broadsheet run`; if its port was taken in the meantime, try again on another."""
    for attempt in range(5):
        env["BROADSHEET_PORT"] = str(port)
        log_path = tmp_path / f"server-{port}.log"
        log = log_path.open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "broadsheet.cli", "run"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = LiveServer(f"http://127.0.0.1:{port}", env, proc, log_path)
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                log.close()
                if "Address already in use" in server.log() and attempt < 4:
                    break
                raise RuntimeError(f"server exited early:\n{server.log()}")
            try:
                with urlopen(server.url("/healthz"), timeout=2) as r:
                    if r.status == 200 and _listening(proc.pid, port):
                        return proc, server, log
            except OSError:
                pass
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                log.close()
                raise RuntimeError(f"server did not start:\n{server.log()}")
            time.sleep(0.2)
        port = free_port()
    raise AssertionError("unreachable")


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

    def cli(
        self, *args: str, check: bool = True, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `broadsheet ARGS` against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "broadsheet.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            input=input,
            timeout=120,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def start_worker(self, log_path: Path | None = None) -> subprocess.Popen[bytes]:
        """A `broadsheet worker` on this server's database, in its own process group (so a test
        can SIGKILL it and all its children with os.killpg). The caller stops it."""
        path = log_path or self.log_path.with_name(f"worker-{time.monotonic_ns()}.log")
        with path.open("ab") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "broadsheet.cli", "worker", "--interval", "0.2"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def python(self, code: str) -> subprocess.CompletedProcess[str]:
        """Run Python `code` with Django set up on this server's database (e.g. to call a core
        function directly beside the running server)."""
        prelude = (
            "import os, django\n"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'broadsheet.settings')\n"
            "django.setup()\n"
        )
        return subprocess.run(
            [sys.executable, "-c", prelude + code],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )


def stop_process(
    proc: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM, wait: float = 25
) -> None:
    """Stop a process started in its own session (and its children); SIGKILL when it lingers."""
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


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
def live_server(
    tmp_path: Path, *, workers: int = 1, extra_env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BROADSHEET_", "DJANGO_"))}
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
        proc, server, log = _start(tmp_path, env, int(env["BROADSHEET_PORT"]))
        try:
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
