"""The REST API, /api/v1/. OpenAPI at /api/v1/openapi.json, rendered docs at /api/v1/docs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from broadsheet.api import errors, highlights
from broadsheet.api.auth import BearerToken
from broadsheet.api.errors import responses
from broadsheet.api.schemas import (
    ActionIn,
    ActionList,
    ActionOut,
    ActionPatch,
    EntryList,
    EntryOut,
    ExportFile,
    ExportFilters,
    FeedIn,
    FeedList,
    FeedOut,
    FeedPatch,
    ItemList,
    ItemOut,
    ListFilters,
    MeOut,
    MePatch,
    NoteIn,
    NoteList,
    NoteOut,
    OpmlImportOut,
    OpmlIn,
    OpmlSkip,
    PageFilters,
    PatchIn,
    RatingIn,
    RelatedOut,
    SaveIn,
    SuggestionOut,
    TagList,
    TagOut,
    TagPatch,
    TopicIn,
    TopicList,
    TopicOut,
    TopicPatch,
)
from broadsheet.core import (
    access,
    export,
    export_data,
    queries,
    related,
    search,
    services,
    tagging,
)
from broadsheet.core.errors import (
    AlreadySaved,
    AlreadySubscribed,
    BroadsheetError,
    Folded,
    InvalidInput,
    NotFound,
    RateLimited,
)
from broadsheet.core.search_query import SearchSyntaxError

api = NinjaAPI(
    title="Broadsheet API",
    version="1",
    description=(
        "Save news stories and read them later. Authenticate with `Authorization: Bearer <token>`."
        ' Every error answers `{"error": {"code": ..., "message": ...}}`, one HTTP status'
        " per code."
    ),
    auth=BearerToken(),
    urls_namespace="api",
)
api.add_router("", highlights.router)  # /items/{item_id}/highlights, /highlights

# The typed errors, mapped once: core's by their own code and status, then what ninja raises.


@api.exception_handler(BroadsheetError)
def _domain_error(request: HttpRequest, exc: BroadsheetError) -> HttpResponse:
    extra: dict[str, int] = {}
    if isinstance(exc, AlreadySaved | Folded):
        extra["item_id"] = exc.item_id
    elif isinstance(exc, AlreadySubscribed):
        extra["feed_id"] = exc.feed_id
    response = errors.error_response(exc.status, exc.code, exc.message, **extra)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = errors.answer(errors.UNAUTHORIZED)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """What ninja raises itself: 400 for a body it cannot parse as JSON (a form, a typo), which
    is invalid input like any other and so 422, as docs/api.md says of invalid_input."""
    if exc.status_code == 400:
        return errors.answer(errors.NOT_JSON)
    return errors.answer(errors.for_status(exc.status_code))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return errors.answer(errors.NO_SUCH_ADDRESS)


# Where an error was, without the layers ninja wraps around the parameters.
_WRAPPERS = frozenset({"body", "payload", "query", "path", "filters"})


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 invalid_input, the first problem in words and all of them in `details`: each its type,
    where (`loc`) and message, without the input echoed back or pydantic's context objects
    (which are not always JSON)."""
    details = [
        {
            "type": str(e.get("type", "")),
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
        }
        for e in exc.errors
    ]
    first = details[0] if details else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in _WRAPPERS)
    message = f"{where}: {first.get('msg', 'invalid input')}" if where else "Invalid input."
    return errors.answer(errors.NOT_JSON, message, details=details)


def _item_out(item: Any) -> ItemOut:
    return ItemOut.model_validate(item, from_attributes=True)


def _metadata_out(item: Any) -> ItemOut:
    """The item without its story (``fields=metadata``): its deferred text and HTML are never
    read, so never loaded."""
    data = {
        name: getattr(item, name)
        for name in ItemOut.model_fields
        if name not in _BODY and name != "snippet"
    }
    return ItemOut.model_validate({**data, "text": "", "html": ""})


_BODY = frozenset({"text", "html"})


@api.post("/items", response=responses({201: ItemOut}, 409, 422))
def save(request: HttpRequest, payload: SaveIn) -> Status[ItemOut]:
    """Save a story. Answers at once with `status: pending`; fetching runs in the background.
    With `html` (the page as the reader's browser has it), nothing is fetched: that HTML is
    extracted as a fetched page would be."""
    item = services.save_item(
        request.user,  # type: ignore[arg-type]
        payload.url,
        html=payload.html,
        tags=payload.tags or (),
    )
    return Status(201, _item_out(item))


@api.get("/items", response=responses({200: ItemList}, 422))
def list_items(request: HttpRequest, filters: Query[ListFilters]) -> ItemList:
    """The reader's items, newest first, `limit` at a time from `offset`; with `q`, the ones
    that match the search, best match first, each with a snippet."""
    with_body = filters.fields == "all"
    if filters.q is not None and filters.q.strip():
        return _search(request, filters, with_body=with_body)
    qs = queries.items(
        request.user,
        filters.state or "unread",
        with_body=with_body,
        tag=filters.tag,
        favorite=filters.favorite,
        site=filters.site,
        sort="saved" if filters.sort is None or filters.sort == "relevance" else filters.sort,
    ).prefetch_related("tags")
    total = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    return ItemList(
        items=[_item_out(i) if with_body else _metadata_out(i) for i in page],
        count=total,
        limit=filters.limit,
        offset=filters.offset,
    )


def _search(request: HttpRequest, filters: ListFilters, *, with_body: bool) -> ItemList:
    try:
        found = search.search(
            request.user,
            filters.q or "",
            state=filters.state or "all",
            tag=filters.tag,
            favorite=filters.favorite,
            site=filters.site,
            order=filters.sort or "relevance",
            offset=filters.offset,
            limit=filters.limit,
            with_body=with_body,
        )
    except SearchSyntaxError as exc:
        raise InvalidInput(f"q: {exc}") from None
    out = [_item_out(h.item) if with_body else _metadata_out(h.item) for h in found.hits]
    for item, hit in zip(out, found.hits, strict=True):
        item.snippet = str(hit.snippet) if found.query.has_text else None
    return ItemList(items=out, count=found.count, limit=filters.limit, offset=filters.offset)


@api.get("/items/{item_id}", response=responses({200: ItemOut}, 404, 422))
def get_item(request: HttpRequest, item_id: int) -> ItemOut:
    try:
        return _item_out(access.item_for(request.user, item_id))
    except NotFound:
        fold = access.fold_for(request.user, item_id)
        if fold is None:
            raise
        raise Folded(fold.into_id) from None


@api.patch("/items/{item_id}", response=responses({200: ItemOut}, 404, 422))
def patch_item(request: HttpRequest, item_id: int, payload: PatchIn) -> ItemOut:
    """Archive or unarchive an item, star it, record reading progress, set its tags: any of
    them, all or none."""
    changes = payload.model_dump(exclude_unset=True)
    return _item_out(services.update_item(request.user, item_id, **changes))


@api.put("/items/{item_id}/rating", response=responses({200: ItemOut}, 404, 422))
def rate_item(request: HttpRequest, item_id: int, payload: RatingIn) -> ItemOut:
    """Rate the story 1 to 5 stars; rating it again replaces the rating."""
    return _item_out(services.rate_item(request.user, item_id, payload.stars))


@api.delete("/items/{item_id}/rating", response=responses({200: ItemOut}, 404, 422))
def clear_rating(request: HttpRequest, item_id: int) -> ItemOut:
    """Clear the story's rating."""
    return _item_out(services.rate_item(request.user, item_id, None))


def _note_out(note: Any) -> NoteOut:
    return NoteOut(
        id=note.pk,
        item_id=note.item_id,
        item_title=note.item.display_title,
        text=note.text,
        created_at=note.created_at,
        updated_at=note.updated_at,
    )


def _slice(qs: Any, page: PageFilters) -> tuple[list[Any], int]:
    """One page of a query and the count across all pages."""
    return list(qs[page.offset : page.offset + page.limit]), qs.count()


def _note_page(qs: Any, page: PageFilters) -> NoteList:
    rows, total = _slice(qs.select_related("item"), page)
    return NoteList(
        notes=[_note_out(n) for n in rows], count=total, limit=page.limit, offset=page.offset
    )


@api.post("/items/{item_id}/notes", response=responses({201: NoteOut}, 404, 409, 422))
def add_note(request: HttpRequest, item_id: int, payload: NoteIn) -> Status[NoteOut]:
    """Add a private note to the story ("did we miss an angle?")."""
    return Status(201, _note_out(services.add_note(request.user, item_id, payload.text)))


@api.get("/items/{item_id}/notes", response=responses({200: NoteList}, 404, 422))
def item_notes(request: HttpRequest, item_id: int, page: Query[PageFilters]) -> NoteList:
    """The notes on one story, newest first."""
    item = access.item_for(request.user, item_id)
    return _note_page(access.notes_of(request.user).filter(item=item), page)


@api.get("/notes", response=responses({200: NoteList}, 422))
def list_notes(request: HttpRequest, page: Query[PageFilters]) -> NoteList:
    """All of the reader's notes, newest first."""
    return _note_page(access.notes_of(request.user), page)


@api.patch("/notes/{note_id}", response=responses({200: NoteOut}, 404, 422))
def edit_note(request: HttpRequest, note_id: int, payload: NoteIn) -> NoteOut:
    """Replace a note's text."""
    return _note_out(services.edit_note(request.user, note_id, payload.text))


@api.delete("/notes/{note_id}", response=responses({204: None}, 404, 422))
def delete_note(request: HttpRequest, note_id: int) -> Status[None]:
    services.delete_note(request.user, note_id)
    return Status(204, None)


@api.get("/items/{item_id}/related", response=responses({200: RelatedOut}, 404, 422))
def item_related(request: HttpRequest, item_id: int) -> RelatedOut:
    """Related stories ("Recommended:") from the reader's saved stories and feeds, and the same
    story from other sites, apart."""
    found = related.related_to(request.user, access.item_for(request.user, item_id))
    return RelatedOut(
        related=[SuggestionOut(**vars(s)) for s in found.related],
        same_story=[SuggestionOut(**vars(s)) for s in found.same_story],
        ready=found.ready,
    )


# --- topics and their action links ----------------------------------------------------------------


def _topic_out(topic: Any) -> TopicOut:
    counts = queries.topic_counts(topic)
    return TopicOut(
        id=topic.pk,
        name=topic.name,
        query=topic.query,
        terms=queries.topic_terms(topic),
        from_item=topic.from_item_id,
        stories=counts.stories,
        new_stories=counts.new,
        created_at=topic.created_at,
        updated_at=topic.updated_at,
    )


def _action_out(action: Any) -> ActionOut:
    return ActionOut(
        id=action.pk,
        topic_id=action.topic_id,
        url=action.url,
        title=action.title,
        note=action.note,
        kind=action.kind,
        state=action.state,
        source_item=action.source_item_id,
        created_at=action.created_at,
    )


@api.get("/topics", response=responses({200: TopicList}))
def list_topics(request: HttpRequest) -> TopicList:
    """The topics the reader follows, newest first."""
    topics = [_topic_out(t) for t in access.topics_of(request.user)]
    return TopicList(topics=topics, count=len(topics))


@api.post("/topics", response=responses({201: TopicOut}, 404, 409, 422))
def create_topic(request: HttpRequest, payload: TopicIn) -> Status[TopicOut]:
    """Follow a topic: made from a story's key terms (`from_item`), or by hand (`name`,
    `query`)."""
    if payload.from_item is not None:
        topic = services.follow_item(request.user, payload.from_item)
    else:
        topic = services.create_topic(request.user, payload.name, payload.query)
    return Status(201, _topic_out(topic))


@api.get("/tags", response=responses({200: TagList}))
def list_tags(request: HttpRequest) -> TagList:
    """The reader's tags, by name, with how many stories carry each."""
    rows = queries.tag_counts(request.user)
    return TagList(tags=[TagOut(**vars(t)) for t in rows], count=len(rows))


@api.patch("/tags/{tag_id}", response=responses({200: TagOut}, 404, 422))
def rename_tag(request: HttpRequest, tag_id: int, payload: TagPatch) -> TagOut:
    """Rename a tag; onto the name of another tag, the two merge."""
    kept = tagging.rename_tag(request.user, tag_id, payload.name)
    return TagOut(**vars(queries.tag_counts(request.user, kept.pk)[0]))


@api.delete("/tags/{tag_id}", response=responses({204: None}, 404, 422))
def delete_tag(request: HttpRequest, tag_id: int) -> Status[None]:
    """Delete a tag; its stories stay, without it."""
    tagging.delete_tag(request.user, tag_id)
    return Status(204, None)


@api.get("/topics/{topic_id}", response=responses({200: TopicOut}, 404, 422))
def get_topic(request: HttpRequest, topic_id: int) -> TopicOut:
    return _topic_out(access.topic_for(request.user, topic_id))


@api.patch("/topics/{topic_id}", response=responses({200: TopicOut}, 404, 422))
def patch_topic(request: HttpRequest, topic_id: int, payload: TopicPatch) -> TopicOut:
    """Rename the topic or change its query."""
    changes = payload.model_dump(exclude_unset=True)
    return _topic_out(services.update_topic(request.user, topic_id, **changes))


@api.delete("/topics/{topic_id}", response=responses({204: None}, 404, 422))
def delete_topic(request: HttpRequest, topic_id: int) -> Status[None]:
    """Stop following the topic (its action links go with it; the stories stay)."""
    services.delete_topic(request.user, topic_id)
    return Status(204, None)


@api.get("/topics/{topic_id}/items", response=responses({200: ItemList}, 404, 422))
def topic_items(request: HttpRequest, topic_id: int, page: Query[PageFilters]) -> ItemList:
    """The reader's stories on the topic, newest first."""
    topic = access.topic_for(request.user, topic_id)
    rows, total = _slice(queries.topic_items(topic), page)
    return ItemList(
        items=[_item_out(i) for i in rows], count=total, limit=page.limit, offset=page.offset
    )


@api.get("/topics/{topic_id}/actions", response=responses({200: ActionList}, 404, 422))
def list_actions(request: HttpRequest, topic_id: int) -> ActionList:
    """The topic's action links: kept, proposed and dismissed, oldest first."""
    topic = access.topic_for(request.user, topic_id)
    actions = [_action_out(a) for a in topic.actions.all()]
    return ActionList(actions=actions, count=len(actions))


@api.post("/topics/{topic_id}/actions", response=responses({201: ActionOut}, 404, 409, 422))
def add_action(request: HttpRequest, topic_id: int, payload: ActionIn) -> Status[ActionOut]:
    """Add a way to make a difference on the topic."""
    action = services.add_action(
        request.user, topic_id, url=payload.url, title=payload.title, note=payload.note
    )
    return Status(201, _action_out(action))


@api.patch(
    "/topics/{topic_id}/actions/{action_id}", response=responses({200: ActionOut}, 404, 409, 422)
)
def patch_action(
    request: HttpRequest, topic_id: int, action_id: int, payload: ActionPatch
) -> ActionOut:
    """Edit an action link, keep a proposed one or dismiss it."""
    changes = payload.model_dump(exclude_unset=True)
    return _action_out(services.update_action(request.user, topic_id, action_id, **changes))


@api.delete("/topics/{topic_id}/actions/{action_id}", response=responses({204: None}, 404, 422))
def delete_action(request: HttpRequest, topic_id: int, action_id: int) -> Status[None]:
    services.delete_action(request.user, topic_id, action_id)
    return Status(204, None)


# --- feeds ----------------------------------------------------------------------------------------


def _feed_out(feed: Any) -> FeedOut:
    return FeedOut.model_validate(feed, from_attributes=True)


def _entry_out(entry: Any) -> EntryOut:
    return EntryOut.model_validate(entry, from_attributes=True)


@api.get("/feeds", response=responses({200: FeedList}))
def list_feeds(request: HttpRequest) -> FeedList:
    """The feeds the reader follows."""
    rows = [_feed_out(f) for f in access.feeds_of(request.user)]
    return FeedList(feeds=rows, count=len(rows))


@api.post("/feeds", response=responses({201: FeedOut}, 409, 422))
def subscribe(request: HttpRequest, payload: FeedIn) -> Status[FeedOut]:
    """Follow a feed by its address or a site's. The first poll runs in the background."""
    feed = services.subscribe(request.user, payload.url, category=payload.category)
    return Status(201, _feed_out(feed))


@api.get("/feeds/{feed_id}", response=responses({200: FeedOut}, 404, 422))
def get_feed(request: HttpRequest, feed_id: int) -> FeedOut:
    return _feed_out(access.feed_for(request.user, feed_id))


@api.patch("/feeds/{feed_id}", response=responses({200: FeedOut}, 404, 422))
def patch_feed(request: HttpRequest, feed_id: int, payload: FeedPatch) -> FeedOut:
    """Rename a feed or change its category."""
    changes = payload.model_dump(exclude_unset=True)
    return _feed_out(services.update_feed(request.user, feed_id, **changes))


@api.delete("/feeds/{feed_id}", response=responses({204: None}, 404, 422))
def unsubscribe(request: HttpRequest, feed_id: int) -> Status[None]:
    """Stop following a feed (its entries go; the ones saved stay as saved items)."""
    services.unsubscribe(request.user, feed_id)
    return Status(204, None)


@api.post("/feeds/{feed_id}/poll", response=responses({202: FeedOut}, 404, 422))
def poll_feed(request: HttpRequest, feed_id: int) -> Status[FeedOut]:
    """Check the feed for new entries now (at the worker's next sweep)."""
    return Status(202, _feed_out(services.poll_now(request.user, feed_id)))


@api.get("/feeds/{feed_id}/entries", response=responses({200: EntryList}, 404, 422))
def feed_entries(request: HttpRequest, feed_id: int, page: Query[PageFilters]) -> EntryList:
    """One feed's entries, newest first."""
    feed = access.feed_for(request.user, feed_id)
    rows, total = _slice(access.entries_of(request.user).filter(feed=feed), page)
    return EntryList(
        entries=[_entry_out(e) for e in rows], count=total, limit=page.limit, offset=page.offset
    )


@api.get("/entries", response=responses({200: EntryList}, 422))
def list_entries(request: HttpRequest, page: Query[PageFilters]) -> EntryList:
    """Every feed's entries, newest first."""
    rows, total = _slice(access.entries_of(request.user), page)
    return EntryList(
        entries=[_entry_out(e) for e in rows], count=total, limit=page.limit, offset=page.offset
    )


@api.get("/entries/{entry_id}", response=responses({200: EntryOut}, 404, 422))
def get_entry(request: HttpRequest, entry_id: int) -> EntryOut:
    """One entry. Opening it asks for its full story (`text_status` becomes `pending`)."""
    return _entry_out(services.open_entry(request.user, entry_id))


@api.post("/entries/{entry_id}/save", response=responses({201: ItemOut}, 404, 409, 422))
def save_entry(request: HttpRequest, entry_id: int) -> Status[ItemOut]:
    """Save an entry to read later: it becomes a saved item, under the limit."""
    return Status(201, _item_out(services.save_entry(request.user, entry_id)))


@api.get(
    "/opml",
    response=responses({200: str}),
    openapi_extra={
        "responses": {
            200: {
                "description": "The feeds the reader follows, as an OPML 2.0 file.",
                "content": {"text/x-opml": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_opml(request: HttpRequest) -> HttpResponse:
    """Every feed the reader follows, as OPML (for another feed reader)."""
    response = HttpResponse(
        services.export_opml(request.user), content_type="text/x-opml; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="broadsheet-feeds.opml"'
    return response


@api.post("/opml", response=responses({200: OpmlImportOut}, 422))
def import_opml(request: HttpRequest, payload: OpmlIn) -> OpmlImportOut:
    """Follow every feed of an OPML file (at most 1,000; the rest, and what is not a feed, are
    reported under `skipped`)."""
    result = services.import_opml(request.user, payload.opml.encode("utf-8"))
    return OpmlImportOut(
        added=[_feed_out(f) for f in result.added],
        already=result.already,
        skipped=[OpmlSkip(what=w, why=y) for w, y in result.skipped],
    )


@api.delete("/items/{item_id}", response=responses({204: None}, 404, 422))
def delete_item(request: HttpRequest, item_id: int) -> Status[None]:
    """Delete an item; it frees a slot under the limit."""
    services.delete_item(request.user, item_id)
    return Status(204, None)


@api.post("/items/{item_id}/retry", response=responses({202: ItemOut}, 404, 409, 422))
def retry_item(request: HttpRequest, item_id: int) -> Status[ItemOut]:
    """Fetch a failed item again."""
    return Status(202, _item_out(services.retry_item(request.user, item_id)))


def _me(user: Any) -> MeOut:
    c = queries.counter(user)
    profile = queries.profile_of(user)
    return MeOut(
        username=user.get_username(),
        saved=c.saved,
        limit=c.limit,
        counter=str(c),
        email=user.email,
        digest=profile.digest,  # type: ignore[arg-type]
        digest_hour=profile.digest_hour,
        digest_weekday=profile.digest_weekday,
        timezone=profile.timezone,
        next_digest_at=profile.next_digest_at,
    )


@api.get("/me", response=responses({200: MeOut}))
def me(request: HttpRequest) -> MeOut:
    """Who the token belongs to, their saved count and limit, and their newsletter."""
    return _me(request.user)


@api.patch("/me", response=responses({200: MeOut}, 409, 422))
def patch_me(request: HttpRequest, payload: MePatch) -> MeOut:
    """Set the newsletter's address and schedule."""
    changes = payload.model_dump(exclude_unset=True)
    if "timezone" in changes:
        changes["timezone_name"] = changes.pop("timezone")
    services.update_newsletter(request.user, **changes)
    return _me(get_user_model().objects.get(pk=request.user.pk or 0))


@api.get(
    "/export",
    response=responses({200: ExportFile}, 404, 422),
    # The other files beside the JSON one. The key is the int 200, as ninja's own are: a string
    # "200" would be a second key "200" in the JSON document, which the rendered docs refuse
    # ("duplicated mapping key").
    openapi_extra={
        "responses": {
            200: {
                "description": "The reader's stories, unread and archived, as a file to "
                "download (streamed): JSON, CSV, a Netscape bookmark file, a ZIP of Markdown "
                "files or an EPUB book.",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "text/html": {"schema": {"type": "string"}},
                    "application/zip": {"schema": {"type": "string", "format": "binary"}},
                    "application/epub+zip": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_items(request: HttpRequest, filters: Query[ExportFilters]) -> HttpResponseBase:
    """The reader's stories as a file: `json` (complete, re-importable), `csv` (formula-safe),
    `html` (Netscape bookmarks), `markdown` (ZIP) or `epub`; all of them, or `ids`. The same
    files the web and the CLI export."""
    fmt = filters.format
    ids = None
    if filters.ids is not None:
        ids = export_data.selected(request.user, [int(i) for i in filters.ids.split(",")])
    response = StreamingHttpResponse(
        export.stream(request.user, fmt, ids), content_type=export.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename(fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response
