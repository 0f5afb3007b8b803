"""chrome.non_capturing: the chrome-line table compiled without capturing groups matches exactly
what the table as written matches (it is only faster)."""

from __future__ import annotations

import re

import pytest

from broadsheet.extract import chrome, rules
from broadsheet.extract.chrome import non_capturing


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"(a|b)c", r"(?:a|b)c"),
        (r"[\s\[(]*(x)", r"[\s\[(]*(?:x)"),
        (r"\(a\)(b)", r"\(a\)(?:b)"),
        (r"(?:a)(b)", r"(?:a)(?:b)"),
        (r"[]a(]z(q)", r"[]a(]z(?:q)"),
        (r"(?P<n>a)(b)", r"(?P<n>a)(?:b)"),
    ],
)
def test_groups_become_non_capturing_and_classes_stay(source: str, expected: str) -> None:
    assert non_capturing(source) == expected


LINES = [
    "share",
    "Teilen mit:",
    "Aktualisiert am 19.02.2020, 10:27",
    "Aktualisiert werden die Fahrpläne im Dezember.",
    "Themen: Verkehr, Stadtrat",
    "read more »",
    "The council voted on Tuesday to reopen the old river crossing.",
    "Foto: dpa/Max Mustermann",
    "(c) 2019 Example News",
    "Updated: March 3, 2021",
    "mehr zum thema",
    "Mehr zum Thema Verkehr will der Stadtrat im Frühjahr beraten.",
]


@pytest.mark.parametrize("line", LINES)
def test_the_chrome_line_table_matches_as_written(line: str) -> None:
    as_written = re.compile(
        "(?:" + "|".join(f"(?:{p})" for p in rules.CHROME_LINES) + r")[\s.:!?|>»›→-]*",  # noqa: RUF001
        re.IGNORECASE,
    )
    assert chrome._is_chrome_line(line, line.lower()) == (as_written.fullmatch(line) is not None)
