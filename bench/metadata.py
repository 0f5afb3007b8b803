"""Metadata accuracy: Broadsheet's title, byline, site name and date against Readability.js's
reviewed expectations (the `meta` of every page in the readability set).

    .venv/bin/python bench/metadata.py   # make bench runs it; writes bench/results/metadata.md

Each field is compared only where the expectation is given (not null):
- title, byline, site name: equal after whitespace normalisation (runs of whitespace become one
  space, ends trimmed). Byline also gets three looser figures:
  - "byline normalised": equal after whitespace normalisation and case-folding, with a leading
    label taken off both sides ("By", "Written by", "Von", "Par", "Por", "Door", "Af": the
    expectations keep the byline element's "By ...", Broadsheet keeps the names because its
    renderer prints "By {byline}").
  - "byline decided" (issue 11's decided metric, its goal 90 %): equal after normalising both
    sides (`byline_key`): case and whitespace, a leading label (BYLINE_LABELS), a trailing date
    ("March 25, 2015", "22 Dec 2016", "Updated ..."), trailing agencies and separators ("Jane
    Roe, Reuters /", "Jane Roe | AP", "- dpa", a line "WebMD Health News": BYLINE_AGENCIES and
    names ending in ORGANISATION_WORDS), and the joining of several names ("A, B" = "A and B" =
    "A und B" = "A & B" ...). Pages whose expectation names someone other than the page's
    author, or is no byline at all, are listed with a reason in bench/byline_reviewed.json
    (each decided by reading the page's HTML) and left out of this figure only; the report
    gives their number. Another person, a missing name or an editor's credit stay misses.
  - "byline contains": one contains the other, ignoring case, both non-empty.
- published date: the same instant, compared in UTC, when both sides have a time and a zone;
  otherwise (the expectation, or Broadsheet's value, has no time or no zone) the same calendar day.
- language (reported, no goal): equal ignoring case.
A page whose extraction raises counts as a miss on every field it has an expectation for.

Data: BROADSHEET_BENCH_DATA (default ../shared/bench/extraction next to the checkout); the report
goes to BROADSHEET_BENCH_RESULTS (default bench/results).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.extraction import data_dir, results_dir  # noqa: E402
from broadsheet.extract import extract  # noqa: E402
from broadsheet.extract.errors import ExtractError  # noqa: E402

SET_NAME = "readability"
# (report name, key in the expectation); the order of the report.
FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "title"),
    ("byline", "byline"),
    ("byline normalised", "byline"),
    ("byline decided", "byline"),
    ("byline contains", "byline"),
    ("site name", "siteName"),
    ("published", "publishedTime"),
    ("language", "lang"),
)


def normalise(text: str | None) -> str:
    return " ".join((text or "").split())


def parse_instant(value: str) -> tuple[dt.datetime | None, bool]:
    """(the parsed value, whether it carries both a time and a zone)."""
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None, False
    has_time = bool(re.search(r"\d[T ]\d{1,2}:\d{2}", value))
    return parsed, has_time and parsed.tzinfo is not None


def same_date(expected: str, got: dt.datetime | None) -> bool:
    if got is None:
        return False
    want, exact = parse_instant(expected)
    if want is None:
        return False
    if exact and got.tzinfo is not None:
        return want.astimezone(dt.UTC) == got.astimezone(dt.UTC)
    return want.date() == got.date()


# A leading label that is not part of anyone's name (see the module docstring).
BYLINE_LABEL = re.compile(r"^(?:written by|by|von|par|por|door|af)\s*:?\s+", re.IGNORECASE)


def byline_normalised(expected: str, got: str) -> bool:
    a, b = (BYLINE_LABEL.sub("", normalise(t)).casefold() for t in (expected, got))
    return bool(a) and a == b


# The decided byline comparison (issue 11). Its tables are the harness's own, not the engine's:
# the measure must not move when the engine's rules do.
BYLINE_LABELS = (
    "by",
    "written by",
    "words by",
    "story by",
    "text by",
    "posted by",
    "reporting by",
    "reported by",
    "analysis by",
    "von",
    "par",
    "por",
    "per",
    "di",
    "door",
    "av",
    "af",
    "przez",
    "от",
)
BYLINE_AGENCIES = frozenset(
    {
        "ap",
        "associated press",
        "the associated press",
        "reuters",
        "afp",
        "agence france-presse",
        "dpa",
        "ansa",
        "efe",
        "pa",
        "pa media",
        "press association",
        "bloomberg",
        "upi",
        "kyodo",
        "xinhua",
        "tass",
        "apa",
        "sda",
        "kna",
        "epd",
        "anp",
        "belga",
        "lusa",
        "europa press",
        "canadian press",
        "aap",
        "pti",
        "ians",
    }
)
ORGANISATION_WORDS = frozenset(
    {"news", "press", "presse", "agency", "service", "services", "wire", "newswire", "bureau",
     "media", "times", "journal", "herald", "tribune", "gazette", "zeitung"}
)  # fmt: skip
_LABEL_RE = re.compile(
    r"^(?:" + "|".join(sorted(map(re.escape, BYLINE_LABELS), key=len, reverse=True)) + r")"
    r"\s*[:\-]?\s+"
)
_MONTHS = (
    r"(?:jan|feb|m[aä]r|apr|ma[yi]|jun|jul|aug|sep|o[ck]t|nov|de[cz]|janv|f[ée]v|avr|juin|juil"
    r"|ao[uû]t|d[ée]c|ene|abr|ago|dic|gen|mag|giu|lug|set|ott)[a-zéû]*\.?"
)
# A date, a time or an "updated" note after the names, to the end. The day may follow the name
# without a space ("Lucas Nolan22 Dec 2016": the page's elements run together).
_DATE_TAIL_RE = re.compile(
    r"(?:\s*[|,/·•—–-])?\s*(?:"  # noqa: RUF001
    r"\d{1,2}\.?\s*" + _MONTHS + r"(?:\s|$)"
    r"|\b" + _MONTHS + r"\s+\d{1,2}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}:\d{2}\b"
    r"|\b(?:updated|published|posted|last updated|aktualisiert|mis à jour)\b"
    r").*$",
    re.DOTALL,
)
_SEGMENT_RE = re.compile(r"\s*(?:[,;|/·•\n]|[—–]|\s-\s|\sfor\s)\s*")  # noqa: RUF001
_JOIN_RE = re.compile(r"\s*,\s*(?:(?:and|und|et|y|e|i|og|&)\s+)?|\s+(?:and|und|et|y|e|i|og|&)\s+")
_BYLINE_SEPARATORS = " ,;:|/·•—–-\n"  # noqa: RUF001


def _is_agency(segment: str) -> bool:
    text = segment.strip(_BYLINE_SEPARATORS + "().")
    if text in BYLINE_AGENCIES:
        return True
    words = text.split()
    return 2 <= len(words) <= 6 and words[-1] in ORGANISATION_WORDS


def byline_key(text: str) -> str:
    """A byline normalised for the decided comparison: "By Jane Roe, Reuters / March 4" and
    "jane roe" give the same key, and so do "A, B" and "A and B"."""
    lines = [normalise(line) for line in (text or "").casefold().splitlines()]
    key = "\n".join(line for line in lines if line)
    for _ in range(2):
        key = _LABEL_RE.sub("", key)
    tail = _DATE_TAIL_RE.search(key)
    if tail and tail.start() > 0:
        key = key[: tail.start()]
    for _ in range(3):
        key = key.strip(_BYLINE_SEPARATORS)
        bounds = list(_SEGMENT_RE.finditer(key))
        if not bounds or not _is_agency(key[bounds[-1].end() :]):
            break
        key = key[: bounds[-1].start()]
    key = _JOIN_RE.sub(" & ", normalise(key.strip(_BYLINE_SEPARATORS)))
    return key


def byline_decided(expected: str, got: str) -> bool:
    a = byline_key(expected)
    return bool(a) and a == byline_key(got)


REVIEWED = Path(__file__).resolve().parent / "byline_reviewed.json"


def reviewed_bylines(set_name: str = "") -> dict[str, str]:
    """Pages whose byline expectation was reviewed and left out of the decided figure: page id
    -> the reason (bench/byline_reviewed.json)."""
    data = json.loads(REVIEWED.read_text(encoding="utf-8"))
    return {
        row["page"]: row["reason"]
        for row in data["pages"]
        if not set_name or row["set"] == set_name
    }


def byline_contains(expected: str, got: str) -> bool:
    a, b = normalise(expected).casefold(), normalise(got).casefold()
    return bool(a and b) and (a in b or b in a)


@dataclass
class Tally:
    hits: int = 0
    given: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (page, expected, got)
    excluded: int = 0  # pages left out after review (the decided byline figure)

    def line(self, name: str) -> str:
        share = 100.0 * self.hits / self.given if self.given else 0.0
        left_out = f" ({self.excluded} reviewed pages left out)" if self.excluded else ""
        return f"{name:16} {self.hits}/{self.given} = {share:.1f}%{left_out}"


def pages(set_dir: Path, limit: int = 0) -> Iterator[dict[str, Any]]:
    with gzip.open(set_dir / "pages.jsonl.gz", "rt", encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if limit and i >= limit:
                return
            yield json.loads(line)


def _got(article: Any, key: str) -> Any:
    if article is None:
        return None
    return {
        "title": article.title,
        "byline": article.byline,
        "siteName": article.site_name,
        "publishedTime": article.published,
        "lang": article.language,
    }[key]


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return "(nothing)" if value in (None, "") else str(value)


CHECKS: dict[str, Callable[[str, Any], bool]] = {
    "title": lambda want, got: normalise(want) == normalise(got),
    "byline": lambda want, got: normalise(want) == normalise(got),
    "byline normalised": lambda want, got: byline_normalised(want, got or ""),
    "byline decided": lambda want, got: byline_decided(want, got or ""),
    "byline contains": lambda want, got: byline_contains(want, got or ""),
    "site name": lambda want, got: normalise(want) == normalise(got),
    "published": lambda want, got: same_date(want, got),
    "language": lambda want, got: normalise(want).casefold() == normalise(got).casefold(),
}


def measure(set_dir: Path, limit: int = 0) -> dict[str, Tally]:
    tallies = {name: Tally() for name, _ in FIELDS}
    reviewed = reviewed_bylines(set_dir.name)
    for page in pages(set_dir, limit):
        meta = page.get("meta") or {}
        try:
            article: Any = extract(page["html"], url=page.get("url"))
            failure = ""
        except ExtractError as exc:
            article, failure = None, f"(extract raised {type(exc).__name__})"
        for name, key in FIELDS:
            want = meta.get(key)
            if want is None:
                continue
            tally = tallies[name]
            if name == "byline decided" and page["id"] in reviewed:
                tally.excluded += 1
                continue
            tally.given += 1
            got = _got(article, key)
            if article is not None and CHECKS[name](want, got):
                tally.hits += 1
            else:
                tally.misses.append((page["id"], str(want), failure or _shown(got)))
    return tallies


def _cell(text: str) -> str:
    return normalise(text).replace("|", "\\|") or "(empty)"


def write_report(tallies: dict[str, Tally], command: str) -> Path:
    out = results_dir()
    out.mkdir(parents=True, exist_ok=True)
    path = out / "metadata.md"
    lines = [
        "# Metadata accuracy on the readability set",
        "",
        f"Run {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')} with `{command}`.",
        "",
        "Expectations: Readability.js's reviewed `expected-metadata.json` for each page; a field",
        "counts only where it is given. Title, byline and site name must be equal after whitespace",
        'normalisation; "byline normalised" also ignores case and a leading "By", "Written by",',
        '"Von", "Par", "Por", "Door" or "Af" on both sides; "byline decided" (issue 11) also',
        "ignores a trailing date, trailing agencies and separators and how several names are",
        'joined ("A, B" = "A and B"), on the pages left after review',
        "(`bench/byline_reviewed.json`: expectations naming someone other than the page's",
        "author, or no byline at all);",
        '"byline contains" accepts one containing the other (ignoring case); the',
        "date must be the same instant (UTC) when both sides have a time and a zone, else the same",
        "day. Language is reported without a goal.",
        "",
        "| field | right | given | accuracy |",
        "|---|---:|---:|---:|",
    ]
    for name, _ in FIELDS:
        t = tallies[name]
        share = f"{100.0 * t.hits / t.given:.1f}%" if t.given else "n/a"
        shown = f"{name} ({t.excluded} reviewed pages left out)" if t.excluded else name
        lines.append(f"| {shown} | {t.hits} | {t.given} | {share} |")
    for name, _ in FIELDS:
        t = tallies[name]
        if name in ("byline normalised", "byline contains") or not t.misses:
            continue
        lines += ["", f"## Misses: {name} ({len(t.misses)})", "", "| page | expected | got |"]
        lines.append("|---|---|---|")
        lines += [f"| {p} | {_cell(want)} | {_cell(got)} |" for p, want, got in t.misses]
    reviewed = reviewed_bylines(SET_NAME)
    if reviewed:
        lines += ["", f"## Byline expectations left out after review ({len(reviewed)})", ""]
        lines += ["| page | reason |", "|---|---|"]
        lines += [f"| {p} | {_cell(reason)} |" for p, reason in reviewed.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--limit", type=int, default=0, help="pages (0: all)")
    ap.add_argument("--no-report", action="store_true", help="print the figures only")
    args = ap.parse_args(argv)
    set_dir = data_dir() / SET_NAME
    if not (set_dir / "pages.jsonl.gz").exists():
        print(
            f"metadata: no benchmark data at {set_dir} (set BROADSHEET_BENCH_DATA)", file=sys.stderr
        )
        return 2
    tallies = measure(set_dir, args.limit)
    for name, _ in FIELDS:
        print(tallies[name].line(name))
    if not args.no_report:
        command = "python bench/metadata.py" + (f" --limit {args.limit}" if args.limit else "")
        print(f"report: {write_report(tallies, command)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
