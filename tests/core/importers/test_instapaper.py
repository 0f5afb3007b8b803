"""Instapaper: the older four-column CSV and the newer one with Timestamp and Tags."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.core.importers import HighlightRecord, Record, UnreadableFile
from broadsheet.core.importers.instapaper import parse_tags

from .support import fixture, invalids, read, records


def test_older_export_folders_and_selection() -> None:
    entries = read("instapaper", fixture("instapaper_old.csv"))
    assert invalids(entries) == []
    essay, archived, starred, cooking = records(entries)
    assert essay == Record(line=2, url="https://longform.example.com/essay", title="An essay")
    assert archived.archived is True and archived.favorite is False and archived.tags == ()
    assert starred.favorite is True and starred.archived is False
    assert starred.title == "Starred, with comma"
    assert starred.highlights == (HighlightRecord(quote="A passage\nthat spans two lines"),)
    # the quoted selection spans lines 4-5; the next row starts on line 6
    assert (starred.line, cooking.line) == (4, 6)
    assert cooking.tags == ("Cooking",)  # any other folder becomes a tag


def test_newer_export_timestamp_and_json_tags() -> None:
    entries = read("instapaper", fixture("instapaper.csv"))
    assert invalids(entries) == []
    essay, archived, starred, travel = records(entries)
    assert essay.saved_at == datetime(2024, 5, 1, 9, 51, 12, tzinfo=UTC)
    assert essay.tags == ("reading", "essays")
    assert archived.archived is True
    assert archived.highlights == (HighlightRecord(quote="The best line."),)
    assert starred.favorite is True and starred.tags == ("fav",)
    assert travel.tags == ("travel", "Travel Plans")
    assert travel.saved_at == datetime(2024, 4, 1, 19, 33, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('["a","b"]', ("a", "b")),
        ("[]", ()),
        ("", ()),
        ('[" a ", "", "a"]', ("a",)),
        ("[a, b]", ("a", "b")),  # not JSON: split between the brackets
        ('"solo"', ("solo",)),
        ("[1, null]", ()),
    ],
)
def test_tags_cell(raw: str, expected: tuple[str, ...]) -> None:
    assert parse_tags(raw) == expected


def test_bad_rows_are_reported_and_good_rows_kept() -> None:
    data = (
        b"URL,Title,Selection,Folder,Timestamp,Tags\n"
        b"https://ok.example/1,One,,Unread,1714557072,[]\n"
        b"javascript:alert(document.cookie),Bad,,Unread,1714557072,[]\n"
        b"https://ok.example/2,Two,,Unread,soon,[]\n"
        b",Empty,,Unread,,\n"
        b"https://ok.example/3,Three,,Unread,,\n"
    )
    entries = read("instapaper", data)
    assert [r.url for r in records(entries)] == ["https://ok.example/1", "https://ok.example/3"]
    assert invalids(entries) == [
        (3, "not an http or https address: javascript:alert(document.cookie)"),
        (4, "not a date: soon"),
        (5, "no web address"),
    ]


def test_file_without_url_column() -> None:
    with pytest.raises(UnreadableFile, match=r"no URL column \(columns: title, folder\)"):
        read("instapaper", b"Title,Folder\nx,Unread\n")
