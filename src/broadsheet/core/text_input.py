"""Text a reader typed, as the services store it: one rule for names, titles and notes."""

from __future__ import annotations

from broadsheet.core.errors import InvalidInput

# Control characters other than tab and line feed, and lone surrogates (JSON's "\ud800", which
# no page or file can encode): typed text keeps its lines and nothing else.
CONTROL = str.maketrans(
    "",
    "",
    "".join(chr(c) for c in [*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])
    + "".join(chr(c) for c in range(0xD800, 0xE000)),
)


def one_line(value: object, what: str, limit: int, *, required: bool = True) -> str:
    """Text on one line: whitespace runs (line breaks included) become one space; control
    characters go. InvalidInput when empty (if required) or longer than `limit`."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} is text.")
    text = " ".join(value.translate(CONTROL).split())
    if required and not text:
        raise InvalidInput(f"{what} can't be empty.")
    if len(text) > limit:
        raise InvalidInput(f"{what} is at most {limit:,} characters.")
    return text


def note_text(value: object, limit: int, *, required: bool = True) -> str:
    """A note's text as stored: line ends as LF, no other control characters, no blank edges.
    InvalidInput when empty (if required) or longer than `limit` (refused whole, never cut: the
    reader keeps their words)."""
    if not isinstance(value, str):
        raise InvalidInput("A note is text.")
    if len(value) > 4 * limit:
        # Far too long to be worth cleaning first.
        raise InvalidInput(f"A note is at most {limit:,} characters.")
    cleaned = value.replace("\r\n", "\n").replace("\r", "\n").translate(CONTROL).strip()
    if required and not cleaned:
        raise InvalidInput("A note can't be empty.")
    if len(cleaned) > limit:
        raise InvalidInput(
            f"A note is at most {limit:,} characters; this one has {len(cleaned):,}."
        )
    return cleaned
