"""The real `broadsheet` command in a subprocess, writing into a pipe whose reader stops early
(`broadsheet extract page.html | head`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.extract.story_sentences import STORY_SENTENCES, article_page


@pytest.fixture
def long_page(tmp_path: Path) -> Path:
    # Far more than a pipe holds (64 KiB on Linux): the command is still writing when the reader
    # goes, whichever format it prints.
    paragraphs = "".join(f"<p>{n}. {' '.join(STORY_SENTENCES)}</p>" for n in range(1, 400))
    path = tmp_path / "long.html"
    path.write_text(article_page(f"<h1>A long story</h1>{paragraphs}"), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_a_reader_that_stops_early_gets_no_traceback(long_page: Path, fmt: str) -> None:
    env = {**os.environ, "BROADSHEET_SECRET_KEY": "test-only-secret"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "broadsheet.cli", "extract", str(long_page), "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # what `head -1` reads before it exits
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert first.strip()
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert err == ""
    assert code == 141  # 128 + SIGPIPE, as a shell reports `yes | head`
