"""The blocks the compiled walk makes itself (paragraphs, headings, lists: _BlockWalk.emit) are
the pure walk's, object for object; scoring's compiled weights (ProseWeights, count_in_ranges)
and sums (add_up's table of addresses) give the pure-Python floats, in the same order."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions, rules
from broadsheet.extract import blocks as blocks_mod
from broadsheet.extract import scoring as scoring_mod
from broadsheet.extract.article import Block
from broadsheet.extract.blocks import Candidate, _candidate
from broadsheet.extract.compiled import walk
from broadsheet.extract.dom import parse

from .compiled_paths import needs_compiled
from .compiled_paths import pure_python as _pure

pytestmark = needs_compiled
compiled: ModuleType | None = walk

PROSE = "A sentence of real prose, long enough to count as running text here. "
CJK = "北京市政府今天宣布了一项新的城市交通计划，旨在减少拥堵并改善空气质量。"  # noqa: RUF001


def _page(body: str) -> HtmlElement:
    page = f"<html><head><title>t</title></head><body>{body}</body></html>"
    return next(parse(page, ExtractOptions()).iter("body"))


def _built(make_root: Callable[[], Any], **options: Any) -> list[Candidate]:
    given_options = {"base_url": "https://news.example/a/", "max_depth": 255, **options}
    return blocks_mod.build_blocks(make_root(), **given_options)


def _described(c: Candidate) -> tuple[object, ...]:
    """Everything a Candidate and its Block hold, with each value's type, and its element's
    path: the fields as the dataclasses' own __init__ would set them."""
    tree = c.el.getroottree()
    block_fields = {k: (type(v), v) for k, v in vars(c.block).items()}
    return (
        sorted(block_fields.items()),
        repr(c.block),
        hash(c.block),
        tree.getpath(c.el),
        (type(c.chars), c.chars),
        (type(c.link_chars), c.link_chars),
        sorted(vars(c)),
    )


def _assert_same_candidates(make_root: Callable[[], Any], **options: Any) -> list[Candidate]:
    fast = _built(make_root, **options)
    with _pure():
        slow = _built(make_root, **options)
    assert [_described(c) for c in fast] == [_described(c) for c in slow]
    return fast


BODIES = [
    # paragraphs and inline runs: leaf, links, line breaks, CJK, entities, blank runs
    f"<div>run <a href='/l'>link</a> text<p>{PROSE}</p> \n <p>{CJK}</p>a<br>b<br><br>c"
    "<p>Tom &amp; Jerry &lt;3 caf\u00e9\u00a0\u3000</p><p> </p>"
    "<p><a href='/'>all link</a></p></div>",
    # headings: every level (h1 counts as h2), links, line breaks, empty and blank ones
    "<h1>One</h1><h2><a href='/'>Two</a> linked</h2><h3>Th<br>ree</h3><h4></h4><h5> \u00a0 </h5>"
    f"<h6>{CJK}</h6><h2><span>in <b>span</b></span><!-- c --></h2><h3><script>x</script></h3>",
    # lists: ordered and not, empty items, links, line breaks in items, non-li children
    "<ul><li>one</li><li></li><li><a href='/'>two</a> and</li><li>a<br>b</li></ul>"
    "<ol><li>x</li><!-- c --><span>stray</span><li>y</li></ol><ul></ul><ul><li> </li></ul>"
    f"<ol><li><a href='/1'>{PROSE}</a></li><li>{CJK}</li></ol>",
    # lists whose items hold blocks: each child walked as a container
    "<ul><li><p>block item</p>tail</li><li>plain</li><script>s</script><li><h3>head</h3>"
    "<ul><li>nested</li></ul></li><div>div child <p>in div</p></div></ul>",
    # <hr> and the blocks handed back to _block among the ones the walk makes
    "<p>before</p><hr><blockquote><p>quote</p></blockquote><h2>after</h2><pre> code </pre>"
    "<figure><img src='/a.jpg'><figcaption>Cap</figcaption></figure><ul><li>last</li></ul>"
    "<table><tr><td>a</td><td>b</td></tr></table>",
]


@pytest.mark.parametrize("body", BODIES)
def test_compiled_blocks_are_the_pure_walks_objects(body: str) -> None:
    _assert_same_candidates(lambda: _page(body))


@pytest.mark.parametrize("max_depth", [0, 1, 2, 3, 4, 5])
def test_compiled_headings_and_lists_stop_at_max_depth(max_depth: int) -> None:
    body = "<div><ul><li><p>a</p></li><li><ul><li><p>b</p></li></ul></li></ul><h2>h</h2></div>"
    _assert_same_candidates(lambda: _page(body), max_depth=max_depth)


@pytest.mark.parametrize("max_chars", [0, 1, 4, 10])
def test_compiled_headings_and_lists_are_cut_as_the_pure_walks(max_chars: int) -> None:
    _assert_same_candidates(lambda: _page(BODIES[1] + BODIES[2]), max_chars=max_chars)


def test_compiled_blocks_are_frozen_dataclasses_like_any_other() -> None:
    fast = _assert_same_candidates(lambda: _page("".join(BODIES)))
    kinds = {c.block.kind for c in fast}
    assert {"paragraph", "heading", "list"} <= kinds
    for c in fast:
        block = c.block
        fields = {f.name: getattr(block, f.name) for f in dataclasses.fields(Block)}
        assert block == Block(**fields) and hash(block) == hash(Block(**fields))
        with pytest.raises(dataclasses.FrozenInstanceError):
            block.text = "x"  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            c.chars = 0  # type: ignore[misc]
        assert dataclasses.replace(block) == block
        assert c == Candidate(block, c.el, c.chars, c.link_chars)
        assert c.chars == len(block.plain())


def _xml(text: str) -> Callable[[], Any]:
    return lambda: etree.fromstring(text)


@pytest.mark.parametrize(
    "text",
    [
        # upper-case names are read lower-cased (tag_of): still headings and lists
        "<DIV><H3>Up</H3><UL><LI>a</LI><LI>b</LI></UL><OL><LI><P>p</P></LI></OL><HR/></DIV>",
        # namespaced elements are neither: walked as containers
        "<div xmlns:h='urn:h'><h:h2>ns</h:h2><h:ul><h:li>x</h:li></h:ul>"
        "<ul><h:li>y</h:li></ul></div>",
    ],
)
def test_compiled_headings_and_lists_in_xml_trees(text: str) -> None:
    _assert_same_candidates(_xml(text))


_PIECES = st.sampled_from(
    ["a", " ", "\u00a0", CJK[:3], "<br>", "<a href='/'>", "</a>", "<p>", "</p>", "<ul>", "</ul>",
     "<ol>", "</ol>", "<li>", "</li>", "<h2>", "</h2>", "<h5>", "</h5>", "<hr>", "<div>",
     "</div>", "<!-- c -->", "<blockquote>", "</blockquote>"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.integers(min_value=1, max_value=8))
def test_compiled_blocks_on_generated_markup(pieces: list[str], max_depth: int) -> None:
    body = "".join(pieces)
    _assert_same_candidates(lambda: _page(body))
    _assert_same_candidates(lambda: _page(body), max_depth=max_depth)


# -- scoring --------------------------------------------------------------------------------------

_WIDE = re.compile(rules.WIDE_CHARS)
_EDGES = [
    chr(c) for first, last in rules.WIDE_CHAR_RANGES for c in (first - 1, first, last, last + 1)
]


def test_count_in_ranges_at_the_ranges_edges() -> None:
    text = "".join(_EDGES)
    assert compiled.count_in_ranges(text, rules.WIDE_CHAR_RANGES) == len(_WIDE.findall(text))
    for ch in _EDGES:
        assert compiled.count_in_ranges(ch, rules.WIDE_CHAR_RANGES) == len(_WIDE.findall(ch))


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.sampled_from(_EDGES + list("a\u00e9\u2019\u00ff")), st.characters())))
def test_count_in_ranges_counts_as_the_regex_finds(text: str) -> None:
    assert compiled.count_in_ranges(text, rules.WIDE_CHAR_RANGES) == len(_WIDE.findall(text))


def test_wide_chars_pattern_is_its_ranges() -> None:
    assert rules.WIDE_CHARS == (
        r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
    )


_ANY_EL = _page("<p>x</p>")
_KINDS = st.sampled_from(["paragraph", "heading", "figure", "list", "quote", "table"])
_TEXTS = st.one_of(
    st.sampled_from(["", PROSE, PROSE[:35] + ".", PROSE[:35], CJK, CJK[:12], "“quoted”", "x)"]),
    st.text(st.sampled_from("ab .!?…:;\"'”’)。！？」）\u00e9\u3000" + CJK[:4]), max_size=120),  # noqa: RUF001
)


@st.composite
def _candidates(draw: st.DrawFn) -> Candidate:
    kind = draw(_KINDS)
    text = draw(_TEXTS)
    chars = draw(st.integers(0, 400))
    link_chars = draw(st.integers(0, chars))
    block = (
        Block("list", items=(text,))
        if kind == "list"
        else dataclasses.replace(Block("paragraph"), kind=kind, text=text)
    )
    return _candidate(block, _ANY_EL, chars, link_chars)


@settings(max_examples=300, deadline=None)
@given(st.lists(_candidates(), max_size=20))
def test_prose_weights_are_weight(candidates: list[Candidate]) -> None:
    assert scoring_mod._PROSE_WEIGHTS is not None
    fast = scoring_mod._PROSE_WEIGHTS(candidates)
    slow = [scoring_mod.weight(c) for c in candidates]
    assert fast == slow
    assert [type(w) for w in fast] == [type(w) for w in slow]


def _added_up(
    candidates: list[Candidate], weigh: Callable[[Candidate], float]
) -> tuple[list[tuple[HtmlElement, float]], list[tuple[HtmlElement, float]]]:
    local: dict[HtmlElement, float] = {}
    total: dict[HtmlElement, float] = {}
    scoring_mod._add_up(candidates, weigh, local, total)
    return list(local.items()), list(total.items())


def _wide_page() -> HtmlElement:
    # far more than the table's first 64 elements, over branching and single-child wrappers,
    # side boxes and asides
    boxes = "".join(
        f"<div class='{cls}'><section><div><p>{PROSE * (i % 3 + 1)}</p><p>{CJK}</p>"
        f"<ul><li><a href='/'>{PROSE}</a></li></ul></div></section></div>"
        for i, cls in enumerate(["", "gallery", "sidebar", "about", "comments", "story"] * 8)
    )
    return _page(f"<div><div>{boxes}</div><p>{PROSE}</p></div>")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False) | st.just(0.0), min_size=1), st.randoms())
def test_add_up_sums_as_the_pure_path_does(weights: list[float], rnd: Any) -> None:
    candidates = _built(_wide_page)
    rnd.shuffle(candidates)  # the order first reached follows the blocks' order
    by_block = {id(c): weights[i % len(weights)] for i, c in enumerate(candidates)}

    def weigh(c: Candidate) -> float:
        return by_block[id(c)]

    fast = _added_up(candidates, weigh)
    with _pure():
        slow = _added_up(candidates, weigh)
    assert fast == slow


def test_add_up_on_pages_of_many_elements() -> None:
    candidates = _built(_wide_page)
    tree = candidates[0].el.getroottree()
    assert len({tree.getpath(a) for c in candidates for a in c.el.iterancestors()}) > 64
    for weigh in (scoring_mod.weight, scoring_mod.lenient_weight, scoring_mod.media_weight):
        fast = _added_up(candidates, weigh)
        with _pure():
            slow = _added_up(candidates, weigh)
        assert fast == slow
        fast_c = scoring_mod.choose_containers(candidates, weigh)
        with _pure():
            slow_c = scoring_mod.choose_containers(candidates, weigh)
        assert fast_c == slow_c


def test_add_up_fills_empty_dicts_of_one_page() -> None:
    candidates = _built(_wide_page)
    els = [c.el for c in candidates]
    args = (scoring_mod.DECAY, {}, {}, bool, 6, 0.1, bool, 8, 0.3)
    with pytest.raises(ValueError):
        compiled.add_up(els, [1.0] * len(els), args[0], {els[0]: 1.0}, *args[2:])
    other = _page("<p>x</p>").find("p")
    with pytest.raises(ValueError):
        compiled.add_up([els[0], other], [1.0, 1.0], *args)
