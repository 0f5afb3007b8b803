"""Per-page scores: where Broadsheet loses on one benchmark set, worst page first.

    .venv/bin/python bench/pages.py readability                   # the 30 worst pages
    .venv/bin/python bench/pages.py dragnet --json /tmp/before.json
    .venv/bin/python bench/pages.py dragnet --compare /tmp/before.json   # pages whose F1 moved

Each page is scored with the reference scorer's own per-page counts (4-token shingles,
`page_counts`), so the set's figure is the mean of these precisions and recalls, as
`score_extraction.py` reports it. "loss" is 1 - F1 of the page; a page's share of the set's
loss tells which pages are worth a look. A page whose extraction raises scores as empty.
`--compare` lists the pages whose F1 moved by more than 0.001 against a saved --json run: run
it before and after a change to see what the change did page by page.

Data: BROADSHEET_BENCH_DATA (default ../shared/bench/extraction next to the checkout). The code
scored is this checkout's `src/`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.extraction import data_dir, scorer_path  # noqa: E402
from broadsheet.extract import extract  # noqa: E402
from broadsheet.extract.errors import ExtractError  # noqa: E402

MOVED = 0.001


def _scorer(data: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", scorer_path(data))
    if spec is None or spec.loader is None:
        raise SystemExit(f"pages: no reference scorer at {scorer_path(data)}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def page_scores(set_dir: Path, *, limit: int = 0) -> dict[str, tuple[float, float]]:
    """Page id → (precision, recall) of Broadsheet's text against the page's truth."""
    scorer = _scorer(set_dir.parent)
    rows: list[dict[str, Any]] = scorer.load(str(set_dir))
    if limit:
        rows = rows[:limit]
    scores: dict[str, tuple[float, float]] = {}
    for row in rows:
        try:
            text = extract(row["html"], url=row.get("url")).text
        except ExtractError:
            text = ""
        tp, fp, fn = scorer.page_counts(row.get("text") or "", text)
        scores[str(row["id"])] = (scorer._prec(tp, fp, fn), scorer._rec(tp, fp, fn))
    return scores


def summary(scores: dict[str, tuple[float, float]]) -> tuple[float, float, float]:
    """The set's precision, recall and F1, averaged over pages as the scorer does."""
    n = len(scores) or 1
    precision = sum(p for p, _ in scores.values()) / n
    recall = sum(r for _, r in scores.values()) / n
    return precision, recall, _f1(precision, recall)


def worst(scores: dict[str, tuple[float, float]], most: int) -> list[str]:
    total = sum(1 - _f1(p, r) for p, r in scores.values()) or 1.0
    ranked = sorted(scores.items(), key=lambda item: _f1(*item[1]))
    lines = [
        "| page | loss | share of the set's loss | precision | recall |",
        "|---|---|---|---|---|",
    ]
    for page, (p, r) in ranked[:most]:
        loss = 1 - _f1(p, r)
        lines.append(f"| {page} | {loss:.3f} | {loss / total:.1%} | {p:.3f} | {r:.3f} |")
    return lines


def moved(
    before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]]
) -> list[str]:
    changes = []
    for page, scores in after.items():
        if page not in before:
            continue
        delta = _f1(*scores) - _f1(*before[page])
        if abs(delta) > MOVED:
            changes.append((delta, page, before[page], scores))
    lines = [f"{len(changes)} page(s) moved by more than {MOVED}:"]
    for delta, page, (p0, r0), (p1, r1) in sorted(changes):
        lines.append(f"  {delta:+.3f} {page}  P {p0:.2f} → {p1:.2f}  R {r0:.2f} → {r1:.2f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set", help="a set under the benchmark data: scrapinghub, dragnet, …")
    ap.add_argument("--most", type=int, default=30, help="how many of the worst pages to list")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    ap.add_argument("--json", type=Path, help="save the per-page scores here")
    ap.add_argument("--compare", type=Path, help="list the pages that moved against this --json")
    args = ap.parse_args(argv)
    set_dir = data_dir() / args.set
    if not set_dir.is_dir():
        print(f"pages: no set {args.set!r} under {data_dir()}", file=sys.stderr)
        return 2
    if args.compare and not args.compare.is_file():
        print(f"pages: no saved run at {args.compare} (make one with --json)", file=sys.stderr)
        return 2
    scores = page_scores(set_dir, limit=args.limit)
    precision, recall, f1 = summary(scores)
    print(f"{args.set}: {len(scores)} pages, F1 {f1:.4f} (P {precision:.4f} / R {recall:.4f})")
    if args.compare:
        before = {k: (v[0], v[1]) for k, v in json.loads(args.compare.read_text()).items()}
        print("\n".join(moved(before, scores)))
    else:
        print("\n".join(worst(scores, args.most)))
    if args.json:
        args.json.write_text(json.dumps(scores, indent=0, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
