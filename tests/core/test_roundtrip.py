"""The round trip: a rich library exported as our JSON and imported into a fresh account
(core.importers.broadsheet_json + core.importing) comes back whole, every field compared."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import access, export, importers, services, tagging
from broadsheet.core.importers import HighlightRecord, Invalid, Record, UnreadableFile
from broadsheet.core.importers import broadsheet_json as reader
from broadsheet.core.models import Highlight, Item, Note
from broadsheet.extract import sanitize_html
from tests.accounts.conftest import item_with

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 11, 2, 8, 30, 15, 123456, tzinfo=UTC)
HTML = sanitize_html(
    "<h2>The vote</h2><p>The council voted <em>seven to two</em> for the dam.</p>"
    '<p>Farmers downstream &amp; the river trust <a href="https://river.example/">objected</a>.'
    "</p><figure><figcaption>The river at dawn.</figcaption></figure>"
)  # stored HTML is sanitised
TEXT = (
    "The vote\n\nThe council voted seven to two for the dam.\n\n"
    "Farmers downstream & the river trust objected.\n\nThe river at dawn."
)
HOSTILE = '</title><script>alert(1)</script> "Tom" & Jerry\'s'


def _library(user: AbstractBaseUser) -> list[Item]:
    services.set_quota(user, None)
    rich = item_with(
        user,
        1,
        title="Council backs the dam",
        site_name="The Harbour Times",
        byline="Ann Lee",
        agency="Reuters",
        summary="A vote of seven to two.",
        language="en-GB",
        published=T0 - timedelta(days=3),
        saved_at=T0,
        html=HTML,
        text=TEXT,
        word_count=len(TEXT.split()),
        rating=4,
        progress=0.4,
        favorite=True,
        favorited_at=T0 + timedelta(hours=1),
    )
    tagging.set_tags(user, rich.pk, ["Dams", "long reads", 'Tom & "Jerry"'])
    for n, text in enumerate(["Ask the trust for figures.", "Second thought:\nfollow up."]):
        note = services.add_note(user, rich.pk, text)
        Note.objects.filter(pk=note.pk).update(created_at=T0 + timedelta(minutes=n + 1))
    Highlight.objects.create(
        user=user,
        item=rich,
        quote="seven to two",
        prefix="The council voted ",
        suffix=" for the dam.",
        start=TEXT.index("seven"),
        end=TEXT.index("seven") + len("seven to two"),
        note="Close vote?",
        created_at=T0 + timedelta(minutes=5),
    )
    Highlight.objects.create(
        user=user,
        item=rich,
        quote="the river trust",
        start=TEXT.index("the river trust"),
        end=TEXT.index("the river trust") + len("the river trust"),
        created_at=T0 + timedelta(minutes=6),
    )
    archived = item_with(
        user,
        2,
        title=HOSTILE,
        byline=HOSTILE,
        site_name="Example",
        saved_at=T0 - timedelta(days=30),
        archived=True,
        archived_at=T0 - timedelta(days=29),
        html="<p>Short one.</p>",
        text="Short one.",
        word_count=2,
        progress=1.0,
    )
    tagging.set_tags(user, archived.pk, ["Dams"])
    pending = services.save_item(user, "https://news.example/not-fetched-yet?id=7")
    Item.objects.filter(pk=pending.pk).update(saved_at=T0 - timedelta(days=1))
    return [Item.objects.get(pk=i.pk) for i in (rich, archived, pending)]


def _snapshot(item: Item) -> dict[str, Any]:
    """Every field a reader can see or set, and its children."""
    return {
        "url": item.url,
        "title": item.title,
        "site_name": item.site_name,
        "byline": item.byline,
        "agency": item.agency,
        "summary": item.summary,
        "language": item.language,
        "published": item.published,
        "saved_at": item.saved_at,
        "archived": item.archived,
        "archived_at": item.archived_at,
        "favorite": item.favorite,
        "favorited_at": item.favorited_at,
        "progress": item.progress,
        "rating": item.rating,
        "status": item.status,
        "html": item.html,
        "text": item.text,
        "word_count": item.word_count,
        "tags": sorted(t.name for t in item.tags.all()),
        "notes": [(n.text, n.created_at) for n in item.notes.order_by("created_at", "id")],
        "highlights": [
            (h.quote, h.prefix, h.suffix, h.start, h.end, h.note, h.created_at)
            for h in item.highlights.order_by("start", "id")
        ],
    }


def _export(user: AbstractBaseUser) -> bytes:
    return b"".join(export.stream(user, "json"))


def _by_url(user: AbstractBaseUser) -> dict[str, dict[str, Any]]:
    return {i.url: _snapshot(i) for i in access.items_of(user)}


def test_the_json_export_reads_back_into_records(alice: AbstractBaseUser) -> None:
    rich, archived, pending = _library(alice)
    entries = list(reader.read(io.BytesIO(_export(alice)), "broadsheet-items.json"))
    assert all(isinstance(e, Record) for e in entries)
    records = {e.url: e for e in entries if isinstance(e, Record)}
    r = records[rich.url]
    assert (r.title, r.byline, r.site_name, r.language) == (
        rich.title,
        rich.byline,
        rich.site_name,
        rich.language,
    )
    assert (r.saved_at, r.published, r.rating, r.progress, r.favorite) == (
        T0,
        rich.published,
        4,
        0.4,
        True,
    )
    assert (r.html, r.text, r.summary) == (HTML, TEXT, rich.summary)
    assert r.tags == ("Dams", "long reads", 'Tom & "Jerry"')
    assert r.notes == ("Ask the trust for figures.", "Second thought:\nfollow up.")
    assert r.highlights == (
        HighlightRecord(
            quote="seven to two",
            note="Close vote?",
            prefix="The council voted ",
            suffix=" for the dam.",
            created_at=T0 + timedelta(minutes=5),
        ),
        HighlightRecord(quote="the river trust", created_at=T0 + timedelta(minutes=6)),
    )
    assert r.extra["agency"] == "Reuters"
    assert r.extra["favorited_at"] == T0 + timedelta(hours=1)
    assert r.extra["note_dates"] == (T0 + timedelta(minutes=1), T0 + timedelta(minutes=2))
    start = TEXT.index("seven")
    assert r.extra["highlight_offsets"] == (
        (start, start + 12),
        (TEXT.index("the river trust"), TEXT.index("the river trust") + 15),
    )
    a = records[archived.url]
    assert (a.title, a.archived, a.archived_at, a.progress) == (
        HOSTILE,
        True,
        archived.archived_at,
        1.0,
    )
    p = records[pending.url]
    assert (p.html, p.text, p.extra["status"]) == (None, None, "pending")


def _import(user: AbstractBaseUser, data: bytes, fmt: str | None = "json") -> Any:
    from broadsheet.core import importing

    return importing.import_file(user, io.BytesIO(data), "broadsheet-items.json", format=fmt)


def test_round_trip_into_a_fresh_account(alice: AbstractBaseUser, make_user: Any) -> None:
    _library(alice)
    fresh = make_user("fresh")
    report = _import(fresh, _export(alice), None)  # the format is recognised by itself
    assert (report.rows, report.imported, report.invalid, report.existing) == (3, 3, 0, 0)
    before, after = _by_url(alice), _by_url(fresh)
    assert set(after) == set(before)
    for url, old in before.items():
        new = after[url]
        fields = [k for k in old if k not in CARRIED_IN_EXTRA]
        assert {k: new[k] for k in fields} == {k: old[k] for k in fields}, url
    # And exported again, the new account's file is the old one's (but for the ids and dates
    # the file itself has).
    assert _comparable(_export(fresh)) == _comparable(_export(alice))


# What the reader hands over in Record.extra (Record has no field for it); the writer
# (core.importing) stores it, see test_round_trip_keeps_what_extra_carries.
CARRIED_IN_EXTRA = ("agency", "notes", "highlights")


def _comparable(raw: bytes) -> list[dict[str, Any]]:
    data = json.loads(raw)
    rows = []
    for row in data["items"]:
        row = {k: v for k, v in row.items() if k != "id" and k not in CARRIED_IN_EXTRA}
        rows.append(row)
    return sorted(rows, key=lambda r: r["url"])


def test_round_trip_keeps_what_extra_carries(alice: AbstractBaseUser, make_user: Any) -> None:
    _library(alice)
    fresh = make_user("fresh")
    _import(fresh, _export(alice))
    before, after = _by_url(alice), _by_url(fresh)
    for url, old in before.items():
        assert {k: after[url][k] for k in CARRIED_IN_EXTRA} == {
            k: old[k] for k in CARRIED_IN_EXTRA
        }, url


def test_importing_twice_finds_every_story_there(alice: AbstractBaseUser) -> None:
    _library(alice)
    report = _import(alice, _export(alice))
    assert (report.rows, report.imported, report.existing) == (3, 0, 3)


# --- the reader's refusals ------------------------------------------------------------------------


def _read(data: bytes) -> list[importers.Entry]:
    return list(reader.read(io.BytesIO(data), "x.json"))


def test_bad_entries_are_invalid_with_their_number() -> None:
    good = {"url": "https://a.example/1", "title": "Fine"}
    entries = [
        good,
        {"title": "no address"},
        {"url": "javascript:alert(1)"},
        {"url": "https://a.example/2", "rating": 9},
        {"url": "https://a.example/3", "progress": 2},
        {"url": "https://a.example/4", "saved_at": "yesterday"},
        {"url": "https://a.example/5", "tags": "a,b"},
        {"url": "https://a.example/6", "highlights": [{"note": "no quote"}]},
        {"url": "https://a.example/7", "archived": "yes"},
        "just a string",
        {"url": "https://a.example/8", "saved_at": "2024-01-02T03:04:05"},
    ]
    pretty = json.dumps({"format": "broadsheet", "version": 1, "items": entries}, indent=2)
    for data in (pretty.encode(), _streamed(entries)):
        out = _read(data)
        assert [type(e).__name__ for e in out] == ["Record", *["Invalid"] * 9, "Record"]
        assert [e.line for e in out] == list(range(1, 12))
        reasons = [e.reason for e in out if isinstance(e, Invalid)]
        assert reasons[0] == "no web address" and reasons[1] == "not a web address"
        last = out[-1]
        assert isinstance(last, Record) and last.saved_at == datetime(
            2024, 1, 2, 3, 4, 5, tzinfo=UTC
        )


def _streamed(entries: list[Any]) -> bytes:
    lines = [json.dumps(e) for e in entries]
    head = (
        '{"format": "broadsheet", "version": 1, "exported_at": "2026-01-01T00:00:00+00:00", '
        '"items": [\n'
    )
    return (head + ",\n".join(lines) + f'\n], "count": {len(lines)}}}\n').encode()


def test_a_broken_line_in_a_streamed_file_is_one_invalid_entry() -> None:
    data = _streamed([{"url": "https://a.example/1"}, {"url": "https://a.example/2"}])
    broken = data.replace(b'{"url": "https://a.example/1"}', b'{"url": "https://a.exa')
    out = _read(broken)
    assert [type(e).__name__ for e in out] == ["Invalid", "Record"]
    truncated = _read(data[: data.index(b"\n],")])
    assert isinstance(truncated[-1], Invalid) and "ends" in truncated[-1].reason


@pytest.mark.parametrize(
    "data",
    [
        b"[]",
        b'{"items": []}',
        b'{"format": "pocket", "items": []}',
        b'{"format": "broadsheet", "version": 99, "items": []}',
        b'{"format": "broadsheet", "version": 1, "items": {}}',
        b"\xff\xfe not json",
    ],
)
def test_wrong_shapes_are_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableFile):
        _read(data)


def test_a_large_file_not_laid_out_one_story_a_line_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 100)
    pretty = json.dumps(
        {
            "format": "broadsheet",
            "version": 1,
            "items": [{"url": "https://a.example/" + "x" * 200}],
        },
        indent=1,
    )
    with pytest.raises(UnreadableFile):
        _read(pretty.encode())
    # Laid out as Broadsheet writes it, the same file is read a line at a time, at any size.
    assert isinstance(_read(_streamed([{"url": "https://a.example/" + "x" * 200}]))[0], Record)


def test_the_reader_is_registered_and_sniffs_our_files_only() -> None:
    assert importers.reader("json") is reader.READER
    assert reader.sniff(b'\xef\xbb\xbf {"format": "broadsheet", "version": 1', "a.json")
    assert not reader.sniff(b'[{"url": "https://a.example/"}]', "a.json")
    assert not reader.sniff(b'{"items": [], "format": "broadsheet"}', "a.json")
    assert importers.detect(b'{"format": "broadsheet", "version": 1, "items": [', "x") is (
        reader.READER
    )
