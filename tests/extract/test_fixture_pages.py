"""Each fixture page's expected.json holds for extract()."""

from __future__ import annotations

import html as html_lib
from typing import Any

import pytest

from broadsheet.extract import extract
from tests.support.fixture_server import caption_sentences

from .conftest import ADDRESSES, NAMES, PAGES

EXPECTED_KEYS = {
    "title", "byline", "site_name", "published", "summary", "must_contain", "must_not_contain",
}  # fmt: skip


def test_every_page_has_expectations() -> None:
    assert len(NAMES) >= 4
    for name in NAMES:
        assert (PAGES / f"{name}.expected.json").exists(), name
        assert name in ADDRESSES


def test_expected_files_have_the_shared_format(page: tuple[str, bytes, dict[str, Any]]) -> None:
    _, _, expected = page
    assert set(expected) == EXPECTED_KEYS
    for key in ("title", "byline", "site_name", "published", "summary"):
        assert isinstance(expected[key], str) and expected[key]
    assert all(isinstance(s, str) for s in expected["must_contain"])
    assert all(isinstance(s, str) for s in expected["must_not_contain"])


def test_metadata_matches(page: tuple[str, bytes, dict[str, Any]]) -> None:
    name, html, expected = page
    article = extract(html, url=ADDRESSES[name])
    assert article.title == expected["title"]
    assert article.byline == expected["byline"]
    assert article.site_name == expected["site_name"]
    assert article.summary == expected["summary"]
    assert article.published is not None
    assert article.published.isoformat() == expected["published"]


def test_body_keeps_the_story(page: tuple[str, bytes, dict[str, Any]]) -> None:
    name, html, expected = page
    article = extract(html, url=ADDRESSES[name])
    captions = caption_sentences(name, expected["must_contain"])
    for sentence in expected["must_contain"]:
        if sentence in captions:  # in the figure blocks and the HTML, not in the running text
            assert sentence not in article.text, sentence
            assert any(sentence in (b.caption or "") + (b.credit or "") for b in article.blocks)
        else:
            assert sentence in article.text, sentence
    body_html = html_lib.unescape(article.html)
    for sentence in expected["must_contain"]:
        assert sentence in body_html, sentence


def test_body_drops_the_chrome(page: tuple[str, bytes, dict[str, Any]]) -> None:
    name, html, expected = page
    article = extract(html, url=ADDRESSES[name])
    body_html = html_lib.unescape(article.html)
    for chrome in expected["must_not_contain"]:
        assert chrome not in article.text, chrome
        assert chrome not in body_html, chrome


def test_str_input_gives_the_same_article(page: tuple[str, bytes, dict[str, Any]]) -> None:
    name, html, _ = page
    assert extract(html.decode("utf-8"), url=ADDRESSES[name]) == extract(html, url=ADDRESSES[name])


def test_counts_are_consistent(page: tuple[str, bytes, dict[str, Any]]) -> None:
    name, html, _ = page
    article = extract(html, url=ADDRESSES[name])
    assert article.word_count == len(article.text.split())
    assert article.reading_minutes >= 1
    assert article.reading_minutes == -(-article.word_count // 230)
    story = [b.plain() for b in article.blocks if b.kind != "figure" and b.plain()]
    assert article.text == "\n\n".join(story)


def test_text_leaves_captions_to_the_figures() -> None:
    photos = "".join(
        f'<figure><img src="https://cdn.example/{i}.jpg" width="800" height="600">'
        f"<figcaption>Boats at dawn in the harbour, picture {i} of the winter series.</figcaption>"
        "</figure>"
        for i in range(3)
    )
    story = "<p>" + "The ferry returned to service on Monday after the winter repairs. " * 4
    article = extract(f"<html><body><article>{story}</p>{photos}</article></body></html>")
    assert "Boats at dawn" not in article.text and "ferry returned" in article.text
    assert any(b.kind == "figure" and b.caption for b in article.blocks)
    assert "Boats at dawn" in article.html


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("world-lavrov", "https://www.dailyledger.example/world/2024/03/12/lavrov-arctic-shipping-talks"),
        ("local-library-flood", "https://www.rivertoncourier.example/news/local/flooded-library-reopens-volunteers"),
        ("longread-tidewater", "https://harbourhinterland.example/features/the-last-tidewater-pilots"),
    ],
)  # fmt: skip
def test_canonical_url(name: str, canonical: str) -> None:
    html = (PAGES / f"{name}.html").read_bytes()
    assert extract(html, url=ADDRESSES[name]).canonical_url == canonical


def test_reporting_credits_line_is_kept() -> None:
    html = (PAGES / "world-lavrov.html").read_bytes()
    article = extract(html, url=ADDRESSES["world-lavrov"])
    line = "(Additional reporting by Anna Kask in Tallinn; Editing by Mark Doyle)"
    assert article.credits == line
    assert article.text.endswith(line)


def test_structure_is_kept() -> None:
    html = (PAGES / "world-lavrov.html").read_bytes()
    article = extract(html, url=ADDRESSES["world-lavrov"])
    kinds = [b.kind for b in article.blocks]
    assert {"heading", "paragraph", "list", "quote", "figure"} <= set(kinds)
    headings = [b for b in article.blocks if b.kind == "heading"]
    assert [h.text for h in headings] == ["Icebreakers and insurance", "A long-standing dispute"]
    assert all(h.level == 2 for h in headings)
    lists = [b for b in article.blocks if b.kind == "list"]
    assert len(lists) == 1 and len(lists[0].items) == 3 and not lists[0].ordered
    assert article.language == "en-US"
    assert article.image == "https://cdn.dailyledger.example/images/2024/03/lavrov-talks-lead.jpg"


def test_code_and_tables_are_kept() -> None:
    html = (PAGES / "tech-sqlite-wal.html").read_bytes()
    article = extract(html, url=ADDRESSES["tech-sqlite-wal"])
    pre = [b for b in article.blocks if b.kind == "preformatted"]
    assert len(pre) == 2
    assert "def read_counters(conn):\n    return dict(" in pre[1].text
    assert "<pre><code>" in article.html
    ordered = [b for b in article.blocks if b.kind == "list"]
    assert ordered and ordered[0].ordered

    long_read = extract((PAGES / "longread-tidewater.html").read_bytes())
    tables = [b for b in long_read.blocks if b.kind == "table"]
    assert len(tables) == 1
    assert "Ships piloted last year | 3,140" in tables[0].text
    assert "<table>" in long_read.html
