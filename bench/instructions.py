"""Instructions a page that extraction executes on a benchmark set, counted by callgrind.

    .venv/bin/python bench/instructions.py                      # scrapinghub, every page
    .venv/bin/python bench/instructions.py --set dragnet --limit 100

A timed run on these machines varies by a fifth from one run to the next; an instruction count
does not, so a speed change is measured here first (and its time checked after). Valgrind runs a
child that loads the set, warms up on the first page and then extracts the pages; a second run
extracts none, and the difference, divided by the pages, is what extraction costs. Needs
`valgrind` on the PATH (Debian: `apt install valgrind`); about a minute for scrapinghub.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "bench" / "extraction"

_CHILD = """
import gzip, json, os, sys
rows = [json.loads(l) for l in gzip.open(sys.argv[1], "rt", encoding="utf-8")]
from broadsheet.extract import extract
for _ in range(2):
    extract(rows[0]["html"], url=rows[0].get("url"))
for row in rows[: int(sys.argv[2])]:
    try:
        extract(row["html"], url=row.get("url"))
    except Exception:
        pass
"""
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def collected(stderr: str) -> int:
    """The instruction count callgrind prints when the program ends."""
    found = _COLLECTED.search(stderr)
    if found is None:
        raise ValueError("callgrind printed no instruction count")
    return int(found.group(1))


def count(pages_file: Path, pages: int) -> int:
    """Instructions of the child extracting the first `pages` pages (setup included)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    proc = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            _CHILD,
            str(pages_file),
            str(pages),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return collected(proc.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--set", default="scrapinghub")
    ap.add_argument("--limit", type=int, default=0, help="pages (0: all)")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("bench/instructions.py needs valgrind on the PATH", file=sys.stderr)
        return 2
    pages_file = Path(os.environ.get("BROADSHEET_BENCH_DATA", DATA)) / args.set / "pages.jsonl.gz"
    with gzip.open(pages_file, "rt", encoding="utf-8") as f:
        total = sum(1 for _ in f)
    pages = min(args.limit, total) if args.limit else total
    per_page = (count(pages_file, pages) - count(pages_file, 0)) / pages
    print(f"{args.set}: {per_page / 1e6:.2f} M instructions a page over {pages} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
