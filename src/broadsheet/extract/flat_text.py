"""clean_text: chrome out of already-flattened text (one block a line), the story kept.

The same idea as the HTML path without a DOM: each line gets a weight (prose counts for its
length, short fragments and known chrome count against), the heaviest run of consecutive
lines is the story (a maximum-subarray search), and chrome lines inside that run go.
"""

from __future__ import annotations

import re

from . import rules
from .chrome import is_chrome_text
from .dom import normalize_space

_SENTENCE_END = re.compile(r"[.!?…\"'”’]\s*$")  # noqa: RUF001
_STOP = re.compile(r"[\s\[(]*(?:" + "|".join(rules.STOP_LINES) + r")[\s.:!|)\]]*", re.IGNORECASE)
STORY_BEFORE_STOP = 600.0
_CREDITS = re.compile(rules.CREDITS_LINE, re.IGNORECASE)
_RESIDUE = re.compile("(?:" + "|".join(rules.RESIDUE_LINES) + ")", re.IGNORECASE)

PROSE_MIN_CHARS = 120
SHORT_PROSE_MIN_CHARS = 30
SHORT_PENALTY = 40.0
CHROME_PENALTY = 40.0
# A second run joins the first when it is at least this heavy compared with the first.
SECOND_RUN_SHARE = 0.6


def _is_chrome_line(line: str) -> bool:
    return is_chrome_text(line) or _RESIDUE.fullmatch(line) is not None


def line_weight(line: str) -> float:
    n = len(line)
    if _is_chrome_line(line) or _STOP.fullmatch(line):
        return -CHROME_PENALTY
    if n >= PROSE_MIN_CHARS or (n >= SHORT_PROSE_MIN_CHARS and _SENTENCE_END.search(line)):
        return float(n)
    if _CREDITS.match(line):
        return float(n)
    return -SHORT_PENALTY


def _best_run(weights: list[float], lo: int, hi: int) -> tuple[float, int, int]:
    """Maximum-sum run of weights[lo:hi] as (sum, start, end)."""
    best = (0.0, lo, lo)
    run_sum = 0.0
    run_start = lo
    for i in range(lo, hi):
        if run_sum <= 0:
            run_sum, run_start = 0.0, i
        run_sum += weights[i]
        if run_sum > best[0]:
            best = (run_sum, run_start, i + 1)
    return best


def clean_text(text: str) -> str:
    """Keep the story's lines of flattened page text; drop menus, promos, widgets, footers."""
    lines = [normalize_space(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    weights = [line_weight(line) for line in lines]
    # A comment section or recirculation header closes the story: nothing after it can join.
    # A comment section or recirculation header after real prose closes the story.
    prose = 0.0
    for i, line in enumerate(lines):
        if prose >= STORY_BEFORE_STOP and len(line) < PROSE_MIN_CHARS and _STOP.fullmatch(line):
            del lines[i:], weights[i:]
            break
        prose += max(0.0, weights[i])
    score, start, end = _best_run(weights, 0, len(weights))
    if score <= 0:
        return ""
    runs = [(start, end)]
    # A story interrupted by a long widget continues after it: take heavy runs either side.
    for lo, hi in ((0, start), (end, len(weights))):
        extra, s2, e2 = _best_run(weights, lo, hi)
        if extra >= SECOND_RUN_SHARE * score:
            runs.append((s2, e2))
    keep: list[str] = []
    seen: set[str] = set()
    for s, e in sorted(runs):
        for line in lines[s:e]:
            if _is_chrome_line(line):
                continue
            key = line.casefold()
            if key in seen and len(line) < PROSE_MIN_CHARS:
                continue
            seen.add(key)
            keep.append(line)
    return "\n".join(keep)
