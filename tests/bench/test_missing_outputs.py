"""The bench's count of stories missed: pages that hold a story and came out with no text or a
short one, per extractor (bench/extraction.py, bench/recorded.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.extraction import holds_story, missing_outputs
from bench.recorded import outcomes

STORY = " ".join(["word"] * 60)


def test_a_story_is_fifty_words_of_reference_text_or_fifteen_of_snippets() -> None:
    assert holds_story({"text": STORY})
    assert not holds_story({"text": " ".join(["word"] * 49)})
    assert holds_story({"with": ["one two three four five six seven eight", "a b c d e f g"]})
    assert not holds_story({"with": ["a title only"], "without": []})


def test_missing_and_short_outputs_are_named_by_page() -> None:
    rows = [
        {"id": "a", "text": STORY},
        {"id": "b", "text": STORY},
        {"id": "c", "text": STORY},
        {"id": "d", "text": STORY},
        {"id": "e", "text": "too short a truth to count"},
    ]
    found = missing_outputs(rows, ["NoArticle", 0, 149, 150, 0])
    assert found == {"counted": 4, "no_text": ["a (NoArticle)", "b"], "short": ["c"]}


def test_the_last_notes_are_the_pages_after_the_scorers_warm_up_calls() -> None:
    rows = [{"id": "a"}, {"id": "b"}]
    notes = [["u1", 10], ["u1", 10], ["u1", 10], ["u2", "NoArticle"]]
    assert outcomes(notes, rows) == [10, "NoArticle"]
    with pytest.raises(ValueError):
        outcomes(notes[:1], rows)
