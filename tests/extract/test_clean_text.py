"""clean_text() on flattened fixture text keeps the story and drops the chrome lines."""

from __future__ import annotations

import time
from typing import Any

import lxml.html
import pytest

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


_PROSE = [
    "The council voted on Tuesday to close the old bridge for repairs, after engineers found "
    "cracks in two of its supporting piers during a routine inspection last month.",
    "Traffic will be diverted through the town centre for at least six weeks, and the council "
    "has asked drivers to allow extra time for journeys at the start and end of the day.",
    "Local shops welcomed the extra passing trade but said parking would need to be managed "
    "carefully, because the narrow streets were never designed for heavy vehicles.",
    "A public meeting will be held next Thursday evening at the library, where the engineers "
    "will explain the work and answer questions from residents about the timetable.",
    "The bridge, which opened in 1932, carries about eleven thousand vehicles a day and is the "
    "only crossing of the river for several miles in either direction.",
]


def test_clean_text_keeps_cjk_prose() -> None:
    story = [
        "今回の調査では、市内の主要な道路で交通量が大きく減少したことが明らかになりました。",
        "市の担当者は、新しい路線バスの導入が効果を上げていると説明しています。",
        "一方で、商店街からは来客数が減ったという声も上がっており、対策が求められています。",
        "市は来年度、駐車場の整備と合わせて、利用者への聞き取り調査を行う予定です。",
    ]
    cleaned = clean_text("\n".join(["ホーム", "ニュース", "ログイン", *story, "利用規約"]))
    assert cleaned.splitlines() == story


def test_clean_text_drops_script_residue_and_tag_clouds() -> None:
    residue = [
        "var adSlots = window.adSlots || []; adSlots.push({id: 'top', sizes: [[728, 90]]});",
        '<iframe src="https://tags.example/ns.html?id=X" height="0" width="0"></iframe>',
        "bridge council traffic repairs river town centre shops parking engineers library "
        "meeting residents timetable crossing vehicles inspection piers",
        "bridge repairs,town council,traffic news,local shops,river crossing,road closures",
        "THIS FILE CONFIGURES SHARED STATIC ASSETS FOR THE NEWS SECTION AND ITS TEMPLATES",
    ]
    text = [*residue[:3], *_PROSE, *residue[3:], "Sign in", *residue]
    assert clean_text("\n".join(text)).splitlines() == _PROSE


def test_clean_text_looks_past_a_recirculation_box_above_the_story() -> None:
    box = [
        "Related Stories",
        "Ferry timetable changes from next week after the operator reviewed its winter service.",
        "Most Read",
    ]
    lead = [
        "Residents have until Friday to comment on the plan for the new riverside park and "
        "its playground.",
        "The consultation has had more than four hundred responses so far, the council said "
        "on Monday.",
        "Most of them ask for more trees and benches along the path between the two bridges.",
        "A few ask for a small café near the playground, which the plan does not include.",
        "The council says it will publish a summary of the responses before the summer.",
        "Work could start in the autumn if the budget is approved at the next full meeting.",
        "Until then the old boathouse stays closed, and the path past it is open only at weekends.",
    ]
    story = [*_PROSE, *reversed(_PROSE)]
    cleaned = clean_text("\n".join([*lead, *box, *story])).splitlines()
    assert cleaned[0] == _PROSE[0]
    assert "Most Read" not in cleaned
    assert lead[0] not in cleaned


def test_clean_text_never_keeps_comments_however_long() -> None:
    comment = (
        "I have lived near that bridge for thirty years and I can tell you the cracks were "
        "there long before last month, so why has it taken the council so long to act on it?"
    )
    comments = [f"Reader {i} wrote:\n{comment} ({i})" for i in range(12)]
    cleaned = clean_text("\n".join([*_PROSE, "12 Comments", *comments]))
    assert cleaned.splitlines() == _PROSE


def test_clean_text_drops_teasers_and_repeated_promos() -> None:
    teasers = [
        "Council Approves New Budget For Riverside Park Project The council approved the budget "
        "on Monday after a long debate about the cost of the new playground.",
        "Police Appeal For Witnesses After Crash On Ring Road A driver was taken to hospital "
        "after the crash, which happened shortly after midnight on Saturday.",
    ]
    promo = (
        "Subscribe today and read every story from our newsroom on any device, with our "
        "morning briefing delivered to your inbox before breakfast."
    )
    text = [promo, *teasers, *_PROSE[:3], promo, *_PROSE[3:], *teasers, promo]
    cleaned = clean_text("\n".join(text)).splitlines()
    assert cleaned == _PROSE


def test_clean_text_keeps_a_story_the_page_prints_twice() -> None:
    cleaned = clean_text("\n".join(["Home", *_PROSE, "Print version", *_PROSE, "Contact"]))
    assert cleaned.splitlines()[: len(_PROSE)] == _PROSE


@pytest.mark.slow
def test_clean_text_stays_fast_on_many_stop_headers() -> None:
    # Every "Related" header after the first is checked against the heaviest run after it: that
    # must not rescan the rest of the page each time (quadratic); linear takes ~2.5 s here.
    text = "\n".join(f"{line} ({i})" for i in range(3000) for line in (*_PROSE, "Related"))
    started = time.perf_counter()
    cleaned = clean_text(text)
    assert time.perf_counter() - started < 10.0
    assert f"{_PROSE[0]} (0)" in cleaned
