"""Highlights: passages the reader marks in a story, each with an optional note.

Every write of a highlight goes through here (the web pages, the API). A highlight is stored as
its selector (core.anchoring): the quote, the text around it, and where it is in the story's
canonical text. When a story's text changes (fetched again, extracted again),
core.processing calls `reanchor()`, which finds each highlight again or marks it orphaned
(`orphaned_at`); the reader view also anchors on every render, without writing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from broadsheet.core import access, anchoring, marking, search_index
from broadsheet.core.errors import InvalidInput, LimitReached
from broadsheet.core.models import (
    HIGHLIGHT_CONTEXT_CHARS,
    HIGHLIGHT_QUOTE_MAX_CHARS,
    HIGHLIGHTS_PER_ITEM_MAX,
    NOTE_MAX_CHARS,
    Highlight,
    Item,
)
from broadsheet.core.text_input import CONTROL, note_text

User = AbstractBaseUser | AnonymousUser

NOT_IN_STORY = "The highlighted words are not in the story (was it fetched again?)."


def clean_quote(value: object) -> str:
    """The quoted passage as the story has it: control characters go, nothing else changes (the
    quote is matched against the story's text). InvalidInput when empty or too long."""
    if not isinstance(value, str):
        raise InvalidInput("A highlight's quote is text.")
    if len(value) > 4 * HIGHLIGHT_QUOTE_MAX_CHARS:
        raise InvalidInput(f"A highlight is at most {HIGHLIGHT_QUOTE_MAX_CHARS:,} characters.")
    quote = value.translate(CONTROL)
    if not quote.strip():
        raise InvalidInput("A highlight can't be empty: select some words of the story.")
    if len(quote) > HIGHLIGHT_QUOTE_MAX_CHARS:
        raise InvalidInput(
            f"A highlight is at most {HIGHLIGHT_QUOTE_MAX_CHARS:,} characters; this one has "
            f"{len(quote):,}."
        )
    return quote


def _context(value: object, what: str, *, keep_end: bool) -> str:
    """A prefix (keep_end: its last characters) or suffix, cut to HIGHLIGHT_CONTEXT_CHARS."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"A highlight's {what} is text.")
    text = (
        value[-4 * HIGHLIGHT_CONTEXT_CHARS :] if keep_end else value[: 4 * HIGHLIGHT_CONTEXT_CHARS]
    )
    text = text.translate(CONTROL)
    return text[-HIGHLIGHT_CONTEXT_CHARS:] if keep_end else text[:HIGHLIGHT_CONTEXT_CHARS]


def _position(value: object, what: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInput(f"A highlight's {what} is a whole number from 0.")
    return value


def clean_highlight_note(text: object) -> str:
    """A highlight's note: like a story's note (`text_input.note_text`), but it may be empty."""
    return "" if text is None else note_text(text, NOTE_MAX_CHARS, required=False)


def add_highlight(
    user: User,
    item_id: int | str,
    quote: object,
    prefix: object = "",
    suffix: object = "",
    start: object = None,
    end: object = None,
    note: object = "",
) -> Highlight:
    """Highlight a passage of the reader's story. The selector is checked against the story:
    the quote must be in its text (InvalidInput otherwise); what is stored is where it was
    found, with the story's own words around it as prefix and suffix."""
    cleaned = clean_quote(quote)
    before = _context(prefix, "prefix", keep_end=True)
    after = _context(suffix, "suffix", keep_end=False)
    first, last = _position(start, "start"), _position(end, "end")
    if first is not None and last is not None and last < first:
        raise InvalidInput("A highlight's end comes after its start.")
    text_note = clean_highlight_note(note)
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        if Highlight.objects.filter(item=item).count() >= HIGHLIGHTS_PER_ITEM_MAX:
            raise LimitReached(f"A story holds at most {HIGHLIGHTS_PER_ITEM_MAX} highlights.")
        text = anchoring.story_text(item.html)
        span = anchoring.locate(text, anchoring.Selector(cleaned, before, after, first, last))
        if span is None:
            raise InvalidInput(NOT_IN_STORY)
        found_prefix, found_suffix = anchoring.context(text, span, HIGHLIGHT_CONTEXT_CHARS)
        highlight = Highlight.objects.create(
            user_id=item.user_id,
            item=item,
            quote=text[span.start : span.end],
            prefix=found_prefix,
            suffix=found_suffix,
            start=span.start,
            end=span.end,
            note=text_note,
        )
        search_index.refresh_on_commit([item.pk])
    return highlight


def update_highlight(user: User, highlight_id: int | str, note: object) -> Highlight:
    """Change a highlight's note (an empty note removes it). The passage itself stays: to mark
    other words, delete the highlight and make a new one."""
    cleaned = clean_highlight_note(note)
    with transaction.atomic():
        highlight = access.highlight_for(user, highlight_id, for_update=True)
        if highlight.note != cleaned:
            highlight.note = cleaned
            highlight.save(update_fields=["note", "updated_at"])
            search_index.refresh_on_commit([highlight.item_id])
    return highlight


def delete_highlight(user: User, highlight_id: int | str) -> None:
    with transaction.atomic():
        highlight = access.highlight_for(user, highlight_id, for_update=True)
        item_id = highlight.item_id
        highlight.delete()
        search_index.refresh_on_commit([item_id])


def _selector(highlight: Highlight) -> anchoring.Selector:
    return anchoring.Selector(
        highlight.quote, highlight.prefix, highlight.suffix, highlight.start, highlight.end
    )


def reanchor(item: Item) -> int:
    """Find the item's highlights again in its (new) text, inside the caller's transaction:
    each gets its new position, or `orphaned_at` when its words are gone (and loses it when
    they come back). Returns how many are orphaned."""
    if item.pk is None:
        return 0
    rows = list(Highlight.objects.filter(item_id=item.pk).select_for_update())
    if not rows:
        return 0
    text = anchoring.story_text(item.html)
    now = timezone.now()
    changed: list[Highlight] = []
    orphans = 0
    for row in rows:
        span = anchoring.locate(text, _selector(row))
        if span is None:
            orphans += 1
            if row.orphaned_at is None:
                row.orphaned_at = now
                changed.append(row)
        elif (row.start, row.end, row.orphaned_at) != (span.start, span.end, None):
            row.start, row.end, row.orphaned_at = span.start, span.end, None
            changed.append(row)
    if changed:
        Highlight.objects.bulk_update(changed, ["start", "end", "orphaned_at"])
    return orphans


@dataclass(frozen=True)
class MarkedStory:
    """The story's HTML with the highlights drawn, and which highlights were not found."""

    html: str
    highlights: list[Highlight]
    orphaned: frozenset[int]


def mark_story(item: Item, highlights: Sequence[Highlight]) -> MarkedStory:
    """For the reader view: the story's HTML with `highlights` wrapped in `<mark>`. With none,
    the stored HTML as it is."""
    if not highlights or not item.html:
        return MarkedStory(item.html, list(highlights), frozenset(h.pk for h in highlights))
    text = anchoring.story_text(item.html)
    marks: list[marking.Mark] = []
    lost: set[int] = set()
    for h in highlights:
        span = anchoring.locate(text, _selector(h))
        if span is None:
            lost.add(h.pk)
        else:
            marks.append(marking.Mark(h.pk, span.start, span.end, h.note))
    return MarkedStory(marking.render(item.html, marks), list(highlights), frozenset(lost))


def highlights_on(user: User, item: Item) -> list[Highlight]:
    """The reader's highlights on one story, in the story's order."""
    return list(access.highlights_of(user).filter(item=item).order_by("start", "id"))
