"""Same story: the near-duplicate fold (broadsheet.similar.fingerprint), measured.

    .venv/bin/python bench/same_story.py                    # prints the section, writes the report
    .venv/bin/python bench/same_story.py --sizes 1000,10000 # a shorter lookup-time run

`section()` returns the markdown section (bench/results/same_story.md when run as a script, or
BROADSHEET_BENCH_RESULTS). It measures:

(a) syndicated copies made from the ScrapingHub reference texts by seeded edits (new headline,
    another byline format, promo lines, a photo caption, the last paragraph trimmed, and
    combinations): the fold's recall, original against copy and between any two versions of one
    story; false folds among every pair of versions of different stories, and on hard negatives
    made here: one site's paywall stubs (same boilerplate, each with another story's lead) and
    different stories above one long site footer;
(b) SemEval-2022 task 8 pairs (original, not machine-translated): how many the fold folds, by
    the annotators' Overall score (<= 1.5 same story, >= 2.5 different: folding those is a bug);
(c) BBC News: every exact-duplicate group found, and what else the fold groups;
(d) time: fingerprint per document (median, one core) and lookup time in an in-memory band index
    (dict band hash -> ids) over 1k, 10k and 100k fingerprints.

The data are research-only: they are read from ../shared/bench at run time (BROADSHEET_BENCH_DATA
names its extraction/ folder) and nothing of them is written here but ids and numbers. Every
text added around them (headlines, bylines, promos, captions, paywall and footer boilerplate) is
generated below from word lists written for this benchmark.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import math
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.extraction import data_dir, results_dir  # noqa: E402
from broadsheet.similar import fingerprint as fp  # noqa: E402
from broadsheet.similar.fingerprint import (  # noqa: E402
    Fingerprint,
    estimated_jaccard,
    fingerprint,
    is_near_duplicate,
    novel_run,
    prose_shingles,
)

DEFAULT_SIZES = (1_000, 10_000, 100_000)
REPORT = "same_story.md"

# --- data -----------------------------------------------------------------------------------------


def news_dir() -> Path:
    return data_dir().parent / "news"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@dataclass(frozen=True)
class Story:
    id: str
    paragraphs: tuple[str, ...]


def scrapinghub() -> list[Story]:
    rows = _jsonl(data_dir() / "scrapinghub" / "pages.jsonl.gz")
    stories = []
    for row in rows:
        paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", row["text"]) if p.strip())
        stories.append(Story(row["id"], paragraphs))
    return stories


# --- generated edits ------------------------------------------------------------------------------

FIRST = ["Anna", "Tomas", "Priya", "Kwame", "Lena", "Marco", "Yuki", "Sofia", "Daniel", "Amira"]
LAST = ["Keller", "Okafor", "Lindqvist", "Haddad", "Moreno", "Brennan", "Sato", "Novak", "Reyes"]
AGENCIES = ["Northwire", "Globe Desk", "Meridian Press", "Coastline News", "Eastgate Wire"]
DESKS = ["Staff Writer", "Senior Correspondent", "Business Reporter", "Political Editor"]
CITIES = ["LISBON", "NAIROBI", "OTTAWA", "MANILA", "GENEVA", "DENVER", "OSAKA"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
HEADLINE_FORMS = [
    "{a} and {b}: what the {c} decision means",
    "Why the {a} row over {b} is far from over",
    "{a} faces new questions over {b}",
    "Inside the {a} plan that could reshape {b}",
    "{a}, {b} and the {c} nobody saw coming",
    "Explainer: the {a} dispute in five points",
]
CAPTION_FORMS = [
    "{a} {b} seen in the {c} district on {day}, as officials and residents waited for news of "
    "the {d} decision. Photograph: {first} {last}/{agency}",
    "A view of the {a} site earlier this {month}, where {b} and {c} have drawn crowds of "
    "onlookers in recent weeks. ({agency} photo by {first} {last})",
    "File photo: {a} and {b} at a {c} event in {month}. The {d} talks are expected to resume "
    "next week, according to people familiar with the matter. {agency}",
]
PROMOS = [
    "Read more: {headline}",
    "Related: {headline}",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Sign up for our free morning briefing and get the day's top stories in your inbox.",
    "Follow us on Facebook, X and Instagram",
    "Get the app: breaking news alerts on your phone",
    "Want more stories like this? Subscribe to the weekly newsletter, sent every Friday morning.",
]
WORD = re.compile(r"[A-Za-z][a-z]{4,}")


def _words(story: Story, rng: random.Random, n: int) -> list[str]:
    pool = sorted(set(WORD.findall(" ".join(story.paragraphs)))) or ["Council", "Budget", "Plan"]
    return [rng.choice(pool) for _ in range(n)]


def _headline(story: Story, rng: random.Random) -> str:
    a, b, c = _words(story, rng, 3)
    return rng.choice(HEADLINE_FORMS).format(a=a.capitalize(), b=b, c=c)


def _byline(rng: random.Random, *, original: bool) -> str:
    first, last, agency = rng.choice(FIRST), rng.choice(LAST), rng.choice(AGENCIES)
    if original:
        return f"By {first} {last}, {rng.choice(DESKS)}"
    day, month = rng.randint(1, 28), rng.choice(MONTHS)
    return rng.choice(
        [
            f"{first.upper()} {last.upper()} | {agency}",
            f"{first} {last}\n{agency} correspondent",
            f"Written by {first} {last} for {agency}. Published {day} {month} 2024, updated 14:05.",
            f"{last}, {first} ({agency}) - {day} {month}",
        ]
    )


def _caption(story: Story, rng: random.Random) -> str:
    a, b, c, d = _words(story, rng, 4)
    return rng.choice(CAPTION_FORMS).format(
        a=a.capitalize(),
        b=b,
        c=c,
        d=d,
        day=rng.choice(WEEKDAYS),
        month=rng.choice(MONTHS),
        first=rng.choice(FIRST),
        last=rng.choice(LAST),
        agency=rng.choice(AGENCIES),
    )


@dataclass
class Version:
    """One saved copy of a story: headline, byline, body paragraphs (captions, promos in it)."""

    headline: str
    byline: str
    body: list[str]

    def text(self) -> str:
        return "\n\n".join([self.headline, self.byline, *self.body])


def _original(story: Story, rng: random.Random) -> Version:
    return Version(_headline(story, rng), _byline(rng, original=True), list(story.paragraphs))


def _edit_headline(v: Version, story: Story, rng: random.Random, others: Sequence[Story]) -> None:
    v.headline = _headline(story, rng)


def _edit_byline(v: Version, story: Story, rng: random.Random, others: Sequence[Story]) -> None:
    v.byline = _byline(rng, original=False)


def _edit_trim(v: Version, story: Story, rng: random.Random, others: Sequence[Story]) -> None:
    if len(v.body) > 1:
        v.body.pop()
    else:  # one paragraph: its last sentence goes
        sentences = re.split(r"(?<=[.!?])\s+", v.body[0])
        v.body[0] = " ".join(sentences[:-1]) if len(sentences) > 1 else v.body[0]


def _edit_promo(v: Version, story: Story, rng: random.Random, others: Sequence[Story]) -> None:
    for _ in range(rng.randint(1, 3)):
        other = rng.choice(others)
        promo = rng.choice(PROMOS).format(headline=_headline(other, rng))
        v.body.insert(rng.randint(1, max(1, len(v.body))), promo)


def _edit_caption(v: Version, story: Story, rng: random.Random, others: Sequence[Story]) -> None:
    v.body.insert(rng.choice([0, 0, 1, 2]) if len(v.body) > 2 else 0, _caption(story, rng))


def _edit_dateline(v: Version, story: Story, rng: random.Random, others: Sequence[Story]) -> None:
    v.body[0] = f"{rng.choice(CITIES)} ({rng.choice(AGENCIES)}) — {v.body[0]}"


def _edit_copyedit(v: Version, story: Story, rng: random.Random, others: Sequence[Story]) -> None:
    """Five one-word substitutions anywhere in the body (a copy desk's touch)."""
    for _ in range(5):
        i = rng.randrange(len(v.body))
        words = v.body[i].split(" ")
        j = rng.randrange(len(words))
        words[j] = rng.choice(["reportedly", "officials", "roughly", "earlier", "however"])
        v.body[i] = " ".join(words)


def _edit_half(v: Version, story: Story, rng: random.Random, others: Sequence[Story]) -> None:
    """Cut to the first half of the paragraphs (a hard trim)."""
    v.body[:] = v.body[: max(1, math.ceil(len(v.body) / 2))]


Edit = Callable[[Version, Story, random.Random, Sequence[Story]], None]
EDITS: dict[str, Edit] = {
    "headline": _edit_headline,
    "byline": _edit_byline,
    "promo": _edit_promo,
    "caption": _edit_caption,
    "trim": _edit_trim,
}
# The syndication edits the fold must survive, alone and combined.
VARIANTS: dict[str, tuple[str, ...]] = {
    "new headline": ("headline",),
    "other byline format": ("byline",),
    "promo lines inserted": ("promo",),
    "photo caption added": ("caption",),
    "last paragraph trimmed": ("trim",),
    "headline + byline": ("headline", "byline"),
    "headline + trim": ("headline", "trim"),
    "promo + caption": ("promo", "caption"),
    "trim + promo": ("trim", "promo"),
    "headline + byline + caption": ("headline", "byline", "caption"),
    "all five": ("headline", "byline", "promo", "caption", "trim"),
}
# Harder edits, reported apart: not all of them should fold.
STRESS: dict[str, tuple[str, ...]] = {
    "dateline added": ("dateline",),
    "5 one-word copy edits": ("copyedit",),
    "cut to first half": ("half",),
}
ALL_EDITS: dict[str, Edit] = {
    **EDITS,
    "dateline": _edit_dateline,
    "copyedit": _edit_copyedit,
    "half": _edit_half,
}


def versions(story: Story, others: Sequence[Story]) -> dict[str, str]:
    """The story's original and one copy per variant, each from its own seeded generator."""
    rng = random.Random(f"{story.id}:original")
    original = _original(story, rng)
    out = {"original": original.text()}
    for name, edits in {**VARIANTS, **STRESS}.items():
        rng = random.Random(f"{story.id}:{name}")
        copy = Version(original.headline, original.byline, list(original.body))
        for edit in edits:
            ALL_EDITS[edit](copy, story, rng, others)
        out[name] = copy.text()
    return out


# Paywall and footer boilerplate, written for this benchmark. {site} is the site's name.
PAYWALL_SENTENCES = [
    "Subscribe to continue reading this article and everything else on {site}.",
    "You have reached the limit of free stories for this month.",
    "Subscribers get unlimited access to our journalism on every device, including the app, "
    "the daily puzzles and the full archive going back more than a century.",
    "Choose the plan that suits you: digital only, digital plus the weekend print edition, "
    "or the complete package with home delivery every day of the week.",
    "Cancel at any time from your account page; there are no hidden fees and no long contracts.",
    "Already a subscriber? Log in to keep reading, or link your print subscription to your "
    "account to activate digital access at no extra cost.",
    "Students and teachers can claim a discounted rate with a valid school or university email "
    "address, renewed each academic year.",
    "Group and corporate subscriptions are available for teams of five or more readers; contact "
    "our sales office for a tailored quote.",
    "Your subscription supports independent reporting from our newsroom and our correspondents "
    "around the world.",
    "Introductory offers renew at the standard monthly rate after the first twelve weeks unless "
    "you cancel before the renewal date shown at checkout.",
    "Gift subscriptions can be sent to anyone with an email address and start on a date you "
    "choose, with a personal message from you.",
    "Frequently asked questions: how do I change my payment method, how do I pause delivery "
    "while I am away, and how do I share my account with family members?",
    "You can update your payment details, delivery address and newsletter preferences at any "
    "time under the settings menu of your account.",
    "Family plans let up to four people in one household read {site} with their own log-in "
    "and saved articles.",
    "By subscribing you agree to the terms of sale and acknowledge the privacy notice, which "
    "explains how we use your data and your rights over it.",
    "Prices include applicable taxes; currency conversion may apply to payments made from "
    "outside the country.",
    "If you need help, our customer service team is available seven days a week by phone, "
    "email and live chat.",
]
FOOTER_PROSE = [
    "{site} is published by {site} Media Group, an independent news organisation founded by "
    "readers and run by a trust whose only purpose is to secure its journalism in perpetuity.",
    "We correct errors as soon as we learn of them; readers can report a mistake through the "
    "corrections page, and every correction is logged publicly with the date it was made.",
    "Our editorial code sets out how we handle sources, anonymity, conflicts of interest and "
    "the use of images, and is reviewed every year by an external panel of editors.",
    "Advertising on this site is sold and managed separately from the newsroom; advertisers have "
    "no say over what we report or how we report it.",
    "Comments are open on selected stories for seven days and are moderated according to our "
    "community standards, which forbid abuse, spam and the sharing of personal information.",
    "All content is copyright of {site} Media Group unless stated otherwise, and may not be "
    "republished without permission; syndication requests go to our licensing team.",
    "This site uses cookies to remember your preferences, measure how our pages are used and "
    "show advertising; you can change your choices at any time in the privacy settings.",
    "{site} is a member of the independent press standards body and follows its code of "
    "practice; complaints that we cannot resolve can be taken to the regulator.",
    "Our journalism is funded by subscribers, advertisers and readers who make a one-off "
    "contribution, and we publish an annual report setting out where the money goes.",
    "Tip-offs can be sent securely to the investigations desk using encrypted messaging; we "
    "never reveal the identity of a confidential source.",
]
FOOTER_LINKS = [
    "About us",
    "Contact the newsroom",
    "Work for {site}",
    "Advertise with us",
    "Privacy policy",
    "Cookie settings",
    "Terms of use",
    "Accessibility",
    "Newsletters",
    "Archive",
    "Site map",
    "Podcasts",
    "Puzzles",
    "Events",
]
SITES = ["The Harbour Courier", "Lakeside Tribune", "Valley Ledger"]


def paywall_boilerplate(site: str, n_sentences: int) -> list[str]:
    rng = random.Random(f"paywall:{site}")
    sentences = [s.format(site=site) for s in PAYWALL_SENTENCES]
    rng.shuffle(sentences)
    chosen = sentences[:n_sentences]
    return [" ".join(chosen[i : i + 2]) for i in range(0, len(chosen), 2)]


def footer(site: str) -> list[str]:
    rng = random.Random(f"footer:{site}")
    prose = [s.format(site=site) for s in FOOTER_PROSE]
    links = [s.format(site=site) for s in FOOTER_LINKS]
    rng.shuffle(prose)
    out: list[str] = []
    for i, paragraph in enumerate(prose):
        out.append(paragraph)
        out.extend(links[i % len(links) : i % len(links) + 2])
    return out


# --- the fold, as the database would run it -------------------------------------------------------


class BandIndex:
    """The (item, band_no, band_hash) table in memory: one dict band hash -> ids per band."""

    def __init__(self) -> None:
        self.bands: list[dict[int, list[int]]] = [{} for _ in range(fp.BANDS)]
        self.items: dict[int, Fingerprint] = {}

    def add(self, item: int, f: Fingerprint) -> None:
        self.items[item] = f
        for band, h in zip(self.bands, f.bands, strict=True):
            band.setdefault(h, []).append(item)

    def candidates(self, f: Fingerprint) -> set[int]:
        found: set[int] = set()
        for band, h in zip(self.bands, f.bands, strict=True):
            found.update(band.get(h, ()))
        return found

    def folds(self, f: Fingerprint) -> list[int]:
        return [i for i in self.candidates(f) if is_near_duplicate(f, self.items[i])]


def fold_pairs(fps: Sequence[Fingerprint | None]) -> set[tuple[int, int]]:
    """Every pair (i < j) the fold joins: shares a band and passes is_near_duplicate."""
    index = BandIndex()
    pairs: set[tuple[int, int]] = set()
    for j, f in enumerate(fps):
        if f is None:
            continue
        pairs.update((i, j) for i in index.folds(f))
        index.add(j, f)
    return pairs


def candidate_pairs(fps: Sequence[Fingerprint | None]) -> set[tuple[int, int]]:
    index = BandIndex()
    pairs: set[tuple[int, int]] = set()
    for j, f in enumerate(fps):
        if f is None:
            continue
        pairs.update((i, j) for i in index.candidates(f))
        index.add(j, f)
    return pairs


def exact_jaccard(a: str, b: str) -> float:
    sa, sb = set(prose_shingles(a)), set(prose_shingles(b))
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


# --- theory ---------------------------------------------------------------------------------------


def fold_probability(j: float) -> tuple[float, float]:
    """(P(shares a band), P(shares a band and estimate >= THRESHOLD)) for true Jaccard j, each
    minimum agreeing independently with probability j (the idealised MinHash)."""
    need = math.ceil(fp.THRESHOLD * fp.NUM_PERM)
    # state: (agreements so far, some band fully agreed) -> probability
    state = {(0, False): 1.0}
    row = [math.comb(fp.ROWS, k) * j**k * (1 - j) ** (fp.ROWS - k) for k in range(fp.ROWS + 1)]
    for _ in range(fp.BANDS):
        nxt: dict[tuple[int, bool], float] = defaultdict(float)
        for (count, full), p in state.items():
            for k, pk in enumerate(row):
                nxt[(count + k, full or k == fp.ROWS)] += p * pk
        state = nxt
    spare = fp.NUM_PERM - fp.BANDS * fp.ROWS
    tail = [math.comb(spare, k) * j**k * (1 - j) ** (spare - k) for k in range(spare + 1)]
    candidate = sum(p for (_, full), p in state.items() if full)
    fold = sum(
        p * pk
        for (count, full), p in state.items()
        if full
        for k, pk in enumerate(tail)
        if count + k >= need
    )
    return candidate, fold


# --- the sections ---------------------------------------------------------------------------------


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} %" if d else "n/a"


def _q(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def theory_section() -> list[str]:
    out = [
        "### The S-curve (theory)",
        "",
        f"NUM_PERM = {fp.NUM_PERM}, BANDS x ROWS = {fp.BANDS} x {fp.ROWS}, THRESHOLD = "
        f"{fp.THRESHOLD}. Candidate: the pair shares at least one band, 1 - (1 - J^{fp.ROWS})"
        f"^{fp.BANDS}. Fold: candidate and estimated Jaccard >= THRESHOLD (exact, for minima that "
        "agree independently with probability J). False negative at J >= THRESHOLD = 1 - fold; "
        "false positive at J < THRESHOLD = fold.",
        "",
        "| Jaccard | P(candidate) | P(fold) | miss (1 - P(fold)) |",
        "|---:|---:|---:|---:|",
    ]
    for j in (0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8):
        cand, fold = fold_probability(j)
        out.append(f"| {j:.2f} | {cand:.4g} | {fold:.4g} | {1 - fold:.4g} |")
    return [*out, ""]


def syndication_section(stories: list[Story]) -> tuple[list[str], dict[str, Any]]:
    names = ["original", *VARIANTS, *STRESS]
    texts: list[str] = []
    owner: list[int] = []
    kind: list[str] = []
    for n, story in enumerate(stories):
        others = stories[:n] + stories[n + 1 :]
        for name, text in versions(story, others).items():
            texts.append(text)
            owner.append(n)
            kind.append(name)
    fps = [fingerprint(t) for t in texts]
    folds = fold_pairs(fps)
    by_kind_index = {(owner[i], kind[i]): i for i in range(len(texts))}
    none_originals = sum(1 for i, f in enumerate(fps) if f is None and kind[i] == "original")

    rows = []
    jaccards: dict[str, list[float]] = defaultdict(list)
    calib: list[tuple[float, float]] = []
    recall_main = [0, 0]
    for name in names[1:]:
        hit = total = 0
        for n in range(len(stories)):
            i, j = by_kind_index[(n, "original")], by_kind_index[(n, name)]
            total += 1
            hit += (i, j) in folds
            ej = exact_jaccard(texts[i], texts[j])
            jaccards[name].append(ej)
            if fps[i] is not None and fps[j] is not None:
                calib.append((ej, estimated_jaccard(fps[i], fps[j])))  # type: ignore[arg-type]
        if name in VARIANTS:
            recall_main[0] += hit
            recall_main[1] += total
        rows.append((name, hit, total, statistics.median(jaccards[name]), _q(jaccards[name], 0.05)))

    # Any two versions of one story (the first save may itself be a syndicated copy).
    main_kinds = ["original", *VARIANTS]
    within_hit = within_total = 0
    for n in range(len(stories)):
        idx = [by_kind_index[(n, k)] for k in main_kinds]
        for i, j in itertools.combinations(idx, 2):
            within_total += 1
            within_hit += (min(i, j), max(i, j)) in folds
    cross = [(i, j) for i, j in folds if owner[i] != owner[j]]
    n_versions = len(texts)
    cross_total = (
        n_versions * (n_versions - 1) // 2 - len(stories) * len(names) * (len(names) - 1) // 2
    )
    main_folds = sum(
        1
        for i, j in folds
        if owner[i] == owner[j] and kind[i] in main_kinds and kind[j] in main_kinds
    )
    precision = main_folds / (main_folds + len(cross)) if main_folds + len(cross) else 1.0
    named = [f"{stories[owner[i]].id[:8]}~{stories[owner[j]].id[:8]}" for i, j in sorted(cross)]

    out = [
        "### (a) Syndicated copies of the ScrapingHub stories",
        "",
        f"{len(stories)} reference texts (the human-annotated article body), each saved as an "
        "original (a generated headline line and byline line above the body) and as one copy per "
        "edit below, every copy from its own seeded generator. Headlines, bylines, captions and "
        "promos are generated from word lists in bench/same_story.py (caption and promo words "
        "are drawn from the story, so they overlap its vocabulary). Fold = shares a band in the "
        "index and `is_near_duplicate`. Exact J: Jaccard of the prose shingle sets.",
        "",
        f"Originals with no fingerprint (too little prose): {none_originals} of {len(stories)}; "
        "they cannot fold and count as misses below.",
        "",
        "| copy of the original | folded | recall | median exact J | 5th pct exact J |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, hit, total, med, p5 in rows:
        label = f"{name} (stress)" if name in STRESS else name
        out.append(f"| {label} | {hit}/{total} | {_pct(hit, total)} | {med:.3f} | {p5:.3f} |")
    out += [
        "",
        f"- Recall, original against each of the {len(VARIANTS)} syndication variants: "
        f"**{recall_main[0]}/{recall_main[1]} = {_pct(*recall_main)}**.",
        f"- Recall, any two of the {len(main_kinds)} versions of one story (copy against copy "
        f"too): {within_hit}/{within_total} = {_pct(within_hit, within_total)}.",
        f"- False folds among the {cross_total:,} pairs of versions of *different* stories: "
        f"**{len(cross)}**"
        + (f" ({', '.join(named[:10])})" if named else "")
        + f"; precision of the fold on this set {precision:.4f}.",
    ]
    if calib:
        errors = [e - x for x, e in calib]
        theory = math.sqrt(statistics.mean(x * (1 - x) / fp.NUM_PERM for x, _ in calib))
        out.append(
            f"- Estimator check on these {len(calib)} pairs: estimated minus exact Jaccard, mean "
            f"{statistics.mean(errors):+.4f}, sd {statistics.pstdev(errors):.4f} (theory, "
            f"root mean of J(1-J)/{fp.NUM_PERM}: {theory:.4f})."
        )
    return [*out, ""], {"texts": texts, "fps": fps, "owner": owner, "kind": kind}


def hard_negative_section(stories: list[Story]) -> list[str]:
    out = [
        "### (a) Hard negatives: paywall stubs and a shared footer",
        "",
        "Paywall stubs: one site's boilerplate (generated, shuffled per site) with a different "
        "story's first paragraph as the lead, headline line on top; *short*, *medium*, *long* "
        "boilerplate = 4, 9, 17 sentences (about 70, 200, 400 words); *notice first* puts one "
        "boilerplate sentence above the lead too. Every pair of stubs of one site is a negative. "
        "Shared footer: each story's body under one site's long footer (10 prose paragraphs and "
        "link lines, about 500 words).",
        "",
        "| negatives | pairs | fingerprinted | exact J >= 0.5 | est. J >= 0.5 (no guard) | "
        "**folded** | median est. J |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    heads = {s.id: _headline(s, random.Random(f"{s.id}:stub")) for s in stories}
    leads = {s.id: s.paragraphs[0] for s in stories}
    sets: dict[str, list[str]] = {}
    for site, (label, n) in zip(SITES, [("short", 4), ("medium", 9), ("long", 17)], strict=True):
        boiler = paywall_boilerplate(site, n)
        sets[f"paywall stubs, {label} boilerplate"] = [
            "\n\n".join([heads[s.id], leads[s.id], *boiler]) for s in stories
        ]
    boiler = paywall_boilerplate(SITES[0], 17)
    notice = boiler[0].split(". ")[0] + "."
    sets["paywall stubs, long, notice first"] = [
        "\n\n".join([heads[s.id], notice, leads[s.id], *boiler[1:]]) for s in stories
    ]
    foot = footer(SITES[1])
    sets["different stories, one long footer"] = [
        "\n\n".join([heads[s.id], *s.paragraphs, *foot]) for s in stories
    ]
    rng = random.Random("list pages")
    sets["list pages: 25 headlines each, one footer"] = [
        "\n\n".join([*(_headline(s, rng) for s in rng.sample(stories, 25)), *foot])
        for _ in range(100)
    ]
    sets["paywall stubs, NO lead (headline line + long boilerplate)"] = [
        "\n\n".join([heads[s.id], *boiler]) for s in stories
    ]
    short_lead_folds: Counter[str] = Counter()
    lead_tokens = {s.id: len(leads[s.id].split()) for s in stories}
    long_leads = sum(n >= 20 for n in lead_tokens.values())
    for label, texts in sets.items():
        fps = [fingerprint(t) for t in texts]
        folds = fold_pairs(fps)
        pairs = len(texts) * (len(texts) - 1) // 2
        ok = [i for i, f in enumerate(fps) if f is not None]
        high_est = 0
        est: list[float] = []
        for i, j in itertools.combinations(ok, 2):
            e = estimated_jaccard(fps[i], fps[j])  # type: ignore[arg-type]
            est.append(e)
            high_est += e >= fp.THRESHOLD
        sample = random.Random(label).sample(list(itertools.combinations(ok, 2)), 300)
        high_exact = sum(exact_jaccard(texts[i], texts[j]) >= 0.5 for i, j in sample)
        if label.startswith("paywall stubs,") and "NO lead" not in label:
            for i, j in folds:
                shorter = min(lead_tokens[stories[i].id], lead_tokens[stories[j].id])
                bucket = "< 8" if shorter < 8 else "8-19" if shorter < 20 else ">= 20"
                short_lead_folds[(label, bucket)] += 1
        out.append(
            f"| {label} | {pairs:,} | {len(ok)}/{len(texts)} | {_pct(high_exact, len(sample))} "
            f"(of 300 sampled) | {high_est:,} | **{len(folds):,}** | "
            f"{statistics.median(est) if est else float('nan'):.3f} |"
        )
    out.append("")
    if short_lead_folds:
        out += [
            f"Paywall folds by the shorter of the two leads, in words ({long_leads} of "
            f"{len(stories)} leads have >= 20 words; a lead under 8 words, or under 20 without "
            "a full stop, is not prose and so invisible to the fingerprint):",
            "",
            "| stubs | shorter lead < 8 | 8-19 | >= 20 |",
            "|---|---:|---:|---:|",
        ]
        for label in sorted({k[0] for k in short_lead_folds}):
            cells = " | ".join(str(short_lead_folds[(label, b)]) for b in ("< 8", "8-19", ">= 20"))
            out.append(f"| {label} | {cells} |")
        out.append("")
    return out


def novel_run_section(syn: dict[str, Any], stories: list[Story]) -> list[str]:
    """Sensitivity of the guard's NOVEL_RUN: syndicated pairs lost, paywall pairs folded."""
    fps, owner, kind = syn["fps"], syn["owner"], syn["kind"]
    main_kinds = {"original", *VARIANTS}
    syn_pairs = []
    by_owner: dict[int, list[int]] = defaultdict(list)
    for i, f in enumerate(fps):
        if f is not None and kind[i] in main_kinds:
            by_owner[owner[i]].append(i)
    for idx in by_owner.values():
        for i, j in itertools.combinations(idx, 2):
            if estimated_jaccard(fps[i], fps[j]) >= fp.THRESHOLD:
                syn_pairs.append((novel_run(fps[i], fps[j]), novel_run(fps[j], fps[i])))
    boiler = paywall_boilerplate(SITES[2], 17)
    stub_fps = [
        fingerprint("\n\n".join([_headline(s, random.Random(s.id)), s.paragraphs[0], *boiler]))
        for s in stories
    ]
    stub_pairs = []
    for a, b in itertools.combinations([f for f in stub_fps if f is not None], 2):
        if estimated_jaccard(a, b) >= fp.THRESHOLD:
            stub_pairs.append((novel_run(a, b), novel_run(b, a)))
    out = [
        "### The opening guard's run length",
        "",
        "Pairs above THRESHOLD, and what a NOVEL_RUN of n would do: a pair is kept apart when both "
        "texts open with >= n consecutive prose shingles the other's head lacks. Syndicated: any "
        "two versions of one story (copy against copy included); paywall: long-boilerplate stubs.",
        "",
        "| NOVEL_RUN | syndicated pairs kept apart (lost) | paywall stub pairs still folded |",
        "|---:|---:|---:|",
    ]
    for n in (4, 6, 8, 10, 12, 16, 20, 24, 32):
        lost = sum(min(p) >= n for p in syn_pairs)
        kept = sum(min(p) < n for p in stub_pairs)
        mark = " (chosen)" if n == fp.NOVEL_RUN else ""
        out.append(f"| {n}{mark} | {lost}/{len(syn_pairs)} | {kept}/{len(stub_pairs)} |")
    return [*out, ""]


def semeval_section() -> list[str]:
    rows = [
        r
        for r in _jsonl(news_dir() / "semeval2022_task8_hfl_sample" / "pairs.jsonl.gz")
        if not r["augmented_translation"]
    ]
    buckets = {"same story (Overall <= 1.5)": [], "between (1.5-2.5)": [], "different (>= 2.5)": []}
    folded_ids: list[tuple[str, float, float, str]] = []
    for r in rows:
        overall = r["scores"]["Overall"]
        key = (
            "same story (Overall <= 1.5)"
            if overall <= 1.5
            else "different (>= 2.5)"
            if overall >= 2.5
            else "between (1.5-2.5)"
        )
        a, b = fingerprint(r["text1"]), fingerprint(r["text2"])
        cand = bool(a and b and set(enumerate(a.bands)) & set(enumerate(b.bands)))
        fold = bool(a and b and cand and is_near_duplicate(a, b))
        ej = exact_jaccard(r["text1"], r["text2"])
        buckets[key].append((fold, a is not None and b is not None, ej))
        if fold:
            folded_ids.append((r["pair_id"], overall, ej, f"{r['lang1']}-{r['lang2']}"))
    out = [
        "### (b) SemEval-2022 task 8 pairs (original pairs, no machine translation)",
        "",
        "Different reports of the same event are *not* copies: the fold should leave almost all "
        "of them alone (the embeddings relate them), and folding a pair rated different "
        "(Overall >= 2.5) would be a bug. Texts are HFL's 'title + body', one paragraph each.",
        "",
        "| pairs | n | both fingerprinted | folded | exact J median | exact J 95th pct | "
        "exact J >= 0.5 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, items in buckets.items():
        js = [x[2] for x in items]
        out.append(
            f"| {key} | {len(items)} | {sum(x[1] for x in items)} | **{sum(x[0] for x in items)}** "
            f"| {statistics.median(js):.3f} | {_q(js, 0.95):.3f} | {sum(j >= 0.5 for j in js)} |"
        )
    out.append("")
    if folded_ids:
        out.append(
            "Folded pairs (pair id, Overall, exact J, languages): "
            + "; ".join(f"{p} ({o:.2f}, {j:.2f}, {lang})" for p, o, j, lang in folded_ids)
            + "."
        )
        out.append("")
    return out


def bbc_section() -> list[str]:
    base = news_dir() / "bbc_news"
    rows = _jsonl(base / "articles.jsonl.gz")
    truth = json.loads((base / "exact_duplicate_groups.json").read_text("utf-8"))
    ids = [r["id"] for r in rows]
    fps = [fingerprint(r["text"]) for r in rows]
    folds = fold_pairs(fps)
    cands = candidate_pairs(fps)
    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in folds:
        parent[find(i)] = find(j)
    groups: dict[int, list[str]] = defaultdict(list)
    for i in range(len(rows)):
        groups[find(i)].append(ids[i])
    found = {frozenset(g) for g in groups.values() if len(g) > 1}
    expected = {frozenset(g) for g in truth}
    exact_found = expected & found
    covered = sum(1 for g in expected if any(g <= f for f in found))
    extra = sorted(found - expected, key=lambda g: sorted(g))
    position = {x: n for n, x in enumerate(ids)}
    same_body = [g for g in extra if len({rows[position[x]]["text"] for x in g}) == 1]
    out = [
        "### (c) BBC News: the corpus's exact-duplicate groups",
        "",
        f"{len(rows)} articles, {sum(f is None for f in fps)} without a fingerprint. Candidate "
        f"pairs from the bands: {len(cands):,} of {len(rows) * (len(rows) - 1) // 2:,}; folded "
        f"pairs: {len(folds)}.",
        "",
        f"- Groups listed in exact_duplicate_groups.json: {len(expected)}; found exactly as a "
        f"fold group: **{len(exact_found)}**; contained in a fold group: {covered}.",
        f"- Fold groups that are not one of them: **{len(extra)}**; {len(same_body)} of them "
        "have identical body text under different titles (the listed groups are identical in "
        "title and text; the text field has no title), the others are listed with their "
        "Jaccard" + (":" if extra else "."),
    ]
    for g in extra:
        if g in same_body:
            continue
        members = sorted(g)
        pairs = [
            (a, b, estimated_jaccard(fps[position[a]], fps[position[b]]))  # type: ignore[arg-type]
            for a, b in itertools.combinations(members, 2)
        ]
        texts = {x: rows[position[x]]["text"] for x in members}
        described = [
            f"est. J {e:.2f}, exact J {exact_jaccard(texts[a], texts[b]):.2f}" for a, b, e in pairs
        ]
        out.append("  - " + ", ".join(members) + ": " + "; ".join(described))
    return [*out, ""]


def _synthetic_texts(n: int, pool: Sequence[str], seed: str) -> Iterable[str]:
    rng = random.Random(seed)
    for _ in range(n):
        sentences = rng.sample(pool, 12)
        yield "\n\n".join(" ".join(sentences[k : k + 3]) for k in range(0, 12, 3))


def timing_section(stories: list[Story], sizes: Sequence[int]) -> list[str]:
    bbc = _jsonl(news_dir() / "bbc_news" / "articles.jsonl.gz")
    pool = sorted(
        {
            s
            for r in bbc
            for s in re.split(r"(?<=[.!?])\s+", r["text"].replace("\n", " "))
            if len(s.split()) >= 8
        }
    )
    # fingerprint time, one core
    docs = [t for s in stories for t in ["\n\n".join(s.paragraphs)]] + [r["text"] for r in bbc]
    times = []
    sizes_b = []
    for text in docs:
        start = time.perf_counter()
        made = fingerprint(text)
        times.append(time.perf_counter() - start)
        if made is not None:
            sizes_b.append(len(made.signature))
    words = [len(t.split()) for t in docs]
    # queries: a syndicated copy of each ScrapingHub story whose original is in the library,
    # and BBC articles that are not
    originals = {n: versions(s, stories[:n] + stories[n + 1 :]) for n, s in enumerate(stories)}
    queries = [(n, fingerprint(v["all five"])) for n, v in originals.items()]
    # strangers: English SemEval texts, in neither the library nor the sentence pool
    semeval = _jsonl(news_dir() / "semeval2022_task8_hfl_sample" / "pairs.jsonl.gz")
    english = [r["text1"] for r in semeval if r["lang1"] == "en"]
    strangers = [fingerprint(t) for t in english[:300]]
    out = [
        "### (d) Time",
        "",
        f"Fingerprint, one core, {len(docs)} documents (ScrapingHub bodies and BBC articles, "
        f"median {statistics.median(words):.0f} words): median "
        f"**{statistics.median(times) * 1e3:.2f} ms**, 95th pct {_q(times, 0.95) * 1e3:.2f} ms, "
        f"max {max(times) * 1e3:.1f} ms (the longest, {max(words):,} words). Signature "
        f"(BLOB): median {statistics.median(sizes_b):.0f} bytes, max {max(sizes_b)}; "
        f"{fp.BANDS} band rows per item.",
        "",
        "Lookup in an in-memory index (one dict band hash -> ids per band) holding the "
        f"{len(stories)} ScrapingHub originals and synthetic texts (12 random BBC sentences in "
        f"4 paragraphs; pool of {len(pool):,} sentences) up to the size; a lookup gathers the "
        "candidates of all bands and confirms each with `is_near_duplicate`. Queries: the "
        f"'all five' copy of each story ({len(queries)}) and {len(strangers)} English SemEval "
        "texts (strangers: in neither the library nor the sentence pool). Band lookup: the "
        f"{fp.BANDS} dict reads; total: with the confirmation of every candidate.",
        "",
        "| library | build (fingerprint + index) | band lookup median | total median | "
        "total 95th pct | candidates per lookup: copy / stranger (mean) | copies found |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    index = BandIndex()
    item = 0
    for n, v in originals.items():
        f = fingerprint(v["original"])
        if f is not None:
            index.add(n, f)
    item = len(stories)
    synthetic = _synthetic_texts(max(sizes), pool, "library")
    build = 0.0
    for size in sorted(sizes):
        start = time.perf_counter()
        while len(index.items) < size:
            f = fingerprint(next(synthetic))
            if f is not None:
                index.add(item, f)
            item += 1
        build += time.perf_counter() - start
        lookups: list[float] = []
        band_reads: list[float] = []
        n_cands: dict[str, list[int]] = {"copy": [], "stranger": []}
        found = 0
        mixed = [(n, q, "copy") for n, q in queries] + [(-1, q, "stranger") for q in strangers]
        for _ in range(3):  # three rounds, to steady the timings; the last one counts
            lookups.clear()
            band_reads.clear()
            n_cands = {"copy": [], "stranger": []}
            found = 0
            for n, q, role in mixed:
                if q is None:
                    continue
                start = time.perf_counter()
                cands = index.candidates(q)
                middle = time.perf_counter()
                hits = [i for i in cands if is_near_duplicate(q, index.items[i])]
                end = time.perf_counter()
                band_reads.append(middle - start)
                lookups.append(end - start)
                n_cands[role].append(len(cands))
                found += n in hits
        n_queries = sum(q is not None for _, q in queries)
        out.append(
            f"| {len(index.items):,} | {build:.0f} s | "
            f"{statistics.median(band_reads) * 1e6:.0f} us | "
            f"{statistics.median(lookups) * 1e6:.0f} us | {_q(lookups, 0.95) * 1e6:.0f} us | "
            f"{statistics.mean(n_cands['copy']):.2f} / {statistics.mean(n_cands['stranger']):.2f} "
            f"| {found}/{n_queries} |"
        )
    return [*out, ""]


def section(sizes: Sequence[int] = DEFAULT_SIZES) -> str:
    """The benchmark's markdown section (a level-2 heading and its level-3 parts)."""
    started = time.perf_counter()
    stories = scrapinghub()
    syn_lines, syn = syndication_section(stories)
    parts = [
        "## Same story: the near-duplicate fold",
        "",
        f"broadsheet.similar.fingerprint version {fp.FINGERPRINT_VERSION}: word 3-shingles of "
        f"prose paragraphs, MinHash {fp.NUM_PERM}, LSH {fp.BANDS} x {fp.ROWS}, THRESHOLD "
        f"{fp.THRESHOLD}, at least {fp.MIN_SHINGLES} prose shingles; opening guard: NOVEL_RUN "
        f"{fp.NOVEL_RUN} starting in the first {fp.OPENING} (or first third) of "
        f"{fp.HEAD_SHINGLES} head shingles; short-line guard: LINES_APART {fp.LINES_APART} of "
        f"{fp.LINE_SHINGLES}.",
        "",
        *theory_section(),
        *syn_lines,
        *hard_negative_section(stories),
        *novel_run_section(syn, stories),
        *semeval_section(),
        *bbc_section(),
        *timing_section(stories, sizes),
    ]
    parts.append(
        f"Command: `.venv/bin/python bench/same_story.py"
        f"{'' if tuple(sizes) == DEFAULT_SIZES else ' --sizes ' + ','.join(map(str, sizes))}` "
        f"({time.perf_counter() - started:.0f} s, one core)."
    )
    return "\n".join(parts) + "\n"


def _pin_one_cpu() -> None:
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="library sizes for the lookup timing, comma-separated",
    )
    args = ap.parse_args(argv)
    _pin_one_cpu()
    text = section(tuple(int(s) for s in args.sizes.split(",")))
    print(text)
    out = results_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / REPORT).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
