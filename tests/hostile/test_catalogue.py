"""docs/security.md lists every case of the corpus, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from tests.hostile.corpus import CLASSES, every_case, load, render_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
BEGIN, END = "<!-- cases:begin -->", "<!-- cases:end -->"


def _block() -> str:
    text = DOC.read_text("utf-8")
    assert BEGIN in text and END in text, f"{DOC.name} has no {BEGIN} ... {END} block"
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def test_every_case_is_listed_and_every_listed_case_exists() -> None:
    listed = set(re.findall(r"^\| `([a-z]+/[a-z0-9-]+)` \|", _block(), re.MULTILINE))
    cases = {f"{case.klass}/{case.name}" for case in every_case()}
    assert sorted(cases - listed) == [], "cases missing from docs/security.md"
    assert sorted(listed - cases) == [], "docs/security.md lists cases that do not exist"


def test_the_table_is_the_generated_one() -> None:
    assert _block() == render_table(), (
        "regenerate the table: python -m tests.hostile.corpus, between the markers"
    )


def test_the_corpus_is_large_enough_and_every_class_has_cases() -> None:
    assert len(every_case()) >= 100
    for klass in CLASSES:
        assert load(klass), f"no cases in class {klass}"


def test_case_names_are_unique_across_classes() -> None:
    names = [case.name for case in every_case()]
    assert len(names) == len(set(names))
