"""wallabag v2: the JSON export, read entry by entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from broadsheet.core.importers import HighlightRecord, Record, UnreadableFile, limits

from .support import fixture, invalids, read, records

PLUS_TWO = timezone(timedelta(hours=2))


def test_export_maps_every_field() -> None:
    entries = read("wallabag", fixture("wallabag.json"), "wallabag.json")
    first, second = records(entries)
    assert first == Record(
        line=1,
        url="https://news.example.com/politics/budget-vote",
        title="The budget vote explained",
        saved_at=datetime(2024, 5, 1, 10, 11, 12, tzinfo=PLUS_TWO),
        tags=("politics", "long read"),
        archived=True,
        archived_at=datetime(2024, 5, 2, 9, 0, tzinfo=PLUS_TWO),
        favorite=False,
        published=datetime(2024, 4, 30, 18, 0, tzinfo=UTC),
        byline="Jane Reporter, John Editor",
        site_name="news.example.com",
        language="en",
        html="<p>The vote passed <em>narrowly</em>.</p>",
        highlights=(
            HighlightRecord(
                quote="passed narrowly",
                note="Check this figure",
                created_at=datetime(2024, 5, 1, 11, 0, tzinfo=PLUS_TWO),
            ),
        ),
        extra={
            "wallabag_id": 42,
            "reading_time": 4,
            "preview_picture": "https://news.example.com/images/vote.jpg",
        },
    )
    # booleans as JSON true/false; empty content is no HTML; a published date that cannot be
    # read is dropped, not the entry; a naive date is UTC; a javascript: picture is dropped
    assert second == Record(
        line=2,
        url="http://blog.example.net/post",
        title="No content here",
        saved_at=datetime(2024, 3, 1, 8, 0, tzinfo=UTC),
        favorite=True,
        site_name="blog.example.net",
        extra={"wallabag_id": 43, "reading_time": 0},
    )
    assert invalids(entries) == [
        (3, "not an http or https address: data:text/html,<script>alert(1)</script>"),
        (4, "not a wallabag entry (a JSON object was expected)"),
        (5, "not a date: yesterday"),
    ]


def _entry(n: int, **fields: object) -> dict[str, object]:
    return {"is_archived": 0, "is_starred": 0, "url": f"https://e.example/{n}", **fields}


def test_small_chunks_give_the_same_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    data = fixture("wallabag.json")
    whole = read("wallabag", data)
    monkeypatch.setattr(limits, "CHUNK_CHARS", 7)
    assert read("wallabag", data) == whole


def test_numbers_split_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "CHUNK_CHARS", 3)
    entries = read("wallabag", b"[12345, " + json.dumps(_entry(2)).encode() + b"]")
    assert invalids(entries) == [(1, "not a wallabag entry (a JSON object was expected)")]
    assert [r.line for r in records(entries)] == [2]


def test_truncated_file_keeps_the_entries_before() -> None:
    data = json.dumps([_entry(1), _entry(2)]).encode()[:-30]
    entries = read("wallabag", data)
    assert [r.url for r in records(entries)] == ["https://e.example/1"]
    assert invalids(entries) == [(2, "the file ends in the middle of this entry")]


def test_missing_comma_and_garbage() -> None:
    good = json.dumps(_entry(1))
    entries = read("wallabag", f"[{good} {good}]".encode())
    assert len(records(entries)) == 1
    assert invalids(entries) == [(2, "not valid JSON from here on (a comma is missing)")]
    entries = read("wallabag", f"[{good}, {{nope}}, {good}]".encode())
    assert len(records(entries)) == 1
    assert invalids(entries) == [
        (2, "not valid JSON from here on (Expecting property name enclosed in double quotes)")
    ]


def test_list_that_never_closes() -> None:
    entries = read("wallabag", ("[" + json.dumps(_entry(1)) + ",  ").encode())
    assert len(records(entries)) == 1
    assert invalids(entries) == [(2, "the file ends before the list does")]


def test_deep_nesting_is_an_invalid_not_a_crash() -> None:
    entries = read("wallabag", b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]")
    assert invalids(entries) == [(1, "not valid JSON from here on (nested too deeply)")]


def test_entry_over_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_JSON_ENTRY_CHARS", 1000)
    monkeypatch.setattr(limits, "CHUNK_CHARS", 100)
    big = _entry(2, content="<p>" + "x" * 5000 + "</p>")
    data = json.dumps([_entry(1), big, _entry(3)]).encode()
    entries = read("wallabag", data)
    assert [r.line for r in records(entries)] == [1]
    assert invalids(entries) == [
        (2, "an entry longer than the limit of 1,000 characters; reading stopped")
    ]


def test_tags_and_flags_in_every_shape() -> None:
    entry = _entry(
        1,
        is_archived="1",
        is_starred=True,
        tags=[{"label": " a "}, {"slug": "no-label"}, "b", 3, None],
        published_by="Single Author",
        annotations=[{"quote": "q"}, "junk", {"quote": " ", "text": "no quote"}],
    )
    (record,) = records(read("wallabag", json.dumps([entry]).encode()))
    assert record.archived is True and record.favorite is True
    assert record.tags == ("a", "b")
    assert record.byline == "Single Author"
    assert record.highlights == (HighlightRecord(quote="q"),)


def test_empty_list_and_not_a_list() -> None:
    assert read("wallabag", b" [ ] ") == []
    with pytest.raises(UnreadableFile, match="not a wallabag export: the file is not a JSON list"):
        read("wallabag", b'{"is_archived": 1}')
    with pytest.raises(UnreadableFile):
        read("wallabag", b"")
