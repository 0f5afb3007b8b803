"""Highlights in the API: passages of a story the reader marked, with their notes.

A router of its own, added to the API in routes.py (`api.add_router("", highlights.router)`): the
API's authentication and its exception handlers (the one error shape) apply to it as to every
other operation. Its schemas live here too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from broadsheet.api.errors import responses
from broadsheet.api.schemas import MAX_OFFSET, NoNulls, PageFilters, Strict, _optional
from broadsheet.core import access, highlighting
from broadsheet.core.models import (
    HIGHLIGHT_CONTEXT_CHARS,
    HIGHLIGHT_QUOTE_MAX_CHARS,
    HIGHLIGHTS_PER_ITEM_MAX,
    NOTE_MAX_CHARS,
)

router = Router(tags=["highlights"])

# How long a prefix or suffix the API reads; the rest is cut off (only the characters nearest the
# quote are kept, HIGHLIGHT_CONTEXT_CHARS of them).
_CONTEXT_READ = 4 * HIGHLIGHT_CONTEXT_CHARS


class HighlightIn(NoNulls):
    """A W3C Web Annotation style selector (TextQuoteSelector plus a TextPositionSelector
    hint) and an optional note."""

    quote: str = Field(
        ...,
        min_length=1,
        max_length=HIGHLIGHT_QUOTE_MAX_CHARS,
        description=f"The highlighted words, exactly as in the story's text, at most "
        f"{HIGHLIGHT_QUOTE_MAX_CHARS:,} characters. Words that are not in the story are refused "
        "with 422.",
        examples=["the dam opened its second gate"],
    )
    prefix: str = Field(
        "",
        max_length=_CONTEXT_READ,
        description=f"Text just before the quote, to tell apart the same words elsewhere in the "
        f"story; its last {HIGHLIGHT_CONTEXT_CHARS} characters are kept.",
        examples=["By noon "],
    )
    suffix: str = Field(
        "",
        max_length=_CONTEXT_READ,
        description=f"Text just after the quote; its first {HIGHLIGHT_CONTEXT_CHARS} characters "
        "are kept.",
        examples=[", and the river rose again."],
    )
    start: int | None = Field(
        None,
        ge=0,
        le=MAX_OFFSET,
        strict=True,
        description="Where the quote starts in the story's text, in Unicode code points (a "
        "hint: the quote and its context decide).",
        json_schema_extra=_optional("integer"),
    )
    end: int | None = Field(
        None,
        ge=0,
        le=MAX_OFFSET,
        strict=True,
        description="Where it ends (exclusive), in code points.",
        json_schema_extra=_optional("integer"),
    )
    note: str = Field(
        "",
        max_length=NOTE_MAX_CHARS,
        description=f"A note on the passage, plain text, at most {NOTE_MAX_CHARS:,} characters "
        f"(may be empty). A story holds at most {HIGHLIGHTS_PER_ITEM_MAX} highlights.",
    )


class HighlightPatch(Strict):
    note: str = Field(
        ...,
        max_length=NOTE_MAX_CHARS,
        description="The new note; an empty one removes it.",
    )


class HighlightOut(Schema):
    id: int
    item_id: int = Field(description="The story the highlight is in.")
    item_title: str = Field(description="That story's title (its address when it has none).")
    quote: str
    prefix: str
    suffix: str
    start: int | None = Field(description="Where the quote is in the story's text (code points).")
    end: int | None
    note: str
    orphaned: bool = Field(
        description="`true` when the story's text changed and the quote is no longer in it."
    )
    orphaned_at: datetime | None = Field(description="Since when it is no longer found.")
    created_at: datetime
    updated_at: datetime


class HighlightList(Schema):
    highlights: list[HighlightOut]
    count: int = Field(description="How many highlights there are, across all pages.")
    limit: int
    offset: int


def _out(h: Any) -> HighlightOut:
    return HighlightOut(
        id=h.pk,
        item_id=h.item_id,
        item_title=h.item.display_title,
        quote=h.quote,
        prefix=h.prefix,
        suffix=h.suffix,
        start=h.start,
        end=h.end,
        note=h.note,
        orphaned=h.orphaned_at is not None,
        orphaned_at=h.orphaned_at,
        created_at=h.created_at,
        updated_at=h.updated_at,
    )


def _page(qs: Any, page: PageFilters) -> HighlightList:
    qs = qs.select_related("item")
    rows = list(qs[page.offset : page.offset + page.limit])
    return HighlightList(
        highlights=[_out(h) for h in rows], count=qs.count(), limit=page.limit, offset=page.offset
    )


@router.get("/highlights", response=responses({200: HighlightList}, 422))
def list_highlights(request: HttpRequest, page: Query[PageFilters]) -> HighlightList:
    """All of the reader's highlights, newest first."""
    qs = access.highlights_of(request.user).order_by("-created_at", "-id")
    return _page(qs, page)


@router.get("/items/{item_id}/highlights", response=responses({200: HighlightList}, 404, 422))
def item_highlights(request: HttpRequest, item_id: int, page: Query[PageFilters]) -> HighlightList:
    """The highlights in one story, in the story's order (orphaned ones last)."""
    item = access.item_for(request.user, item_id)
    qs = access.highlights_of(request.user).filter(item=item)
    qs = qs.order_by(F("orphaned_at").asc(nulls_first=True), "start", "id")
    return _page(qs, page)


@router.post("/items/{item_id}/highlights", response=responses({201: HighlightOut}, 404, 409, 422))
def add_highlight(request: HttpRequest, item_id: int, payload: HighlightIn) -> Status[HighlightOut]:
    """Highlight a passage of the story, with an optional note."""
    h = highlighting.add_highlight(
        request.user,
        item_id,
        payload.quote,
        prefix=payload.prefix,
        suffix=payload.suffix,
        start=payload.start,
        end=payload.end,
        note=payload.note,
    )
    return Status(201, _out(access.highlights_of(request.user).select_related("item").get(pk=h.pk)))


@router.get("/highlights/{highlight_id}", response=responses({200: HighlightOut}, 404, 422))
def get_highlight(request: HttpRequest, highlight_id: int) -> HighlightOut:
    return _out(access.highlight_for(request.user, highlight_id))


@router.patch("/highlights/{highlight_id}", response=responses({200: HighlightOut}, 404, 422))
def patch_highlight(
    request: HttpRequest, highlight_id: int, payload: HighlightPatch
) -> HighlightOut:
    """Change the highlight's note (the passage stays; delete it to mark other words)."""
    return _out(highlighting.update_highlight(request.user, highlight_id, payload.note))


@router.delete("/highlights/{highlight_id}", response=responses({204: None}, 404, 422))
def delete_highlight(request: HttpRequest, highlight_id: int) -> Status[None]:
    highlighting.delete_highlight(request.user, highlight_id)
    return Status(204, None)
