"""Pocket: the CSV export (both headers), the ZIP of parts and the older HTML page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.core.importers import Record, UnreadableFile

from .support import fixture, invalids, read, records, zip_of, zip_of_folder


def test_csv_export_maps_every_column() -> None:
    entries = read("pocket", fixture("pocket.csv"), "pocket.csv")
    assert invalids(entries) == []
    first, second, third = records(entries)
    assert first == Record(
        line=2,
        url="https://news.example.com/politics/budget-vote?utm_source=pocket",
        title="The budget vote explained",
        saved_at=datetime(2024, 5, 1, 9, 51, 12, tzinfo=UTC),
        tags=("politics", "budget"),
        archived=False,
    )
    assert second.line == 3
    assert second.title == "Storm hits the coast, thousands without power"
    assert second.tags == ("weather", "storms")  # stripped, the empty one dropped
    assert second.archived is True
    assert third.url == "http://blog.example.net/post/1"
    assert third.tags == ()
    assert third.saved_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_older_header_with_cursor_in_any_order_and_extra_columns() -> None:
    entries = read("pocket", fixture("pocket_cursor.csv"))
    assert [(r.line, r.url, r.title, r.tags, r.archived) for r in records(entries)] == [
        (2, "https://a.example.com/one", "First story", ("ideas",), True),
        (3, "https://a.example.com/two", "Second story", (), False),
    ]
    assert records(entries)[1].saved_at == datetime(2017, 7, 14, 2, 41, 40, tzinfo=UTC)


def test_zip_of_parts_is_read_in_name_order_and_names_the_part() -> None:
    entries = read("pocket", zip_of_folder("pocket_zip"), "pocket.zip")
    assert [(r.line, r.url, r.archived) for r in records(entries)] == [
        (2, "https://zero.example.com/a", False),
        (2, "https://one.example.com/a", True),
    ]
    assert invalids(entries) == [(3, "part_000001.csv line 3: not a web address: not a url")]


def test_zip_parts_sorted_by_name_whatever_the_stored_order() -> None:
    header = b"title,url,time_added,tags,status\n"
    data = zip_of(
        {
            "part_000002.csv": header + b"c,https://c.example/,,,unread\n",
            "part_000000.csv": header + b"a,https://a.example/,,,unread\n",
            "readme.txt": b"not a part",
            "part_000001.csv": header + b"b,https://b.example/,,,unread\n",
        }
    )
    assert [r.title for r in records(read("pocket", data))] == ["a", "b", "c"]


def test_zip_part_without_url_column_is_reported_and_others_still_read() -> None:
    data = zip_of(
        {
            "part_000000.csv": b"title,link\nx,https://x.example/\n",
            "part_000001.csv": b"title,url\ny,https://y.example/\n",
        }
    )
    entries = read("pocket", data)
    assert invalids(entries) == [
        (1, "part_000000.csv: not a Pocket CSV export: it has no url column (columns: title, link)")
    ]
    assert [r.url for r in records(entries)] == ["https://y.example/"]


def test_zip_without_parts_cannot_be_read() -> None:
    with pytest.raises(UnreadableFile, match=r"no part_\*\.csv in the ZIP \(notes\.txt\)"):
        read("pocket", zip_of({"notes.txt": b"hello"}))


def test_html_export_unread_and_read_archive() -> None:
    entries = read("pocket", fixture("pocket.html"), "ril_export.html")
    assert [(r.line, r.url, r.title, r.tags, r.archived) for r in records(entries)] == [
        (
            10,
            "https://news.example.com/unread-one",
            "Unread story one",
            ("world", "long read"),
            False,
        ),
        (11, "https://news.example.com/unread-two", "Unread story \N{EN DASH} two", (), False),
        (17, "https://news.example.com/read-one", "Read story", ("archived-tag",), True),
    ]
    assert records(entries)[0].saved_at == datetime(2017, 7, 14, 2, 40, tzinfo=UTC)
    assert invalids(entries) == [(12, "not an http or https address: javascript:alert(1)")]


def test_no_url_column_names_the_columns_found() -> None:
    with pytest.raises(UnreadableFile) as caught:
        read("pocket", b"title,link,time_added\nx,https://x.example/,1\n")
    assert str(caught.value) == (
        "not a Pocket CSV export: it has no url column (columns: title, link, time_added)"
    )


def test_empty_file_cannot_be_read() -> None:
    with pytest.raises(UnreadableFile, match=r"no url column \(columns: none\)"):
        read("pocket", b"")
