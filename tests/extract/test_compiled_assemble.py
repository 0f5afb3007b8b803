"""body.assemble's fast paths give the slower code's answers: the caption box tests in C
(captions.is_loose_caption, in_caption), the compiled normalize_space, the chrome phrase search
in C, and the chrome line test tried only on the lines a text's first character allows."""

from __future__ import annotations

import lxml.etree
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions
from broadsheet.extract import captions as captions_mod
from broadsheet.extract import chrome as chrome_mod
from broadsheet.extract import dom as dom_mod
from broadsheet.extract.blocks import build_blocks
from broadsheet.extract.body import assemble
from broadsheet.extract.compiled import walk
from broadsheet.extract.dom import parse

from .compiled_paths import needs_compiled, pure_python
from .conftest import NAMES, load_page
from .story_sentences import STORY_SENTENCES

PROSE = " ".join(STORY_SENTENCES[:2])
CJK = "北京市政府今天宣布了一项新的城市交通计划"
UNICODE_SPACES = "\u00a0\u3000\u2028\u2003\x85\x1c\x1f\u202f\t\n\r\x0b\x0c"


def _page(body: str) -> HtmlElement:
    return parse(f"<html><head><title>t</title></head><body>{body}</body></html>", ExtractOptions())


# -- caption boxes -------------------------------------------------------------------------------

CAPTION_BODIES = [
    "<div class='Photo-CAPTION'><p>A boat. Photo: Reuters</p></div>",
    "<div id='caption'><div><p>Deep in a caption box. (AP Photo)</p></div></div>",
    "<span role='Caption'>r</span><p><span class='caption'>All of it. Photo: AFP</span></p>",
    # Entities and character references in the values
    "<p class='&#67;aption'>c</p><p class='cap&amp;tion'>d</p><p class='capt&#105;on x'>e</p>",
    # Non-ASCII values go to Python's lower(): dotted capital I, fullwidth letters, Roman C
    "<p class='capt\u0130on'>a</p><p class='\uff23\uff21\uff30\uff34\uff29\uff2f\uff2e'>b</p>"
    "<p class='\u216daption'>c</p><p class='CAPTION\u00e9'>d</p><p class='\u00e9 caption'>e</p>"
    "<p id='\u00e9t\u00e9' class='caption'>f</p><p id='caption' role='\u00e9'>g</p>",
    # Valueless, empty, duplicated and namespaced attributes
    "<p class>a</p><p class='' id='caption'>b</p><p class='x' class='caption'>c</p>"
    "<p xml:class='caption'>d</p><p role=caption>e</p><p id='cap' class='tion'>f</p>",
    # The word split by the join of two values is not there
    "<p class='capt' id='ion'>a</p><p class='captio'>b</p><p class='captions'>c</p>",
    # Deep nesting, a caption box far above and near
    "<div class='caption'>" + "<div>" * 200 + f"<p>{PROSE}</p>" + "</div>" * 200 + "</div>",
    f"<figure><figcaption class='wp-caption-text'>{CJK}<b>credit</b></figcaption></figure>",
    # Boxes in boxes: the outermost within reach is the box
    "<div class='caption'><div class='Caption-inner'><p class='caption-text'>Photo: AP</p>"
    "<p>x</p></div></div><div class='caption'><div><div><p class='caption'>y</p></div></div></div>",
    "<div class='gallery'><div class='caption'><p>Two. Photo: Jane Doe</p>"
    "<p class='credit'>Jane</p></div><div class='Caption'><p>One.</p></div></div>",
]


def _paths(root: HtmlElement, found: object) -> object:
    tree = root.getroottree()
    if found is None:
        return None
    if isinstance(found, list):
        return [tree.getpath(el) for el in found]
    assert isinstance(found, HtmlElement)
    return tree.getpath(found)


def _caption_answers(root: HtmlElement) -> list[object]:
    out: list[object] = []
    for el in root.iter():
        for levels in (0, 1, 2, 3, 5):
            out.append(_paths(root, captions_mod._caption_up(el, levels)))
        out.append(_paths(root, captions_mod._caption_child(el, el.text_content())))
    return out


@needs_compiled
@pytest.mark.parametrize("body", CAPTION_BODIES)
def test_caption_boxes_found_in_c_are_the_pure_ones(body: str) -> None:
    root = _page(body)
    fast = _caption_answers(root)
    with pure_python():
        slow = _caption_answers(root)
    assert fast == slow
    assert any(found is not None for found in fast)


@needs_compiled
def test_caption_children_skip_comments_and_entities() -> None:
    root = _page("<div><p class='caption'>x</p></div>")
    div = root.find(".//div")
    assert div is not None
    div.insert(0, lxml.etree.Comment(" caption "))
    div.append(lxml.etree.Entity("amp"))
    div.append(lxml.etree.ProcessingInstruction("caption", "x"))
    assert walk is not None
    assert [c.tag for c in walk.named_children(div, "caption")] == ["p"]
    with pure_python():
        assert captions_mod._caption_child(div, "x") is div[1]
    assert captions_mod._caption_child(div, "x") is div[1]


def _loose_captions(root: HtmlElement) -> list[tuple[bool, bool]]:
    candidates = build_blocks(root, base_url=None, max_depth=255, max_chars=10**6)
    return [
        (captions_mod.is_loose_caption(c, c.block.plain()), captions_mod.in_caption(c))
        for c in candidates
    ]


@needs_compiled
@pytest.mark.parametrize("body", CAPTION_BODIES)
def test_loose_captions_read_in_c_are_the_pure_ones(body: str) -> None:
    fast = _loose_captions(_page(body))
    with pure_python():
        slow = _loose_captions(_page(body))
    assert fast == slow


@needs_compiled
@pytest.mark.parametrize("name", NAMES)
def test_assemble_gives_the_pure_blocks_on_the_fixture_pages(name: str) -> None:
    html, _expected = load_page(name)

    def blocks() -> object:
        root = parse(html.decode("utf-8"), ExtractOptions())
        body = root.find(".//body")
        candidates = build_blocks(body, base_url=None, max_depth=255, max_chars=10**6)
        return assemble(candidates, title="", byline="", summary="")

    fast = blocks()
    with pure_python():
        slow = blocks()
    assert fast == slow


# -- normalize_space -----------------------------------------------------------------------------

SPACE_TEXTS = [
    "",
    " ",
    "a",
    "a b",
    " a b",
    "a b ",
    "a  b",
    "a\tb",
    "a\nb",
    UNICODE_SPACES,
    f"{UNICODE_SPACES}x{UNICODE_SPACES}y{UNICODE_SPACES}",
    f"{CJK} {CJK}",
    f"{CJK}\u3000{CJK}",
    "\u200bzero\u200bwidth\u200b",  # not whitespace to Python
    "\U0001f600 emoji \U0001f600  ",
    PROSE,
    PROSE + "\n" + PROSE,
]


@needs_compiled
@pytest.mark.parametrize("text", SPACE_TEXTS)
def test_compiled_normalize_space_is_the_split_and_join(text: str) -> None:
    assert walk is not None
    got = walk.normalize_space(text)
    assert got == dom_mod._normalize_space(text)
    assert type(got) is str


@needs_compiled
def test_compiled_normalize_space_gives_a_plain_str_for_smart_strings() -> None:
    assert walk is not None
    root = _page("<p> a  b <b>c</b></p>")
    smart = root.xpath("string(//p)")
    assert type(smart) is not str
    got = walk.normalize_space(smart)
    assert got == "a b c"
    assert type(got) is str


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(UNICODE_SPACES + " ab\u00e9\u4e2d\U0001f600"))))
def test_compiled_normalize_space_matches_on_generated_text(text: str) -> None:
    assert walk is not None
    assert walk.normalize_space(text) == dom_mod._normalize_space(text)


# -- chrome phrases ------------------------------------------------------------------------------


def _phrase_fragments() -> list[str]:
    out = []
    for phrase in chrome_mod._PHRASES_LOWER:
        out += [phrase, phrase[:-1], phrase[1:], phrase[:2]]
    return out


PHRASE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(_phrase_fragments()),
        st.text(
            alphabet=st.sampled_from(list(" ab.\u00e9\u0130\u4e2d\U0001f600\ud800")), max_size=5
        ),
    ),
    max_size=6,
).map("".join)


@needs_compiled
@settings(max_examples=400, deadline=None)
@given(PHRASE_TEXT)
def test_phrase_set_finds_what_the_regex_finds(text: str) -> None:
    assert chrome_mod._PHRASE_SET is not None
    assert chrome_mod._PHRASE_SET.search(text) == (
        chrome_mod._PHRASES_IN_LOWER.search(text) is not None
    )


@needs_compiled
def test_phrase_set_at_the_ends_of_the_text() -> None:
    assert walk is not None
    words = walk.LiteralSet(["ab", "abc", "zz", "the end"])
    for text, found in [
        ("", False),
        ("a", False),
        ("ab", True),
        ("xab", True),
        ("xa", False),
        ("z", False),
        ("yzz", True),
        ("the en", False),
        ("\u00e9 the end", True),
        ("\ud800the end\ud800", True),
        ("\ud800th\u00e9 end", False),
    ]:
        assert words.search(text) is found, text


@needs_compiled
@pytest.mark.parametrize("words", [[], ["a"], ["ab", ""], ["\u00e9t\u00e9"]])
def test_phrase_set_refuses_what_it_cannot_search(words: list[str]) -> None:
    assert walk is not None
    with pytest.raises(ValueError):  # UnicodeEncodeError is one
        walk.LiteralSet(words)


# -- chrome lines by first character -------------------------------------------------------------


def _block_texts() -> list[str]:
    texts = []
    for name in NAMES:
        html, _expected = load_page(name)
        root = parse(html.decode("utf-8"), ExtractOptions())
        texts += [c.block.plain() for c in build_blocks(root, base_url=None, max_depth=255)]
    return texts + [line for text in texts for line in text.split("\n")]


def test_chrome_text_of_the_fixture_pages_is_judged_as_before() -> None:
    texts = _block_texts()
    texts += [
        "Share",
        "Read more: the council's plan",
        "3 of 12",
        "\u0663 comments",
        "You reached the limit of 20 saved items.",
        "Sign up for our newsletter \u00e9",
        "\u0130mage: AP",
    ]
    fast = [chrome_mod.is_chrome_text(t) for t in texts]
    with pure_python():
        slow = [chrome_mod.is_chrome_text(t) for t in texts]
    assert fast == slow
    assert any(fast)
