"""A Broadsheet story as a wallabag entry, a highlight as an annotation, a tag as a tag (contract
§3.5, §3.13, §3.14).

Every key is present even when its value is null (wallabag serialises nulls), and the types are
the ones the strictest client wants: `is_archived`/`is_starred` are the integers 0 and 1 (the
Android app and Readeck fail on booleans), `title` is always a string, `tags` and `annotations`
always arrays, `headers` null rather than `[]` (Readeck wants an object or null).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify

from broadsheet.core import anchoring, images
from broadsheet.core.canonical import address_hash
from broadsheet.core.models import Highlight, Item, Tag
from broadsheet.wallabag.answers import date


def slug_of(name: str) -> str:
    """A tag's slug as wallabag makes it: lower case, words joined by hyphens."""
    return slugify(name, allow_unicode=True) or "-".join(name.casefold().split())


def tag_json(tag: Tag) -> dict[str, Any]:
    return {"id": tag.pk, "label": tag.name, "slug": slug_of(tag.name)}


def annotation_json(highlight: Highlight, html: str) -> dict[str, Any]:
    """A highlight as annotator.js (wallabag's highlighter) keeps it: the quote, the note as its
    text, and one range from element paths and offsets into their text."""
    start = highlight.start or 0
    end = highlight.end if highlight.end is not None else start + len(highlight.quote)
    first, last = anchoring.element_points(html, [start, end])
    return {
        "id": highlight.pk,
        "annotator_schema_version": "v1.0",
        "text": highlight.note,
        "quote": highlight.quote,
        "ranges": [
            {
                "start": first.path,
                "startOffset": first.offset,
                "end": last.path,
                "endOffset": last.offset,
            }
        ],
        "created_at": date(highlight.created_at),
        "updated_at": date(highlight.updated_at),
    }


def with_children(qs: QuerySet[Item]) -> QuerySet[Item]:
    """Tags and highlights read with the page of stories, not one query per story."""
    return qs.select_related("user").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("key", "id")),
        Prefetch(
            "highlights",
            queryset=Highlight.objects.filter(orphaned_at__isnull=True).order_by("start", "id"),
        ),
    )


def _picture(path: str | None, base: str) -> str | None:
    """The thumbnail's signed address on this server (an app fetches it with no session)."""
    if not path:
        return None
    item_id, digest = path.rstrip("/").split("/")[-2:]
    return base.rstrip("/") + images.signed_url(int(item_id), digest)


def entry_json(
    item: Item, *, base: str, content: bool = True, thumbnail: str | None = None
) -> dict[str, Any]:
    """The entry object. `content` False is wallabag's `detail=metadata`: the HTML is null.
    `base` is the server's address: the story's images are served by Broadsheet, and an app
    that shows the HTML gets their addresses absolute and signed (`core.images.signed_url`), as
    it fetches them with no session. `thumbnail` is the path of the stored lead image."""
    user = item.user
    html = images.with_signed_urls(images.local_only(item.html), base) if content else ""
    title = item.title or item.url
    address = item.url
    given = item.url
    ready = item.status == Item.Status.READY
    return {
        "id": item.pk,
        "uid": None,
        "title": title,
        "url": address,
        "hashed_url": address_hash(address),
        "origin_url": None,
        "given_url": given,
        "hashed_given_url": address_hash(given),
        "is_archived": int(item.archived),
        "archived_at": date(item.archived_at),
        "is_starred": int(item.favorite),
        "starred_at": date(item.favorited_at),
        "content": html if content else None,
        "created_at": date(item.saved_at),
        "updated_at": date(item.updated_at),
        "published_at": date(item.published),
        "published_by": [item.byline] if item.byline else [],
        "annotations": [annotation_json(h, html) for h in item.highlights.all()]
        if content
        else [_annotation_head(h) for h in item.highlights.all()],
        "mimetype": "text/html",
        "language": item.language or None,
        "reading_time": int(item.reading_minutes),
        "domain_name": item.host or None,
        "preview_picture": _picture(thumbnail, base),
        "http_status": "200" if ready else None,
        "headers": None,
        "user_name": user.get_username(),
        "user_email": getattr(user, "email", "") or "",
        "user_id": user.pk,
        "tags": [tag_json(t) for t in item.tags.all()],
        "is_public": False,
        "_links": {"self": {"href": f"/api/entries/{item.pk}"}},
    }


def _annotation_head(highlight: Highlight) -> dict[str, Any]:
    """An annotation without its ranges (the list without content has no HTML to place it in)."""
    return {
        "id": highlight.pk,
        "annotator_schema_version": "v1.0",
        "text": highlight.note,
        "quote": highlight.quote,
        "ranges": [],
        "created_at": date(highlight.created_at),
        "updated_at": date(highlight.updated_at),
    }


def entries_json(items: Iterable[Item], *, base: str, content: bool) -> list[dict[str, Any]]:
    rows = list(items)
    thumbnails = images.thumbnail_urls(rows)
    return [
        entry_json(item, base=base, content=content, thumbnail=thumbnails.get(item.pk))
        for item in rows
    ]
