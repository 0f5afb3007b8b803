"""The library's search syntax: what a reader types in the search box, as a typed query.

Pure: no Django, no database. ``core.search`` runs a ``SearchQuery`` on SQLite (FTS5) or
PostgreSQL (tsvector); docs/search.md is the reader's version of this page.

Syntax (terms are separated by spaces; every term must hold, in any order)
    * ``word``: the word, anywhere in the title, the story, the site's name, the tags or the
      reader's notes. Case- and accent-insensitive, whole words (``similar.topics.words``:
      "zurich" finds "Zürich", "cop29" finds "COP 29").
    * ``"two words"``: the words next to each other, in this order (straight or typographic
      quotes). An unclosed quote runs to the end of the query.
    * ``-word``, ``-"two words"``: stories holding it are left out.
    * ``tag:x`` (``tag:"two words"``): stories with that tag; ``-tag:x``: without it.
    * ``site:example.com``: stories from that host or any host under it (``site:bbc.co.uk``
      finds ``www.bbc.co.uk`` and ``news.bbc.co.uk``); ``-site:`` leaves them out.
    * ``is:unread``, ``is:archived``, ``is:favorite`` (``is:favourite``, ``is:starred`` and
      ``is:read`` = ``is:archived`` work too), each also as ``-is:``.
    * ``rated:4`` (exactly), ``rated:>=4``, ``rated:>3``, ``rated:<=2``, ``rated:<3`` (1 to 5
      stars), ``rated:none`` (not rated) and ``rated:any``.
    * A ``name:value`` whose name is none of these is an ordinary word ("http:", "10:30").

Limits: MAX_QUERY_CHARS characters, MAX_TERMS terms; ``SearchSyntaxError`` says what is wrong
in words a reader understands (an unknown ``is:`` state, a rating outside 1-5, an empty
``tag:``). A query with no term at all is the empty query: everything matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from broadsheet.similar.topics import words

MAX_QUERY_CHARS: Final = 500
MAX_TERMS: Final = 30
MAX_TAG_CHARS: Final = 100

STATES: Final = {
    "unread": "unread",
    "archived": "archived",
    "read": "archived",
    "favorite": "favorite",
    "favourite": "favorite",
    "starred": "favorite",
    "fav": "favorite",
}
_QUOTES: Final = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb"}
_CLOSERS: Final = frozenset({'"', "\u201d", "\u201c", "\u00bb"})
_MINUS: Final = ("-", "\u2212", "\u2013")
_RATED = re.compile(r"^(>=|<=|>|<|=)?([0-9]+)$")
_FILTERS: Final = frozenset({"tag", "site", "is", "rated"})


class SearchSyntaxError(ValueError):
    """The query cannot be read; the message says why, for the reader."""


@dataclass(frozen=True)
class Rating:
    """Stars between ``low`` and ``high`` inclusive; ``unrated`` for no rating at all."""

    low: int = 1
    high: int = 5
    unrated: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query. Text terms are already folded into the index's words."""

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()  # each a word (one element) or a phrase
    tags: tuple[str, ...] = ()
    not_tags: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    not_sites: tuple[str, ...] = ()
    states: frozenset[str] = field(default_factory=frozenset)
    not_states: frozenset[str] = field(default_factory=frozenset)
    rating: Rating | None = None

    @property
    def has_text(self) -> bool:
        """Whether the query looks for words (and so ranks by relevance)."""
        return bool(self.words or self.phrases)

    @property
    def is_empty(self) -> bool:
        return self == SearchQuery()


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split on spaces outside quotes; each token with whether it held a quote."""
    out: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        quoted = False
        buf: list[str] = []
        while i < n and not text[i].isspace():
            ch = text[i]
            i += 1
            if ch not in _QUOTES:
                buf.append(ch)
                continue
            quoted = True
            end = i
            while end < n and text[end] not in _CLOSERS:
                end += 1
            buf.append(text[i:end])
            i = end + 1
        out.append(("".join(buf), quoted))
    return out


def _host(value: str) -> str:
    """The host of ``site:VALUE`` (an address or a bare host), lower case, without ``www.``."""
    text = value.strip()
    try:
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    except ValueError:  # a malformed port or IPv6 literal
        host = ""
    host = host.strip(".").removeprefix("www.")
    if not host or any(ch.isspace() for ch in host):
        raise SearchSyntaxError(f"“site:{value}” is not a site: write site:example.com.")
    return host


def _rating(value: str) -> Rating:
    v = value.strip().lower()
    if v in ("none", "no", "unrated"):
        return Rating(unrated=True)
    if v in ("any", "yes", "rated"):
        return Rating()
    m = _RATED.match(v)
    if m is None:
        raise SearchSyntaxError(
            f"“rated:{value}” is not a rating: write rated:4, rated:>=4, rated:<3 or rated:none."
        )
    op, stars = m.group(1) or "=", int(m.group(2))
    if not 1 <= stars <= 5:
        raise SearchSyntaxError(f"“rated:{value}”: a rating is 1 to 5 stars.")
    low, high = {
        "=": (stars, stars),
        ">=": (stars, 5),
        "<=": (1, stars),
        ">": (stars + 1, 5),
        "<": (1, stars - 1),
    }[op]
    if low > high:
        raise SearchSyntaxError(f"“rated:{value}” leaves no rating between 1 and 5 stars.")
    return Rating(low, high)


def parse(text: str) -> SearchQuery:
    """Read a query (``SearchSyntaxError`` when it cannot be read)."""
    if len(text) > MAX_QUERY_CHARS:
        raise SearchSyntaxError(f"A search is at most {MAX_QUERY_CHARS} characters.")
    tokens = _tokens(text)
    if len(tokens) > MAX_TERMS:
        raise SearchSyntaxError(f"A search has at most {MAX_TERMS} terms.")
    found_words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    tags: list[str] = []
    not_tags: list[str] = []
    sites: list[str] = []
    not_sites: list[str] = []
    states: set[str] = set()
    not_states: set[str] = set()
    rating: Rating | None = None
    for raw, quoted in tokens:
        negative = raw.startswith(_MINUS) and len(raw) > 1
        body = raw[1:] if negative else raw
        name, colon, value = body.partition(":")
        key = name.lower()
        if colon and key in _FILTERS:
            if key == "tag":
                tag = " ".join(value.split())
                if not tag:
                    raise SearchSyntaxError("“tag:” needs a tag: write tag:climate.")
                if len(tag) > MAX_TAG_CHARS:
                    raise SearchSyntaxError(f"A tag is at most {MAX_TAG_CHARS} characters.")
                (not_tags if negative else tags).append(tag.casefold())
            elif key == "site":
                (not_sites if negative else sites).append(_host(value))
            elif key == "is":
                state = STATES.get(value.strip().lower())
                if state is None:
                    raise SearchSyntaxError(
                        f"“is:{value}” is not a state: write is:unread, is:archived or is:favorite."
                    )
                (not_states if negative else states).add(state)
            else:
                if negative:
                    raise SearchSyntaxError("“-rated:” cannot be negated: write rated:none.")
                rating = _rating(value)
            continue
        folded = tuple(words(body))
        if not folded:
            continue
        if negative:
            excluded.append(folded)
        elif quoted and len(folded) > 1:
            phrases.append(folded)
        else:
            found_words.extend(folded)
    if states & not_states:
        both = sorted(states & not_states)[0]
        raise SearchSyntaxError(f"“is:{both}” and “-is:{both}” leave nothing to find.")
    if {"unread", "archived"} <= states:
        raise SearchSyntaxError("A story is either unread or archived, not both.")
    return SearchQuery(
        words=tuple(dict.fromkeys(found_words)),
        phrases=tuple(dict.fromkeys(phrases)),
        excluded=tuple(dict.fromkeys(excluded)),
        tags=tuple(dict.fromkeys(tags)),
        not_tags=tuple(dict.fromkeys(not_tags)),
        sites=tuple(dict.fromkeys(sites)),
        not_sites=tuple(dict.fromkeys(not_sites)),
        states=frozenset(states),
        not_states=frozenset(not_states),
        rating=rating,
    )
