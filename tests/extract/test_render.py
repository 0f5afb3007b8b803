"""render(): text, Markdown and JSON."""

from __future__ import annotations

import json

import pytest

from broadsheet.extract import extract, render

from .conftest import ADDRESSES, PAGES


@pytest.fixture(scope="module")
def article():  # type: ignore[no-untyped-def]
    html = (PAGES / "world-lavrov.html").read_bytes()
    return extract(html, url=ADDRESSES["world-lavrov"])


def test_text(article) -> None:  # type: ignore[no-untyped-def]
    out = render(article, "text")
    assert out.startswith(article.title + "\n\nBy Daria Volkova · The Daily Ledger · 2024-03-12")
    assert article.text in out
    assert out.endswith("\n")


def test_markdown(article) -> None:  # type: ignore[no-untyped-def]
    out = render(article, "markdown")
    assert out.startswith(f"# {article.title}\n\n> {article.summary}\n\n*By Daria Volkova")
    assert "\n## Icebreakers and insurance\n" in out
    assert "\n- a shared schedule for icebreaker escorts through the Kara Gate;\n" in out
    assert '\n> "Moscow wants to be seen' in out
    assert "![Sergey Lavrov and Pekka Lindqvist at a news conference](https://" in out
    assert "(AP Photo/Misha Japaridze)*" in out


def test_markdown_code_and_table() -> None:
    md = render(extract((PAGES / "tech-sqlite-wal.html").read_bytes()), "markdown")
    assert "```\nimport sqlite3\n" in md
    assert "\n1. Every read now runs" in md
    table = render(extract((PAGES / "longread-tidewater.html").read_bytes()), "markdown")
    assert "| Measure | Figure |\n| --- | --- |\n| Pilots licensed for the estuary | 12 |" in table


def test_json(article) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render(article, "json"))
    assert data["title"] == article.title
    assert data["published"] == "2024-03-12T14:05:00+00:00"
    assert data["canonical_url"] == article.canonical_url
    assert data["credits"] == article.credits
    assert data["word_count"] == article.word_count
    figure = next(b for b in data["blocks"] if b["kind"] == "figure")
    assert figure["credit"] == "AP Photo/Misha Japaridze"
    heading = next(b for b in data["blocks"] if b["kind"] == "heading")
    assert heading == {"kind": "heading", "text": "Icebreakers and insurance", "level": 2}


def test_unknown_format(article) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown format"):
        render(article, "pdf")  # type: ignore[arg-type]
