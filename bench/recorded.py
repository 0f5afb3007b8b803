"""Any extractor of the bench, wrapped so that each page's outcome is noted as it runs.

`bench/extraction.py` hands the reference scorer `--callable bench.recorded:run` with the real
extractor named in BROADSHEET_BENCH_TARGET (the scorer arguments it would have had, e.g.
"--anchor trafilatura" or "--callable broadsheet.extract:extract"). The wrapper calls it and
notes, per call, the length of the stripped text it returned or the name of the error it raised;
at exit the notes go to BROADSHEET_BENCH_OUTPUTS as JSON. The scorer calls the extractor once per
page in the set's order after its warm-up calls, so the last N notes are the N pages'.

The note is a list append: the speed the scorer measures is the extractor's own.
"""

from __future__ import annotations

import atexit
import importlib
import importlib.util
import json
import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET = "BROADSHEET_BENCH_TARGET"
OUTPUTS = "BROADSHEET_BENCH_OUTPUTS"
SCORER = "BROADSHEET_BENCH_SCORER"

_notes: list[tuple[str | None, int | str]] = []
_target: Callable[..., Any] | None = None
_flattened = False


def _resolve() -> Callable[..., Any]:
    args = shlex.split(os.environ[TARGET])
    kind, spec = args[0], args[1]
    if kind == "--anchor":
        loader = importlib.util.spec_from_file_location("score_extraction", os.environ[SCORER])
        if loader is None or loader.loader is None:
            raise RuntimeError(f"no reference scorer at {os.environ[SCORER]}")
        scorer = importlib.util.module_from_spec(loader)
        loader.loader.exec_module(scorer)
        fn: Callable[..., Any] = scorer.anchor(spec)
        return fn
    module, _, name = spec.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


def run(x: str, url: str | None = None) -> Any:
    """The target extractor on x, its outcome noted. Called as fn(text) on flattened input."""
    global _target, _flattened
    if _target is None:
        _target = _resolve()
        _flattened = "--flatten" in shlex.split(os.environ[TARGET])
        atexit.register(_write)
    try:
        out = _target(x) if _flattened else _target(x, url=url)
    except BaseException as exc:
        _notes.append((url, type(exc).__name__))
        raise
    text = out if isinstance(out, str) or out is None else getattr(out, "text", str(out))
    _notes.append((url, len((text or "").strip())))
    return out


def _write() -> None:
    path = os.environ.get(OUTPUTS)
    if path:
        Path(path).write_text(json.dumps(_notes))


def outcomes(notes: list[Any], rows: list[dict[str, Any]]) -> list[int | str]:
    """The pages' outcomes, in the rows' order: the last len(rows) notes (the ones before are
    the scorer's warm-up calls). A length, or the name of the error raised."""
    if len(notes) < len(rows):
        raise ValueError(f"{len(notes)} notes for {len(rows)} pages")
    mine = notes[len(notes) - len(rows) :]
    return [outcome for _url, outcome in mine]
