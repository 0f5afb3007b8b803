"""Topic queries: the syntax and its errors, the matching rule, case and accents, passing
mentions, and the canonical form read back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.similar.topics import (
    EMPTY_QUERY,
    MAX_QUERY_CHARS,
    MAX_TERM_CHARS,
    MAX_TERMS,
    ONLY_EXCLUSIONS,
    QueryError,
    TopicQuery,
    format_term,
    parse_query,
    prepare_story,
    words,
)

# A topic made with one click from a wire story on the climate summit.
SUMMIT = "COP29, Baku, António Guterres, climate finance, emissions, Paris Agreement"

FOLLOW_UP_TITLE = "Deal struck in overtime as delegates leave the summit"
FOLLOW_UP = """Negotiators agreed early on Sunday that rich countries will provide $300 billion a
year in climate finance by 2035, after talks in the Azerbaijani capital ran more than 30 hours
past their deadline.

Antonio Guterres said the deal was "a base on which to build". Small island states walked out
of one meeting, saying the goal was far too low to cut emissions in time."""

GAZA_TITLE = "Aid convoys halted at Rafah crossing"
GAZA = """Trucks carrying food and medicine were stopped at the Rafah crossing for a third day
on Tuesday. UN Secretary-General António Guterres called the situation "intolerable" and urged
all sides to let aid through.

Aid agencies said hospitals in the south were running out of fuel."""

FOOTBALL_TITLE = "Qarabag win again in European night"
FOOTBALL = """Qarabag beat the Swiss champions 2-1 in front of a full stadium in Baku on
Thursday, with a late goal from their Brazilian winger.

The club's coach said the team was growing in confidence."""


def terms(query: TopicQuery) -> list[tuple[str, bool]]:
    return [(t.text, t.exclude) for t in query.terms]


# --- syntax --------------------------------------------------------------------------------------


def test_commas_separate_terms_and_spaces_make_phrases() -> None:
    query = parse_query("Paris Agreement,climate finance ;  coal\nBaku")
    assert terms(query) == [
        ("Paris Agreement", False),
        ("climate finance", False),
        ("coal", False),
        ("Baku", False),
    ]


def test_a_minus_excludes_and_exclusions_come_last() -> None:
    query = parse_query("-football, Baku, \u2212 transfer, COP29")
    assert terms(query) == [
        ("Baku", False),
        ("COP29", False),
        ("football", True),
        ("transfer", True),
    ]
    assert query.canonical() == "Baku, COP29, -football, -transfer"


def test_quotes_hold_commas_and_leading_minus_signs() -> None:
    query = parse_query('"Washington, D.C.", “-30C”, climate')
    assert terms(query) == [("Washington, D.C.", False), ("-30C", False), ("climate", False)]
    assert query.canonical() == '"Washington, D.C.", "-30C", climate'
    assert parse_query(query.canonical()) == query


def test_the_forgiving_parts() -> None:
    # Empty terms, a trailing comma, an unclosed quote, punctuation-only terms and repeats.
    query = parse_query(',, "Baku ,  coal,, !!! , Coal, baku,')
    assert terms(query) == [("Baku", False), ("coal", False)]


def test_an_empty_query_is_an_error_with_an_example() -> None:
    for text in ("", "   ", ",,, ;", "!!!"):
        with pytest.raises(QueryError) as error:
            parse_query(text)
        assert error.value.message == EMPTY_QUERY
    assert "for example" in EMPTY_QUERY


def test_only_exclusions_is_an_error() -> None:
    with pytest.raises(QueryError) as error:
        parse_query("-football, -cricket")
    assert error.value.message == ONLY_EXCLUSIONS


def test_too_many_terms() -> None:
    parse_query(", ".join(f"term{i}" for i in range(MAX_TERMS)))
    with pytest.raises(QueryError) as error:
        parse_query(", ".join(f"term{i}" for i in range(MAX_TERMS + 1)))
    assert f"at most {MAX_TERMS} terms" in error.value.message
    assert f"has {MAX_TERMS + 1}" in error.value.message


def test_a_term_too_long() -> None:
    parse_query("a" * MAX_TERM_CHARS)
    with pytest.raises(QueryError) as error:
        parse_query("climate, " + "b" * (MAX_TERM_CHARS + 1))
    assert f"at most {MAX_TERM_CHARS} characters" in error.value.message
    assert "bbbb" in error.value.message and len(error.value.message) < 200


def test_a_query_too_long() -> None:
    with pytest.raises(QueryError) as error:
        parse_query("x, " * (MAX_QUERY_CHARS // 3 + 1))
    assert str(MAX_QUERY_CHARS) in error.value.message


def test_a_term_both_wanted_and_excluded() -> None:
    with pytest.raises(QueryError) as error:
        parse_query("coal, -Coal")
    assert "both" in error.value.message


def test_query_error_is_a_value_error_with_its_message() -> None:
    error = QueryError("x")
    assert isinstance(error, ValueError) and str(error) == "x" and error.message == "x"


def test_format_term_quotes_only_when_needed() -> None:
    assert format_term("Bank of England") == "Bank of England"
    assert format_term("Washington, D.C.") == '"Washington, D.C."'
    assert format_term("-30C") == '"-30C"'
    assert format_term("coal", exclude=True) == "-coal"


# --- matching ------------------------------------------------------------------------------------


def test_a_follow_up_story_on_the_same_subject_matches() -> None:
    match = parse_query(SUMMIT).matches(FOLLOW_UP_TITLE, FOLLOW_UP)
    assert match is not None
    # Accents and case do not matter: "Antonio Guterres" is António Guterres.
    assert match.matched == ("António Guterres", "climate finance", "emissions")
    assert 0 < match.score < 1


def test_a_passing_mention_does_not_match() -> None:
    query = parse_query(SUMMIT)
    # Guterres is quoted on Gaza; a football club plays in Baku: one term each.
    assert query.matches(GAZA_TITLE, GAZA) is None
    assert query.matches(FOOTBALL_TITLE, FOOTBALL) is None


def test_one_term_in_the_title_is_enough() -> None:
    query = parse_query(SUMMIT)
    match = query.matches("Baku summit goes into overtime", "Talks continued overnight.")
    assert match is not None
    assert match.matched == ("Baku",)
    assert match.score == pytest.approx(2 / 12, abs=1e-4)


def test_a_single_term_topic_matches_any_story_that_holds_it() -> None:
    assert parse_query("coal").matches("Energy", "Coal plants closed.") is not None
    assert parse_query("coal").matches("Energy", "Gas plants closed.") is None


def test_two_terms_are_needed_for_a_topic_of_two_or_more() -> None:
    query = parse_query("coal, steel, shipping")
    assert query.matches("Industry", "The coal mine shut.") is None
    match = query.matches("Industry", "The coal mine and the steel works shut.")
    assert match is not None and match.matched == ("coal", "steel")
    assert match.score == pytest.approx(2 / 6, abs=1e-4)


def test_an_exclusion_vetoes_the_match() -> None:
    query = parse_query("Baku, COP29, -football")
    assert query.matches("COP29 in Baku", "Summit news.") is not None
    assert query.matches("COP29 in Baku", "Between talks, football.") is None
    assert query.matches("Football at COP29 in Baku", "Summit news.") is None


def test_whole_words_and_phrases_only() -> None:
    query = parse_query("coal, Paris Agreement")
    # "charcoal" is not coal; "Paris" and "agreement" apart are not the phrase.
    assert query.matches("x", "Charcoal sellers met in Paris to sign an agreement.") is None
    match = query.matches("x", "Coal use breaches the Paris agreement, they said.")
    assert match is not None and match.matched == ("coal", "Paris Agreement")


def test_case_accents_and_punctuation_are_ignored() -> None:
    query = parse_query("zurich, secretary general, cop 29, Straße")
    story = "In ZÜRICH the Secretary-General spoke of COP29 and the Strasse outside."
    match = query.matches("x", story)
    assert match is not None
    assert match.matched == ("zurich", "secretary general", "cop 29", "Straße")


def test_possessives_and_elisions_do_not_hide_a_word() -> None:
    query = parse_query("Guterres, Élysée")
    match = query.matches("x", "Guterres's speech was read at l'Elysee.")
    assert match is not None and match.matched == ("Guterres", "Élysée")


def test_short_acronyms_match_in_capitals_only() -> None:
    query = parse_query("US, WHO")
    assert query.matches("x", "Let us ask who came.") is None
    assert query.matches("x", "The U.S. asked the WHO.") is not None
    # Written in lower case, a term is an ordinary word.
    assert parse_query("who, us").matches("x", "Let us ask who came.") is not None


def test_longer_acronyms_also_match_as_newspapers_write_them() -> None:
    query = parse_query("NATO")
    assert query.matches("x", "Nato allies met.") is not None
    assert query.matches("x", "NATO allies met.") is not None
    assert query.matches("x", "nato allies met.") is None


def test_unspaced_scripts_match_inside_runs() -> None:
    query = parse_query("新能源汽车")
    assert query.matches("规划", "国务院发布新能源汽车产业发展规划。") is not None
    assert query.matches("规划", "国务院发布能源规划。") is None


def test_cyrillic_is_matched_case_insensitively() -> None:
    query = parse_query("Путин, газ")
    match = query.matches("Переговоры", "ПУТИН обсудил поставки. Газ подорожал.")
    assert match is not None and match.matched == ("Путин", "газ")


def test_words_as_matching_sees_them() -> None:
    assert words("António Guterres's U.S. COP29") == ["antonio", "guterres", "s", "us", "cop", "29"]
    assert words("Øresund Łódź", keep_case=True) == ["Oresund", "Lodz"]
    assert words("气候变化") == ["气", "候", "变", "化"]


def test_matching_a_story_against_a_hundred_topics_is_fast() -> None:
    topics = [parse_query(f"{SUMMIT}, term{i}, -excluded{i}") for i in range(100)]
    text = (FOLLOW_UP + "\n\n") * 12  # about 1,000 words
    prepare_story.cache_clear()
    start = time.perf_counter()
    for topic in topics:
        topic.matches(FOLLOW_UP_TITLE, text)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.25, f"100 topics took {elapsed * 1000:.1f} ms"


def test_the_manual_states_the_limits_and_messages() -> None:
    manual = (Path(__file__).resolve().parents[2] / "docs" / "topics.md").read_text("utf-8")
    for limit in (MAX_TERMS, MAX_TERM_CHARS, MAX_QUERY_CHARS):
        assert f"at most {limit}" in manual
    for message in (EMPTY_QUERY, ONLY_EXCLUSIONS):
        assert message in manual
    for text in (", ".join(f"t{i}" for i in range(23)), "x" * 81, "coal, -coal"):
        with pytest.raises(QueryError) as error:
            parse_query(text)
        shown = error.value.message.replace("xxxxxxxxxxxxxxxxxxxxxxxxxxxxx…", "…")
        assert shown in manual, shown


# --- properties ----------------------------------------------------------------------------------

QUERY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "Cc", "S", "M")),
    max_size=200,
)


@settings(max_examples=300)
@given(QUERY_TEXT)
def test_canonical_reads_back_to_the_same_query(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as error:
        assert error.message
        return
    again = parse_query(query.canonical())
    assert again == query
    assert again.canonical() == query.canonical()


@settings(max_examples=200)
@given(st.text(max_size=300), st.text(max_size=2000))
def test_matching_never_crashes(title: str, text: str) -> None:
    match = parse_query(SUMMIT + ", -football").matches(title, text)
    assert match is None or (0 < match.score <= 1 and match.matched)


@settings(max_examples=200)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=8))
def test_a_story_holding_every_term_matches(parts: list[str]) -> None:
    """Terms joined into a query match a story made of those very terms."""
    try:
        query = parse_query(", ".join(format_term(" ".join(p.split())) for p in parts))
    except QueryError:
        return
    story = " . ".join(t.text for t in query.include)
    match = query.matches("", story)
    assert match is not None
    assert set(match.matched) == {t.text for t in query.include}
