"""Readwise Reader: the CSV export."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.core.importers import Record, UnreadableFile
from broadsheet.core.importers.readwise import parse_progress, parse_tags

from .support import fixture, invalids, read, records


def test_export_maps_every_column() -> None:
    entries = read("readwise", fixture("readwise.csv"))
    new, later, short, done = records(entries)
    assert new == Record(
        line=2,
        url="https://reader.example.com/new",
        title="The new thing",
        saved_at=datetime(2024, 5, 1, 10, 11, 12, tzinfo=UTC),
        tags=("tech", "ai"),
        progress=0.0,
        extra={"readwise_id": "01hx000001", "seen": False},
    )
    assert later.progress == 0.5 and later.tags == () and later.extra["seen"] is True
    assert short.favorite is True and short.archived is False
    assert short.tags == ("it's fine",)
    assert short.progress == pytest.approx(0.45)
    assert short.saved_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)  # no zone: UTC
    assert done.archived is True and done.favorite is False and done.progress == 1.0
    assert done.saved_at == datetime(2024, 2, 1, 8, 0, tzinfo=UTC)
    assert invalids(entries) == [(6, "a feed entry that was never saved")]


def test_columns_by_name_in_any_order() -> None:
    data = (
        b"Location,Saved date,URL,Title\narchive,2024-05-01 10:11:12+02:00,https://x.example/,X\n"
    )
    (record,) = records(read("readwise", data))
    assert record.archived is True
    assert record.saved_at == datetime(2024, 5, 1, 8, 11, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("['a', 'b']", ("a", "b")),
        ("[\"x\", 'y']", ("x", "y")),
        ("[]", ()),
        ("", ()),
        ("a, b", ("a", "b")),
        ("['__import__(\"os\")']", ('__import__("os")',)),
        ("[unquoted, names]", ("unquoted", "names")),
    ],
)
def test_tags(raw: str, expected: tuple[str, ...]) -> None:
    assert parse_tags(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0.0),
        ("0.25", 0.25),
        ("1", 1.0),
        ("45%", 0.45),
        ("80", 0.8),
        ("", None),
        ("abc", None),
        ("nan", None),
        ("-3", 0.0),
        ("250%", 1.0),
    ],
)
def test_progress(raw: str, expected: float | None) -> None:
    assert parse_progress(raw) == (pytest.approx(expected) if expected is not None else None)


def test_bad_dates_and_addresses() -> None:
    data = (
        b"Title,URL,Saved date,Location\n"
        b"a,https://a.example/,2024-13-45,later\n"
        b"b,ftp://files.example/x,2024-05-01,later\n"
        b"c,https://c.example/,2024-05-01,later\n"
    )
    entries = read("readwise", data)
    assert invalids(entries) == [
        (2, "not a date: 2024-13-45"),
        (3, "not an http or https address: ftp://files.example/x"),
    ]
    assert [r.url for r in records(entries)] == ["https://c.example/"]


def test_no_url_column() -> None:
    with pytest.raises(UnreadableFile, match=r"columns: title, id"):
        read("readwise", b"Title,ID\nx,1\n")
