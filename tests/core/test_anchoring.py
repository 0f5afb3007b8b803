"""Finding a highlight's passage again (core.anchoring) and drawing it (core.marking): pure."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from broadsheet.core.anchoring import Selector, Span, context, locate, story_text
from broadsheet.core.marking import Mark, render

TEXT = (
    "The dam opened at dawn. Farmers downstream watched the river rise. "
    "By noon the dam opened its second gate, and the river rose again."
)


def _selector(text: str, quote: str, nth: int = 0, size: int = 32) -> Selector:
    at = -1
    for _ in range(nth + 1):
        at = text.index(quote, at + 1)
    span = Span(at, at + len(quote))
    prefix, suffix = context(text, span, size)
    return Selector(quote, prefix, suffix, span.start, span.end)


def test_the_quote_where_it_was() -> None:
    sel = _selector(TEXT, "Farmers downstream")
    assert locate(TEXT, sel) == Span(sel.start or 0, sel.end or 0)


def test_moved_text_is_found_by_quote_and_context() -> None:
    sel = _selector(TEXT, "watched the river rise")
    moved = "A new first paragraph was added above the story. " + TEXT
    span = locate(moved, sel)
    assert span is not None and moved[span.start : span.end] == "watched the river rise"
    assert span.start == (sel.start or 0) + len("A new first paragraph was added above the story. ")


def test_a_duplicated_quote_is_told_apart_by_prefix_and_suffix() -> None:
    second = _selector(TEXT, "the dam opened", nth=0)  # "By noon the dam opened its second"
    assert TEXT[second.start or 0 :].startswith("the dam opened its second")
    # Without the position hint, only the context tells the two "dam opened" apart.
    for quote, nth, after in (("dam opened", 0, " at dawn"), ("dam opened", 1, " its second")):
        sel = _selector(TEXT, quote, nth=nth)
        blind = Selector(sel.quote, sel.prefix, sel.suffix)
        span = locate(TEXT, blind)
        assert span is not None and TEXT[span.end :].startswith(after), (quote, nth)
    # With a stale hint pointing at the other one, the context still wins.
    first = _selector(TEXT, "dam opened", nth=0)
    second_at = TEXT.index("dam opened", (first.start or 0) + 1)
    wrong = Selector(first.quote, first.prefix, first.suffix, second_at, second_at + 10)
    assert locate(TEXT, wrong) == Span(first.start or 0, first.end or 0)


def test_without_context_the_hint_decides() -> None:
    later = TEXT.index("the river", 60)
    span = locate(TEXT, Selector("the river", start=later + 3, end=later + 12))
    assert span == Span(later, later + len("the river"))


def test_changed_text_orphans_the_highlight() -> None:
    sel = _selector(TEXT, "Farmers downstream watched")
    rewritten = TEXT.replace("Farmers downstream watched", "Villagers saw")
    assert locate(rewritten, sel) is None
    assert locate("", sel) is None
    assert locate(TEXT, Selector("")) is None


def test_white_space_changes_are_forgiven() -> None:
    sel = _selector(TEXT, "Farmers downstream watched the river rise.")
    reflowed = TEXT.replace("downstream watched", "downstream\n  watched").replace(". F", ".\n\nF")
    span = locate(reflowed, sel)
    assert span is not None
    assert reflowed[span.start : span.end] == "Farmers downstream\n  watched the river rise."


def test_unicode_offsets_are_code_points() -> None:
    text = "Émile 😀 said «non» — then the 水坝 opened. Émile 😀 said «oui»."
    sel = _selector(text, "said «oui»")
    assert locate(text, sel) == Span(text.index("said «oui»"), text.index("said «oui»") + 10)
    # Astral characters count once (a browser's UTF-16 would count them twice).
    assert story_text("<p>😀 水坝</p>") == "😀 水坝"
    span = locate("😀 水坝 opened", Selector("水坝", start=2, end=4))
    assert span == Span(2, 4)


def test_the_canonical_text_is_the_browsers_text_content() -> None:
    html = (
        "<h2>A &amp; B</h2>\n<p>One<br>two <em>three</em></p> <pre>\nfour</pre>"
        "<ul><li>five</li></ul>"
    )
    # "\n" after <pre> is dropped by an HTML5 parser, as in the browser.
    assert story_text(html) == "A & B\nOnetwo three fourfive"
    assert story_text("") == ""


def _marks(html: str) -> list[tuple[str, str]]:
    tree = LexborHTMLParser(html)
    return [(m.attributes.get("data-highlight") or "", m.text()) for m in tree.css("mark")]


def test_marks_wrap_the_passage_across_elements() -> None:
    html = "<p>The dam <em>opened at</em> dawn.</p><p>Farmers watched.</p>"
    text = story_text(html)
    start = text.index("opened")
    end = text.index("Farmers") + len("Farmers")
    out = render(html, [Mark(7, start, end, "why?")])
    assert _marks(out) == [("7", "opened at"), ("7", " dawn."), ("7", "Farmers")]
    assert out.count('id="hl-7"') == 1
    assert story_text(out) == text  # the marks change no text
    assert 'title="why?"' in out and "has-note" in out


def test_overlapping_marks() -> None:
    html = "<p>abcdefghij</p>"
    out = render(html, [Mark(1, 0, 6), Mark(2, 4, 10)])
    assert _marks(out) == [("1", "abcd"), ("2", "ef"), ("2", "ghij")]
    assert 'id="hl-1"' in out and 'id="hl-2"' in out


def test_hostile_text_and_notes_stay_text() -> None:
    html = '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p><p><a href="https://x.example/">link</a></p>'
    text = story_text(html)
    assert text.startswith("<script>alert(1)</script>")
    note = '"><script>alert(2)</script><img src=x onerror=alert(3)>'
    out = render(html, [Mark(3, 0, len("<script>alert(1)</script>"), note)])
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert 'title="&quot;&gt;&lt;script&gt;alert(2)' in out
    assert story_text(out) == text
    assert 'rel="noopener noreferrer"' in out and 'referrerpolicy="no-referrer"' in out


def test_only_the_sanitisers_markup_comes_out() -> None:
    """Whatever the stored HTML held, the marked copy is no more than the allow-list."""
    html = (
        '<p onclick="x()" style="color:red">a<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">b</a><img src="https://i.example/p.png" onerror="x">'
        '<svg><title>t</title></svg><span class="credit evil">c</span>'
    )
    out = render(html, [Mark(1, 0, 1)])
    assert not re.search(r"on[a-z]+=|style=|javascript:|<script|<svg", out)
    assert '<img src="https://i.example/p.png"' in out
    assert '<span class="credit">' in out
    assert "alert(1)" in out  # the script's text, as harmless text
    assert story_text(out) == story_text(html)


def test_pre_keeps_its_leading_newline() -> None:
    html = "<pre>\n\nindented</pre>"
    out = render(html, [Mark(1, 1, 4)])
    assert story_text(out) == story_text(html) == "\nindented"


def test_deep_nesting_is_no_recursion() -> None:
    html = "<blockquote>" * 3000 + "deep" + "</blockquote>" * 3000
    assert story_text(html).strip() == "deep"
    out = render(html, [Mark(1, 0, 2)])
    assert "<mark" in out
