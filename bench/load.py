"""A short load run against the real server on loopback: saves/s and list requests/s, p50/p99.

Starts `broadsheet run` (SQLite in a temporary data directory, its worker beside it) through
tests/support/live.py, a loopback news site through tests/support/fixture_server.py, creates a
user with a very high limit with the CLI, then for --seconds fires saves (POST /api/v1/items of
distinct stories) and for --seconds list requests (GET /api/v1/items) from --threads client
threads, each with its own keep-alive connection. Bounded in time and in count (--max-requests
per phase); no internet. Writes bench/results/load.md.

    make load
    .venv/bin/python bench/load.py --threads 8 --seconds 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fixture_server import FixtureServer, serve_fixtures  # noqa: E402
from tests.support.live import LiveServer, live_server  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "load.md"


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    wall: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s not in {"200", "201"})

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000

    @property
    def rate(self) -> float:
        return self.requests / self.wall if self.wall else 0.0


Request = Callable[[httpx.Client, int, int], httpx.Response]


def run_phase(
    name: str,
    server: LiveServer,
    token: str,
    request: Request,
    threads: int,
    seconds: float,
    max_requests: int,
) -> Phase:
    phase = Phase(name)
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)
    budget = [max_requests]
    stop_at = [0.0]

    def client_loop(tid: int) -> None:
        lat: list[float] = []
        stat: Counter[str] = Counter()
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            client.get("/healthz")  # open the keep-alive connection before the clock starts
            barrier.wait()
            i = 0
            while time.monotonic() < stop_at[0]:
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                t0 = time.perf_counter()
                try:
                    status = str(request(client, tid, i).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                lat.append(time.perf_counter() - t0)
                stat[status] += 1
                i += 1
        with lock:
            phase.latencies.extend(lat)
            phase.statuses.update(stat)

    workers = [threading.Thread(target=client_loop, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    start = time.monotonic()
    stop_at[0] = start + seconds
    barrier.wait()
    for w in workers:
        w.join()
    phase.wall = time.monotonic() - start
    return phase


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    system = f"{platform.system()} {platform.release()}"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{nproc} CPUs (`nproc`), {model}; {system}; Python {platform.python_version()}; "
        f"load average at the end of the run {load}"
    )


def items_by_status(server: LiveServer, user: str) -> Counter[str]:
    import json

    out = server.cli("list", "--user", user, "--state", "all", "--json").stdout
    return Counter(i["status"] for i in json.loads(out))


def report(args: argparse.Namespace, phases: list[Phase], statuses: Counter[str], cmd: str) -> str:
    rows = [
        "| phase | requests | wall (s) | requests/s | p50 (ms) | p99 (ms) | errors | statuses |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in phases:
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(p.statuses.items()))
        rows.append(
            f"| {p.name} | {p.requests} | {p.wall:.1f} | {p.rate:.1f} | {p.pct(0.50):.1f} | "
            f"{p.pct(0.99):.1f} | {p.errors} | {codes} |"
        )
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    done = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    return "\n".join(
        [
            "# Load run (loopback)",
            "",
            f"- command: `{cmd}`",
            f"- date: {now}",
            f"- machine: {machine()}",
            f"- settings: {args.threads} client threads (httpx, one keep-alive connection each); "
            f"{args.seconds:g} s per phase, at most {args.max_requests} requests per phase; "
            "server `broadsheet run` (waitress, BROADSHEET_THREADS="
            f"{args.server_threads}) on SQLite (WAL) in a temporary data directory, "
            "with 1 background worker fetching and extracting the saved stories from a loopback "
            "news site at the same time; one user with a limit of 10,000,000.",
            "- saves: `POST /api/v1/items` of distinct synthetic stories "
            "(`/article/load-T-I` on the loopback site); lists: `GET /api/v1/items` "
            "(the default page of 50 items, with their text and HTML).",
            "",
            *rows,
            "",
            f"Items after the run (the worker kept fetching during the list phase): {done}.",
            "",
            "Absolute figures depend on the machine; compare runs made on the same one.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--threads", type=int, default=8, help="concurrent client threads")
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    ap.add_argument("--max-requests", type=int, default=200_000, help="cap per phase")
    ap.add_argument("--server-threads", type=int, default=8, help="BROADSHEET_THREADS")
    ap.add_argument("--out", type=Path, default=RESULTS, help="where to write the report")
    args = ap.parse_args(argv)
    cmd = " ".join(["python bench/load.py", *(argv if argv is not None else sys.argv[1:])])

    os.environ.pop("DATABASE_URL", None)  # this run is about the embedded database
    with tempfile.TemporaryDirectory(prefix="broadsheet-load-") as tmp, serve_fixtures() as site:
        env = {"BROADSHEET_THREADS": str(args.server_threads), "BROADSHEET_FETCH_DEADLINE": "10"}
        with live_server(Path(tmp), workers=1, extra_env=env) as server:
            user = "loadtester"
            server.cli(
                "user", "create", user, "--password", "load-test-password", "--quota", "10000000"
            )
            token = server.cli("token", "create", user).stdout.strip()
            fixture: FixtureServer = site

            def save(client: httpx.Client, tid: int, i: int) -> httpx.Response:
                return client.post(
                    "/api/v1/items", json={"url": fixture.article(f"load-{tid}-{i}")}
                )

            def list_items(client: httpx.Client, tid: int, i: int) -> httpx.Response:
                return client.get("/api/v1/items")

            print(f"server up at {server.base_url}; saves for {args.seconds:g} s ...", flush=True)
            saves = run_phase(
                "saves", server, token, save, args.threads, args.seconds, args.max_requests
            )
            print(f"  {saves.rate:.1f}/s; lists for {args.seconds:g} s ...", flush=True)
            lists = run_phase(
                "lists", server, token, list_items, args.threads, args.seconds, args.max_requests
            )
            print(f"  {lists.rate:.1f}/s", flush=True)
            statuses = items_by_status(server, user)

    text = report(args, [saves, lists], statuses, cmd)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0 if saves.errors == 0 and lists.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
