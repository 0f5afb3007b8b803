"""Netscape bookmark files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.core.importers import Record, UnreadableFile
from broadsheet.core.importers._fields import BadRow
from broadsheet.core.importers.netscape import add_date

from .support import fixture, invalids, read, records


def test_bookmarks_folders_tags_notes_and_toread() -> None:
    entries = read("netscape", fixture("bookmarks.html"), "bookmarks.html")
    toolbar, story, space, done, plain = records(entries)
    # the toolbar folder is not a tag
    assert toolbar == Record(
        line=11,
        url="https://toolbar.example.com/",
        title="On the toolbar",
        saved_at=datetime(2017, 7, 14, 2, 40, 2, tzinfo=UTC),
    )
    assert story == Record(
        line=15,
        url="https://news.example.com/story",
        title="A bold story",
        saved_at=datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC),
        tags=("politics", "europe", "News"),
        archived=False,
        notes=("Worth reading: the vote & what comes next.",),
    )
    # nested folders: every folder on the way is a tag; ADD_DATE in milliseconds
    assert (space.line, space.tags) == (19, ("News", "Science"))
    assert space.saved_at == datetime(2020, 9, 13, 12, 28, 20, tzinfo=UTC)
    assert space.archived is False  # no TOREAD: unread
    # back in "News" after the Science folder closed; TOREAD="0" archives
    assert (done.line, done.tags, done.archived) == (22, ("News",), True)
    # top level again, no folder; a DD over two lines
    assert (plain.line, plain.tags, plain.notes) == (25, (), ("Line one of the description",))
    assert invalids(entries) == [
        (20, "not an http or https address: javascript:void(0)"),
        (24, "not a date: not a date"),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1600000000", datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)),
        ("1600000000000", datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)),
        ("1600000000000000", datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_add_date_units(raw: str | None, expected: datetime | None) -> None:
    assert add_date(raw) == expected


@pytest.mark.parametrize("raw", ["160000\N{SUPERSCRIPT THREE}200", "12abc", "-1"])
def test_add_date_that_is_not_a_date(raw: str) -> None:
    with pytest.raises(BadRow, match="not a date"):
        add_date(raw)


def test_not_a_bookmarks_file() -> None:
    with pytest.raises(UnreadableFile, match="not a bookmarks file"):
        read("netscape", b"<html><body><p>hello</p></body></html>")


def test_unclosed_and_sloppy_markup_still_reads() -> None:
    data = (
        b"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
        b"<DL><p>\n"
        b"<DT><H3>Unclosed folder\n"
        b"<DL>\n"
        b"<DT><A HREF='https://a.example/'>A\n"
        b"<DT><A HREF=https://b.example/ TAGS=x>B</a>\n"
        b'<DT><A HREF="data:text/html;base64,PHNjcmlwdD4=">data</A>\n'
        b"<DT><A>no href</A>\n"
    )
    entries = read("netscape", data)
    assert [(r.line, r.url, r.title, r.tags) for r in records(entries)] == [
        (5, "https://a.example/", "A", ("Unclosed folder",)),
        (6, "https://b.example/", "B", ("x", "Unclosed folder")),
    ]
    assert invalids(entries) == [
        (7, "not an http or https address: data:text/html;base64,PHNjcmlwdD4="),
        (8, "no web address"),
    ]


def test_huge_text_does_not_hide_the_bookmarks_after_it() -> None:
    data = (
        b'<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><DT><A HREF="https://a.example/">'
        + b"x" * 12_000_000
        + b'</A>\n<DT><A HREF="https://b.example/">b</A></DL>'
    )
    first, second = records(read("netscape", data))
    assert len(first.title) < 1_100_000
    assert (second.url, second.title) == ("https://b.example/", "b")
