"""List, search and tag-filter latency in a big library: one reader's 100,000 stories among
1,000,000 rows, on SQLite and on PostgreSQL (issue 13's goal: p95 under 50 ms for each).

Builds a fresh database (SQLite in a temporary data directory; on PostgreSQL a database named
`broadsheet_bench` on the server of --postgres, dropped and created again), migrates it, and
fills it with --rows stories spread over --rows / --user-rows readers. The stories are made
up: titles and bodies of words drawn from a Zipf-distributed vocabulary (so some words are in
most stories and some in a few), 500 sites, up to three of 200 tags per story, saved over five
years, a third archived, a tenth starred. The search index is written through
`core.search_index` (the code the service uses), then each database gathers its statistics.

Then, for the first reader, it times the functions the pages and the API call, in process (the
database's time plus the ORM's, not HTTP):

* list: one page of 50 of the unread list plus its count (`queries.items`), a random page
  among the first 20;
* tag: one page of the list narrowed to a tag, plus its count;
* search: `core.search.search` (one page of 50 with snippets, and the count) for queries of
  every kind: a common word (in most stories), a middling one, a rare one, two words, a phrase,
  a word with `site:`, with `is:unread`, with `tag:`, an exclusion, and filters alone;
* exists: one request of the wallabag Android app's deleted-story sweep, 70 address hashes
  (`queries.items_by_address_hash`).

Writes bench/results/library-<db>.md and prints the table.

    make bench-library                          # SQLite and PostgreSQL, 1,000,000 rows
    .venv/bin/python bench/library.py --db sqlite --rows 100000 --user-rows 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BENCH_DB = "broadsheet_bench"
SITES = 500
TAGS = 200
VOCABULARY = 30_000
SEED = 13


def _word(rng: random.Random) -> str:
    consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
    size = rng.choice((2, 2, 3, 3, 3, 4))
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(size))


def vocabulary(rng: random.Random) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < VOCABULARY:
        seen.setdefault(_word(rng))
    return list(seen)


def setup(db: str, postgres: str, data_dir: Path, *, reuse: bool = False) -> None:
    os.environ.setdefault("BROADSHEET_SECRET_KEY", "bench-only")
    os.environ["BROADSHEET_DATA_DIR"] = str(data_dir)
    if db == "postgres" and reuse:
        os.environ["DATABASE_URL"] = f"{postgres.rsplit('/', 1)[0]}/{BENCH_DB}"
    elif db == "postgres":
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
        base = postgres.rsplit("/", 1)[0]
        os.environ["DATABASE_URL"] = f"{base}/{BENCH_DB}"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reused() -> dict[str, Any]:
    """What the queries need to know about a library an earlier run filled (--keep)."""
    from django.contrib.auth import get_user_model

    rng = random.Random(SEED)
    vocab = vocabulary(rng)
    hosts = [f"{_word(rng)}-{_word(rng)}.example" for _ in range(SITES)]
    users = get_user_model().objects.filter(username__startswith="reader")
    return {
        "user": users.get(username="reader0"),
        "vocab": vocab,
        "hosts": hosts,
        "fill_seconds": float("nan"),
        "readers": users.count(),
    }


def fill(rows: int, user_rows: int, words_per_story: int) -> dict[str, Any]:
    """The made-up library; what the queries need to know about it."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from broadsheet.core import search_index
    from broadsheet.core.canonical import address_hash
    from broadsheet.core.models import Item, ItemTag, Tag

    rng = random.Random(SEED)
    vocab = vocabulary(rng)
    hosts = [f"{_word(rng)}-{_word(rng)}.example" for _ in range(SITES)]
    weights = list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(vocab))))
    users = [
        get_user_model().objects.create_user(f"reader{n}", password=None)
        for n in range((rows + user_rows - 1) // user_rows)
    ]
    now = timezone.now()
    five_years = 5 * 365 * 24 * 3600
    started = time.perf_counter()
    made = 0
    for user in users:
        tags = Tag.objects.bulk_create(
            [Tag(user_id=user.pk, name=f"tag {t}", key=f"tag {t}") for t in range(TAGS)]
        )
        left = min(user_rows, rows - made)
        while left > 0:
            size = min(5_000, left)
            batch = []
            tag_choices = []
            bodies = []
            for _ in range(size):
                made += 1
                host = hosts[min(int(rng.paretovariate(1.2)) - 1, SITES - 1)]
                title = rng.choices(vocab, cum_weights=weights, k=8)
                body = rng.choices(vocab, cum_weights=weights, k=words_per_story)
                url = f"https://{host}/{made}"
                # Where the fetch ended: the same address, or a tenth of the time another.
                final = url if rng.random() < 0.9 else f"https://{host}/story/{made}"
                batch.append(
                    Item(
                        user_id=user.pk,
                        url=url,
                        url_hash=address_hash(url),
                        final_url=final,
                        final_url_hash=address_hash(final),
                        canonical_url=url,
                        host=host,
                        site_name=host.split(".")[0].title(),
                        title=" ".join(title).capitalize(),
                        text=" ".join(body),
                        status=Item.Status.READY,
                        word_count=words_per_story,
                        reading_minutes=max(1, words_per_story // 230),
                        saved_at=now - dt.timedelta(seconds=rng.randrange(five_years)),
                        archived=rng.random() < 0.33,
                        favorite=rng.random() < 0.1,
                        rating=rng.choice((None, None, None, 1, 2, 3, 4, 5)),
                    )
                )
                tag_choices.append(rng.sample(tags, rng.choice((0, 1, 1, 2, 3))))
                bodies.append((title, body))
            with transaction.atomic():
                created = Item.objects.bulk_create(batch)
                ItemTag.objects.bulk_create(
                    [
                        ItemTag(item_id=item.pk, tag_id=tag.pk)
                        for item, chosen in zip(created, tag_choices, strict=True)
                        for tag in chosen
                    ]
                )
                docs = [
                    search_index.Document(
                        item_id=item.pk,
                        user_id=user.pk,
                        title=tuple(title),
                        body=tuple(body),
                        site=tuple(item.site_name.lower().split()) + tuple(host.split(".")),
                        tags=tuple(w for tag in chosen for w in tag.name.split()),
                        notes=(),
                    )
                    for item, chosen, (title, body), host in zip(
                        created,
                        tag_choices,
                        bodies,
                        [i.host for i in created],
                        strict=True,
                    )
                ]
                search_index.insert(docs)
            left -= size
            print(f"\r  {made:,} of {rows:,} stories", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    fill_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("INSERT INTO core_itemsearch(core_itemsearch) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    return {
        "user": users[0],
        "vocab": vocab,
        "hosts": hosts,
        "fill_seconds": fill_seconds,
        "readers": len(users),
    }


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm the caches once, as a running server's are
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    data = sorted(values)
    return data[min(len(data) - 1, int(q * len(data)))]


def measure(library: dict[str, Any], runs: int) -> list[tuple[str, str, list[float]]]:
    from broadsheet.core import queries, search
    from broadsheet.core.canonical import address_hash

    user = library["user"]
    vocab = library["vocab"]
    hosts = library["hosts"]
    rng = random.Random(SEED + 1)
    common, middling, rare = vocab[5], vocab[300], vocab[8_000]

    def page_of(qs: Any, page: int) -> None:
        qs.count()
        list(qs[page * 50 : page * 50 + 50])

    cases: list[tuple[str, str, Callable[[], object]]] = [
        (
            "list",
            "unread, a page among the first 20",
            lambda: page_of(queries.items(user, "unread"), rng.randrange(20)),
        ),
        (
            "list",
            "unread, site order",
            lambda: page_of(queries.items(user, "unread", sort="site"), 0),
        ),
        (
            "tag",
            "a tag, first page",
            lambda: page_of(queries.items(user, "all", tag=f"tag {rng.randrange(TAGS)}"), 0),
        ),
        (
            "tag",
            "a tag, unread, page 3",
            lambda: page_of(queries.items(user, "unread", tag=f"tag {rng.randrange(TAGS)}"), 2),
        ),
    ]
    searches = [
        ("a common word", common),
        ("a middling word", middling),
        ("a rare word", rare),
        ("two words", f"{common} {middling}"),
        ("a phrase", f'"{vocab[1]} {vocab[2]}"'),
        ("word + site:", f"{middling} site:{hosts[0]}"),
        ("word + is:unread", f"{common} is:unread"),
        ("word + tag:", f'{common} tag:"tag 7"'),
        ("exclusion", f"{middling} -{common}"),
        ("filters alone", "is:favorite rated:>=4"),
    ]
    for label, text in searches:
        cases.append(("search", label, lambda text=text: search.search(user, text)))
    # The wallabag Android app's deleted-story sweep: about 70 hashes a request, most of them
    # the reader's stories, some gone.
    addresses = list(queries.items(user, "all").values_list("url", flat=True)[:5_000])

    def sweep_request() -> object:
        asked = [address_hash(u) for u in rng.sample(addresses, 60)]
        asked += [address_hash(f"https://gone.example/{rng.random()}") for _ in range(10)]
        return queries.items_by_address_hash(user, asked)

    cases.append(("exists", "70 address hashes (wallabag sweep)", sweep_request))
    out = []
    for kind, label, fn in cases:
        out.append((kind, label, timed(fn, runs)))
        print(f"  {kind}: {label}", file=sys.stderr, flush=True)
    return out


def report(db: str, args: argparse.Namespace, library: dict[str, Any], results: list[Any]) -> str:
    from django.db import connection

    lines = [
        f"# Library latency on {db}",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · "
        f"{platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · "
        f"{connection.vendor} {connection.cursor().connection.__class__.__module__}",
        "",
        f"Command: `.venv/bin/python bench/library.py --db {db} --rows {args.rows} "
        f"--user-rows {args.user_rows} --words {args.words} --runs {args.runs}`",
        "",
        f"{args.rows:,} stories of {library['readers']} readers ({args.words} words each); the "
        f"first reader's {args.user_rows:,} are queried. "
        + (
            "Filled by an earlier run (--keep, then --reuse). "
            if args.reuse
            else f"Filled in {library['fill_seconds']:.0f} s. "
        )
        + f"Each case runs {args.runs} times after one warm-up.",
        "",
        "| what | case | p50 ms | p95 ms | max ms |",
        "|---|---|---:|---:|---:|",
    ]
    by_kind: dict[str, list[float]] = {}
    for kind, label, values in results:
        by_kind.setdefault(kind, []).extend(values)
        lines.append(
            f"| {kind} | {label} | {statistics.median(values):.1f} | {pct(values, 0.95):.1f} "
            f"| {max(values):.1f} |"
        )
    lines += ["", "| what | all cases p50 ms | p95 ms |", "|---|---:|---:|"]
    for kind, values in by_kind.items():
        lines.append(f"| {kind} | {statistics.median(values):.1f} | {pct(values, 0.95):.1f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BROADSHEET_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server's address (the bench makes its own database there)",
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--user-rows", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=150, help="words per made-up story")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the filled SQLite database in this directory (PostgreSQL's stays anyway)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="query the library an earlier run filled (--keep DIR on SQLite) instead of filling",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-library-") as tmp:
        data_dir = args.keep or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        setup(args.db, args.postgres, data_dir, reuse=args.reuse)
        if args.reuse:
            library = reused()
        else:
            print(f"filling {args.rows:,} stories on {args.db}", file=sys.stderr)
            library = fill(args.rows, args.user_rows, args.words)
        results = measure(library, args.runs)
        text = report(args.db, args, library, results)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"library-{args.db}.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
