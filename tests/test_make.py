"""The README's `make test` is all a newcomer runs: it installs what the suite needs when missing.

`make -n` prints what make would run without running it, so these tests see the plan for a
machine without Chromium (CHROMIUM pointed at a path that does not exist) and for one with it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _plan(*args: str) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is needed (apt-get install make)", pytrace=False)
    proc = subprocess.run(
        [make, "-n", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return proc.stdout


@pytest.mark.parametrize("target", ["test-sqlite", "test-postgres"])
def test_a_missing_chromium_is_installed_before_the_suite_runs(target: str, tmp_path: Path) -> None:
    missing = tmp_path / "no-browser" / "chromium"
    plan = _plan(target, f"CHROMIUM={missing}", "BROADSHEET_TEST_POSTGRES=postgresql://x/y")
    assert "apt-get install -y -qq chromium" in plan
    assert "is missing" in plan and "installing it" in plan  # it says what it installs
    assert plan.index("apt-get install") < plan.index("bin/pytest")


def test_an_installed_chromium_is_left_alone(tmp_path: Path) -> None:
    present = tmp_path / "chromium"
    present.write_text("#!/bin/sh\n")
    present.chmod(0o755)
    plan = _plan("test-sqlite", f"CHROMIUM={present}")
    assert "apt-get" not in plan
    assert "bin/pytest" in plan


def test_leaving_the_browser_tests_out_needs_no_chromium(tmp_path: Path) -> None:
    missing = tmp_path / "no-browser" / "chromium"
    plan = _plan("test-sqlite", f"CHROMIUM={missing}", "MARKS=not slow and not browser")
    assert "apt-get" not in plan
    assert '-m "not postgres and (not slow and not browser)"' in plan
