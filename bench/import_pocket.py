"""The import of a large library: a 100,000-row Pocket export into a fresh SQLite database.

Writes a realistic Pocket CSV (titles, addresses on a few hundred sites, some with tracking
parameters, tags, half of it archived, a few hundred repeats and a few invalid rows) to a
temporary directory, then imports it in a child process, through `core.importing.import_file`
exactly as `broadsheet import` does, into a fresh data directory (its own SQLite database,
migrated first). Reports the wall time of the import, rows a second, and the child's peak
resident memory (its RSS high-water mark from getrusage, so the parent's memory is not counted),
with the final counts. Goal: under 60 s and under 200 MB.

    make bench-import
    .venv/bin/python bench/import_pocket.py --rows 20000
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 60.0
GOAL_MB = 200.0

_WORDS = [
    "council",
    "harbour",
    "budget",
    "ferry",
    "schedule",
    "residents",
    "evening",
    "meeting",
    "vote",
    "record",
    "river",
    "bridge",
    "engineers",
    "winter",
    "repairs",
    "funding",
    "district",
    "mayor",
    "library",
    "school",
    "weather",
    "market",
    "trains",
    "election",
    "climate",
    "drought",
    "housing",
    "rents",
    "court",
    "ruling",
    "hospital",
    "nurses",
    "strike",
    "museum",
    "opens",
    "festival",
    "season",
    "transfer",
    "striker",
    "coach",
    "injury",
    "league",
    "final",
    "vaccine",
    "study",
    "science",
    "space",
    "mission",
    "launch",
    "rocket",
    "satellite",
    "ocean",
    "heat",
    "record",
    "storm",
    "flood",
    "warning",
    "farmers",
    "harvest",
]
_TAGS = [
    "politics",
    "climate",
    "science",
    "sport",
    "culture",
    "long-read",
    "to-cite",
    "local",
    "economy",
    "tech",
    "health",
    "housing",
    "transport",
    "education",
    "europe",
    "us",
    "asia",
    "africa",
    "weekend",
    "recipes",
    "podcasts",
]
_TLDS = ("com", "co.uk", "org", "net", "de", "fr", "news", "io")


def _hosts(rng: random.Random, n: int) -> list[str]:
    hosts: set[str] = set()
    while len(hosts) < n:
        name = rng.choice(_WORDS) + rng.choice(("", "-", "")) + rng.choice(_WORDS)
        sub = rng.choice(("www.", "www.", "", "news.", "edition."))
        hosts.add(f"{sub}{name}.{rng.choice(_TLDS)}")
    return sorted(hosts)


def write_export(path: Path, rows: int, seed: int = 7) -> dict[str, int]:
    """A Pocket CSV export of `rows` rows; returns how many repeats and invalid rows it has."""
    rng = random.Random(seed)
    hosts = _hosts(rng, 300)
    # A few big sites and many small ones, as in a real library.
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(hosts))]
    now = 1_733_000_000
    earlier: list[str] = []
    repeats = invalid = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["title", "url", "time_added", "cursor", "tags", "status"])
        for i in range(rows):
            when = now - i * 900 - rng.randrange(900)
            words = rng.sample(_WORDS, rng.randrange(4, 11))
            title = " ".join(words).capitalize()
            roll = rng.random()
            if roll < 0.0002:
                url = rng.choice(("javascript:void(0)", "", "not an address", "mailto:x@y.z"))
                invalid += 1
            elif roll < 0.005 and earlier:
                url = rng.choice(earlier) + rng.choice(("", "?utm_source=pocket", "#comments"))
                repeats += 1
            else:
                host = rng.choices(hosts, weights)[0]
                day = time.gmtime(when)
                slug = "-".join(words[:6])
                url = f"https://{host}/{day.tm_year}/{day.tm_mon:02d}/{day.tm_mday:02d}/{slug}-{i}"
                if rng.random() < 0.2:
                    url += "?utm_medium=social&utm_source=twitter"
                if len(earlier) < 5000:
                    earlier.append(url.split("?")[0])
            tags = "|".join(rng.sample(_TAGS, rng.choice((0, 0, 1, 1, 2, 3))))
            status = "archive" if rng.random() < 0.5 else "unread"
            out.writerow([title, url, when, str(when * 1000 + i), tags, status])
    return {"repeats": repeats, "invalid": invalid}


def child(export: Path) -> None:
    """Runs in the child process: migrate a fresh database, import, print one JSON line."""
    import resource

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from broadsheet.core import access, importing, services
    from broadsheet.core.models import Tag

    call_command("migrate", interactive=False, verbosity=0)
    # No password: hashing one (Argon2, 100 MB of memory by design) is not the import's cost.
    user = get_user_model().objects.create_user("bench", password=None)
    services.set_quota(user, None)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    batches: list[float] = [started]
    with export.open("rb") as f:
        report = importing.import_file(
            user, f, export.name, on_progress=lambda r: batches.append(time.perf_counter())
        )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    took = [b - a for a, b in itertools.pairwise(batches)]
    items = access.items_of(user)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "first_batches_ms": 1000 * sum(took[:10]) / max(1, len(took[:10])),
                "last_batches_ms": 1000 * sum(took[-10:]) / max(1, len(took[-10:])),
                "rows": report.rows,
                "imported": report.imported,
                "existing": report.existing,
                "over_limit": report.over_limit,
                "invalid": report.invalid,
                "items": items.count(),
                "archived": items.filter(archived=True).count(),
                "pending": importing.pending_count(user),
                "tags": Tag.objects.filter(user=user).count(),
                "hosts": items.values("host").distinct().count(),
                "rss_before_kb": before,
                "rss_peak_kb": peak,
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", metavar="EXPORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child))
        return 0
    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-import-") as tmp:
        export = Path(tmp) / "ril_export.csv"
        made = write_export(export, args.rows)
        size = export.stat().st_size
        env = {
            **os.environ,
            "BROADSHEET_DATA_DIR": str(Path(tmp) / "data"),
            "DATABASE_URL": "",
            "BROADSHEET_SECRET_KEY": "bench-import",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        }
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(export)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            return done.returncode
        result = json.loads(done.stdout.strip().splitlines()[-1])
    seconds = result["seconds"]
    peak_mb = result["rss_peak_kb"] / 1024
    print(
        f"Pocket CSV: {args.rows:,} rows, {size / 1e6:.1f} MB "
        f"({made['repeats']} repeats, {made['invalid']} invalid written)"
    )
    print(
        f"import:     {seconds:.1f} s wall ({result['cpu_seconds']:.1f} s CPU), "
        f"{result['rows'] / seconds:,.0f} rows/s; a batch of 1,000: "
        f"{result['first_batches_ms']:.0f} ms (first ten), {result['last_batches_ms']:.0f} ms "
        "(last ten)"
    )
    print(
        f"memory:     peak RSS {peak_mb:.0f} MB "
        f"(after setup and migrate: {result['rss_before_kb'] / 1024:.0f} MB)"
    )
    print(
        f"counts:     {result['imported']:,} imported, {result['existing']:,} already there, "
        f"{result['over_limit']:,} over the limit, {result['invalid']:,} invalid; "
        f"{result['items']:,} items ({result['archived']:,} archived, {result['pending']:,} "
        f"pending), {result['tags']} tags, {result['hosts']} sites"
    )
    ok = seconds < GOAL_SECONDS and peak_mb < GOAL_MB
    print(
        f"goal:       under {GOAL_SECONDS:.0f} s and {GOAL_MB:.0f} MB: {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
