"""Broadsheet's extraction engine beside the open extractors, on every benchmark set.

    .venv/bin/python bench/extraction.py                 # everything (make bench)
    .venv/bin/python bench/extraction.py --sets scrapinghub --extractors broadsheet trafilatura

Every (extractor, set) runs in a fresh process pinned to one CPU, through the reference scorer
(`score_extraction.py` beside the data), so F1 and pages per second come from the same code that
is quoted everywhere. Each extractor's own peak memory is measured separately on scrapinghub: the
peak resident memory while it extracts every page, above what the process held once the set was
loaded. Results: bench/results/extraction.md (table, versions, machine, command) and
bench/results/extraction.png (F1 against pages per second, one panel per set).

Data: BROADSHEET_BENCH_DATA (default ../shared/bench/extraction next to the checkout); the
report goes to BROADSHEET_BENCH_RESULTS (default bench/results).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import gzip
import importlib.metadata
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import recorded  # noqa: E402


def results_dir() -> Path:
    """Where the report goes: BROADSHEET_BENCH_RESULTS, else bench/results."""
    env = os.environ.get("BROADSHEET_BENCH_RESULTS")
    return Path(env) if env else ROOT / "bench" / "results"


@dataclass(frozen=True)
class Extractor:
    name: str
    args: tuple[str, ...]  # how the reference scorer is told to run it
    package: str | None  # distribution whose version is reported
    flatten: bool = False


EXTRACTORS: tuple[Extractor, ...] = (
    Extractor("broadsheet", ("--callable", "broadsheet.extract:extract"), "broadsheet"),
    Extractor("trafilatura", ("--anchor", "trafilatura"), "trafilatura"),
    Extractor("trafilatura precision", ("--anchor", "trafilatura_precision"), "trafilatura"),
    Extractor("readability-lxml", ("--anchor", "readability"), "readability-lxml"),
    Extractor("resiliparse", ("--anchor", "resiliparse"), "resiliparse"),
    Extractor("justext", ("--anchor", "justext"), "justext"),
    Extractor("newspaper4k", ("--anchor", "newspaper4k"), "newspaper4k"),
    Extractor("goose3", ("--callable", "bench.anchors:goose3"), "goose3"),
)
FLATTENED = (
    Extractor(
        "broadsheet clean_text",
        ("--callable", "broadsheet.extract:clean_text", "--flatten"),
        "broadsheet",
        flatten=True,
    ),
    # The baseline of the flattened task: every visible line kept (what clean_text starts from).
    Extractor("all lines kept", ("--anchor", "alltext"), None, flatten=True),
)
SETS = ("scrapinghub", "dragnet", "readability", "cleaneval", "multilingual")


def data_dir() -> Path:
    env = os.environ.get("BROADSHEET_BENCH_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "bench" / "extraction"


def scorer_path(data: Path) -> Path:
    return data.parent / "score_extraction.py"


def _pin_one_cpu() -> None:
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})


def score(
    extractor: Extractor, set_dir: Path, *, limit: int = 0, record: bool = False
) -> dict[str, Any]:
    """The reference scorer's result for one extractor on one set. With `record`, the extractor
    runs wrapped (bench/recorded.py) and the result also says which pages came out missing or
    short ("missing", see missing_outputs)."""
    out = Path(tempfile.mkdtemp(prefix="bench-")) / "result.json"
    args = extractor.args
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]))
    if record:
        args = ("--callable", "bench.recorded:run", *(("--flatten",) if extractor.flatten else ()))
        env[recorded.TARGET] = shlex.join(extractor.args)
        env[recorded.OUTPUTS] = str(out.parent / "outputs.json")
        env[recorded.SCORER] = str(scorer_path(set_dir.parent))
    cmd = [sys.executable, str(scorer_path(set_dir.parent)), str(set_dir), *args]
    cmd += ["--json", str(out)]
    if limit:
        cmd += ["--limit", str(limit)]
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, preexec_fn=_pin_one_cpu
    )
    if proc.returncode != 0 or not out.exists():
        return {"extractor": extractor.name, "set": set_dir.name, "failed": proc.stderr[-2000:]}
    result: dict[str, Any] = json.loads(out.read_text())
    if record and (out.parent / "outputs.json").exists():
        rows = _truths(set_dir)[: limit or None]
        notes = json.loads((out.parent / "outputs.json").read_text())
        result["missing"] = missing_outputs(rows, recorded.outcomes(notes, rows))
    shutil.rmtree(out.parent, ignore_errors=True)
    result["extractor"] = extractor.name
    return result


# --- pages that hold a story and came out without one ---------------------------------------------

# A page holds a story when its reference text has this many words (\w+ tokens, as the scorer
# counts them). The multilingual set has no full text, only "with" snippets (text the output must
# hold): samples of the story, median 16 words a page. There a page counts when its snippets
# together hold MIN_SNIPPET_WORDS words: running text the page must yield, not a label.
MIN_STORY_WORDS = 50
MIN_SNIPPET_WORDS = 15
# Output shorter than this (stripped) on such a page: a caption, a tagline, a strip of metadata.
SHORT_CHARS = 150
_WORD = re.compile(r"\w+")


@functools.cache
def _truths(set_dir: Path) -> list[dict[str, Any]]:
    """The set's pages without their HTML: id, and text or with-snippets."""
    with gzip.open(set_dir / "pages.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [{k: v for k, v in row.items() if k != "html"} for row in rows]


def holds_story(row: dict[str, Any]) -> bool:
    if "with" in row:
        return sum(len(_WORD.findall(w)) for w in row["with"]) >= MIN_SNIPPET_WORDS
    return len(_WORD.findall(row.get("text") or "")) >= MIN_STORY_WORDS


def missing_outputs(rows: list[dict[str, Any]], outcomes: list[int | str]) -> dict[str, Any]:
    """Of the pages that hold a story: those with no text (an error such as NoArticle, or empty
    output) and those with output under SHORT_CHARS characters, by page id."""
    counted = 0
    no_text: list[str] = []
    short: list[str] = []
    for row, outcome in zip(rows, outcomes, strict=True):
        if not holds_story(row):
            continue
        counted += 1
        if isinstance(outcome, str) or outcome == 0:
            no_text.append(f"{row['id']}" + (f" ({outcome})" if isinstance(outcome, str) else ""))
        elif outcome < SHORT_CHARS:
            short.append(str(row["id"]))
    return {"counted": counted, "no_text": no_text, "short": short}


# --- memory: one extractor in a child process ---------------------------------------------------


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _memory_child(set_dir: Path, extractor: Extractor) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(scorer_path(set_dir.parent).parent)]
    import score_extraction as sc

    with gzip.open(set_dir / "pages.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    kind, spec = extractor.args[0], extractor.args[1]
    if kind == "--anchor":
        fn = sc.anchor(spec)
    else:
        mod, _, name = spec.partition(":")
        fn = getattr(importlib.import_module(mod), name)
    # Imports and lazy set-up count as the tool's own memory; a crash scores as empty anyway.
    with contextlib.suppress(Exception):
        fn(rows[0]["html"], url=rows[0].get("url"))
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    base = _rss_kb("VmRSS")
    for row in rows:
        try:
            fn(row["html"], url=row.get("url"))
        except Exception:
            continue
    print(json.dumps({"own_peak_mb": (_rss_kb("VmHWM") - base) / 1024}))


# The own peak of the same extractor moves by half a megabyte from one fresh process to the
# next (where glibc and pymalloc happen to place the largest page's tree): the median of this
# many runs is reported.
MEMORY_RUNS = 3


def own_memory(extractor: Extractor, set_dir: Path, runs: int = MEMORY_RUNS) -> float | None:
    """The median own peak (MB) over `runs` fresh processes; None when none gave a figure."""
    cmd = [sys.executable, __file__, "--memory-child", str(set_dir), extractor.name]
    peaks = []
    for _ in range(runs):
        proc = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, preexec_fn=_pin_one_cpu
        )
        try:
            peaks.append(float(json.loads(proc.stdout.strip().splitlines()[-1])["own_peak_mb"]))
        except (IndexError, KeyError, ValueError):
            continue
    return statistics.median(peaks) if peaks else None


# One run of the same extractor on this machine differs from the next by up to a fifth (the
# machine is shared): the speed goal is judged on SPEED_ROUNDS rounds, each one run of
# broadsheet and one of trafilatura back to back through the reference scorer (which goes first
# alternating), every run a fresh process pinned to one CPU, and on the median of the rounds'
# ratios.
SPEED_ROUNDS = 9
SPEED_PAIR = ("broadsheet", "trafilatura")


def speed_rounds(set_dir: Path, rounds: int) -> dict[str, list[float]]:
    """Pages per second of each extractor of SPEED_PAIR, run by run, over `rounds` rounds."""
    pair = [next(e for e in EXTRACTORS if e.name == name) for name in SPEED_PAIR]
    found: dict[str, list[float]] = {name: [] for name in SPEED_PAIR}
    for i in range(rounds):
        for extractor in pair if i % 2 == 0 else pair[::-1]:
            found[extractor.name].append(float(score(extractor, set_dir).get("pages_per_s") or 0))
        mine, theirs = (found[name][-1] for name in SPEED_PAIR)
        shown = f"{mine / theirs:.2f} times" if theirs else "failed"
        print(
            f"speed round {i + 1}/{rounds}: {mine:.0f} vs {theirs:.0f} pages/s, {shown}",
            flush=True,
        )
    return found


def round_ratios(rounds: dict[str, list[float]]) -> list[float]:
    """Each round's broadsheet / trafilatura pages per second (rounds where both ran)."""
    mine, theirs = (rounds.get(name, []) for name in SPEED_PAIR)
    return [a / b for a, b in zip(mine, theirs, strict=False) if a and b]


def _hostile_table(rows: list[dict[str, Any]]) -> list[str]:
    from bench.hostile import table

    return table(rows)


# --- the goals of issue 4, checked from one run ---------------------------------------------------

SCRAPINGHUB_GOAL = 0.975
SPEED_GOAL = 5.0
# The byline goal is on issue 11's decided comparison (bench/metadata.py, "byline decided").
METADATA_GOALS = {"title": 0.95, "byline decided": 0.90, "site name": 0.90, "published": 0.90}
CLEAN_TEXT_GOAL = 0.90


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def goals(
    results: list[dict[str, Any]],
    memory: dict[str, float | None],
    hostile_rows: list[dict[str, Any]] | None,
    metadata: dict[str, float] | None,
) -> list[str]:
    """The summary table at the top of the report: each goal, its figure, met or not."""
    by = {(r["extractor"], r["set"]): r for r in results if "f1" in r}
    flattened = {e.name for e in FLATTENED}
    rows: list[tuple[str, str, str, bool | None]] = []
    for s in SETS:
        mine = by.get(("broadsheet", s))
        peers = [
            (r["f1"], name)
            for (name, set_name), r in by.items()
            if set_name == s and name != "broadsheet" and name not in flattened
        ]
        if mine is None or not peers:
            continue
        best, best_name = max(peers)
        target = max(best, SCRAPINGHUB_GOAL) if s == "scrapinghub" else best
        label = f"≥ {best:.3f} ({best_name})" + (
            f" and ≥ {SCRAPINGHUB_GOAL}" if s == "scrapinghub" else ""
        )
        rows.append((f"F1 {s}", label, f"{mine['f1']:.3f}", mine["f1"] >= target))
    mine_s = by.get(("broadsheet", "scrapinghub"))
    theirs = by.get(("trafilatura", "scrapinghub"))
    ratios = round_ratios(mine_s.get("speed_rounds", {})) if mine_s else []
    if ratios:
        rounds = mine_s["speed_rounds"] if mine_s else {}
        ratio = statistics.median(ratios)
        rows.append(
            (
                "speed on scrapinghub",
                f"≥ {SPEED_GOAL:.0f} times trafilatura (median of {len(ratios)} rounds)",
                f"{ratio:.2f} times (rounds {min(ratios):.2f} to {max(ratios):.2f}; medians "
                f"{statistics.median(rounds['broadsheet']):.0f} vs "
                f"{statistics.median(rounds['trafilatura']):.0f} pages/s)",
                ratio >= SPEED_GOAL,
            )
        )
    elif mine_s and theirs and theirs.get("pages_per_s"):
        ratio = mine_s["pages_per_s"] / theirs["pages_per_s"]
        rows.append(
            (
                "speed on scrapinghub",
                f"≥ {SPEED_GOAL:.0f} times trafilatura",
                f"{ratio:.1f} times ({mine_s['pages_per_s']:.0f} vs "
                f"{theirs['pages_per_s']:.0f} pages/s)",
                ratio >= SPEED_GOAL,
            )
        )
    mine_m, theirs_m = memory.get("broadsheet"), memory.get("trafilatura")
    if mine_m is not None and theirs_m is not None:
        rows.append(
            (
                "own peak memory, scrapinghub",
                f"≤ trafilatura ({theirs_m:.1f} MB)",
                f"{mine_m:.1f} MB",
                mine_m <= theirs_m,
            )
        )
    for name, target in METADATA_GOALS.items():
        if metadata and name in metadata:
            got = metadata[name]
            rows.append((f"metadata {name}", f"≥ {target:.0%}", f"{got:.1%}", got >= target))
    flat = by.get(("broadsheet clean_text", "scrapinghub"))
    if flat:
        rows.append(
            (
                "clean_text, flattened scrapinghub",
                f"≥ {CLEAN_TEXT_GOAL:.2f}",
                f"{flat['f1']:.3f}",
                flat["f1"] >= CLEAN_TEXT_GOAL,
            )
        )
    if hostile_rows:
        times = [r["seconds"] for r in hostile_rows if r["seconds"] is not None]
        crashed = len(times) < len(hostile_rows)
        slowest = max(times, default=0.0)
        rows.append(
            (
                f"hostile input ({len(hostile_rows)} inputs)",
                "each within 1 s, a result or a typed error",
                f"slowest {slowest:.2f} s" + (", a crash" if crashed else ""),
                not crashed and slowest <= 1.0,
            )
        )
    if not rows:
        return []
    lines = ["## Goals (issue 4)", "", "| goal | target | this run | |", "|---|---|---|---|"]
    lines += [f"| {g} | {t} | {v} | {_met(ok)} |" for g, t, v, ok in rows]
    return [*lines, ""]


# --- the report -----------------------------------------------------------------------------------


def _version(package: str | None) -> str:
    if package is None:
        return "—"
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cpu = model or platform.processor()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {platform.platform()}, Python {platform.python_version()}"
    )


def _fmt(value: Any, pattern: str) -> str:
    return "—" if value is None else format(value, pattern)


def write_report(
    results: list[dict[str, Any]],
    memory: dict[str, float | None],
    argv: list[str],
    *,
    hostile_rows: list[dict[str, Any]] | None = None,
    metadata: dict[str, float] | None = None,
) -> Path:
    results_path = results_dir()
    results_path.mkdir(parents=True, exist_ok=True)
    sets = [s for s in SETS if any(r["set"] == s for r in results)]
    names = list(dict.fromkeys(r["extractor"] for r in results))
    by = {(r["extractor"], r["set"]): r for r in results}
    lines = [
        "# Extraction benchmark",
        "",
        f"- command: `{' '.join(['.venv/bin/python', 'bench/extraction.py', *argv])}`",
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {_machine()}; each run pinned to one CPU, one page at a time",
        "- scorer: the reference `score_extraction.py` (ScrapingHub metric: 4-token shingles, "
        "precision and recall averaged over pages)",
        "",
        *goals(results, memory, hostile_rows, metadata),
        "## F1 (precision / recall)",
        "",
        "| extractor | version | " + " | ".join(f"{s}" for s in sets) + " |",
        "|---|---|" + "---|" * len(sets),
    ]
    for name in names:
        package = next(e.package for e in (*EXTRACTORS, *FLATTENED) if e.name == name)
        cells = []
        for s in sets:
            r = by.get((name, s))
            if r is None:
                cells.append("")
            elif "failed" in r:
                cells.append("failed")
            else:
                cells.append(f"**{r['f1']:.3f}** ({r['precision']:.3f} / {r['recall']:.3f})")
        lines.append(f"| {name} | {_version(package)} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Speed and memory",
        "",
        "Pages per second inside the extractor call (one core). Peak memory: the scorer's "
        "whole process (the loaded set included) and the extractor's own peak above the loaded "
        f"set on scrapinghub (the median of {MEMORY_RUNS} fresh processes).",
        "",
        "| extractor | "
        + " | ".join(f"{s} pages/s" for s in sets)
        + " | scorer peak MB (scrapinghub) | own peak MB (scrapinghub) |",
        "|---|" + "---:|" * (len(sets) + 2),
    ]
    for name in names:
        speeds = [_fmt(by.get((name, s), {}).get("pages_per_s"), ".1f") for s in sets]
        peak = _fmt(by.get((name, "scrapinghub"), {}).get("peak_rss_mb"), ".0f")
        lines.append(
            f"| {name} | " + " | ".join(speeds) + f" | {peak} | {_fmt(memory.get(name), '.1f')} |"
        )
    broadsheet = by.get(("broadsheet", "scrapinghub"))
    trafilatura = by.get(("trafilatura", "scrapinghub"))
    if (
        broadsheet
        and trafilatura
        and broadsheet.get("pages_per_s")
        and trafilatura.get("pages_per_s")
    ):
        ratio = broadsheet["pages_per_s"] / trafilatura["pages_per_s"]
        lines += [
            "",
            "Broadsheet / trafilatura pages per second on scrapinghub, the runs above: "
            f"**{ratio:.1f} times**.",
        ]
    rounds = (broadsheet or {}).get("speed_rounds", {})
    ratios = round_ratios(rounds)
    if ratios:
        lines += [
            "",
            f"The speed pair on scrapinghub, {len(ratios)} rounds (one run of each, back to "
            "back, which goes first alternating; each run a fresh process on one CPU; "
            "`SPEED_ROUNDS` in bench/extraction.py): median ratio "
            f"**{statistics.median(ratios):.2f} times**.",
            "",
            "| round | broadsheet pages/s | trafilatura pages/s | ratio |",
            "|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {i} | {a:.0f} | {b:.0f} | {a / b:.2f} |"
            for i, (a, b) in enumerate(zip(*(rounds[n] for n in SPEED_PAIR), strict=False), 1)
            if a and b
        ]
    if hostile_rows:
        lines += [
            "",
            "## Hostile input (`bench/hostile.py`)",
            "",
            "Each input once through `extract`, one core, after a warm-up page.",
            "",
            *_hostile_table(hostile_rows),
        ]
    lines += missing_table(results, sets)
    errors = [r for r in results if r.get("errors") or r.get("empty") or "failed" in r]
    if errors:
        lines += ["", "## Empty outputs and errors", ""]
        for r in errors:
            detail = r.get("failed", "")[-200:].replace("\n", " ") if "failed" in r else ""
            lines.append(
                f"- {r['extractor']} on {r['set']}: empty {r.get('empty', '—')}, errors "
                f"{r.get('errors', {})} {detail}"
            )
    for r in results:
        if r["set"] == "scrapinghub" and memory.get(r["extractor"]) is not None:
            r["own_peak_mb"] = memory[r["extractor"]]
    path = results_path / "extraction.md"
    path.write_text("\n".join(lines) + "\n")
    missing = missing_pages(results)
    if missing:
        (results_path / "missing_outputs.md").write_text("\n".join(missing) + "\n")
    (results_path / "extraction.json").write_text(
        json.dumps(results, indent=1, sort_keys=True) + "\n"
    )
    return path


_MISSING_DEFINITION = (
    f"Pages that hold a story: reference text of at least {MIN_STORY_WORDS} words; on "
    f"multilingual (snippet truth), `with` snippets of at least {MIN_SNIPPET_WORDS} words "
    "together. Of those, **no text**: the extractor raised (Broadsheet's NoArticle) or returned "
    f"nothing; **short**: under {SHORT_CHARS} characters. Page ids: missing_outputs.md."
)


def missing_table(results: list[dict[str, Any]], sets: list[str]) -> list[str]:
    """Per extractor and set: pages with no text / pages with short text, of those counted."""
    recorded_runs = [r for r in results if "missing" in r]
    if not recorded_runs:
        return []
    by = {(r["extractor"], r["set"]): r["missing"] for r in recorded_runs}
    names = list(dict.fromkeys(r["extractor"] for r in recorded_runs))
    counted = {s: next((m["counted"] for (_, s2), m in by.items() if s2 == s), None) for s in sets}
    lines = [
        "",
        "## Stories missed: no text / short text",
        "",
        _MISSING_DEFINITION,
        "",
        "| extractor | " + " | ".join(f"{s} ({_fmt(counted[s], 'd')} pages)" for s in sets) + " |",
        "|---|" + "---:|" * len(sets),
    ]
    for name in names:
        cells = []
        for s in sets:
            m = by.get((name, s))
            cells.append("" if m is None else f"{len(m['no_text'])} / {len(m['short'])}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def missing_pages(results: list[dict[str, Any]]) -> list[str]:
    """bench/results/missing_outputs.md: the page ids behind missing_table, per run."""
    runs = [
        r
        for r in results
        if r.get("missing", {}).get("no_text") or r.get("missing", {}).get("short")
    ]
    if not any("missing" in r for r in results):
        return []
    lines = ["# Stories missed, page by page", "", _MISSING_DEFINITION, ""]
    for r in runs:
        m = r["missing"]
        lines.append(f"## {r['extractor']} on {r['set']} ({m['counted']} pages counted)")
        lines.append("")
        if m["no_text"]:
            lines.append(f"- no text ({len(m['no_text'])}): " + ", ".join(m["no_text"]))
        if m["short"]:
            lines.append(f"- short ({len(m['short'])}): " + ", ".join(m["short"]))
        lines.append("")
    if not runs:
        lines.append("None: every extractor gave text on every page counted.")
    return lines


def plot(results: list[dict[str, Any]]) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError:
        print("matplotlib is not installed: no plot (install the bench group)", file=sys.stderr)
        return None
    sets = [s for s in SETS if any(r["set"] == s and "f1" in r for r in results)]
    fig, axes = plt.subplots(1, len(sets), figsize=(4.2 * len(sets), 4), squeeze=False)
    for ax, s in zip(axes[0], sets, strict=True):
        for r in results:
            flattened = r["extractor"] in {e.name for e in FLATTENED}
            if r["set"] != s or "f1" not in r or not r.get("pages_per_s") or flattened:
                continue
            mine = r["extractor"] == "broadsheet"
            ax.scatter(
                r["pages_per_s"], r["f1"], s=60 if mine else 30, c="#9c2b1e" if mine else "#555"
            )
            ax.annotate(
                r["extractor"],
                (r["pages_per_s"], r["f1"]),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
            )
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title(s)
        ax.set_xlabel("pages per second (one core, log)")
        ax.set_ylabel("F1")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    path = results_dir() / "extraction.png"
    fig.savefig(path, dpi=110)
    return path


def _merged(
    results: list[dict[str, Any]], memory: dict[str, float | None]
) -> tuple[list[dict[str, Any]], dict[str, float | None]]:
    """This run's results over the last report's (extraction.json): the pairs run now replace
    theirs, the others are kept, with the own-memory figures they carried."""
    path = results_dir() / "extraction.json"
    old: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    fresh = {(r["extractor"], r["set"]) for r in results}
    kept = [r for r in old if (r["extractor"], r["set"]) not in fresh]
    merged_memory = {
        r["extractor"]: r["own_peak_mb"] for r in kept if r.get("own_peak_mb") is not None
    }
    merged_memory.update({k: v for k, v in memory.items() if v is not None})
    order = {e.name: i for i, e in enumerate((*EXTRACTORS, *FLATTENED))}
    merged = sorted(
        [*kept, *results], key=lambda r: (SETS.index(r["set"]), order.get(r["extractor"], 99))
    )
    return merged, dict(merged_memory)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--memory-child"]:
        name = argv[2]
        extractor = next(e for e in EXTRACTORS if e.name == name)
        _memory_child(Path(argv[1]), extractor)
        return 0
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sets", nargs="*", default=list(SETS))
    ap.add_argument("--extractors", nargs="*", default=[e.name for e in EXTRACTORS])
    ap.add_argument("--limit", type=int, default=0, help="pages per set (0: all)")
    ap.add_argument(
        "--speed-rounds",
        type=int,
        default=SPEED_ROUNDS,
        help="rounds of the speed pair on scrapinghub, when both are run (0: none)",
    )
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--no-hostile", action="store_true", help="skip the hostile-input timings")
    ap.add_argument("--no-metadata", action="store_true", help="skip the metadata figures")
    ap.add_argument(
        "--merge",
        action="store_true",
        help="keep the last report's results for the (extractor, set) pairs not run now",
    )
    args = ap.parse_args(argv)
    data = data_dir()
    if not scorer_path(data).exists():
        print(f"no benchmark data at {data} (set BROADSHEET_BENCH_DATA)", file=sys.stderr)
        return 2
    chosen = [e for e in EXTRACTORS if e.name in args.extractors]
    results: list[dict[str, Any]] = []
    jobs = [(e, s) for s in args.sets for e in chosen]
    if "scrapinghub" in args.sets:
        jobs += [(e, "scrapinghub") for e in FLATTENED]
    started = time.monotonic()
    for i, (extractor, set_name) in enumerate(jobs, 1):
        t0 = time.monotonic()
        r = score(extractor, data / set_name, limit=args.limit, record=True)
        results.append(r)
        shown = f"F1 {r['f1']:.3f}, {r['pages_per_s']:.1f} pages/s" if "f1" in r else "FAILED"
        print(
            f"[{i}/{len(jobs)}] {set_name:12} {extractor.name:24} {shown} "
            f"({time.monotonic() - t0:.0f} s)",
            flush=True,
        )
    pair_run = all(name in args.extractors for name in SPEED_PAIR) and not args.limit
    if args.speed_rounds > 0 and pair_run and "scrapinghub" in args.sets:
        rounds = speed_rounds(data / "scrapinghub", args.speed_rounds)
        for r in results:
            if (r["extractor"], r["set"]) == ("broadsheet", "scrapinghub") and "f1" in r:
                r["speed_rounds"] = rounds
    memory: dict[str, float | None] = {}
    if not args.no_memory and (data / "scrapinghub").exists():
        for extractor in chosen:
            memory[extractor.name] = own_memory(extractor, data / "scrapinghub")
            print(
                f"memory {extractor.name:24} {_fmt(memory[extractor.name], '.1f')} MB", flush=True
            )
    rerun = sorted({r["extractor"] for r in results})
    if args.merge:
        results, memory = _merged(results, memory)
        argv = [*argv, f"(merged: {', '.join(rerun)} rerun; speed ratios then span two runs)"]
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    from bench import hostile
    from bench import metadata as metadata_bench

    hostile_rows = None if args.no_hostile else hostile.measure()
    metadata = None
    if not args.no_metadata and (data / metadata_bench.SET_NAME).exists():
        tallies = metadata_bench.measure(data / metadata_bench.SET_NAME, args.limit)
        metadata = {n: t.hits / t.given for n, t in tallies.items() if t.given}
    report = write_report(results, memory, argv, hostile_rows=hostile_rows, metadata=metadata)
    picture = plot(results)
    print(
        f"wrote {report}"
        + (f" and {picture}" if picture else "")
        + f" in {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
