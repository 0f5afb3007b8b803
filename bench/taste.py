"""A simulated reader on BBC News: what they rate high must change what they are shown.

For every ordered pair of BBC categories (liked, disliked) and several seeds, a reader rates
RATED stories of the liked category 5 stars and RATED of the disliked one 1 star, and a few
stories of the other categories 3; the candidates are CANDIDATES stories they have not seen,
drawn evenly from all five categories; they are ordered by `similar.taste.preference` (the
function `core.related.by_taste` orders the newsletter with) over the vectors of
`similar.embedding` (the model the service runs). Goal (issue 12): at least 8 of the liked
category in the top 10. Reads ../shared/bench/news/bbc_news at run time; copies nothing.
Exact duplicates (exact_duplicate_groups.json) are left out, so a story cannot be rated and
recommended under two ids.

    .venv/bin/python bench/taste.py [--seeds 5]

Writes the "taste" section of bench/results/related.md (other sections are kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from broadsheet.similar import embedding, taste  # noqa: E402

NEWS = Path(os.environ.get("BROADSHEET_NEWS_BENCH", ROOT.parent / "shared" / "bench" / "news"))
REPORT = ROOT / "bench" / "results" / "related.md"
RATED = 10
NEUTRAL_RATED = 4
CANDIDATES_PER_CATEGORY = 40
TOP = 10
GOAL = 8
BEGIN = "<!-- taste: begin -->"
END = "<!-- taste: end -->"


def _articles() -> list[dict[str, str]]:
    groups = json.loads((NEWS / "bbc_news" / "exact_duplicate_groups.json").read_text())
    dropped = {member for group in groups for member in group[1:]}
    with gzip.open(NEWS / "bbc_news" / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [r for r in rows if r["id"] not in dropped and not r.get("exact_duplicate_of")]


def run(seeds: int) -> tuple[str, list[int]]:
    articles = _articles()
    vectors = embedding.embed([a["text"] for a in articles], [a["title"] for a in articles])
    by_category: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        by_category.setdefault(a["category"], []).append(i)
    categories = sorted(by_category)
    hits: list[int] = []
    rows = []
    for liked in categories:
        for disliked in categories:
            if liked == disliked:
                continue
            pair_hits = []
            for seed in range(seeds):
                rng = random.Random(f"{liked}/{disliked}/{seed}")
                pools = {c: rng.sample(by_category[c], len(by_category[c])) for c in categories}
                rated = pools[liked][:RATED] + pools[disliked][:RATED]
                stars = [5] * RATED + [1] * RATED
                for c in categories:
                    if c not in (liked, disliked):
                        rated += pools[c][:NEUTRAL_RATED]
                        stars += [3] * NEUTRAL_RATED
                seen = set(rated)
                candidates = [
                    i
                    for c in categories
                    for i in [j for j in pools[c] if j not in seen][:CANDIDATES_PER_CATEGORY]
                ]
                scores = taste.preference(vectors[candidates], vectors[rated], stars)
                order = np.argsort(-scores, kind="stable")[:TOP]
                top = [articles[candidates[int(k)]]["category"] for k in order]
                pair_hits.append(top.count(liked))
            hits += pair_hits
            rows.append((liked, disliked, min(pair_hits), statistics.mean(pair_hits)))
    lines = [
        BEGIN,
        "## Taste: a simulated reader on BBC News (`bench/taste.py`)",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: `.venv/bin/python bench/taste.py "
        f"--seeds {seeds}`. Model `{embedding.MODEL_VERSION}`. A reader rates {RATED} stories of "
        f"one category 5 stars, {RATED} of another 1 star and {NEUTRAL_RATED} of each other "
        f"category 3; {CANDIDATES_PER_CATEGORY * len(categories)} unseen stories "
        f"({CANDIDATES_PER_CATEGORY} a category) are ordered by `similar.taste.preference`, "
        f"the newsletter's order. Goal: {GOAL} or more of the liked category in the top {TOP}.",
        "",
        f"**All {len(hits)} readers: mean {statistics.mean(hits):.2f} of {TOP}, worst {min(hits)}, "
        f"{sum(h >= GOAL for h in hits)} of {len(hits)} at the goal or above.**",
        "",
        "| liked | disliked | worst of the seeds | mean |",
        "|---|---|---:|---:|",
        *[f"| {a} | {b} | {w} | {m:.1f} |" for a, b, w, m in rows],
        END,
    ]
    return "\n".join(lines) + "\n", hits


def write(section: str) -> None:
    text = REPORT.read_text() if REPORT.exists() else "# Related stories\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    section, hits = run(args.seeds)
    print(section)
    write(section)
    return 0 if min(hits) >= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
