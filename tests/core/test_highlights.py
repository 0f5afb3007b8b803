"""Highlights (core.highlighting): made, edited and deleted through the service, limited,
anchored in the story's text, found again or orphaned when the text changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import access, highlighting, processing, services
from broadsheet.core.anchoring import story_text
from broadsheet.core.errors import InvalidInput, LimitReached, NotFound
from broadsheet.core.models import (
    HIGHLIGHT_CONTEXT_CHARS,
    HIGHLIGHT_QUOTE_MAX_CHARS,
    HIGHLIGHTS_PER_ITEM_MAX,
    NOTE_MAX_CHARS,
    Highlight,
    Item,
    PageSnapshot,
)
from broadsheet.core.snapshots import compress
from tests.conftest import article_html

pytestmark = pytest.mark.django_db

STORY = (
    "<h2>The dam</h2><p>The dam opened at dawn. Farmers downstream watched the river rise.</p>"
    "<p>By noon <em>the dam opened</em> its second gate, and the river rose again.</p>"
)


def _story(user: AbstractBaseUser, html: str = STORY, url: str = "https://news.example/a") -> Item:
    item = services.save_item(user, url)
    Item.objects.filter(pk=item.pk).update(status=Item.Status.READY, html=html)
    item.refresh_from_db()
    return item


@pytest.fixture
def refreshed(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The item ids each write asked the search index to refresh."""
    calls: list[list[int]] = []
    monkeypatch.setattr(
        highlighting.search_index, "refresh_on_commit", lambda ids: calls.append(list(ids))
    )
    return calls


def test_add_edit_delete(alice: AbstractBaseUser, refreshed: list[list[int]]) -> None:
    item = _story(alice)
    refreshed.clear()  # saving the item asked too
    text = story_text(item.html)
    h = highlighting.add_highlight(
        alice, item.pk, "Farmers downstream", note="  Ask them.\r\nAll of them. "
    )
    assert (h.quote, h.note, h.user_id, h.item_id) == (
        "Farmers downstream",
        "Ask them.\nAll of them.",
        alice.pk,
        item.pk,
    )
    assert text[h.start or 0 : h.end or 0] == "Farmers downstream"
    assert h.prefix == text[: h.start][-HIGHLIGHT_CONTEXT_CHARS:]
    assert h.suffix == text[h.end :][:HIGHLIGHT_CONTEXT_CHARS]
    assert h.orphaned_at is None
    changed = highlighting.update_highlight(alice, h.pk, "Changed\x00 note")
    assert Highlight.objects.get(pk=h.pk).note == "Changed note" == changed.note
    highlighting.update_highlight(alice, h.pk, "")
    assert Highlight.objects.get(pk=h.pk).note == ""
    highlighting.delete_highlight(alice, h.pk)
    assert not Highlight.objects.exists()
    assert refreshed == [[item.pk]] * 4  # every write: search finds highlights and their notes


def test_the_same_words_twice_are_told_apart(alice: AbstractBaseUser) -> None:
    item = _story(alice)
    text = story_text(item.html)
    second = text.index("the dam opened")
    h = highlighting.add_highlight(
        alice, item.pk, "dam opened", prefix="By noon the ", suffix=" its second gate"
    )
    assert h.start == second + len("the ")
    first = text.index("dam opened")
    h1 = highlighting.add_highlight(alice, item.pk, "dam opened", start=first, end=first + 10)
    assert h1.start == first and h1.suffix.startswith(" at dawn")


@pytest.mark.parametrize("quote", ["", "   ", "\n\t", "\x00\x01", None, 5, ["a"]])
def test_an_empty_or_non_text_quote_is_refused(alice: AbstractBaseUser, quote: object) -> None:
    item = _story(alice)
    with pytest.raises(InvalidInput):
        highlighting.add_highlight(alice, item.pk, quote)
    assert not Highlight.objects.exists()


def test_words_not_in_the_story_are_refused(alice: AbstractBaseUser) -> None:
    item = _story(alice)
    with pytest.raises(InvalidInput, match="not in the story"):
        highlighting.add_highlight(alice, item.pk, "Villagers saw")
    pending = services.save_item(alice, "https://news.example/pending")
    with pytest.raises(InvalidInput, match="not in the story"):
        highlighting.add_highlight(alice, pending.pk, "anything")


def test_limits(alice: AbstractBaseUser) -> None:
    long_story = "<p>" + "word " * 2000 + "</p>"
    item = _story(alice, long_story)
    with pytest.raises(InvalidInput, match=f"at most {HIGHLIGHT_QUOTE_MAX_CHARS:,}"):
        highlighting.add_highlight(alice, item.pk, "word " * 1001)
    with pytest.raises(InvalidInput, match=f"at most {NOTE_MAX_CHARS:,}"):
        highlighting.add_highlight(alice, item.pk, "word", note="x" * (NOTE_MAX_CHARS + 1))
    with pytest.raises(InvalidInput, match="end comes after"):
        highlighting.add_highlight(alice, item.pk, "word", start=9, end=3)
    with pytest.raises(InvalidInput):
        highlighting.add_highlight(alice, item.pk, "word", start=-1)
    with pytest.raises(InvalidInput):
        highlighting.add_highlight(alice, item.pk, "word", start=True)
    # A long prefix and suffix are cut to the characters nearest the quote.
    h = highlighting.add_highlight(alice, item.pk, "word", prefix="p" * 500, suffix="s" * 500)
    assert len(h.prefix) <= HIGHLIGHT_CONTEXT_CHARS and len(h.suffix) <= HIGHLIGHT_CONTEXT_CHARS
    Highlight.objects.bulk_create(
        Highlight(user=alice, item=item, quote="word", start=0, end=4)
        for _ in range(HIGHLIGHTS_PER_ITEM_MAX - 1)
    )
    with pytest.raises(LimitReached, match=f"at most {HIGHLIGHTS_PER_ITEM_MAX} highlights"):
        highlighting.add_highlight(alice, item.pk, "word")


def test_another_readers_highlights_are_not_found(
    alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    item = _story(alice)
    h = highlighting.add_highlight(alice, item.pk, "Farmers downstream")
    for call in (
        lambda: highlighting.add_highlight(bob, item.pk, "Farmers downstream"),
        lambda: highlighting.update_highlight(bob, h.pk, "mine now"),
        lambda: highlighting.delete_highlight(bob, h.pk),
        lambda: access.highlight_for(bob, h.pk),
    ):
        with pytest.raises(NotFound):
            call()
    assert Highlight.objects.get(pk=h.pk).note == ""
    assert list(access.highlights_of(bob)) == []


def test_a_deleted_items_highlights_are_hidden(alice: AbstractBaseUser) -> None:
    item = _story(alice)
    h = highlighting.add_highlight(alice, item.pk, "Farmers downstream")
    services.delete_item(alice, item.pk)
    with pytest.raises(NotFound):
        access.highlight_for(alice, h.pk)
    services.restore_item(alice, item.pk)
    assert access.highlight_for(alice, h.pk) == h


def test_reanchor_moves_and_orphans(alice: AbstractBaseUser) -> None:
    item = _story(alice)
    kept = highlighting.add_highlight(alice, item.pk, "Farmers downstream")
    lost = highlighting.add_highlight(alice, item.pk, "its second gate", note="why two?")
    item.html = "<p>An update was added.</p>" + STORY.replace("its second gate", "a gate")
    assert highlighting.reanchor(item) == 1
    kept.refresh_from_db()
    lost.refresh_from_db()
    text = story_text(item.html)
    assert text[kept.start or 0 : kept.end or 0] == "Farmers downstream"
    assert kept.orphaned_at is None and lost.orphaned_at is not None
    # The words come back: so does the highlight.
    item.html = STORY
    assert highlighting.reanchor(item) == 0
    lost.refresh_from_db()
    assert lost.orphaned_at is None


def test_extracting_again_reanchors(alice: AbstractBaseUser) -> None:
    """core.processing finds the highlights again whenever it stores a new text."""
    page = article_html(seed=71)
    item = services.save_item(alice, "https://news.example/story")
    PageSnapshot.objects.create(
        item=item, content=compress(page.encode()), final_url="https://news.example/story"
    )
    assert processing.reextract(item) is processing.Outcome.READY
    item.refresh_from_db()
    text = story_text(item.html)
    words = text.split(". ")[2].strip()
    found = highlighting.add_highlight(alice, item.pk, words)
    Item.objects.filter(pk=item.pk).update(html="<p>Nothing of the kind.</p>")
    item.refresh_from_db()
    gone = highlighting.add_highlight(alice, item.pk, "Nothing of the kind")
    assert processing.reextract(item) is processing.Outcome.READY
    found.refresh_from_db()
    gone.refresh_from_db()
    assert found.orphaned_at is None and gone.orphaned_at is not None


def test_marks_in_the_reader_view_html(alice: AbstractBaseUser) -> None:
    item = _story(alice)
    a = highlighting.add_highlight(alice, item.pk, "dam opened at dawn", note="<b>dawn</b>")
    b = highlighting.add_highlight(alice, item.pk, "Farmers downstream")
    Highlight.objects.filter(pk=b.pk).update(quote="no such words", start=None, end=None)
    marked = highlighting.mark_story(item, highlighting.highlights_on(alice, item))
    assert marked.orphaned == frozenset({b.pk})
    assert f'id="hl-{a.pk}"' in marked.html and f'id="hl-{b.pk}"' not in marked.html
    assert 'title="&lt;b&gt;dawn&lt;/b&gt;"' in marked.html
    assert story_text(marked.html) == story_text(item.html)
    empty: Any = highlighting.mark_story(item, [])
    assert empty.html == item.html
