"""Hostile input through `extract`, timed: the issue's goal 5 ("each returns within 1 s").

    .venv/bin/python bench/hostile.py        # prints the table; bench/extraction.py reports it

The inputs are the oversized and deep documents of the hostile corpus (tests/hostile/cases/dom,
built by the same function the tests use) and a set of broken, empty and non-HTML inputs made
here. Each runs once in a child process pinned to one CPU, after a warm-up on an ordinary page,
and the row says what came back (an article and its word count, or the typed error's code) and
how long `extract` took.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 1.0

_RUSSIAN = "Москва — столица России, крупнейший по численности населения город страны. " * 20
_PROSE = "The council met on Tuesday to vote on the harbour budget and the ferry timetable. " * 20


def _broken_inputs() -> Iterator[tuple[str, str, bytes | str]]:
    rnd = random.Random(4)
    page = f"<html><head><title>Story</title></head><body><p>{_PROSE}</p></body></html>"
    yield "empty", "zero bytes", b""
    yield "whitespace", "only whitespace", b" \n\t \r\n" * 1000
    yield "png", "a PNG image", b"\x89PNG\r\n\x1a\n" + rnd.randbytes(200_000)
    yield "pdf", "a PDF document", b"%PDF-1.7\n" + rnd.randbytes(200_000)
    yield "json", "a JSON document", json.dumps({"items": list(range(50_000))}).encode()
    yield "plain-text", "text with no markup", _PROSE.encode() * 50
    yield "random-bytes", "1 MB of random bytes", rnd.randbytes(1_000_000)
    yield "nul-bytes", "a page with NUL bytes between every character", "\x00".join(page).encode()
    yield (
        "invalid-utf8",
        "declared UTF-8 with invalid bytes throughout",
        page.encode().replace(b" ", b" \xff\xfe"),
    )
    yield (
        "cp1251-says-utf8",
        "windows-1251 bytes under a UTF-8 declaration",
        f'<html><head><meta charset="utf-8"></head><body><p>{_RUSSIAN}</p></body></html>'.encode(
            "cp1251"
        ),
    )
    yield (
        "utf16-no-bom",
        "UTF-16 without a byte order mark",
        page.encode("utf-16-le"),
    )
    yield "lone-brackets", "two million '<a' with nothing else", "<a" * 2_000_000
    yield (
        "unclosed-comment",
        "a comment that never ends, 5 MB",
        "<html><body><!--" + "x" * 5_000_000,
    )


def inputs() -> Iterator[tuple[str, str, bytes | str]]:
    """(name, what it is, the input) for every hostile input, the corpus's DOM cases first."""
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    from tests.hostile.corpus import load
    from tests.hostile.pages import build_dom_page

    for case in load("dom"):
        yield f"dom/{case.name}", case.about, build_dom_page(case)
    yield from _broken_inputs()


def _child() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    from broadsheet.extract import ExtractError, extract

    extract(f"<html><body><p>{_PROSE}</p></body></html>")  # imports and first-call set-up
    for name, about, data in inputs():
        start = time.perf_counter()
        try:
            article = extract(data, url="https://news.example/story")
            outcome = f"article, {article.word_count} words"
        except ExtractError as exc:
            outcome = f"`{exc.code}`"
        seconds = time.perf_counter() - start
        row = {"name": name, "about": about, "outcome": outcome, "seconds": seconds}
        print(json.dumps(row), flush=True)


def measure() -> list[dict[str, Any]]:
    """Run every input in a child process pinned to one CPU; one row per input."""
    from bench.extraction import _pin_one_cpu

    proc = subprocess.run(
        [sys.executable, __file__, "--child"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_pin_one_cpu,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0:
        rows.append(
            {"name": "(crashed)", "about": proc.stderr[-300:], "outcome": "crash", "seconds": None}
        )
    return rows


def table(rows: list[dict[str, Any]]) -> list[str]:
    """The markdown rows of the report."""
    lines = ["| input | what | outcome | seconds |", "|---|---|---|---:|"]
    for r in rows:
        seconds = "—" if r["seconds"] is None else f"{r['seconds']:.3f}"
        lines.append(f"| {r['name']} | {r['about']} | {r['outcome']} | {seconds} |")
    return lines


def main() -> int:
    if sys.argv[1:] == ["--child"]:
        _child()
        return 0
    sys.path[:0] = [str(ROOT)]
    rows = measure()
    print("\n".join(table(rows)))
    slowest = max((r["seconds"] for r in rows if r["seconds"] is not None), default=0.0)
    crashed = any(r["seconds"] is None for r in rows)
    print(f"slowest {slowest:.3f} s (goal: each within {LIMIT_S:.0f} s)")
    return 1 if crashed or slowest > LIMIT_S else 0


if __name__ == "__main__":
    sys.exit(main())
