"""The decided byline comparison of the metadata benchmark (issue 11): what it forgives, what it
does not, and the reviewed list of expectations it leaves out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.metadata import REVIEWED, byline_decided, byline_key, reviewed_bylines  # noqa: E402


@pytest.mark.parametrize(
    ("expected", "got"),
    [
        ("By Jane Roe", "Jane Roe"),  # a leading label
        ("BY JANE ROE", "jane roe"),  # case
        ("By\n\t\tJane   Roe", "Jane Roe"),  # whitespace, a label on a line of its own
        ("Von Jan Kurz", "Jan Kurz"),
        ("Par Claire Dubois", "Claire Dubois"),
        ("Przez Anna Nowak", "Anna Nowak"),
        ("By Jane Roe\n    March 25, 2015", "Jane Roe"),  # a trailing date
        ("by Jane Roe22 Dec 2016", "Jane Roe"),  # a date run into the name
        ("By JANE ROE March 11, 2015 3:46 PM", "JANE ROE"),
        ("Jane Roe | Updated 3 hours ago", "Jane Roe"),
        ("Jane Roe, Reuters /", "Jane Roe"),  # trailing agencies and separators
        ("Jane Roe | AP", "Jane Roe"),
        ("Jane Roe - dpa", "Jane Roe"),
        ("By Jane Roe, MA\n   Health Wire News", "Jane Roe, MA"),  # an organisation's line
        ("Jane Roe, John Doe", "Jane Roe and John Doe"),  # several names, joined either way
        ("Jane Roe, John Doe, Ann Lee", "Jane Roe, John Doe and Ann Lee"),
        ("Jane Roe und John Doe", "Jane Roe and John Doe"),
        ("Jane Roe et John Doe", "Jane Roe & John Doe"),
        ("Jane Roe y John Doe", "Jane Roe, John Doe"),
    ],
)
def test_the_decided_comparison_forgives(expected: str, got: str) -> None:
    assert byline_decided(expected, got), (byline_key(expected), byline_key(got))


@pytest.mark.parametrize(
    ("expected", "got"),
    [
        ("Jane Roe", "John Doe"),  # another person
        ("Jane Roe", ""),  # nothing
        ("", ""),  # nothing expected is nothing to match
        ("Jane Roe, John Doe", "Jane Roe"),  # a name missing
        ("Written by Jane Roe\nEdited by Ann Lee", "Jane Roe"),  # an editor's credit
        ("Jane Roe, Pittsburgh", "Jane Roe"),  # a place is no agency
        ("Bradley Kuhn (http://example.org/b/)", "Bradley Kuhn"),
    ],
)
def test_the_decided_comparison_does_not_forgive(expected: str, got: str) -> None:
    assert not byline_decided(expected, got)


def test_every_reviewed_page_has_its_set_expectation_and_reason() -> None:
    data = json.loads(REVIEWED.read_text(encoding="utf-8"))
    assert data["pages"], "the reviewed list is empty"
    for row in data["pages"]:
        assert set(row) == {"set", "page", "expectation", "reason"}, row
        assert row["set"] and row["page"] and row["expectation"], row
        assert len(row["reason"]) > 20, row
    ids = [(row["set"], row["page"]) for row in data["pages"]]
    assert len(ids) == len(set(ids))
    assert set(reviewed_bylines("readability")) == {p for s, p in ids if s == "readability"}
