"""Judging a class/id/role token: chrome._token_class and its C twin (_walk.TokenJudge, which
the compiled classification walk uses) give what the definition before them gave, for every
token: those of the four bench sets and generated ones.
"""

from __future__ import annotations

import gzip
import json
import re
import string
from collections.abc import Callable, Collection, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions, compiled, rules
from broadsheet.extract import chrome as chrome_mod
from broadsheet.extract.chrome import literal_alternation
from broadsheet.extract.dom import parse, to_text
from broadsheet.extract.errors import ExtractError
from tests.conftest import bench_data

from .compiled_paths import needs_compiled

BENCH_SETS = ("cleaneval", "dragnet", "readability", "scrapinghub")


def old_definition(
    boilerplate_words: Collection[str] = rules.BOILERPLATE_WORDS,
    substrings: Collection[str] = rules.BOILERPLATE_SUBSTRINGS,
    strong: Collection[str] = rules.STRONG_BOILERPLATE,
    story_suffixes: Collection[str] | None = None,
) -> Callable[[str], int]:
    """chrome._token_class as it stood before the TokenJudge (the lru_cache left off: it only
    memoised; the state-token rule, rules.STATE_CLASS, added since), with its module's names
    rebuilt here from rules; the word lists can be swapped to try the C tables on odd ones."""
    _CONTENT_WORDS = frozenset(rules.CONTENT_WORDS)
    _STORY_WORDS = _CONTENT_WORDS - frozenset(rules.CONTENT_WORDS_NOT_STORY)
    _STORY_SUFFIXES = (
        tuple(sep + w for w in sorted(_STORY_WORDS) for sep in "-_")
        if story_suffixes is None
        else tuple(story_suffixes)
    )
    _BOILERPLATE_WORDS = frozenset(boilerplate_words)
    _BOILERPLATE_SUBSTRINGS = re.compile(literal_alternation(substrings))
    _STRONG = re.compile(literal_alternation(strong))
    _THREAD_TOKEN = re.compile(rules.COMMENT_THREAD_CLASS)
    _TAXONOMY_TOKEN = re.compile(rules.TAXONOMY_CLASS)
    _POST_TEMPLATE_TOKEN = re.compile(rules.POST_TEMPLATE_CLASS)
    _STATE_TOKEN = re.compile(rules.STATE_CLASS)
    _T_CONTENT, _T_STORY, _T_CHROME, _T_STRONG, _T_POST = 1, 2, 4, 8, 16
    _TAXONOMY_SHIFT = 8

    def _token_class(token: str) -> int:
        bits = 0
        if token in _CONTENT_WORDS:
            bits |= _T_CONTENT | _T_STORY if token in _STORY_WORDS else _T_CONTENT
        if "-" in token or "_" in token:
            chrome_word = not _BOILERPLATE_WORDS.isdisjoint(token.replace("_", "-").split("-"))
        else:
            chrome_word = token in _BOILERPLATE_WORDS
        state = _STATE_TOKEN.match(token) is not None
        if not state and (chrome_word or _BOILERPLATE_SUBSTRINGS.search(token) is not None):
            bits |= _T_CHROME
        if not state and (
            _STRONG.search(token) is not None or _THREAD_TOKEN.fullmatch(token) is not None
        ):
            bits |= _T_STRONG
        if not bits & _T_CHROME and token.endswith(_STORY_SUFFIXES):
            bits |= _T_CONTENT | _T_STORY
        if _POST_TEMPLATE_TOKEN.fullmatch(token) is not None:
            bits |= _T_POST
        if bits & _T_CHROME and _TAXONOMY_TOKEN.match(token) is not None:
            bits = (bits & ~(_T_CHROME | _T_STRONG)) | bits << _TAXONOMY_SHIFT
        return bits

    return _token_class


OLD = old_definition()


def _judges() -> list[Callable[[str], int]]:
    judges: list[Callable[[str], int]] = [chrome_mod._token_class]
    if compiled.walk is not None:
        judges.append(chrome_mod._TOKEN_JUDGE)
    return judges


def _walk_bits(values: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The token bits chrome._classify records judging values as class attributes (in C, the
    judge reads the bytes the walk has lower-cased), from an empty memo."""
    memo: dict[str, int] = {}
    monkeypatch.setattr(chrome_mod, "_TOKEN_BITS", memo)
    root = parse("<html><body><div>x</div></body></html>", ExtractOptions())
    div = root.find(".//div")
    assert div is not None
    for value in values:
        p = div.makeelement("p", {})
        p.set("class", value)
        div.append(p)
    chrome_mod._classify(root)
    return memo


# -- the bench sets ------------------------------------------------------------------------------


def _bench_values(name: str) -> Iterator[str]:
    """Every class/id/role value of a bench set's pages, parsed as the extractor parses them."""
    options = ExtractOptions()
    with gzip.open(bench_data() / name / "pages.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            try:
                root: HtmlElement = parse(to_text(json.loads(line)["html"], options), options)
            except ExtractError:  # a page the extractor rejects has no tokens to judge
                continue
            for el in root.iter():
                if isinstance(el.tag, str):
                    for name in ("class", "id", "role"):
                        value = el.get(name)
                        if value:
                            yield value


@pytest.mark.parametrize("name", BENCH_SETS)
def test_every_bench_token_is_judged_as_before(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    values = list(dict.fromkeys(_bench_values(name)))
    tokens = list(dict.fromkeys(t for v in values for t in v.lower().split()))
    assert len(tokens) > 1000
    for judge in _judges():
        wrong = [t for t in tokens if judge(t) != OLD(t)]
        assert not wrong, (judge, wrong[:20])
    walked = _walk_bits(values, monkeypatch)
    assert set(walked) == set(tokens)
    assert not [t for t, bits in walked.items() if bits != OLD(t)]


# -- generated tokens ------------------------------------------------------------------------------

RULE_WORDS = sorted(
    {
        *rules.BOILERPLATE_WORDS,
        *rules.BOILERPLATE_SUBSTRINGS,
        *rules.STRONG_BOILERPLATE,
        *rules.CONTENT_WORDS,
        # the literals of the comment-thread, post-template and taxonomy patterns
        "comment",
        "comments",
        "area",
        "list",
        "wrapper",
        "thread",
        "hentry",
        "entry-",
        "type-post",
        "status-publish",
        "post-",
        "post-12",
        "category",
        "tag",
        # the state prefixes (rules.STATE_CLASS)
        "is-",
        "has_",
        "with-",
        "without-",
    }
)
# Letters both cases, digits, the separators, and non-ASCII letters, among them those whose
# lower case is special (dotted I, dotless i, long s, Kelvin sign).
ALPHABET = string.ascii_letters + string.digits + "-_.:/" + "éßçñøΩж中文한\u0130\u0131\u017f\u212a"
PIECES = st.one_of(
    st.sampled_from(RULE_WORDS),
    st.sampled_from(RULE_WORDS).map(lambda w: w[:-1]),
    st.sampled_from(RULE_WORDS).map(str.upper),
    st.text(alphabet=ALPHABET, min_size=1, max_size=4),
    st.sampled_from("-_"),
)
TOKENS = st.lists(PIECES, max_size=6).map("".join)


@given(st.lists(TOKENS, min_size=1, max_size=8))
@settings(max_examples=400, deadline=None)
def test_generated_tokens_are_judged_as_before(tokens: list[str]) -> None:
    for token in tokens:
        for judge in _judges():
            assert judge(token) == OLD(token), (judge, token)


@given(st.lists(TOKENS, min_size=1, max_size=6).map(" ".join))
@settings(max_examples=200, deadline=None)
def test_the_walk_judges_generated_values_as_before(value: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        walked = _walk_bits([value], monkeypatch)
    assert set(walked) == set(value.lower().split())
    assert {t: OLD(t) for t in walked} == walked


@pytest.mark.parametrize(
    "token",
    [
        "",
        "-",
        "_",
        "--",
        "a",
        "ad",
        "-ad-",
        "x_ad_x",
        "ad--",
        "comment",
        "comments-area",
        "comments_wrap",
        "commentsx",
        "entry-type-post",
        "post-",
        "post-42",
        "category-news",
        "tag-list",
        "entry-category-advertising",
        "single-article-content",
        "skip-to-main-content",
        "td-post-content",
        "caption-toggle",
        "newsletter-signup",
        "xdisqus",
        "footer",
        "a" * 200,
        "sidebar-" + "b" * 200,
    ],
)
def test_edge_tokens_are_judged_as_before(token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for judge in _judges():
        assert judge(token) == OLD(token), (judge, token)
    if token:
        assert _walk_bits([token], monkeypatch) == {token: OLD(token)}


# -- the C tables on odd word lists ----------------------------------------------------------------

ODD_LISTS = [
    # an empty word matches everywhere (a search) or an empty piece (the words)
    ("", "ad"),
    # one-letter words, words with separators, non-ASCII words
    ("x", "a-b", "a_b", "é", "naïve", "ab"),
    (),
]


@needs_compiled
@pytest.mark.parametrize("words", ODD_LISTS)
@given(st.lists(TOKENS | st.sampled_from(["", "-", "a--b", "x", "a-b", "naïve"]), max_size=10))
@settings(max_examples=100, deadline=None)
def test_the_c_tables_follow_the_old_definition_on_odd_word_lists(
    words: tuple[str, ...], tokens: list[str]
) -> None:
    assert compiled.walk is not None
    suffixes = (*words, "-story", "_body")
    old = old_definition(words, words, words, suffixes)
    judge = compiled.walk.TokenJudge(
        old,
        chrome_mod._CONTENT_WORDS,
        chrome_mod._STORY_WORDS,
        words,
        words,
        words,
        suffixes,
        chrome_mod._THREAD_TOKEN.fullmatch,
        chrome_mod._POST_TEMPLATE_TOKEN.fullmatch,
        chrome_mod._TAXONOMY_TOKEN.match,
        chrome_mod._STATE_TOKEN.match,
        chrome_mod._T_CONTENT,
        chrome_mod._T_STORY,
        chrome_mod._T_CHROME,
        chrome_mod._T_STRONG,
        chrome_mod._T_POST,
        chrome_mod._TAXONOMY_SHIFT,
    )
    for token in tokens:
        assert judge(token) == old(token), token
