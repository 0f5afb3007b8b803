"""The search syntax (core.search_query): what the search box reads, and what it refuses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadsheet.core.search_query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    Rating,
    SearchQuery,
    SearchSyntaxError,
    parse,
)


def test_words_phrases_and_exclusions_are_folded_like_the_index() -> None:
    q = parse('Climate “Paris Agreement” -football -"premier league" ZÜRICH')
    assert q.words == ("climate", "zurich")
    assert q.phrases == (("paris", "agreement"),)
    assert q.excluded == (("football",), ("premier", "league"))
    assert q.has_text


def test_filters() -> None:
    q = parse(
        'tag:"Long  Reads" -tag:sport site:https://www.BBC.co.uk/news -site:example.org '
        "is:unread -is:favourite rated:>=4"
    )
    assert q.tags == ("long reads",) and q.not_tags == ("sport",)
    assert q.sites == ("bbc.co.uk",) and q.not_sites == ("example.org",)
    assert q.states == {"unread"} and q.not_states == {"favorite"}
    assert q.rating == Rating(4, 5)
    assert not q.has_text


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("rated:4", Rating(4, 4)),
        ("rated:>3", Rating(4, 5)),
        ("rated:<=2", Rating(1, 2)),
        ("rated:<3", Rating(1, 2)),
        ("rated:none", Rating(unrated=True)),
        ("rated:any", Rating(1, 5)),
    ],
)
def test_ratings(text: str, rating: Rating) -> None:
    assert parse(text).rating == rating


def test_an_unknown_name_before_a_colon_is_an_ordinary_word() -> None:
    q = parse("http://example.com meeting 10:30")
    assert q.words == ("http", "example", "com", "meeting", "10", "30")
    assert q.tags == () and q.sites == ()


def test_a_quoted_single_word_is_a_word_and_an_unclosed_quote_runs_to_the_end() -> None:
    assert parse('"climate"').words == ("climate",)
    assert parse('budget "interest rates').phrases == (("interest", "rates"),)


def test_repeated_terms_count_once_and_empty_query_is_everything() -> None:
    assert parse("tax tax TAX").words == ("tax",)
    assert parse("   ").is_empty and parse('""  -').is_empty
    assert parse("").is_empty and SearchQuery().is_empty


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("is:banana", "is:unread, is:archived or is:favorite"),
        ("rated:9", "1 to 5 stars"),
        ("rated:<1", "leaves no rating"),
        ("rated:good", "is not a rating"),
        ("-rated:3", "cannot be negated"),
        ("tag:", "needs a tag"),
        ('tag:""', "needs a tag"),
        ("site:", "is not a site"),
        ("is:unread -is:unread", "leave nothing"),
        ("is:unread is:archived", "either unread or archived"),
        ("x" * (MAX_QUERY_CHARS + 1), f"at most {MAX_QUERY_CHARS} characters"),
        (" ".join(f"w{n}" for n in range(MAX_TERMS + 1)), f"at most {MAX_TERMS} terms"),
        ("tag:" + "t" * 101, "at most 100 characters"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_reason(text: str, says: str) -> None:
    with pytest.raises(SearchSyntaxError, match=says):
        parse(text)


@given(st.text(max_size=MAX_QUERY_CHARS))
def test_any_text_is_read_or_refused_with_a_reason(text: str) -> None:
    try:
        q = parse(text)
    except SearchSyntaxError as exc:
        assert str(exc)
        return
    for word in q.words:
        assert word and not any(ch.isspace() for ch in word)
    assert all(len(p) > 1 for p in q.phrases)
