"""What the API accepts and returns. Only documented fields are accepted (no mass assignment)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from broadsheet.core.canonical import MAX_URL_LENGTH
from broadsheet.core.models import NOTE_MAX_CHARS, NOTES_PER_ITEM_MAX, RATING_MAX, RATING_MIN

# How far into a list a page may start: far past any reader's list, and far below the 64-bit
# integers of SQLite's and PostgreSQL's OFFSET, which a larger number overflows (a 500, not a 422).
MAX_OFFSET = 1_000_000_000


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class SaveIn(Strict):
    url: str = Field(
        ...,
        max_length=MAX_URL_LENGTH,
        description=f"Address of the story to save (http or https), at most {MAX_URL_LENGTH} "
        "characters. The server canonicalises it; an address it cannot save (another scheme, no "
        "host, a bad port, ...) is refused with 422 `invalid_url`.",
        examples=["https://news.example.org/2024/05/story"],
    )


def _optional_boolean(schema: dict[str, Any]) -> None:
    """The JSON schema of a boolean that may be left out but not sent as null: `type: boolean`,
    not required, no default (pydantic writes `anyOf: [boolean, null]`, `default: null`)."""
    schema.pop("anyOf", None)
    schema.pop("default", None)
    schema["type"] = "boolean"


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

    @field_validator("archived", mode="before")
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
    image: str
    text: str
    html: str = Field(description="The sanitised article body.")
    word_count: int
    reading_minutes: int
    archived: bool
    saved_at: datetime
    fetched_at: datetime | None
    rating: int | None = Field(
        description="The reader's rating of the story, 1 to 5 stars; null when not rated."
    )


class NoteIn(Strict):
    text: str = Field(
        ...,
        min_length=1,
        max_length=NOTE_MAX_CHARS,
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


class ListFilters(Strict):
    state: Literal["unread", "archived", "all"] = Field("unread", description="Which list.")
    limit: int = Field(50, ge=1, le=500, description="Items per page (at most 500).")
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description=f"Items to skip (at most {MAX_OFFSET:,})."
    )


class ExportFilters(Strict):
    format: Literal["csv", "json"] = Field("json", description="`csv` or `json`.")


class ExportNote(Schema):
    text: str
    created_at: str


class ExportRow(Schema):
    """One item in the export file (the CSV file has the same columns)."""

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


class ExportFile(Schema):
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
    details: list[ErrorDetail] | None = Field(
        None, description="`invalid_input`: every problem found in the input."
    )


class ErrorOut(Schema):
    error: ErrorBody
