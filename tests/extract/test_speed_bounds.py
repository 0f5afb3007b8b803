"""Round 2 of the fast paths and bounds: each gives the slow path's answer, or a documented cut."""

from __future__ import annotations

import dataclasses
import random
import re
from concurrent.futures import ThreadPoolExecutor

import lxml.etree
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.extract import ExtractOptions, NotHTML, extract
from broadsheet.extract import dom as dom_mod
from broadsheet.extract import metadata as metadata_mod
from broadsheet.extract.article import Block, paragraph_block
from broadsheet.extract.blocks import Candidate, build_blocks
from broadsheet.extract.byline import _MAYBE_AUTHOR, _candidates
from broadsheet.extract.dom import _cut_at_tags, _trim_attributes, parse
from broadsheet.extract.engine import _within
from broadsheet.extract.errors import EmptyDocument
from broadsheet.extract.metadata import read_metadata
from broadsheet.extract.sanitize import _SCRIPT_SCHEME, defuse_script_schemes, sanitize_html
from broadsheet.extract.scoring import inside

from .compiled_paths import both, needs_compiled
from .conftest import NAMES, load_page

PROSE = "A sentence of real prose, long enough to count as running text. " * 4


def _elements(root: lxml.etree._Element) -> int:
    return sum(1 for _ in root.iter(lxml.etree.Element))


# -- binary input given as bytes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "magic",
    [b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\xff\xd8\xff\xe0", b"PK\x03\x04", b"%PDF-1.7\n"],
)
def test_binary_bytes_are_not_html_whatever_follows(magic: bytes) -> None:
    # Decoded, "\x89PNG" is "‰PNG" and random bytes read as text: the magic is checked on bytes.
    data = magic + random.Random(4).randbytes(200_000)
    with pytest.raises(NotHTML):
        extract(data)
    with pytest.raises(NotHTML):
        extract(b"\xef\xbb\xbf \r\n" + data)


def test_binary_magic_in_a_str_is_still_not_html() -> None:
    with pytest.raises(NotHTML):
        extract("\x89PNG\r\n\x1a\n<p>" + PROSE + "</p>")


def test_html_bytes_that_merely_mention_a_magic_are_html() -> None:
    article = extract(
        f"<html><body><p>GIF89a and %PDF are formats. {PROSE}</p></body></html>".encode()
    )
    assert article.text.startswith("GIF89a")


# -- cutting huge pages before parsing ------------------------------------------------------------


def test_a_million_brs_are_cut_at_max_nodes_elements() -> None:
    options = ExtractOptions(max_nodes=1000)
    root = parse("<html><body>" + "<br>" * 100_000 + "</body></html>", options)
    assert 900 <= _elements(root) <= 1000


def test_closing_tags_and_comments_do_not_count_as_elements() -> None:
    options = ExtractOptions(max_nodes=1000)
    junk = "</i>" * 5000 + "<!-- x -->" * 5000  # once cut at 2 x max_nodes "<": no article
    article = extract(f"<html><body>{junk}<p>{PROSE}</p></body></html>", options=options)
    assert article.text.startswith("A sentence of real prose")


def test_cut_keeps_everything_below_the_bound() -> None:
    data = b"<p>a</p>" * 10
    assert _cut_at_tags(data, 11) is data
    assert _cut_at_tags(data, 5) == b"<p>a</p>" * 4


def test_attributes_are_not_copied_unless_a_tag_is_cut() -> None:
    many_equals = b"<p>" + b"<a href='/?q=1&r=2'>x</a>" * 3000 + b"</p>"
    assert _trim_attributes(many_equals) is many_equals
    crowded = b"<p " + b" ".join(b"a%d=x" % i for i in range(6000)) + b">x</p>"
    trimmed = _trim_attributes(crowded)
    assert 200 < trimmed.count(b"=") <= 256
    assert trimmed.endswith(b">x</p>")


# -- the text cap ---------------------------------------------------------------------------------


def test_text_is_capped_at_half_a_million_characters() -> None:
    assert ExtractOptions().max_text_chars == 500_000
    article = extract("<html><body><p>" + "word. " * 1_600_000 + "</p></body></html>")
    assert 400_000 < len(article.text) <= 500_000


def test_a_later_giant_block_is_left_out_whole() -> None:
    page = f"<html><body><p>{PROSE}</p><p>{'x&amp;' * 300_000}</p></body></html>"
    article = extract(page)
    assert article.text == PROSE.strip()


def test_blocks_cut_giant_text_before_normalising_it() -> None:
    root = lxml.html.fromstring(
        "<html><body><p>" + "a  b " * 1000 + "</p><div>" + "c " * 1000 + "</div></body></html>"
    )
    out = build_blocks(next(root.iter("body")), base_url=None, max_depth=255, max_chars=100)
    assert [len(c.block.text) <= 100 for c in out] == [True, True]
    assert out[0].block.text.startswith("a b a b")


# -- htmldate only where it is cheap --------------------------------------------------------------

DATED_IN_TEXT = (
    "<html><head><title>Story</title></head><body><article><p class='date'>2021-03-12</p>"
    f"<p>{PROSE}</p></article></body></html>"
)


def test_htmldate_finds_the_date_on_an_ordinary_page() -> None:
    meta = read_metadata(lxml.html.fromstring(DATED_IN_TEXT), None)
    assert meta.published is not None and meta.published.year == 2021


def test_no_date_search_when_the_engine_says_so() -> None:
    meta = read_metadata(lxml.html.fromstring(DATED_IN_TEXT), None, date_search=False)
    assert meta.published is None


def test_no_date_search_on_huge_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata_mod, "DATE_SEARCH_MAX_ELEMENTS", 5)
    assert read_metadata(lxml.html.fromstring(DATED_IN_TEXT), None).published is None


@needs_compiled
def test_the_date_search_bound_counts_every_element(monkeypatch: pytest.MonkeyPatch) -> None:
    # html, head, title, body, article and two paragraphs: seven elements, counted by the
    # metadata walk (in C, or by XPath on the pure path) as htmldate's bound needs them.
    root = lxml.html.fromstring(DATED_IN_TEXT)

    def bounded(limit: int) -> tuple[int, bool]:
        monkeypatch.setattr(metadata_mod, "DATE_SEARCH_MAX_ELEMENTS", limit)
        dated = read_metadata(root, None).published is not None
        return metadata_mod.scan_page(root).elements, dated

    assert both(lambda: bounded(7)) == ((7, True), (7, True))
    assert both(lambda: bounded(6)) == ((7, False), (7, False))


def test_no_date_search_on_huge_inputs() -> None:
    padding = "<p>" + "x " * (metadata_mod.DATE_SEARCH_MAX_CHARS // 2) + "</p>"
    article = extract(DATED_IN_TEXT.replace("</article>", padding + "</article>"))
    assert article.published is None
    assert extract(DATED_IN_TEXT).published is not None


def test_declared_dates_do_not_need_the_search() -> None:
    page = DATED_IN_TEXT.replace(
        "<title>", '<meta property="article:published_time" content="2020-01-02"><title>'
    )
    meta = read_metadata(lxml.html.fromstring(page), None, date_search=False)
    assert meta.published is not None and meta.published.year == 2020


# -- defusing script: schemes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "plain text with no scheme at all",
        "<a>javascript:alert(1)</a> and JAVASCRIPT: too",
        "VbScript:x LiveScript:y",
        "java\u017fcript: (long s)",
        "javascr\u0130pt: and javascr\u0131pt: (dotted and dotless i)",
        "scri\u0307pt: combining dot; \u212a kelvin; script without colon",
        "ja\u0000vascript: and javascript :",
    ],
)
def test_script_scheme_shortcut_matches_the_regex(text: str) -> None:
    assert defuse_script_schemes(text) == _SCRIPT_SCHEME.sub(r"\1&#58;", text)


def test_script_scheme_shortcut_on_random_text() -> None:
    rnd = random.Random(7)
    alphabet = "javscriptlbeJAVSCRIPTLBE: \u017f\u0130\u0131\u212a"
    for _ in range(2000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 40)))
        assert defuse_script_schemes(text) == _SCRIPT_SCHEME.sub(r"\1&#58;", text)


# -- byline candidates ----------------------------------------------------------------------------

_WORDS = " or ".join(f"contains(., '{w}')" for w in _MAYBE_AUTHOR.pattern.split("|"))
# The XPath query the walk replaced: the walk must find the same elements in the same order.
_REFERENCE = lxml.etree.XPath(
    f"descendant-or-self::*[@class[{_WORDS}] or @id[{_WORDS}] or @rel[contains(., 'uthor')]"
    " or @itemprop[contains(., 'uthor')]] | descendant-or-self::h1"
)


@pytest.mark.parametrize("name", NAMES)
def test_byline_candidates_match_the_xpath_on_fixture_pages(name: str) -> None:
    html, _ = load_page(name)
    root = lxml.html.fromstring(html)
    assert list(_candidates(root)) == _REFERENCE(root)


def test_byline_candidates_match_the_xpath_on_odd_attributes() -> None:
    root = lxml.etree.fromstring(
        "<html><body><h1 class='byline'>T</h1><div id='Author'>a</div>"
        "<span rel='co-author'>b</span><p itemprop='AUTHOR'>no</p>"
        "<i data-class='author'>no</i><b class='autoreviews x'>c</b>"
        "<em class='writer-x' id='byline'>d</em><H1>upper</H1><div class=''>e</div></body></html>",
        lxml.etree.HTMLParser(),
    )
    assert list(_candidates(root)) == _REFERENCE(root)
    assert re.fullmatch(r"[a-z|]+", _MAYBE_AUTHOR.pattern)


# -- one nh3 Cleaner for every call ---------------------------------------------------------------


def test_one_cleaner_resolves_each_calls_own_base_url() -> None:
    html = '<p><a href="/x">x</a><img src="y.png" alt=""></p>'
    bases = [f"https://site{i}.example/a/" for i in range(40)]
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda base: sanitize_html(html, base_url=base), bases))
    for i, out in enumerate(outs):
        assert f'href="https://site{i}.example/x"' in out
        assert f'src="https://site{i}.example/a/y.png"' in out
    assert "href" not in sanitize_html(html) and "src" not in sanitize_html(html)


# -- fast constructors and the memoised containment test ------------------------------------------


def test_paragraph_block_is_the_dataclass_block() -> None:
    fast, slow = paragraph_block("Some text"), Block("paragraph", text="Some text")
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert dataclasses.replace(fast, text="Other") == Block("paragraph", text="Other")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.text = "changed"  # type: ignore[misc]


def test_candidates_are_the_dataclass_candidates() -> None:
    root = lxml.html.fromstring(f"<html><body><p>{PROSE}</p><h2>Head</h2></body></html>")
    for c in build_blocks(next(root.iter("body")), base_url=None, max_depth=255):
        assert c == Candidate(c.block, c.el, c.chars, c.link_chars)
        assert dataclasses.replace(c, chars=1).chars == 1


def test_within_answers_as_inside() -> None:
    root = lxml.html.fromstring(
        "<html><body><div id='a'><p>1</p><div><p>2</p></div></div><p>3</p>"
        "<section><p>4</p><div id='b'><p>5</p></div></section></body></html>"
    )
    candidates = build_blocks(next(root.iter("body")), base_url=None, max_depth=255)
    containers = [root.get_element_by_id("a"), root.get_element_by_id("b")]
    within = _within(containers)
    answers = [within(c.el) for c in candidates]
    assert answers == [inside(c, containers) for c in candidates]
    assert answers == [True, True, False, False, True]


def _head_verdict_as_sliced(text: str) -> str:
    """to_text's checks as written before they read the head in place: on a sliced copy."""
    head = text[: dom_mod._SNIFF_CHARS].lstrip("\ufeff \t\r\n\f")
    if not head or head.isspace():
        return "EmptyDocument"
    if head.startswith(dom_mod._BINARY_MAGIC) or head.startswith(("{", "[")):
        return "NotHTML"
    if not dom_mod._TAG.search(head):
        return "NotHTML"
    sample = head[:4096]
    controls = len(dom_mod._CONTROL.findall(sample))
    if controls > 0.3 * len(sample) and not dom_mod._TAG.search(sample[:1024]):
        return "NotHTML"
    return "ok"


_HEAD_PIECES = st.sampled_from(
    ["\ufeff", " ", "\t", "\n", "\x0b", "\x1c", "\xa0", "\u3000", "<", "p", ">", "{", "[", "x",
     "%PDF-", "\x00", "\x01", "/", "<!doctype html>"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_HEAD_PIECES, max_size=14), st.sampled_from([0, 65_530, 65_536, 65_540]))
def test_to_text_reads_the_head_in_place_as_the_slice_did(pieces: list[str], pad: int) -> None:
    text = " " * pad + "".join(pieces)
    try:
        dom_mod.to_text(text, ExtractOptions())
        verdict = "ok"
    except (EmptyDocument, NotHTML) as exc:
        verdict = type(exc).__name__
    assert verdict == _head_verdict_as_sliced(text)
