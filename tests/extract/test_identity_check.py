"""`make identity` (bench/identity.py --both): the compiled walks against their pure-Python twins
on every page; it fails when the two paths give different Articles."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import identity
from broadsheet.extract import dom
from tests.extract.compiled_paths import needs_compiled
from tests.extract.story_sentences import article_page, story

pytestmark = needs_compiled


def _a_set(root: Path) -> Path:
    pages = root / "mine"
    pages.mkdir()
    rows = [
        {"id": "story", "url": "https://news.example/a", "html": article_page(story())},
        {"id": "empty", "url": "https://news.example/b", "html": "<html><body></body></html>"},
    ]
    with gzip.open(pages / "pages.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in rows)
    return root


def test_the_same_articles_on_both_paths_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROADSHEET_BENCH_DATA", str(_a_set(tmp_path)))
    assert identity.main(["--both"]) == 0


def test_a_pure_twin_that_differs_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BROADSHEET_BENCH_DATA", str(_a_set(tmp_path)))
    # A pure-Python twin that no longer agrees with the compiled one.
    monkeypatch.setattr(dom, "_normalize_space", lambda text: " ".join(text.split()).upper())
    assert identity.main(["--both"]) == 1
    assert "1 differ: mine/story" in capsys.readouterr().out
