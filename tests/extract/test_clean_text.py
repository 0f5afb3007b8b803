"""clean_text() on flattened fixture text keeps the story and drops the chrome lines."""

from __future__ import annotations

from typing import Any

import lxml.html

from broadsheet.extract import clean_text

_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul", "title", "option",
}  # fmt: skip


def flatten(html: bytes) -> str:
    """Every visible text node, one block a line: what a scraper without cleaning keeps."""
    root = lxml.html.document_fromstring(html)
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            lines.append(" ".join("".join(buf).split()))
            buf.clear()

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript", "template", "head"):
            if el.tail:
                buf.append(el.tail)
            return
        if tag in _BLOCKS:
            flush()
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCKS:
            flush()
        if el.tail:
            buf.append(el.tail)

    walk(root)
    flush()
    return "\n".join(line for line in lines if line)


def test_clean_text_keeps_story_and_drops_chrome(page: tuple[str, bytes, dict[str, Any]]) -> None:
    name, html, expected = page
    flat = flatten(html)
    cleaned = clean_text(flat)
    body_sentences = [s for s in expected["must_contain"] if len(s) > 60]
    assert body_sentences
    for sentence in body_sentences:
        assert sentence in cleaned, (name, sentence)
    kept_lines = set(cleaned.splitlines())
    for chrome in expected["must_not_contain"]:
        assert chrome not in kept_lines, (name, chrome)
    assert len(cleaned) < len(flat)


def test_clean_text_drops_save_widget_and_prompts() -> None:
    text = "\n".join(
        [
            "Home", "World", "Business", "Save for later",
            "This item has been saved to read later from any device.",
            "Failed to save", "You have already saved this item.",
            "You reached the limit of 20 saved items.",
            "The minister said on Tuesday that the talks would resume next month in Geneva, "
            "after a pause of almost a year caused by a dispute over the agenda.",
            "About video ads",
            "Both delegations are expected to bring new proposals on fishing quotas, which have "
            "been the main sticking point since the previous round collapsed in the spring.",
            "Recommended: Ten things to know about the quota dispute",
            "Officials declined to say whether the ministers themselves would attend.",
            "Did we miss an angle? Should we come back to this topic?",
            "Most Viewed", "Port strike enters third week", "© 2024 The Daily Ledger",
        ]
    )  # fmt: skip
    cleaned = clean_text(text).splitlines()
    assert cleaned[0].startswith("The minister said on Tuesday")
    assert cleaned[-1] == "Officials declined to say whether the ministers themselves would attend."
    assert len(cleaned) == 3


def test_clean_text_empty() -> None:
    assert clean_text("") == ""
    assert clean_text("Home\nMenu\nLog in") == ""
