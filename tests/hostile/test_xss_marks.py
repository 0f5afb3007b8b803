"""Highlights drawn over hostile stories: core.marking rewrites the stored HTML of every XSS case
with `<mark>`s around the passages and hostile notes, and adds nothing executable."""

from __future__ import annotations

import html
import re

import pytest

from broadsheet.core.anchoring import story_text
from broadsheet.core.marking import Mark, render
from broadsheet.extract import sanitize_html
from tests.hostile.corpus import Case, params
from tests.hostile.pages import AFTER, BEFORE, MIDDLE, PROSE, stored_html_problems

NOTE = "\"><img src=x onerror=alert(1)><script>alert(2)</script>'` javascript:alert(3)"
MARK_OPEN = re.compile(r"<mark( [^>]*)?>")
MARK_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')


@pytest.mark.parametrize("case", params("xss"))
def test_marks_over_a_hostile_story_add_nothing_executable(case: Case) -> None:
    payload = str(case.get("payload")).replace("{app}", "http://127.0.0.1:9")
    story = f"<p>{BEFORE}{PROSE}</p><p>{MIDDLE} {payload} {PROSE}</p>{payload}<p>{AFTER}{PROSE}</p>"
    stored = sanitize_html(story, base_url="http://127.0.0.1:9/story")
    text = story_text(stored)
    at = text.index(MIDDLE)
    marks = [
        Mark(1, at, at + len(MIDDLE), NOTE),
        Mark(2, 0, len(text), NOTE),  # everything, across every element the payload left
        Mark(3, max(0, at - 5), at + 5),
    ]
    out = render(stored, marks)
    assert story_text(out) == text
    for found in MARK_OPEN.finditer(out):
        attributes = dict(MARK_ATTRIBUTE.findall(found.group(1) or ""))
        assert set(attributes) <= {"class", "id", "data-highlight", "title"}, found.group(0)
        assert re.fullmatch(r"highlight( has-note)?", attributes["class"])
        assert attributes["data-highlight"].isdigit()
        assert "<" not in attributes.get("title", "") and '"' not in attributes.get("title", "")
        if "title" in attributes:
            assert html.unescape(attributes["title"]) == NOTE
    unmarked = MARK_OPEN.sub("", out).replace("</mark>", "")
    assert stored_html_problems(unmarked) == []
    low = unmarked.lower()
    for absent in case.expect["absent"]:
        assert absent.lower() not in low, f"{absent!r} survived"
    assert "<script" not in unmarked.lower() and "onerror=" not in unmarked.lower()
