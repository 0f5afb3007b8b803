"""Switching a rule off by name (rules.switch_off, BROADSHEET_RULES_OFF at import): what the
ablation run (bench/ablation.py) measures each rule with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from broadsheet.extract import extract, rules

from .story_sentences import article_page, story

ROOT = Path(__file__).resolve().parents[2]
RELATED = r"related( (stories|articles|coverage|content|posts|news|links|reading))?"
TEASER = (
    "The ferry timetable changes again next spring, when the harbour board meets to weigh the "
    "winter crossings and the fares."
)
# A story, then a "Related" header and a teaser: the stop header ends the body there.
PAGE = article_page(story() + f"<h2>Related</h2><p>{TEASER}</p>")


def _text_with_rules_off(names: list[str]) -> str:
    code = (
        "import sys; from broadsheet.extract import extract; "
        "print(extract(sys.stdin.read(), url='https://news.example/a').text)"
    )
    env = dict(os.environ, BROADSHEET_RULES_OFF=json.dumps(names))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        input=PAGE,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return proc.stdout


def test_the_stop_header_ends_the_story() -> None:
    text = extract(PAGE, url="https://news.example/a").text
    assert TEASER not in text
    assert RELATED in rules.BODY_STOP_HEADERS


def test_switching_the_named_rule_off_changes_the_page() -> None:
    assert TEASER in _text_with_rules_off([f"BODY_STOP_HEADERS:{RELATED}"])


def test_switching_another_rule_off_leaves_the_page_as_it_was() -> None:
    assert TEASER not in _text_with_rules_off(["CHROME_PHRASES:saved items"])


def test_switch_off_empties_a_table_entry_by_entry_or_whole() -> None:
    tables: dict[str, object] = {
        "STOP": ("a", "b"),
        "WORDS": frozenset({"x"}),
        "LINE": r"^by .*$",
    }
    rules.switch_off(["STOP:a", "WORDS", "LINE"], tables)
    # A table left empty holds one entry nothing matches: an empty alternation matches all.
    assert tables == {"STOP": ("b",), "WORDS": frozenset({rules.NEVER}), "LINE": rules.NEVER}


@pytest.mark.parametrize("name", ["STOP:c", "NOT_A_TABLE", "lower:a"])
def test_a_name_that_is_no_rule_is_an_error(name: str) -> None:
    tables: dict[str, object] = {"STOP": ("a", "b"), "lower": ("a",)}
    with pytest.raises(KeyError):
        rules.switch_off([name], tables)
