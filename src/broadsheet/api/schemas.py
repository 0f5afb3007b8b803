"""What the API accepts and returns. Only documented fields are accepted (no mass assignment)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from broadsheet.core import images, schedule
from broadsheet.core.canonical import MAX_URL_LENGTH
from broadsheet.core.models import (
    ACTION_NOTE_MAX_CHARS,
    ACTION_TITLE_MAX_CHARS,
    NOTE_MAX_CHARS,
    NOTES_PER_ITEM_MAX,
    RATING_MAX,
    RATING_MIN,
    TAG_MAX_CHARS,
    TAGS_PER_ITEM_MAX,
    TOPIC_NAME_MAX_CHARS,
)

# How far into a list a page may start: far past any reader's list, and far below the 64-bit
# integers of SQLite's and PostgreSQL's OFFSET, which a larger number overflows (a 500, not a 422).
MAX_OFFSET = 1_000_000_000


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _optional_boolean(schema: dict[str, Any]) -> None:
    """The JSON schema of a boolean that may be left out but not sent as null: `type: boolean`,
    not required, no default (pydantic writes `anyOf: [boolean, null]`, `default: null`)."""
    schema.pop("anyOf", None)
    schema.pop("default", None)
    schema["type"] = "boolean"


def _optional(kind: str) -> Any:
    """The JSON schema of a field that may be left out but not sent as null (see
    `_optional_boolean`), for any JSON type."""

    def fix(schema: dict[str, Any]) -> None:
        any_of = schema.pop("anyOf", [])
        schema.pop("default", None)
        for option in any_of:
            if option.get("type") == kind:
                schema.update(option)

    return fix


class RatingIn(Strict):
    stars: int = Field(
        ...,
        ge=RATING_MIN,
        le=RATING_MAX,
        strict=True,
        description=f"{RATING_MIN} to {RATING_MAX}: how good the story was.",
    )

    @field_validator("stars", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        """4.0 is the integer 4 in JSON (and to JSON Schema's `integer`); 4.5, "4" and true
        are not, and the strict check refuses them."""
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value


# A tag's name: some text and no comma (core.tagging), at most TAG_MAX_CHARS characters.
TagName = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=TAG_MAX_CHARS,
        pattern=r"^[^,]*[^\s\x00-\x1f\x7f-\x9f,][^,]*$",
    ),
]


class PatchIn(Strict):
    # strict: JSON true or false only. Lax pydantic takes "yes", 1, 0 and "false", and null meant
    # "no change"; a client that sends any of them means something we cannot know. Absent still
    # means no change (None below); a null that is sent is refused by _not_null.
    archived: bool | None = Field(
        None,
        strict=True,
        description="`true` to archive, `false` to move back to the unread list; leave it out "
        "to change nothing.",
        json_schema_extra=_optional_boolean,
    )

    favorite: bool | None = Field(
        None,
        strict=True,
        description="`true` to star the story, `false` to unstar it; leave it out to change "
        "nothing.",
        json_schema_extra=_optional_boolean,
    )
    progress: float | None = Field(
        None,
        strict=True,
        ge=0.0,
        le=1.0,
        description="How far the reader has read, 0 to 1 of the story (the reader view "
        "returns there); leave it out to change nothing.",
        json_schema_extra=_optional("number"),
    )
    tags: list[TagName] | None = Field(
        None,
        max_length=TAGS_PER_ITEM_MAX,
        description="The story's tags, all of them (the list replaces the old one; `[]` "
        "clears them). Names that differ only in case or spacing are one tag.",
        json_schema_extra=_optional("array"),
    )

    @field_validator("archived", "favorite", "progress", "tags", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Validators run on what was sent, never on the default: only an explicit null gets here.
        if value is None:
            raise PydanticCustomError("bool_type", "Input should be true or false")
        return value


class ItemOut(Schema):
    id: int
    url: str
    canonical_url: str
    status: Literal["pending", "ready", "failed"]
    error: str = Field(description="Why the fetch failed, in words a reader understands.")
    error_code: str
    title: str
    summary: str
    byline: str
    agency: str = Field(
        description='The wire agency or organisation the byline credits ("Reuters"); "" when none.'
    )
    published: datetime | None
    site_name: str
    language: str
    image: str = Field(
        description="The address of the story's lead image on its own site, as the page gave it "
        "(for reference: Broadsheet serves its stored copy, see `html`)."
    )
    text: str
    html: str = Field(
        description="The sanitised article body. Its images point at Broadsheet's stored copies, "
        "`/images/{id}/{digest}` on this server (fetch them with the same bearer token); an "
        'image that could not be stored is `<span class="img-missing"></span>`.'
    )
    word_count: int
    reading_minutes: int
    archived: bool
    saved_at: datetime
    fetched_at: datetime | None
    rating: int | None = Field(
        description="The reader's rating of the story, 1 to 5 stars; null when not rated."
    )
    favorite: bool = Field(description="Whether the reader starred the story.")
    progress: float = Field(description="How far the reader has read, 0 to 1.")
    tags: list[str] = Field(description="The story's tags, by name.")
    snippet: str | None = Field(
        None,
        description="In a search (`q`): the words around what matched, as HTML: escaped text "
        "with the matching words in `<mark>`. Null outside a search.",
    )

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_names(cls, value: Any) -> Any:
        """An item's tags come as Tag rows (prefetched in lists): their names."""
        rows = value.all() if hasattr(value, "all") else value
        return [getattr(tag, "name", tag) for tag in rows]

    @field_validator("html", mode="before")
    @classmethod
    def _local_images(cls, value: Any) -> Any:
        """No image address of another site, even before the story's images are stored."""
        return images.local_only(value) if isinstance(value, str) else value


class TagOut(Schema):
    id: int
    name: str
    stories: int = Field(description="How many of the reader's stories carry the tag.")


class TagList(Schema):
    tags: list[TagOut]
    count: int


class TagPatch(Strict):
    name: TagName = Field(
        ...,
        description="The new name. When the reader already has a tag of that name (whatever "
        "its case), the two merge: the answer is the tag that stays.",
    )


# Text that is more than blanks and control characters (which the server drops).
SOME_TEXT = r"[^\s\x00-\x1f\x7f-\x9f]"


class NoteIn(Strict):
    text: str = Field(
        ...,
        min_length=1,
        max_length=NOTE_MAX_CHARS,
        pattern=SOME_TEXT,
        description=f"The note, plain text, at most {NOTE_MAX_CHARS:,} characters. Line ends are "
        "kept, other control characters dropped, blank edges trimmed; a note with nothing left "
        f"is refused with 422. A story holds at most {NOTES_PER_ITEM_MAX} notes.",
        examples=["Did we miss an angle? What the farmers downstream say."],
    )


class NoteOut(Schema):
    id: int
    item_id: int = Field(description="The story the note is on.")
    item_title: str = Field(description="That story's title (its address when it has none).")
    text: str
    created_at: datetime
    updated_at: datetime


class NoteList(Schema):
    notes: list[NoteOut]
    count: int = Field(description="How many notes there are, across all pages.")
    limit: int
    offset: int


class PageFilters(Strict):
    limit: int = Field(50, ge=1, le=500, description="Per page (at most 500).")
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description=f"How many to skip (at most {MAX_OFFSET:,})."
    )


class NoNulls(Strict):
    """A body whose optional fields may be left out, never sent as null."""

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None and key in cls.model_fields:
                    raise PydanticCustomError(
                        "null_field",
                        "{key}: leave the field out instead of sending null",
                        {"key": key},
                    )
        return data


class SaveIn(NoNulls):
    url: str = Field(
        ...,
        max_length=MAX_URL_LENGTH,
        description=f"Address of the story to save (http or https), at most {MAX_URL_LENGTH} "
        "characters. The server canonicalises it; an address it cannot save (another scheme, no "
        "host, a bad port, ...) is refused with 422 `invalid_url`.",
        examples=["https://news.example.org/2024/05/story"],
    )
    html: str | None = Field(
        None,
        description="The page's HTML as the reader's browser has it (the browser extension sends "
        "`document.documentElement.outerHTML`), so a story behind a login or a paywall the "
        "reader has passed is saved whole. Then nothing is fetched: the HTML is extracted and "
        "sanitised exactly as a fetched page. At most `BROADSHEET_SAVE_HTML_MAX_BYTES` bytes "
        "of UTF-8 (10 MiB by default); a larger page is refused with 413 `too_large`. Leave it "
        "out to have the server fetch the address.",
        json_schema_extra=_optional("string"),
    )
    tags: list[TagName] | None = Field(
        None,
        max_length=TAGS_PER_ITEM_MAX,
        description="Tags for the new story (names that differ only in case or spacing are one "
        "tag). Leave it out for none.",
        json_schema_extra=_optional("array"),
    )


class TopicIn(NoNulls):
    """Either `from_item` (a topic made from that story's key terms) or `name` and `query`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["from_item"],
                    "not": {"anyOf": [{"required": ["name"]}, {"required": ["query"]}]},
                },
                {"required": ["name", "query"], "not": {"required": ["from_item"]}},
            ]
        },
    )

    from_item: int | None = Field(
        None,
        ge=1,
        description="Make the topic from this story's key terms (its people, places, "
        "organisations and subjects). Leave out `name` and `query`.",
        json_schema_extra=_optional("integer"),
    )
    name: str | None = Field(
        None,
        min_length=1,
        max_length=TOPIC_NAME_MAX_CHARS,
        pattern=SOME_TEXT,
        description=f"The topic's name, one line, at most {TOPIC_NAME_MAX_CHARS} characters.",
        json_schema_extra=_optional("string"),
    )
    query: str | None = Field(
        None,
        min_length=1,
        max_length=2_000,
        description="What a story on the topic holds: terms separated by commas; see "
        "docs/topics.md for the syntax.",
        examples=["Baku, COP29, climate finance, Mukhtar Babayev"],
        json_schema_extra=_optional("string"),
    )

    @model_validator(mode="after")
    def _one_way(self) -> TopicIn:
        if self.from_item is not None:
            if self.name is not None or self.query is not None:
                raise ValueError("Send from_item alone, or name and query without it")
        elif self.name is None or self.query is None:
            raise ValueError("Send from_item, or both name and query")
        return self


class TopicPatch(NoNulls):
    name: str | None = Field(
        None,
        min_length=1,
        max_length=TOPIC_NAME_MAX_CHARS,
        pattern=SOME_TEXT,
        description="A new name; leave it out to keep the name.",
        json_schema_extra=_optional("string"),
    )
    query: str | None = Field(
        None,
        min_length=1,
        max_length=2_000,
        description="A new query; leave it out to keep the query. The worker then finds the "
        "stories on it again.",
        json_schema_extra=_optional("string"),
    )


class TopicOut(Schema):
    id: int
    name: str
    query: str = Field(description="The canonical query.")
    terms: list[str] = Field(description="The query's terms, as the reader view shows them.")
    from_item: int | None = Field(description="The story the topic was made from, if any.")
    stories: int = Field(description="How many of the reader's stories are on the topic.")
    new_stories: int = Field(description="How many arrived since the reader last looked.")
    created_at: datetime
    updated_at: datetime


class TopicList(Schema):
    topics: list[TopicOut]
    count: int


class ActionIn(NoNulls):
    url: str = Field(..., min_length=1, max_length=MAX_URL_LENGTH, description="http or https.")
    title: str = Field(
        ...,
        min_length=1,
        max_length=ACTION_TITLE_MAX_CHARS,
        pattern=SOME_TEXT,
        description="One line.",
    )
    note: str = Field(
        "",
        max_length=ACTION_NOTE_MAX_CHARS,
        description=f"Optional, plain text, at most {ACTION_NOTE_MAX_CHARS:,} characters.",
        json_schema_extra=_optional("string"),
    )


class ActionPatch(NoNulls):
    url: str | None = Field(
        None, min_length=1, max_length=MAX_URL_LENGTH, json_schema_extra=_optional("string")
    )
    title: str | None = Field(
        None,
        min_length=1,
        max_length=ACTION_TITLE_MAX_CHARS,
        pattern=SOME_TEXT,
        json_schema_extra=_optional("string"),
    )
    note: str | None = Field(
        None, max_length=ACTION_NOTE_MAX_CHARS, json_schema_extra=_optional("string")
    )
    state: Literal["proposed", "kept", "dismissed"] | None = Field(
        None,
        description="`kept` to keep a proposed link, `dismissed` to set it aside (it is not "
        "proposed again).",
        json_schema_extra=_optional("string"),
    )


class ActionOut(Schema):
    id: int
    topic_id: int
    url: str
    title: str
    note: str
    kind: str = Field(
        description="What Broadsheet judged a proposed link to be: `donate`, `petition`, "
        '`volunteer`, `organisation`, `contact`; "" for one the reader added.'
    )
    state: Literal["proposed", "kept", "dismissed"]
    source_item: int | None = Field(description="The story whose text proposed it, if any.")
    created_at: datetime


class ActionList(Schema):
    actions: list[ActionOut]
    count: int


class FeedIn(NoNulls):
    url: str = Field(
        ...,
        min_length=1,
        max_length=MAX_URL_LENGTH,
        description="The feed's address, or a site's: a page that links its feed "
        '(`<link rel="alternate">`) is followed to it.',
        examples=["https://news.example.org/"],
    )
    category: str = Field(
        "",
        max_length=100,
        description="A label (OPML's folder).",
        json_schema_extra=_optional("string"),
    )


class FeedPatch(NoNulls):
    title: str | None = Field(
        None,
        max_length=300,
        description='"" takes the feed\'s own title at the next poll.',
        json_schema_extra=_optional("string"),
    )
    category: str | None = Field(None, max_length=100, json_schema_extra=_optional("string"))


class FeedOut(Schema):
    id: int
    url: str = Field(description="The feed's address (after discovery).")
    given_url: str = Field(description="The address the reader gave.")
    title: str
    site_url: str
    category: str
    status: Literal["pending", "ok", "failed"] = Field(
        description="`pending` until the first poll; `failed` with `error` when it never worked."
    )
    error: str = Field(description='The last poll\'s problem, in words; "" when it worked.')
    last_polled_at: datetime | None
    next_poll_at: datetime | None
    created_at: datetime


class FeedList(Schema):
    feeds: list[FeedOut]
    count: int


class EntryOut(Schema):
    id: int
    feed_id: int
    url: str
    title: str
    summary: str = Field(description="Plain text, from the feed.")
    author: str
    published: datetime | None
    arrived_at: datetime
    text_status: Literal["none", "pending", "ready", "failed"] = Field(
        description="The full story: fetched when the entry is on a followed topic or opened."
    )
    text: str
    html: str = Field(description="The sanitised story, once fetched.")
    site_name: str
    reading_minutes: int
    item_id: int | None = Field(description="The saved item, once the reader saved it.")


class EntryList(Schema):
    entries: list[EntryOut]
    count: int
    limit: int
    offset: int


class OpmlIn(Strict):
    opml: str = Field(
        ...,
        min_length=1,
        max_length=2_000_000,
        description="The OPML file's text (a larger file: the web page's upload takes 5 MB).",
    )


class OpmlSkip(Schema):
    what: str
    why: str


class OpmlImportOut(Schema):
    added: list[FeedOut]
    already: int = Field(description="Feeds of the file the reader already followed.")
    skipped: list[OpmlSkip] = Field(description="Outlines that are not feeds, and why.")


class SuggestionOut(Schema):
    kind: Literal["item", "entry"] = Field(description="A saved item, or an entry of a feed.")
    id: int = Field(description="The item's or the entry's id.")
    title: str
    site_name: str
    reading_minutes: int
    link: str = Field(description="Its page in Broadsheet (a path).")
    likeness: float = Field(description="Cosine of the two stories' vectors, -1 to 1.")


class RelatedOut(Schema):
    related: list[SuggestionOut] = Field(
        description="Up to five stories like this one, by likeness nudged by what the reader "
        "rated high, best first."
    )
    same_story: list[SuggestionOut] = Field(
        description="Copies or reports of the same story from other sites, most alike first."
    )
    ready: bool = Field(description="False while the story has no vector yet (being made).")


class ListFilters(Strict):
    tag: TagName | None = Field(
        None,
        description="Only stories with this tag (by name, whatever its case).",
        json_schema_extra=_optional("string"),
    )
    favorite: bool | None = Field(
        None,
        description="`true`: only starred stories; `false`: only the others.",
        json_schema_extra=_optional_boolean,
    )
    site: str | None = Field(
        None,
        min_length=1,
        max_length=255,
        description="Only stories from this site or any host under it (`site=bbc.co.uk` is "
        "www.bbc.co.uk and news.bbc.co.uk).",
        json_schema_extra=_optional("string"),
    )
    q: str | None = Field(
        None,
        max_length=500,
        description="A search, in the search box's syntax (docs/search.md): words, "
        '`"phrases"`, `-word`, `tag:x`, `site:example.com`, `is:unread|archived|favorite`, '
        "`rated:>=4`. With `q`, `state` defaults to `all` and the order to `relevance`.",
        json_schema_extra=_optional("string"),
    )
    state: Literal["unread", "archived", "all"] | None = Field(
        None,
        description="Which list: `unread` (the default), `archived` or `all` (the default "
        "with `q`).",
        json_schema_extra=_optional("string"),
    )
    sort: Literal["relevance", "saved", "oldest", "published", "reading_time", "site"] | None = (
        Field(
            None,
            description="`relevance` (best match first: the default with `q`; newest saved "
            "first without), `saved` (newest saved first: the default), `oldest`, `published` "
            "(newest published first, undated last), `reading_time` (shortest first) or `site` "
            "(by site name).",
            json_schema_extra=_optional("string"),
        )
    )
    fields: Literal["all", "metadata"] = Field(
        "all",
        description='`metadata`: leave the stories\' text and HTML out (they come as ""), for '
        "clients that list without reading.",
    )
    limit: int = Field(50, ge=1, le=500, description="Items per page (at most 500).")
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description=f"Items to skip (at most {MAX_OFFSET:,})."
    )


class ExportFilters(Strict):
    format: Literal["csv", "json", "html", "markdown", "epub"] = Field(
        "json",
        description="`json` (complete, re-importable), `csv`, `html` (Netscape bookmarks), "
        "`markdown` (a ZIP of Markdown files) or `epub` (an EPUB 3 book).",
    )
    ids: str | None = Field(
        None,
        max_length=2000,
        pattern=r"^\d{1,18}(,\d{1,18})*$",
        description="Only these stories, in this order: item ids separated by commas (at most "
        "200). Without it: every story (the EPUB: the newest 200).",
    )

    @field_validator("ids")
    @classmethod
    def _at_most_200(cls, value: str | None) -> str | None:
        if value is not None and value.count(",") >= 200:
            raise ValueError("at most 200 ids")
        return value


class ExportNote(Schema):
    text: str
    created_at: str


class ExportHighlight(Schema):
    quote: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    note: str
    created_at: str


class ExportRow(Schema):
    """One item in the export file (the CSV file has the first columns, up to `notes`)."""

    id: int
    url: str
    title: str
    site_name: str
    byline: str
    agency: str
    published: str | None
    saved_at: str
    archived: bool
    status: Literal["pending", "ready", "failed"]
    word_count: int
    rating: int | None = Field(description="1 to 5 stars; null when not rated.")
    notes: list[ExportNote] = Field(description="The reader's notes on the story, oldest first.")
    archived_at: str | None
    favorite: bool
    favorited_at: str | None
    progress: float = Field(description="How far the reader has read, 0 to 1.")
    language: str
    summary: str
    tags: list[str]
    highlights: list[ExportHighlight]
    text: str
    html: str = Field(description="The story's sanitised HTML.")


class ExportFile(Schema):
    format: Literal["broadsheet"]
    version: int = Field(description="The version of the format: 1.")
    exported_at: str
    items: list[ExportRow]
    count: int


class ItemList(Schema):
    items: list[ItemOut]
    count: int = Field(description="How many items match the filter, across all pages.")
    limit: int
    offset: int


class MeOut(Schema):
    username: str
    saved: int
    limit: int | None = Field(description="The saved-item limit; null means unlimited.")
    counter: str = Field(description='The counter as the web shows it: "Saved (3 of 20 items)".')
    email: str = Field(description='Where the newsletter goes; "" when none is set.')
    digest: Literal["off", "daily", "weekly"] = Field(description="The newsletter's schedule.")
    digest_hour: int = Field(description="The hour it is sent, 0 to 23, in `timezone`.")
    digest_weekday: int = Field(description="A weekly newsletter's day: 0 is Monday, 6 Sunday.")
    timezone: str = Field(description='An IANA time zone name, e.g. "Europe/Paris".')
    next_digest_at: datetime | None = Field(description="When the next one is sent; null: off.")


def _zone_enum(schema: dict[str, Any]) -> None:
    schema.pop("anyOf", None)
    schema.pop("default", None)
    schema["type"] = "string"
    schema["enum"] = schedule.zone_names()


class MePatch(NoNulls):
    email: str | None = Field(
        None,
        max_length=254,
        description='Where the newsletter goes, one line; "" clears it.',
        json_schema_extra=_optional("string"),
    )
    digest: Literal["off", "daily", "weekly"] | None = Field(
        None, description="How often the newsletter comes.", json_schema_extra=_optional("string")
    )
    digest_hour: int | None = Field(
        None,
        ge=0,
        le=23,
        strict=True,
        description="The hour it is sent, 0 to 23, in `timezone`.",
        json_schema_extra=_optional("integer"),
    )
    digest_weekday: int | None = Field(
        None,
        ge=0,
        le=6,
        strict=True,
        description="A weekly newsletter's day: 0 is Monday, 6 Sunday.",
        json_schema_extra=_optional("integer"),
    )
    timezone: str | None = Field(
        None,
        description='An IANA time zone name, e.g. "Europe/Paris" (the enum lists them).',
        json_schema_extra=_zone_enum,
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and value not in schedule.zone_names():
            raise PydanticCustomError("enum", "Input should be an IANA time zone name")
        return value

    @field_validator("digest_hour", "digest_weekday", mode="before")
    @classmethod
    def _whole(cls, value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value


class ErrorDetail(Schema):
    type: str = Field(description="pydantic's name for the problem, e.g. `missing`.")
    loc: list[str | int] = Field(description='Where: e.g. `["body", "payload", "url"]`.')
    msg: str


class ErrorBody(Schema):
    code: str = Field(description="Stable: one HTTP status per code (see the docs' table).")
    message: str = Field(description="In words a person understands.")
    item_id: int | None = Field(
        None, description="`already_saved`: the saved item; `folded`: the item it went into."
    )
    feed_id: int | None = Field(None, description="`already_subscribed`: the feed.")
    details: list[ErrorDetail] | None = Field(
        None, description="`invalid_input`: every problem found in the input."
    )


class ErrorOut(Schema):
    error: ErrorBody
