"""detect(): every format is recognised from its first 64 KiB and name, and nothing else is."""

from __future__ import annotations

import pytest

from broadsheet.core.importers import detect, formats, limits

from .support import fixture, zip_of, zip_of_folder


def _detected(data: bytes, name: str = "upload") -> str | None:
    found = detect(data[: limits.HEAD_BYTES], name)
    return found.name if found is not None else None


def test_all_formats_are_registered() -> None:
    assert {"pocket", "instapaper", "netscape", "wallabag", "omnivore", "readwise"} <= set(
        formats()
    )


@pytest.mark.parametrize(
    ("fixture_name", "expected"),
    [
        ("pocket.csv", "pocket"),
        ("pocket_cursor.csv", "pocket"),
        ("pocket.html", "pocket"),
        ("instapaper.csv", "instapaper"),
        ("instapaper_old.csv", "instapaper"),
        ("readwise.csv", "readwise"),
        ("bookmarks.html", "netscape"),
        ("wallabag.json", "wallabag"),
    ],
)
def test_fixture_files(fixture_name: str, expected: str) -> None:
    assert _detected(fixture(fixture_name), fixture_name) == expected


def test_zips() -> None:
    assert _detected(zip_of_folder("pocket_zip"), "pocket.zip") == "pocket"
    assert _detected(zip_of_folder("omnivore"), "omnivore.zip") == "omnivore"
    # an Omnivore export whose first members are articles
    data = zip_of({"content/a.html": b"<p>x</p>", "metadata_0_to_0.json": b"[]"})
    assert _detected(data) == "omnivore"


def test_pocket_html_without_title_but_with_headings() -> None:
    data = b"<!DOCTYPE html><html><body><h1>Unread</h1><ul></ul></body></html>"
    assert _detected(data) == "pocket"


def test_csv_headers_with_bom_and_quotes() -> None:
    assert _detected(b'\xef\xbb\xbf"URL","Title","Selection","Folder"\r\n') == "instapaper"
    assert _detected(b"Title,URL,ID,Document tags,Saved date\n") == "readwise"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello world",
        b"name,email\nx,y\n",
        b"<html><body><a href='https://x.example/'>x</a></body></html>",
        b'[{"id": 1, "url": "https://x.example/"}]',
        b"[]",
        b"PK\x03\x04garbage",
        zip_of({"notes/readme.txt": b"hi"}),
    ],
)
def test_other_files_are_not_claimed_by_these_readers(data: bytes) -> None:
    assert _detected(data) not in {
        "pocket",
        "instapaper",
        "netscape",
        "wallabag",
        "omnivore",
        "readwise",
    }
