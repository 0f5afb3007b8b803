"""Rule ablation: what each rule table of rules.py, and each rule that fires on fewer than three
pages, does to the benchmark sets.

    .venv/bin/python bench/ablation.py            # make ablation (and make bench); ~10 minutes
    .venv/bin/python bench/ablation.py --tables CHROME_PHRASES STOP_LINES

Firing: a rule fires on a page when its entry matches there, searched outside the engine (the
hot path is not instrumented): a text rule (a chrome line, a stop header, a chrome phrase, a byline
word) anywhere in the page's text (all its text nodes and <meta> contents, whitespace
normalised, lower case; a pattern with its ^ and $ anchors dropped), a class rule (boilerplate
words, hints) anywhere in the page's class, id and role values. That is an upper bound: the
engine applies a rule to fewer places (a whole line, a short block, one token), so a rule cannot
change a page it does not fire on, and the ablation only runs the pages it fires on.

Ablation: each table, and each entry firing on one or two pages, is switched off
(BROADSHEET_RULES_OFF, read by rules.py at import) in a fresh process that extracts those
pages; a page is changed when its Article (repr: text, blocks, metadata) differs, and the set's
F1 is worked out again with the reference scorer's own per-page counts. Sets: the five
extraction sets, and "flattened" (clean_text on flattened scrapinghub, as the gate scores it).

Report: bench/results/ablation.md (BROADSHEET_BENCH_RESULTS). Data: BROADSHEET_BENCH_DATA.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.extraction import SETS, data_dir, results_dir, scorer_path  # noqa: E402

FLAT = "flattened"  # clean_text on flattened scrapinghub
# The tables whose entries are regular expressions (searched with their anchors dropped); the
# others hold literal words and phrases. TEXT tables apply to text, the others to class/id/role.
REGEX_TABLES = frozenset(
    {
        "CHROME_LINES",
        "STOP_LINES",
        "BODY_STOP_HEADERS",
        "BODY_END_HEADERS",
        "COMMENT_STOP_LINES",
        "RESIDUE_LINES",
        "CREDITS_LINE",
        "CAPTION_CREDIT",
        "BYLINE_LINE",
        "DATE_LINE",
        "COMMENT_THREAD_CLASS",
        "TAXONOMY_CLASS",
        "POST_TEMPLATE_CLASS",
        "POSITIVE_HINTS",
        "NEGATIVE_HINTS",
    }
)
TEXT_TABLES = (
    "CHROME_LINES",
    "STOP_LINES",
    "BODY_STOP_HEADERS",
    "BODY_END_HEADERS",
    "COMMENT_STOP_LINES",
    "RESIDUE_LINES",
    "CHROME_PHRASES",
    "CREDITS_LINE",
    "CAPTION_CREDIT",
    "BYLINE_LINE",
    "DATE_LINE",
    "BYLINE_LABELS",
    "BYLINE_UI_PHRASES",
    "BYLINE_UI_WORDS",
    "WIRE_AGENCIES",
    "ORGANISATION_WORDS",
    "BYLINE_ROLE_WORDS",
)
CLASS_TABLES = (
    "BOILERPLATE_WORDS",
    "BOILERPLATE_SUBSTRINGS",
    "STRONG_BOILERPLATE",
    "COMMENT_THREAD_CLASS",
    "EMBEDDED_POST_CLASSES",
    "CONTENT_WORDS",
    "CONTENT_WORDS_NOT_STORY",
    "TAXONOMY_CLASS",
    "POST_TEMPLATE_CLASS",
    "POSITIVE_HINTS",
    "NEGATIVE_HINTS",
    "ASIDE_WORDS",
    "SIDE_BOX_HINTS",
    "DEK_HINTS",
    "CREDIT_HINTS",
)
RARE = 3  # an entry firing on fewer pages than this is ablated on its own


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", scorer_path(data_dir()))
    if spec is None or spec.loader is None:
        raise SystemExit(f"ablation: no reference scorer at {scorer_path(data_dir())}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_pages(sets: list[str]) -> list[dict[str, Any]]:
    """Every page of the sets, keyed "set/id", the flattened scrapinghub set as FLAT."""
    pages = []
    for name in sets:
        with gzip.open(data_dir() / name / "pages.jsonl.gz", "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                row["key"] = f"{name}/{row['id']}"
                row["set"] = name
                pages.append(row)
                if name == "scrapinghub":
                    pages.append({**row, "key": f"{FLAT}/{row['id']}", "set": FLAT})
    return pages


# --- the worker: extraction of some pages with some rules switched off ---------------------------


def _worker() -> None:
    """Reads pages as JSON on stdin, writes {key: [article hash, tp, fp, fn]} on stdout."""
    from broadsheet.extract import clean_text, extract
    from broadsheet.extract.errors import ExtractError

    scorer = _scorer()
    pages = json.load(sys.stdin)
    out: dict[str, list[Any]] = {}
    for page in pages:
        if page["set"] == FLAT:
            seen = text = clean_text(scorer.flatten(page["html"]))
        else:
            try:
                article = extract(page["html"], url=page.get("url"))
                seen, text = repr(article), article.text
            except ExtractError as exc:
                seen, text = type(exc).__name__, ""
        digest = hashlib.sha1(seen.encode(), usedforsecurity=False).hexdigest()
        if "with" in page:
            got = scorer._ws(text or "")
            hit = sum(1 for w in page["with"] if scorer._ws(w) in got) if got else 0
            bad = sum(1 for w in page["without"] if scorer._ws(w) in got) if got else 0
            counts: tuple[float, float, float] = (hit, bad, len(page["with"]) - hit)
        else:
            counts = scorer.page_counts(page.get("text") or "", text or "")
        out[page["key"]] = [digest, *counts]
    json.dump(out, sys.stdout)


def run_worker(pages: list[dict[str, Any]], off: list[str]) -> dict[str, list[Any]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]))
    env["BROADSHEET_RULES_OFF"] = json.dumps(off)
    proc = subprocess.run(
        [sys.executable, __file__, "--worker"],
        input=json.dumps(pages),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"ablation: worker failed with {off}: {proc.stderr[-2000:]}")
    result: dict[str, list[Any]] = json.loads(proc.stdout)
    return result


# --- where rules fire ----------------------------------------------------------------------------


def _haystacks(page: dict[str, Any]) -> tuple[str, str]:
    """The page's text (text nodes and <meta> contents) and its class/id/role values, lower case."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(page["html"])
    except Exception:  # an unparsable page: nothing fires on it
        return "", ""
    text = " ".join(t for t in root.itertext() if isinstance(t, str))
    metas = " ".join(m.get("content") or "" for m in root.iter("meta"))
    attrs = " ".join(
        v
        for el in root.iter()
        if isinstance(el.tag, str)
        for k in ("class", "id", "role")
        if (v := el.get(k))
    )
    return " ".join(f"{text} {metas}".split()).lower(), attrs.lower()


# A pattern's anchors, and the runs of any character at its ends (".*", ".{0,80}"): dropping them
# only lets it match in more places, and searched along a whole page they cost the most.
_ANY_RUN = r"\.(?:\*|\+|\{\d*,?\d*\})\??"
_ENDS = re.compile(rf"^\^?(?:{_ANY_RUN})*|(?<!\\)(?:{_ANY_RUN})*\$?$")


def _matcher(table: str, entry: str) -> Callable[[str], bool]:
    """Whether the entry fires somewhere in a lower-case haystack."""
    if table in REGEX_TABLES and re.escape(entry) != entry:
        source = _ENDS.sub("", entry)
        # On lower-case text a pattern without upper-case letters needs no IGNORECASE, which
        # would keep re from skipping ahead to the pattern's first letter.
        lower = not any(ch.isupper() for ch in re.sub(r"\\.", "", source))
        pattern = re.compile(source, 0 if lower else re.IGNORECASE)
        return lambda hay: pattern.search(hay) is not None
    needle = entry.lower()
    return lambda hay: needle in hay


def rule_tables(names: list[str] | None) -> dict[str, tuple[str, ...]]:
    from broadsheet.extract import rules

    tables = {}
    for name in (*TEXT_TABLES, *(t for t in CLASS_TABLES if t not in TEXT_TABLES)):
        if names and name not in names:
            continue
        value = getattr(rules, name)
        tables[name] = (value,) if isinstance(value, str) else tuple(sorted(value))
    return tables


def firing(
    pages: list[dict[str, Any]], tables: dict[str, tuple[str, ...]]
) -> dict[tuple[str, str], list[str]]:
    """(table, entry) → the keys of the pages it fires on."""
    matchers = {(t, e): _matcher(t, e) for t, entries in tables.items() for e in entries}
    fires: dict[tuple[str, str], list[str]] = {rule: [] for rule in matchers}
    for page in pages:
        if page["set"] == FLAT:
            continue  # the same HTML as its scrapinghub page: the same firing
        text, attrs = _haystacks(page)
        for (table, entry), pattern in matchers.items():
            hay = text if table in TEXT_TABLES else attrs
            if pattern(hay):
                fires[(table, entry)].append(page["key"])
                if page["set"] == "scrapinghub":
                    fires[(table, entry)].append(f"{FLAT}/{page['id']}")
    return fires


# --- F1 per set from per-page counts ---------------------------------------------------------


def set_f1(
    counts: dict[str, list[Any]], set_name: str, snippets: bool, scorer: ModuleType
) -> float:
    rows = [v[1:] for k, v in counts.items() if k.split("/", 1)[0] == set_name]
    if snippets:
        tp = sum(r[0] for r in rows)
        fp = sum(r[1] for r in rows)
        fn = sum(r[2] for r in rows)
        return 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 0.0
    scored = [r for r in rows if r[0] + r[1] > 0]
    recalled = [r for r in rows if r[0] + r[2] > 0]
    precision = sum(scorer._prec(*r) for r in scored) / len(scored) if scored else 0.0
    recall = sum(scorer._rec(*r) for r in recalled) / len(recalled) if recalled else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def page_of(key: str) -> str:
    """A page's id across sets: the flattened scrapinghub page is its scrapinghub page."""
    set_name, _, page = key.partition("/")
    return f"scrapinghub/{page}" if set_name == FLAT else key


@dataclass
class Ablation:
    name: str  # "TABLE" or "TABLE:entry"
    fires: int  # pages it fires on (FLAT pages not counted again)
    changed: list[str] = field(default_factory=list)
    delta: dict[str, float] = field(default_factory=dict)  # set → F1 with it minus F1 without

    @property
    def pages(self) -> list[str]:
        """The pages changed, each once (a scrapinghub page and its flattened text are one)."""
        return sorted({page_of(k) for k in self.changed})


def ablate(
    name: str,
    keys: list[str],
    pages_by_key: dict[str, dict[str, Any]],
    base: dict[str, list[Any]],
    f1: dict[str, float],
    snippet_sets: set[str],
    scorer: ModuleType,
) -> Ablation:
    fires = sum(1 for k in keys if not k.startswith(FLAT + "/"))
    result = Ablation(name, fires)
    if not keys:
        return result
    got = run_worker([pages_by_key[k] for k in keys], [name])
    result.changed = sorted(k for k, v in got.items() if v[0] != base[k][0])
    for set_name in sorted({k.split("/", 1)[0] for k in result.changed}):
        without = {**base, **{k: got[k] for k in got if k.startswith(set_name + "/")}}
        after = set_f1(without, set_name, set_name in snippet_sets, scorer)
        result.delta[set_name] = f1[set_name] - after
    return result


# --- the report --------------------------------------------------------------------------------


def _delta_cells(a: Ablation, sets: list[str]) -> str:
    return " | ".join(f"{a.delta[s]:+.4f}" if s in a.delta else "" for s in sets)


def _cell(text: str) -> str:
    """A rule's name inside a markdown table cell and code span."""
    return text.replace("|", "\\|")


def report(
    tables: list[Ablation],
    rare: list[Ablation],
    never: list[str],
    sets: list[str],
    f1: dict[str, float],
    seconds: float,
) -> list[str]:
    head = "| rule | fires on | pages changed | " + " | ".join(sets) + " |"
    rule = "|---|---:|---:|" + "---:|" * len(sets)
    lines = [
        "# Rule ablation",
        "",
        f"- command: `.venv/bin/python bench/ablation.py` ({seconds:.0f} s)",
        "- F1 of each set with every rule: "
        + ", ".join(f"{s} {f1[s]:.4f}" for s in sets)
        + f" ({FLAT}: clean_text on flattened scrapinghub)",
        "- a set's cell: the F1 the rule adds (F1 with it minus F1 without it); empty when no "
        "page of that set changes. Pages changed: the Article (text, blocks or metadata) "
        "differs, so a byline table can change pages and no F1.",
        "- fires on: pages whose text (text tables) or class/id/role values (class tables) "
        "the entry matches; an upper bound of where the engine applies it (bench/ablation.py).",
        "",
        "## Each table switched off",
        "",
        head,
        rule,
    ]
    lines += [
        f"| {a.name} | {a.fires} | {len(a.pages)} | {_delta_cells(a, sets)} |" for a in tables
    ]
    helps_one = [a for a in rare if len(a.pages) == 1 and sum(a.delta.values()) > 0]
    idle_one = [a for a in rare if len(a.pages) == 1 and sum(a.delta.values()) <= 0]
    lines += [
        "",
        f"## Each rule firing on fewer than {RARE} pages, switched off",
        "",
        head,
        rule,
    ]
    lines += [
        f"| `{_cell(a.name)}` | {a.fires} | {len(a.pages)} | {_delta_cells(a, sets)} |"
        for a in rare
    ]
    lines += ["", "Pages changed:", ""]
    lines += [f"- `{_cell(a.name)}`: {', '.join(a.pages)}" for a in rare if a.changed]
    lines += [
        "",
        "## Rules that help only one page",
        "",
        "Rules firing on fewer than three pages whose removal changes one page and costs F1:",
        "",
    ]
    lines += [
        f"- `{_cell(a.name)}` on {a.pages[0]}: "
        + ", ".join(f"{s} {d:+.5f}" for s, d in a.delta.items())
        for a in helps_one
    ] or ["None."]
    lines += [
        "",
        "Rules firing on fewer than three pages that change one page and gain no F1 there:",
        "",
    ]
    lines += [
        f"- `{_cell(a.name)}` on {a.pages[0]}: "
        + (", ".join(f"{s} {d:+.5f}" for s, d in a.delta.items()) or "no F1 moved")
        for a in idle_one
    ] or ["None."]
    lines += ["", f"## Rules that fire on no page ({len(never)})", ""]
    lines += [", ".join(f"`{n}`" for n in never) or "None."]
    return lines


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["--worker"]:
        _worker()
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", nargs="*", help="only these tables (default: all)")
    ap.add_argument("--sets", nargs="*", default=list(SETS))
    ap.add_argument(
        "--no-tables", action="store_true", help="only the rare rules, not each whole table"
    )
    args = ap.parse_args(args_in)
    if not scorer_path(data_dir()).exists():
        print(f"ablation: no benchmark data at {data_dir()}", file=sys.stderr)
        return 2
    started = time.monotonic()
    scorer = _scorer()
    pages = load_pages(args.sets)
    pages_by_key = {p["key"]: p for p in pages}
    sets = [*args.sets, *([FLAT] if "scrapinghub" in args.sets else [])]
    snippet_sets = {p["set"] for p in pages if "with" in p}
    base = run_worker(pages, [])
    f1 = {s: set_f1(base, s, s in snippet_sets, scorer) for s in sets}
    print("ablation: " + ", ".join(f"{s} {f1[s]:.4f}" for s in sets), flush=True)
    tables = rule_tables(args.tables)
    fires = firing(pages, tables)
    print(f"ablation: firing counted for {len(fires)} rules", flush=True)
    table_runs = []
    for table, entries in tables.items() if not args.no_tables else ():
        keys = sorted({k for e in entries for k in fires[(table, e)]})
        a = ablate(table, keys, pages_by_key, base, f1, snippet_sets, scorer)
        table_runs.append(a)
        print(f"ablation: {table}: fires {a.fires}, changes {len(a.changed)}", flush=True)
    rare_runs, never = [], []
    for (table, entry), keys in sorted(fires.items()):
        name = table if len(tables[table]) == 1 else f"{table}:{entry}"
        fired = sum(1 for k in keys if not k.startswith(FLAT + "/"))
        if fired == 0:
            never.append(name)
        elif fired < RARE and len(tables[table]) > 1:
            a = ablate(name, keys, pages_by_key, base, f1, snippet_sets, scorer)
            rare_runs.append(a)
            print(f"ablation: {name}: fires {a.fires}, changes {len(a.changed)}", flush=True)
    lines = report(table_runs, rare_runs, never, sets, f1, time.monotonic() - started)
    path = results_dir() / "ablation.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
