"""clean_text: chrome out of already-flattened text (one block a line), the story kept.

The same idea as the HTML path without a DOM: each line gets a weight (prose counts for its
length, short fragments, known chrome, script residue, tag clouds, teasers and repeated lines
count against; see flat_features.py), the heaviest run of consecutive lines is the story (a
maximum-subarray search), and chrome lines inside that run go. A recirculation header ends the
story unless a much heavier run follows it; a comment header always ends it.
"""

from __future__ import annotations

import re
from collections import Counter
from types import ModuleType

from . import compiled, dom, rules
from .chrome import is_chrome_text
from .dom import normalize_space
from .flat_features import effective_length, looks_like_chrome, without_wide

_SENTENCE_END = re.compile(r"[.!?…\"'”’\u3002\uff01\uff1f」』)]\s*$")  # noqa: RUF001
_STOP = re.compile(r"[\s\[(]*(?:" + "|".join(rules.STOP_LINES) + r")[\s.:!|)\]]*", re.IGNORECASE)
STORY_BEFORE_STOP = 600.0
_COMMENT_STOP = re.compile(
    r"[\s\[(]*(?:" + "|".join(rules.COMMENT_STOP_LINES) + r")[\s.:!|)\]]*", re.IGNORECASE
)
_CREDITS = re.compile(rules.CREDITS_LINE, re.IGNORECASE)
_RESIDUE = re.compile("(?:" + "|".join(rules.RESIDUE_LINES) + ")", re.IGNORECASE)
_BYLINE = re.compile(rules.BYLINE_LINE, re.IGNORECASE)
_DATE = re.compile(rules.DATE_LINE, re.IGNORECASE)
_CAPTION_CREDIT = re.compile(rules.CAPTION_CREDIT, re.IGNORECASE)
_BUTTON = re.compile("(?:" + "|".join(rules.PROMO_BUTTON_LINES) + r")[\s.!:>»→]*", re.IGNORECASE)

PROSE_MIN_CHARS = 120
SHORT_PROSE_MIN_CHARS = 30
SHORT_PENALTY = 40.0
CHROME_PENALTY = 40.0
# A second run joins the first when it is at least this heavy compared with the first.
SECOND_RUN_SHARE = 0.6
# The text after a "Related"/"Most read" header is the story when its heaviest run outweighs the
# heaviest run before the header this many times (a recirculation box above the story).
LATER_STORY_SHARE = 2.0
# Repeated long lines are teasers unless they carry at least this share of the prose (a story
# the page prints twice).
REPEATED_STORY_SHARE = 0.5
# Above the story's run, a lead photo's credited caption is looked for this many lines back
# (chrome, byline and date lines between are passed over).
LEAD_LINES = 8
# A credited caption is at most this long (longer, it is prose that names a source).
CAPTION_MAX_CHARS = 400


def _is_caption(line: str) -> bool:
    """A photo caption ending in its credit ("(AP Photo/…)", "Photo: …")."""
    return len(line) <= CAPTION_MAX_CHARS and _CAPTION_CREDIT.search(line) is not None


def _lead_lines(lines: list[str], start: int, chrome: dict[str, bool]) -> list[int]:
    """The lead photo's credited caption just above the run that starts at start: weighed as a
    short line it falls outside it, with the photo's toggles, the byline, the date and the save
    button between it and the first paragraph. (The byline itself stays out, as in the HTML
    path: keeping it moved scrapinghub -0.0007.)"""
    found: list[int] = []
    i = start - 1
    while i >= 0 and start - i <= LEAD_LINES:
        line = lines[i]
        if _is_caption(line):
            found.append(i)
        elif not (chrome[line] or _DATE.fullmatch(line) or _BYLINE.match(line)):
            break
        i -= 1
    return found[::-1]


def _boxed_in(lines: list[str], i: int, chrome: dict[str, bool]) -> bool:
    """A short line between a chrome line and a promo box's button: the box's blurb between
    its header and its button ("Make a Difference" / "Want to help? …" / "Learn more"), not
    the story's. (Between any two chrome lines, it is as often a short paragraph between two
    "Advertisement" placeholders: scrapinghub -0.0003.)"""
    line = lines[i]
    return (
        0 < i < len(lines) - 1
        and len(line) < PROSE_MIN_CHARS
        and chrome[lines[i - 1]]
        and _BUTTON.fullmatch(lines[i + 1]) is not None
        and not _is_caption(line)
    )


def _is_chrome_line(line: str) -> bool:
    return is_chrome_text(line) or _RESIDUE.fullmatch(without_wide(line)) is not None


def line_weight(line: str, *, chrome: bool | None = None) -> float:
    """The line's weight in the story search; chrome is _is_chrome_line(line) when known."""
    n = effective_length(line)
    if chrome is None:
        chrome = _is_chrome_line(line)
    if chrome or _STOP.fullmatch(line):
        return -CHROME_PENALTY
    if looks_like_chrome(line):
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


def _suffix_best(weights: list[float]) -> list[float]:
    """best[i] = the heaviest run's sum within weights[i:] (one backward pass)."""
    best = [0.0] * (len(weights) + 1)
    from_here = 0.0
    for i in range(len(weights) - 1, -1, -1):
        from_here = weights[i] + max(0.0, from_here)
        best[i] = max(best[i + 1], from_here)
    return best


def _cut_at_stop(lines: list[str], weights: list[float]) -> tuple[list[str], list[float]]:
    """A comment section or recirculation header after real prose closes the story, unless the
    heaviest run lies after it (a "Related" box above the story): then the text before it goes,
    and so does the rest of the box, up to its last header."""
    after = _suffix_best(weights)
    start = 0
    jumped = False
    prose = before = run = 0.0
    for i, line in enumerate(lines):
        if len(line) < PROSE_MIN_CHARS and _STOP.fullmatch(line):
            story_before = prose >= STORY_BEFORE_STOP
            later = after[i + 1] > LATER_STORY_SHARE * before
            if story_before and (_COMMENT_STOP.fullmatch(line) or not later):
                return lines[start:i], weights[start:i]
            if later and (story_before or jumped):
                start, prose, before, run, jumped = i + 1, 0.0, 0.0, 0.0, True
                continue
        prose += max(0.0, weights[i])
        run = max(0.0, run) + weights[i]
        before = max(before, run)
    return lines[start:], weights[start:]


def clean_text(text: str) -> str:
    """Keep the story's lines of flattened page text; drop menus, promos, widgets, footers."""
    lines = [normalize_space(line) for line in dom.without_invisible(text).splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    # Pages repeat their menus: weigh each distinct line once, and test it for chrome words once
    # (the phrase search is the costliest test, and the lines kept below reuse its answer).
    chrome: dict[str, bool] = {}
    by_line: dict[str, float] = {}
    for line in lines:
        if line not in by_line:
            chrome[line] = is_chrome = _is_chrome_line(line)
            by_line[line] = line_weight(line, chrome=is_chrome)
    weights = [by_line[line] for line in lines]
    # A long line the page shows twice is a teaser (promo rails repeat; a story's paragraphs don't).
    counts = Counter(line.casefold() for line in lines)
    repeated = [i for i, line in enumerate(lines) if weights[i] > 0 and counts[line.casefold()] > 1]
    total = sum(w for w in weights if w > 0)
    if sum(weights[i] for i in repeated) <= REPEATED_STORY_SHARE * total:
        for i in repeated:
            weights[i] = -CHROME_PENALTY
        promos = {lines[i].casefold() for i in repeated}
    else:
        promos = set()
    lines, weights = _cut_at_stop(lines, weights)
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
    first = min(runs)[0]
    lead = _lead_lines(lines, first, chrome)
    for s, e in sorted(runs):
        for i in (*lead, *range(s, e)) if s == first else range(s, e):
            line = lines[i]
            key = line.casefold()
            if chrome[line] or key in promos or (i >= first and _boxed_in(lines, i, chrome)):
                continue
            if key in seen and len(line) < PROSE_MIN_CHARS:
                continue
            seen.add(key)
            keep.append(line)
    return "\n".join(keep)


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global normalize_space
    normalize_space = dom.normalize_space
