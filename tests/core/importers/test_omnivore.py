"""Omnivore: the export ZIP with metadata, content and highlights."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.core.importers import HighlightRecord, Record, UnreadableFile
from broadsheet.core.importers.omnivore import parse_highlights

from .support import FIXTURES, invalids, read, records, zip_of, zip_of_folder

CONTENT = (FIXTURES / "omnivore/content/the-budget-vote-explained-18c0.html").read_text()


def test_export_maps_every_field() -> None:
    entries = read("omnivore", zip_of_folder("omnivore"), "omnivore.zip")
    first, second = records(entries)
    assert first == Record(
        line=1,
        url="https://news.example.com/politics/budget-vote",
        title="The budget vote explained",
        saved_at=datetime(2023, 11, 3, 21, 36, 8, tzinfo=UTC),
        tags=("politics", "Newsletter"),
        archived=True,
        progress=1.0,
        published=datetime(2023, 11, 2, tzinfo=UTC),
        byline="Jane Reporter",
        summary="What the vote means for next year.",
        html=CONTENT,
        highlights=(
            HighlightRecord(quote="The vote passed narrowly", note="Surprising margin."),
            HighlightRecord(quote="More to come.\nSecond line of the same highlight."),
            HighlightRecord(quote="A third one without a note"),
        ),
        extra={
            "omnivore_id": "8b0d3c1e-0000-4000-8000-000000000001",
            "slug": "the-budget-vote-explained-18c0",
            "thumbnail": "https://news.example.com/images/vote.jpg",
        },
    )
    assert second.archived is False  # state SUCCEEDED
    assert second.progress == pytest.approx(0.425)
    assert second.html is None and second.highlights == () and second.published is None
    assert invalids(entries) == [
        (3, "metadata_0_to_2.json entry 3: deleted in Omnivore"),
        (1, "metadata_3_to_3.json entry 1: not a web address: /just/a/path"),
    ]


def test_metadata_files_in_numeric_order_inside_a_folder() -> None:
    def meta(url: str) -> bytes:
        return f'[{{"url": "{url}", "slug": "s", "state": "SUCCEEDED"}}]'.encode()

    data = zip_of(
        {
            "export/metadata_20_to_39.json": meta("https://b.example/"),
            "export/metadata_0_to_19.json": meta("https://a.example/"),
            "export/metadata_100_to_119.json": meta("https://c.example/"),
            "export/content/s.html": b"<p>hi</p>",
        }
    )
    entries = read("omnivore", data)
    assert [r.url for r in records(entries)] == [
        "https://a.example/",
        "https://b.example/",
        "https://c.example/",
    ]
    assert all(r.html == "<p>hi</p>" for r in records(entries))


def test_broken_metadata_file_is_reported_and_the_others_read() -> None:
    data = zip_of(
        {
            "metadata_0_to_0.json": b"[{not json",
            "metadata_1_to_1.json": b'{"url": "https://x.example/"}',
            "metadata_2_to_2.json": b'[{"url": "https://ok.example/", "labels": [{"name": "n"}]}]',
        }
    )
    entries = read("omnivore", data)
    assert [(r.url, r.tags) for r in records(entries)] == [("https://ok.example/", ("n",))]
    assert invalids(entries) == [
        (
            1,
            "metadata_0_to_0.json: not valid JSON (Expecting property name enclosed "
            "in double quotes: line 1 column 3 (char 2))",
        ),
        (1, "metadata_1_to_1.json: not a list of entries"),
    ]


def test_slug_cannot_reach_outside_its_folder() -> None:
    data = zip_of(
        {
            "metadata_0_to_0.json": b'[{"url": "https://x.example/", "slug": "../secret"}]',
            "secret.html": b"<p>secret</p>",
        }
    )
    (record,) = records(read("omnivore", data))
    assert record.html is None


def test_zip_without_metadata() -> None:
    with pytest.raises(
        UnreadableFile, match=r"no metadata_\*\.json in the ZIP \(content/a\.html\)"
    ):
        read("omnivore", zip_of({"content/a.html": b"<p>x</p>"}))


def test_highlight_markdown() -> None:
    markdown = (
        "# Highlights\n\nintro text\n\n"
        "> one\n> still one [⤴️](https://omnivore.app/me/x#1)\n\nnote for one\nmore note\n\n"
        "> two\n\n> three [link](https://example.com/)\n"
    )
    assert parse_highlights(markdown) == (
        HighlightRecord(quote="one\nstill one", note="note for one\nmore note"),
        HighlightRecord(quote="two"),
        HighlightRecord(quote="three [link](https://example.com/)"),
    )
    assert parse_highlights("no quotes at all") == ()
