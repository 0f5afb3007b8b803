"""regex_heads: the first characters and needles read from rule sources are never wrong (every
match starts with one of them, holds the needle), and ByFirstChar answers as the one regex of
all the alternatives does."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.extract import chrome as chrome_mod
from broadsheet.extract import compiled, rules
from broadsheet.extract.regex_heads import ByFirstChar, first_chars, needle

from .compiled_paths import needs_compiled


@pytest.mark.parametrize(
    ("source", "heads"),
    [
        ("close", "c"),
        ("close|x|×", "cx×"),  # noqa: RUF001
        ("(click|tap) to (enlarge|expand)", "ct"),
        ("(?:entry-)?type-post|status-publish|post-[0-9]+", "etsp"),
        ("(die )?meist(gelesen|geklickt)", "dm"),
        ("(i |le )?(articoli |notizie )?più letti", "ilanp"),
        ("x?y", "xy"),
        ("a*b", "ab"),
        ("(a|b)+c", "ab"),
        ("(?:a|(?:b|c)d)e", "abc"),
        ("comments?(?:[-_]?(?:area|list))?", "c"),
        ("leia|ver mais|(zum )?weiterlesen", "lvzw"),
        ("tamb[ée]m", "t"),
    ],
)
def test_first_chars_of_simple_shapes(source: str, heads: str) -> None:
    assert first_chars(source) == frozenset(heads)


@pytest.mark.parametrize(
    "source",
    [
        "",  # matches the empty string
        "x?",
        "(a )?",
        "a|",
        "[ab]c",  # a class is not read
        r"\d+ shares?",
        r"\(c\) ?\d{4}",
        ".{0,80}did we miss an angle",
        "a{0,2}b",  # a counted repeat may be zero
        "(a){0,2}b",
        "(?i)close",  # a flag could change the case
        "(?=a)a",
        "(?P<x>a)",
        "^close",
        "(a|b",  # not a regex
        "a)b",
    ],
)
def test_first_chars_gives_no_answer_for_other_shapes(source: str) -> None:
    assert first_chars(source) is None


def test_needles_of_sources_led_by_any_characters() -> None:
    assert needle(".{0,80}did we miss an angle.{0,160}") == "did we miss an angle"
    assert needle(".{0,80}delivered (straight )?to your inbox") == "delivered "
    assert needle(".*powered by (wordpress|drupal)") == "powered by "
    assert needle(".{0,80}ab?c") is None  # "a" alone is too short to search for
    assert needle(".{0,80}ab|cd") is None  # two alternatives
    assert needle("did we miss an angle") is None  # not led by any characters


RULE_SOURCES = [
    *rules.CHROME_LINES,
    rules.COMMENT_THREAD_CLASS,
    rules.POST_TEMPLATE_CLASS,
    rules.TAXONOMY_CLASS,
]


@pytest.mark.parametrize("source", RULE_SOURCES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_match_of_a_rule_starts_as_read(source: str, data: st.DataObject) -> None:
    text = data.draw(st.from_regex(re.compile(source), fullmatch=True))
    heads = first_chars(source)
    if heads is not None and text:
        assert text[0] in heads
    found = needle(source)
    if found is not None:
        assert found in text


# The chrome lines' own texts, their starts and ends moved, and other short lines.
_LINE_TEXTS = st.one_of(
    st.sampled_from(rules.CHROME_LINES).flatmap(
        lambda p: st.from_regex(re.compile(p), fullmatch=True)
    ),
    st.text(alphabet="abcdeilmnoprstuvwx .:-0123456789()äéü»", max_size=40),
    st.sampled_from(["", " ", ":", "close", "close.", "xclose", "view caption »", "1 of 5"]),
)


@settings(max_examples=400, deadline=None)
@given(_LINE_TEXTS, st.sampled_from(["", " ", ".", "x", ": more", " »"]))
def test_by_first_char_answers_as_the_whole_table(text: str, tail: str) -> None:
    whole = re.compile(chrome_mod._CHROME_LINE_SOURCE)
    line = (text + tail).lower()
    assert (chrome_mod._CHROME_LINE_IN_LOWER.fullmatch(line) is not None) == (
        whole.fullmatch(line) is not None
    )


def test_by_first_char_with_every_kind_of_source() -> None:
    sources = ["close", "(a|b)c", r"\d+ x", ".{0,9}needle here", "y?z"]
    table = ByFirstChar(sources, r"[.!]*")
    whole = re.compile("(?:" + "|".join(f"(?:{s})" for s in sources) + r")[.!]*")
    for text in ["close", "close!", "ac", "bc.", "12 x", "abc needle here", "z", "yz", "",
                 ".", "cl", "q", "needle here", "9 x!"]:  # fmt: skip
        assert (table.fullmatch(text) is not None) == (whole.fullmatch(text) is not None), text
    with pytest.raises(ValueError, match="case"):
        ByFirstChar(sources, "", re.IGNORECASE)


@needs_compiled
def test_the_token_judge_skips_the_regexes_only_where_they_cannot_match() -> None:
    assert compiled.walk is not None
    judge = chrome_mod._TOKEN_JUDGE
    for token in ["comments", "comment-list", "comments_area", "xcomments", "post-12", "hentry",
                  "type-post", "entry-type-post", "status-publish", "category-news", "tag-x",
                  "posts", "widget", "comment", "ahentry", "1post-2"]:  # fmt: skip
        assert judge(token) == chrome_mod._token_class(token), token
