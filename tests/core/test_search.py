"""Searching a library (issue 13): one query function over SQLite FTS5 and PostgreSQL full text.

This file runs on both databases (`make test` runs tests/core again on PostgreSQL), with the
same expected answers: the same query finds the same stories on both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from broadsheet.core import search, search_index, services, tagging
from broadsheet.core.canonical import site_host
from broadsheet.core.models import Highlight, Item, Note
from broadsheet.core.search_query import SearchSyntaxError

pytestmark = pytest.mark.django_db

Make = Callable[..., Item]


@pytest.fixture
def story(alice: AbstractBaseUser) -> Make:
    """A ready story of alice's, indexed."""
    count = [0]

    def make(
        title: str,
        text: str = "",
        *,
        url: str | None = None,
        user: AbstractBaseUser | None = None,
        **fields: Any,
    ) -> Item:
        count[0] += 1
        address = url or f"https://news.example/{count[0]}"
        owner = user or alice
        item = Item.objects.create(
            user_id=owner.pk,
            url=address,
            canonical_url=address,
            host=site_host(address),
            title=title,
            text=text,
            status=Item.Status.READY,
            saved_at=timezone.now() - timedelta(minutes=100 - count[0]),
            **fields,
        )
        search_index.refresh([item.pk])
        return item

    return make


def _titles(results: search.Results) -> list[str]:
    return [hit.item.title for hit in results.hits]


def _found(user: AbstractBaseUser, text: str, **kwargs: Any) -> set[str]:
    return set(_titles(search.search(user, text, **kwargs)))


def test_words_match_title_and_body_whole_words_any_case_or_accent(
    alice: AbstractBaseUser, story: Make
) -> None:
    story("Floods in Zürich", "The river rose overnight in the old town.")
    story("Budget talks", "Ministers met in Zurich to agree the budget.")
    story("Harvest", "Farmers report a poor harvest of riverside crops.")
    assert _found(alice, "zurich") == {"Floods in Zürich", "Budget talks"}
    assert _found(alice, "ZÜRICH budget") == {"Budget talks"}
    assert _found(alice, "river") == {"Floods in Zürich"}  # not "riverside": whole words
    assert _found(alice, "nothing-like-this") == set()


def test_phrases_need_their_words_in_order_next_to_each_other(
    alice: AbstractBaseUser, story: Make
) -> None:
    story("One", "the climate summit opened")
    story("Two", "the summit on climate opened")
    assert _found(alice, '"climate summit"') == {"One"}
    assert _found(alice, "“summit climate”") == set()
    assert _found(alice, "climate summit") == {"One", "Two"}


def test_exclusions_leave_stories_out_even_without_other_words(
    alice: AbstractBaseUser, story: Make
) -> None:
    story("Football final", "The cup final went to penalties.")
    story("Election night", "Votes were counted through the night.")
    story("Cup of tea", "A short history of tea.")
    assert _found(alice, "cup -football") == {"Cup of tea"}
    assert _found(alice, "-football") == {"Election night", "Cup of tea"}
    assert _found(alice, '-"cup final"') == {"Election night", "Cup of tea"}


def test_tags_notes_highlights_and_site_are_searched(
    alice: AbstractBaseUser, story: Make, django_capture_on_commit_callbacks: Any
) -> None:
    a = story("Plain title", "Nothing to see.")
    b = story("Another", "Also plain.", url="https://www.harbour-times.example/b")
    c = story("Third", "Plain again.")
    with django_capture_on_commit_callbacks(execute=True):
        tagging.set_tags(alice, a.pk, ["Longreads"])
        services.add_note(alice, c.pk, "come back to the ferry strike")
    Highlight.objects.create(user_id=alice.pk, item=b, quote="a marked passage", note="kelp")
    search_index.refresh([b.pk])
    assert _found(alice, "longreads") == {"Plain title"}
    assert _found(alice, "ferry") == {"Third"}
    assert _found(alice, "kelp") == {"Another"}
    assert _found(alice, "harbour") == {"Another"}  # the site's host name


def test_filters_tag_site_state_star_and_rating(alice: AbstractBaseUser, story: Make) -> None:
    a = story("Rain one", "rain", url="https://news.bbc.co.uk/a", rating=5)
    b = story("Rain two", "rain", url="https://www.bbc.co.uk/b", archived=True, rating=2)
    c = story("Rain three", "rain", url="https://bbc.co.uk.evil.example/c", favorite=True)
    tagging.set_tags(alice, a.pk, ["Weather"])
    tagging.set_tags(alice, c.pk, ["weather", "Scams"])
    search_index.refresh([a.pk, b.pk, c.pk])
    assert _found(alice, "rain site:bbc.co.uk") == {"Rain one", "Rain two"}
    assert _found(alice, "rain -site:bbc.co.uk") == {"Rain three"}
    assert _found(alice, "rain tag:WEATHER") == {"Rain one", "Rain three"}
    assert _found(alice, "rain tag:weather -tag:scams") == {"Rain one"}
    assert _found(alice, "rain is:archived") == {"Rain two"}
    assert _found(alice, "rain is:unread") == {"Rain one", "Rain three"}
    assert _found(alice, "rain is:favorite") == {"Rain three"}
    assert _found(alice, "rain rated:>=4") == {"Rain one"}
    assert _found(alice, "rain rated:<3") == {"Rain two"}
    assert _found(alice, "rated:none") == {"Rain three"}
    # Filters alone list the stories newest first, without a text search.
    assert _titles(search.search(alice, "site:bbc.co.uk")) == ["Rain two", "Rain one"]
    # The list's own state and tag narrow a search too.
    assert _found(alice, "rain", state="unread", tag="weather") == {"Rain one", "Rain three"}


def test_only_the_readers_own_live_stories_are_found(
    alice: AbstractBaseUser, bob: AbstractBaseUser, story: Make
) -> None:
    story("Alice's secret", "lighthouse")
    story("Bob's", "lighthouse", user=bob)
    gone = story("Alice's deleted", "lighthouse")
    services.delete_item(alice, gone.pk)
    assert _found(alice, "lighthouse") == {"Alice's secret"}
    assert _found(bob, "lighthouse") == {"Bob's"}


def test_the_title_ranks_above_the_body_and_count_and_pages_hold(
    alice: AbstractBaseUser, story: Make
) -> None:
    story("Tide tables", "Nothing about it here. " * 5)
    story("Coastal news", "The tide came in and the tide went out. " + "Filler words. " * 40)
    for i in range(5):
        story(f"Other {i}", f"Mentions the tide once, {i}.")
    results = search.search(alice, "tide", limit=3)
    assert results.count == 7
    assert results.hits[0].item.title == "Tide tables"
    second = search.search(alice, "tide", limit=3, offset=3)
    third = search.search(alice, "tide", limit=3, offset=6)
    seen = _titles(results) + _titles(second) + _titles(third)
    assert len(seen) == 7 and len(set(seen)) == 7


def test_another_order_than_relevance_keeps_the_matches(
    alice: AbstractBaseUser, story: Make
) -> None:
    story("Old tide", "tide")
    story("New tide", "tide")
    story("Unrelated", "nothing")
    assert _titles(search.search(alice, "tide", order="saved")) == ["New tide", "Old tide"]
    assert _titles(search.search(alice, "tide", order="oldest")) == ["Old tide", "New tide"]


def test_snippets_mark_the_words_and_escape_the_story(alice: AbstractBaseUser, story: Make) -> None:
    filler = "word " * 60
    story("Escape", filler + "a <script>alert(1)</script> storm & the Storm's eye " + filler)
    (hit,) = search.search(alice, "storm").hits
    assert "<mark>storm</mark>" in hit.snippet
    assert "<mark>Storm&#x27;s</mark>" in hit.snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet
    assert "<script>" not in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet.split()) < 60


def test_a_note_is_the_snippet_when_only_the_note_matched(
    alice: AbstractBaseUser, story: Make
) -> None:
    item = story("Quiet", "Nothing here.")
    Note.objects.create(user_id=alice.pk, item=item, text="check the <b>quarry</b> figures")
    search_index.refresh([item.pk])
    (hit,) = search.search(alice, "quarry").hits
    assert "<mark>&lt;b&gt;quarry&lt;/b&gt;</mark>" in hit.snippet


def test_operators_and_quotes_in_words_are_only_words(alice: AbstractBaseUser, story: Make) -> None:
    story("Near", "NEAR the AND gate, OR not")
    for query in ["NEAR(a b)", "and", "OR", '"', "'", "x' OR '1'='1", "u1", "*", "title:near"]:
        search.search(alice, query)  # never an SQL or full-text syntax error
    assert _found(alice, "AND gate") == {"Near"}
    assert _found(alice, "u1") == set()  # the owner token is no word


def test_an_unreadable_query_says_why(alice: AbstractBaseUser) -> None:
    with pytest.raises(SearchSyntaxError, match="is not a state"):
        search.search(alice, "is:sleeping")


def test_writes_keep_the_index_current(
    alice: AbstractBaseUser, story: Make, django_capture_on_commit_callbacks: Any
) -> None:
    item = story("Before", "old words")
    with django_capture_on_commit_callbacks(execute=True):
        tagging.set_tags(alice, item.pk, ["Gardening"])
    assert _found(alice, "gardening") == {"Before"}
    tag = item.tags.get()
    with django_capture_on_commit_callbacks(execute=True):
        tagging.rename_tag(alice, tag.pk, "Allotments")
    assert _found(alice, "gardening") == set()
    assert _found(alice, "allotments") == {"Before"}
    with django_capture_on_commit_callbacks(execute=True):
        tagging.delete_tag(alice, tag.pk)
    assert _found(alice, "allotments") == set()
    note_id = 0
    with django_capture_on_commit_callbacks(execute=True):
        note_id = services.add_note(alice, item.pk, "parsnips").pk
    assert _found(alice, "parsnips") == {"Before"}
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_note(alice, note_id)
    assert _found(alice, "parsnips") == set()


def test_a_purged_item_leaves_the_index(alice: AbstractBaseUser, story: Make) -> None:
    item = story("Short-lived", "ephemeral")
    Item.objects.filter(pk=item.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_itemsearch WHERE rowid = %s", [item.pk])
        assert cursor.fetchone()[0] == 0


def test_the_sweeper_indexes_stories_from_before_the_index(
    alice: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = Item.objects.create(
        user_id=alice.pk, url="https://x.example/", canonical_url="https://x.example/", title="Pre"
    )
    monkeypatch.setattr(search_index, "_quiet_until", 0.0)
    assert old.pk in search_index.missing()
    assert search_index.sweep() >= 1
    assert _found(alice, "pre") == {"Pre"}
    assert search_index.sweep() == 0  # nothing left: quiet for a while


def test_a_pending_story_is_found_by_its_address(alice: AbstractBaseUser, story: Make) -> None:
    story("", url="https://papers.example/2024/glacier-retreat")
    assert len(search.search(alice, "glacier").hits) == 1


def test_a_search_considers_the_newest_matches_up_to_the_window(
    alice: AbstractBaseUser, story: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "MATCH_WINDOW", 3)
    story("Tide tables", "tide")  # the best match, but the oldest
    for n in range(4):
        story(f"Later {n}", "the tide")
    results = search.search(alice, "tide")
    assert results.count == 3 and results.capped
    assert _titles(results) == ["Later 3", "Later 2", "Later 1"]
    assert search.search(alice, "tide", order="oldest").count == 3
    assert _titles(search.search(alice, "tide", order="oldest")) == [
        "Later 1",
        "Later 2",
        "Later 3",
    ]
    narrowed = search.search(alice, "tide tables")
    assert _titles(narrowed) == ["Tide tables"] and not narrowed.capped
