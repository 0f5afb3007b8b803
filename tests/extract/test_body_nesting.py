"""Choosing the story when its markup nests it deep, or its class names look like chrome."""

from __future__ import annotations

from broadsheet.extract import extract
from broadsheet.extract.article import Block, ExtractOptions
from broadsheet.extract.blocks import Candidate
from broadsheet.extract.dom import parse
from broadsheet.extract.scoring import weight

from .story_sentences import STORY_SENTENCES

SENTENCES = STORY_SENTENCES[:6]
TEASER = (
    "A quiet village fair grew into the largest food festival in the region, with stalls "
    "from twenty countries and a queue for the dumplings that stretched past the church."
)


def page(body: str) -> str:
    return f"<html><head><title>T</title></head><body>{body}</body></html>"


def wrapped(inner: str, levels: int) -> str:
    return "<div>" * levels + inner + "</div>" * levels


def test_story_nested_in_single_child_wrappers_is_not_lost_to_a_flat_teaser_rail() -> None:
    # Each paragraph sits in its own stack of wrappers (as page builders emit them); the rail's
    # teasers sit flat. Decay through the wrappers used to hand the page to the rail.
    story = "".join(wrapped(f"<p>{s}</p>", 4) for s in SENTENCES)
    rail = "".join(f"<p>{TEASER} Number {i}.</p>" for i in range(2))
    html = page(f"<div><div><div>{story}</div></div></div><div><div>{rail}</div></div>")
    text = extract(html).text
    for s in SENTENCES:
        assert s in text


def test_wrapper_named_after_the_author_is_not_dropped_as_chrome() -> None:
    # Blog engines class a post's wrapper "entry-author-<name>": the story, not a byline box.
    story = "".join(f"<p>{s}</p>" for s in SENTENCES)
    comments = "".join(
        f"<li class='c'><p>{TEASER} Reader {i} agrees with the others here.</p></li>"
        for i in range(8)
    )
    html = page(
        f"<div class='entry-author-jane_doe'><div class='entry-content'>{story}</div></div>"
        f"<ol class='reader-notes'>{comments}</ol>"
        "<div class='author-box'><p>Jane Doe writes about towns and rivers.</p></div>"
    )
    text = extract(html).text
    assert SENTENCES[0] in text
    assert "Jane Doe writes" not in text


def test_short_cjk_line_weighs_as_prose() -> None:
    line = "一波波接續性低溫寒流報到已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣"  # 34 characters
    root = parse(page(f"<p>{line}</p>"), ExtractOptions())
    el = next(root.iter("p"))
    c = Candidate(Block("paragraph", text=line), el, len(line), 0)
    assert weight(c) > 0
