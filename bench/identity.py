"""Whether a change leaves every Article as it was: one hash of the whole Article a page.

    .venv/bin/python bench/identity.py --json /tmp/before.json      # before a speed change
    .venv/bin/python bench/identity.py --compare /tmp/before.json   # after it: what differs
    BROADSHEET_PURE_PYTHON=1 .venv/bin/python bench/identity.py --compare /tmp/before.json
    .venv/bin/python bench/identity.py --both    # compiled against pure Python (make identity, CI)

A speed change must give the same Article (text, blocks, metadata, HTML: its repr) on every
page of every set, on the compiled walks and on the pure-Python ones alike; `--compare` exits 1
and names the pages when one differs. A page whose extraction raises is recorded by the error's
type. `--both` hashes every page on the compiled walks, then again with every module switched to
the pure-Python twins (compiled.pure_python), and exits 1 naming the pages where they differ.
`--sets` picks sets (default: all of them); `--limit` the first N pages of each.

Data: BROADSHEET_BENCH_DATA (default ../shared/bench/extraction next to the checkout). The code
run is this checkout's `src/`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.extraction import data_dir  # noqa: E402
from broadsheet.extract import compiled, extract  # noqa: E402
from broadsheet.extract.errors import ExtractError  # noqa: E402


def article_hashes(sets: list[Path], *, limit: int = 0) -> dict[str, str]:
    """ "set/page id" → SHA-1 of repr(extract(page)), or of the error's type name."""
    hashes: dict[str, str] = {}
    for set_dir in sets:
        with gzip.open(set_dir / "pages.jsonl.gz", "rt", encoding="utf-8") as lines:
            for n, line in enumerate(lines):
                if limit and n >= limit:
                    break
                row = json.loads(line)
                try:
                    seen = repr(extract(row["html"], url=row.get("url")))
                except ExtractError as exc:
                    seen = type(exc).__name__
                key = f"{set_dir.name}/{row['id']}"
                hashes[key] = hashlib.sha1(seen.encode("utf-8"), usedforsecurity=False).hexdigest()
    return hashes


def differing(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The pages of `after` whose Article differs from `before`'s (or that `before` lacks)."""
    return sorted(page for page, digest in after.items() if before.get(page) != digest)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", nargs="*", help="sets under the benchmark data (default: all)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set")
    ap.add_argument("--json", type=Path, help="save the hashes here")
    ap.add_argument("--compare", type=Path, help="list the pages that differ from this --json")
    ap.add_argument(
        "--both", action="store_true", help="compare the compiled walks with the pure-Python ones"
    )
    args = ap.parse_args(argv)
    data = data_dir()
    names = args.sets or sorted(p.name for p in data.iterdir() if (p / "pages.jsonl.gz").is_file())
    missing = [name for name in names if not (data / name / "pages.jsonl.gz").is_file()]
    if missing or not names:
        print(f"identity: no set {', '.join(missing) or 'at all'} under {data}", file=sys.stderr)
        return 2
    if args.compare and not args.compare.is_file():
        print(f"identity: no saved run at {args.compare} (make one with --json)", file=sys.stderr)
        return 2
    set_dirs = [data / name for name in names]
    if args.both:
        return _both(set_dirs, names, args.limit)
    hashes = article_hashes(set_dirs, limit=args.limit)
    walks = "compiled" if compiled.walk is not None else "pure-Python"
    print(f"identity: {len(hashes)} pages of {', '.join(names)}, {walks} walks")
    if args.json:
        args.json.write_text(json.dumps(hashes, indent=0, sort_keys=True))
    if args.compare:
        changed = differing(json.loads(args.compare.read_text()), hashes)
        print(f"{len(changed)} page(s) differ" + (": " + " ".join(changed[:50]) if changed else ""))
        return 1 if changed else 0
    return 0


def _both(set_dirs: list[Path], names: list[str], limit: int) -> int:
    """Every page on the compiled walks and on the pure-Python twins: 1 when any differs."""
    if compiled.walk is None:
        print("identity: the compiled walks are not built or switched off", file=sys.stderr)
        return 2
    fast = article_hashes(set_dirs, limit=limit)
    with compiled.pure_python():
        slow = article_hashes(set_dirs, limit=limit)
    changed = differing(fast, slow)
    print(
        f"identity: {len(fast)} pages of {', '.join(names)}, compiled against pure-Python walks: "
        f"{len(changed)} differ" + (": " + " ".join(changed[:50]) if changed else "")
    )
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
