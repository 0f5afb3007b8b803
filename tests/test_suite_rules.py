"""The suite's own rules (tests/conftest.py): a marker selects, nothing skips.

Every marker declared in pyproject.toml marks some test (a declared marker that nothing uses
makes `-m "not postgres"` look like it leaves something out), and no test skips itself for
something missing: it fails and says how to get it. The one skip is the deliberate
BROADSHEET_PURE_PYTHON=1 switch, in tests/extract/conftest.py.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
ALLOWED_SKIPS = {TESTS / "extract" / "conftest.py"}
SKIP = re.compile(r"pytest\.(skip\(|importorskip\(|mark\.skip\b|mark\.skipif\b)|@skip")


def _test_sources() -> dict[Path, str]:
    here = Path(__file__).resolve()
    return {
        p: p.read_text("utf-8")
        for p in TESTS.rglob("*.py")
        if p != here and "cases" not in p.relative_to(TESTS).parts
    }


def test_every_declared_marker_marks_a_test() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    declared = [m.split(":")[0].strip() for m in config["tool"]["pytest"]["ini_options"]["markers"]]
    sources = "\n".join(_test_sources().values())
    unused = [name for name in declared if f"pytest.mark.{name}" not in sources]
    assert declared and not unused, f"declared but marking no test: {unused}"


def test_no_test_skips_itself() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path, text in _test_sources().items()
        if path not in ALLOWED_SKIPS
        for n, line in enumerate(text.splitlines(), 1)
        if SKIP.search(line)
    ]
    assert not offenders, "fail with a message instead of skipping:\n" + "\n".join(offenders)
