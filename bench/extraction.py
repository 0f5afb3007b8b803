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
import gc
import gzip
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


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
SETS = ("scrapinghub", "dragnet", "readability", "cleaneval")


def data_dir() -> Path:
    env = os.environ.get("BROADSHEET_BENCH_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "bench" / "extraction"


def scorer_path(data: Path) -> Path:
    return data.parent / "score_extraction.py"


def _pin_one_cpu() -> None:
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})


def score(extractor: Extractor, set_dir: Path, *, limit: int = 0) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="bench-")) / "result.json"
    cmd = [sys.executable, str(scorer_path(set_dir.parent)), str(set_dir), *extractor.args]
    cmd += ["--json", str(out)]
    if limit:
        cmd += ["--limit", str(limit)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]))
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, preexec_fn=_pin_one_cpu
    )
    if proc.returncode != 0 or not out.exists():
        return {"extractor": extractor.name, "set": set_dir.name, "failed": proc.stderr[-2000:]}
    result: dict[str, Any] = json.loads(out.read_text())
    shutil.rmtree(out.parent, ignore_errors=True)
    result["extractor"] = extractor.name
    return result


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


def own_memory(extractor: Extractor, set_dir: Path) -> float | None:
    cmd = [sys.executable, __file__, "--memory-child", str(set_dir), extractor.name]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, preexec_fn=_pin_one_cpu)
    try:
        return float(json.loads(proc.stdout.strip().splitlines()[-1])["own_peak_mb"])
    except (IndexError, KeyError, ValueError):
        return None


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
    results: list[dict[str, Any]], memory: dict[str, float | None], argv: list[str]
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
        "set on scrapinghub.",
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
            "Broadsheet / trafilatura pages per second on scrapinghub, same run: "
            f"**{ratio:.1f} times**.",
        ]
    errors = [r for r in results if r.get("errors") or r.get("empty") or "failed" in r]
    if errors:
        lines += ["", "## Empty outputs and errors", ""]
        for r in errors:
            detail = r.get("failed", "")[-200:].replace("\n", " ") if "failed" in r else ""
            lines.append(
                f"- {r['extractor']} on {r['set']}: empty {r.get('empty', '—')}, errors "
                f"{r.get('errors', {})} {detail}"
            )
    path = results_path / "extraction.md"
    path.write_text("\n".join(lines) + "\n")
    (results_path / "extraction.json").write_text(
        json.dumps(results, indent=1, sort_keys=True) + "\n"
    )
    return path


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
    ap.add_argument("--no-memory", action="store_true")
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
        r = score(extractor, data / set_name, limit=args.limit)
        results.append(r)
        shown = f"F1 {r['f1']:.3f}, {r['pages_per_s']:.1f} pages/s" if "f1" in r else "FAILED"
        print(
            f"[{i}/{len(jobs)}] {set_name:12} {extractor.name:24} {shown} "
            f"({time.monotonic() - t0:.0f} s)",
            flush=True,
        )
    memory: dict[str, float | None] = {}
    if not args.no_memory and (data / "scrapinghub").exists():
        for extractor in chosen:
            memory[extractor.name] = own_memory(extractor, data / "scrapinghub")
            print(
                f"memory {extractor.name:24} {_fmt(memory[extractor.name], '.1f')} MB", flush=True
            )
    report = write_report(results, memory, argv)
    picture = plot(results)
    print(
        f"wrote {report}"
        + (f" and {picture}" if picture else "")
        + f" in {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
