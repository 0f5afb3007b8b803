"""Searching a reader's library: one function over SQLite FTS5 and PostgreSQL full text.

``search(user, text)`` reads the query (``core.search_query``), narrows the reader's stories
with the filters (``tag:``, ``site:``, ``is:``, ``rated:``, and the list's own state, tag and
star) in the ORM, and asks the database's full-text index (``core.search_index``) for the words,
phrases and exclusions, ranked: BM25 on SQLite, ``ts_rank`` on PostgreSQL, both weighting the
title over tags and site, over notes, over the body. The two databases find the same stories
(the index holds the same folded words on both); their scores differ, so only the order of
stories with close scores can differ between them.

Snippets are made here, not by the databases: a window of the story's text (or its title, or
its notes) around the words that matched, HTML-escaped, with the words in ``<mark>``.
"""

from __future__ import annotations

import bisect
import functools
import html
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from broadsheet.core import access, queries
from broadsheet.core.models import Item
from broadsheet.core.search_index import TABLE, owner_token, quote_lexeme
from broadsheet.core.search_query import SearchQuery, SearchSyntaxError, parse
from broadsheet.core.tagging import tag_key
from broadsheet.similar.topics import words

User = AbstractBaseUser | AnonymousUser
#: Relevance first, or one of the list's orders.
Order = Literal["relevance", "saved", "oldest", "published", "reading_time", "site"]
ORDERS: Final[tuple[str, ...]] = get_args(Order)
SNIPPET_WORDS: Final = 36
# A search with words considers at most this many of the matching stories: the ones added to
# the library last. Ranking (or another order) is among them, and the count stops there.
MATCH_WINDOW: Final = 2_000
# A snippet is looked for in the first this many characters of a text.
SNIPPET_SCAN_CHARS: Final = 100_000
# SQLite BM25 weights per column of the index: owner, title, body, site, tags, notes.
_BM25: Final = "bm25(core_itemsearch, 0.0, 10.0, 1.0, 2.0, 5.0, 3.0)"

__all__ = ["Hit", "Results", "SearchSyntaxError", "search"]


@dataclass(frozen=True)
class Hit:
    item: Item
    snippet: SafeString


@dataclass(frozen=True)
class Results:
    query: SearchQuery
    hits: list[Hit]
    count: int
    offset: int
    limit: int

    @property
    def capped(self) -> bool:
        """Whether more stories may match than were considered (MATCH_WINDOW)."""
        searched = self.query.has_text or bool(self.query.excluded)
        return searched and self.count >= MATCH_WINDOW


def filtered(
    user: User,
    query: SearchQuery,
    *,
    state: queries.State = "all",
    tag: str | None = None,
    favorite: bool | None = None,
    site: str | None = None,
) -> QuerySet[Item]:
    """The reader's stories that pass the query's filters (not its words), bodies deferred."""
    qs = queries.items(user, state, tag=tag, favorite=favorite, site=site).order_by()
    for name in query.tags:
        qs = qs.filter(pk__in=access.items_of(user).filter(tags__key=tag_key(name)).values("pk"))
    if query.not_tags:
        keys = [tag_key(name) for name in query.not_tags]
        qs = qs.exclude(pk__in=access.items_of(user).filter(tags__key__in=keys).values("pk"))
    if query.sites:  # any of them (a story is from one site)
        qs = qs.filter(functools.reduce(operator.or_, map(queries.from_site, query.sites)))
    for site in query.not_sites:
        qs = qs.exclude(queries.from_site(site))
    for state_name, negative in [(s, False) for s in query.states] + [
        (s, True) for s in query.not_states
    ]:
        condition = {
            "unread": Q(queries.flag("archived", False)),
            "archived": Q(queries.flag("archived", True)),
            "favorite": Q(queries.flag("favorite", True)),
        }[state_name]
        qs = qs.exclude(condition) if negative else qs.filter(condition)
    if query.rating is not None:
        rating = query.rating
        if rating.unrated:
            qs = qs.filter(rating__isnull=True)
        else:
            qs = qs.filter(rating__gte=rating.low, rating__lte=rating.high)
    return qs


def search(
    user: User,
    text: str | SearchQuery,
    *,
    state: queries.State = "all",
    tag: str | None = None,
    favorite: bool | None = None,
    site: str | None = None,
    order: Order = "relevance",
    offset: int = 0,
    limit: int = queries.PAGE_SIZE,
    with_body: bool = False,
) -> Results:
    """One page of the reader's stories that match (``SearchSyntaxError`` for a query that
    cannot be read). Without words in the query, or with an order other than relevance, the
    stories come in that list order (relevance without words is newest saved first)."""
    query = parse(text) if isinstance(text, str) else text
    base = filtered(user, query, state=state, tag=tag, favorite=favorite, site=site)
    if not query.has_text and not query.excluded:
        sort: queries.Sort = "saved" if order == "relevance" else order
        listed = base.order_by(*queries.ORDER[sort])
        count = listed.count()
        page = list(listed[offset : offset + limit].prefetch_related("tags"))
        return Results(query, [Hit(i, SafeString("")) for i in page], count, offset, limit)
    if user.pk is None:  # no reader, no stories
        return Results(query, [], 0, offset, limit)
    narrowed = (
        state != "all"
        or tag is not None
        or favorite is not None
        or site is not None
        or _filters(query)
    )
    ids, count = _matching(int(user.pk), query, base if narrowed else None, order, offset, limit)
    items = access.items_of(user).filter(pk__in=ids).prefetch_related("tags")
    if not with_body:
        items = items.defer("html")
    by_id = {item.pk: item for item in items}
    hits = [Hit(by_id[i], snippet(by_id[i], query)) for i in ids if i in by_id]
    return Results(query, hits, count, offset, limit)


def _filters(query: SearchQuery) -> bool:
    """Whether the query narrows the stories by more than their words."""
    return bool(
        query.tags
        or query.not_tags
        or query.sites
        or query.not_sites
        or query.states
        or query.not_states
        or query.rating is not None
    )


def _matching(
    user_id: int,
    query: SearchQuery,
    base: QuerySet[Item] | None,
    order: Order,
    offset: int,
    limit: int,
) -> tuple[list[int], int]:
    """The ids of one page of matches in order, and how many match in all. ``base`` holds the
    filtered stories; None when only the words narrow (the owner token in the full-text query
    keeps to the reader's stories, and only the few in the trash are left out)."""
    if base is None:
        trash = Item.objects.filter(user_id=user_id, deleted_at__isnull=False).order_by()
        inner, params = trash.values("pk").query.sql_with_params()
        membership = "NOT IN"
    else:
        inner, params = base.values("pk").query.sql_with_params()
        membership = "IN"
    if connection.vendor == "postgresql":
        # The reader's own rows newest first (index core_itemsearch_user_recent) when the words
        # are common, the GIN index when they are rare: the planner chooses by the words'
        # statistics.
        match = f"user_id = {int(user_id)} AND document @@ CAST(%s AS tsquery)"
        score = "ts_rank(document, CAST(%s AS tsquery))"
        expression = tsquery(query)
        direction = "DESC"
    else:
        match = f"{TABLE} MATCH %s"
        score = _BM25
        expression = fts5_query(user_id, query)
        direction = "ASC"  # BM25 in SQLite: lower is better
    # "+rowid": the index is walked for the words, each match then looked up in the filtered
    # ids (without the "+", SQLite would run a full-text lookup for every id of the reader).
    # Newest first and at most MATCH_WINDOW: both engines walk their postings in rowid order
    # and stop there, so a word in most stories costs no more than a rarer one.
    newest = (
        f"SELECT rowid AS id/*score*/ FROM {TABLE} WHERE {match} "  # noqa: S608 - values bound
        f"AND +rowid {membership} ({inner}) ORDER BY rowid DESC LIMIT {MATCH_WINDOW}"
    )
    with connection.cursor() as cursor:
        if order == "relevance" and limit > 0:
            # One walk of the matches: ranked, and counted beside.
            score_params = [expression] if connection.vendor == "postgresql" else []
            cursor.execute(
                "SELECT id, score, count(*) OVER () FROM "  # noqa: S608
                f"({newest.replace('/*score*/', f', {score} AS score')}) AS matches "
                f"ORDER BY score {direction}, id DESC LIMIT %s OFFSET %s",
                [*score_params, expression, *params, limit, offset],
            )
            rows = cursor.fetchall()
            if rows:
                return [row[0] for row in rows], rows[0][2]
        plain = newest.replace("/*score*/", "")
        cursor.execute(f"SELECT count(*) FROM ({plain}) AS matches", [expression, *params])  # noqa: S608
        count = cursor.fetchone()[0]
    if order == "relevance" or limit == 0:
        return [], count  # a page past the last, or only the count asked for
    sql = f"SELECT id FROM ({plain}) AS matches"  # noqa: S608 - fixed text, values bound
    ordered = (
        Item.objects.filter(pk__in=RawSQL(sql, [expression, *params]))  # noqa: S611
        .order_by(*queries.ORDER[order])
        .values_list("pk", flat=True)[offset : offset + limit]
    )
    return list(ordered), count


def _fts5_string(folded: Sequence[str]) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in folded) + '"'


def fts5_query(user_id: int, query: SearchQuery) -> str:
    """The FTS5 MATCH expression: the reader's own stories, every word and phrase, none of the
    excluded ones. Every term is a quoted string, so no word is read as an operator."""
    parts = [f"owner : {_fts5_string([owner_token(user_id)])}"]
    parts.extend(_fts5_string([w]) for w in query.words)
    parts.extend(_fts5_string(p) for p in query.phrases)
    expression = " AND ".join(parts)
    for excluded in query.excluded:
        expression = f"({expression}) NOT {_fts5_string(excluded)}"
    return expression


def _tsquery_term(folded: Sequence[str]) -> str:
    if len(folded) == 1:
        return quote_lexeme(folded[0])
    return "(" + " <-> ".join(quote_lexeme(w) for w in folded) + ")"


def tsquery(query: SearchQuery) -> str:
    """The same as a PostgreSQL tsquery literal (quoted lexemes: no parser involved). No owner
    token: on PostgreSQL the row's user_id column keeps to the reader's stories, and the planner
    estimates it well (a token and the column together would look twice as selective as they
    are, and mislead it)."""
    parts = [_tsquery_term([w]) for w in query.words]
    parts.extend(_tsquery_term(p) for p in query.phrases)
    parts.extend("!" + _tsquery_term(e) for e in query.excluded)
    return " & ".join(parts)


# --- snippets -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\S+")


_ASCII_WORD = re.compile(r"\d+|[a-z]+")


def _folded(token: str) -> list[str]:
    """The words of one token of text, as the index holds them (the common ASCII case without
    the full folding: the same words, faster)."""
    if token.isascii() and "." not in token:
        return _ASCII_WORD.findall(token.lower())
    return words(token)


@functools.lru_cache(maxsize=64)
def _ascii_pattern(wanted: frozenset[str]) -> re.Pattern[str] | None:
    """The wanted words as whole words of lower-cased ASCII text: letters not next to letters,
    digits not next to digits (as `words` splits "cop29")."""
    parts = [
        f"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isalpha() else f"(?<!\\d){re.escape(w)}(?!\\d)"
        for w in sorted(wanted, key=len, reverse=True)
        if w.isascii()
    ]
    return re.compile("|".join(parts)) if parts else None


def _hits(text: str, tokens: list[tuple[int, int]], wanted: frozenset[str]) -> list[bool]:
    """Which tokens hold a wanted word. ASCII text is matched in one pass of a regular
    expression (a dotted acronym such as "U.S." is then not marked); other text is folded token
    by token as the index folds it."""
    if not text.isascii():
        return [bool(wanted.intersection(_folded(text[a:b]))) for a, b in tokens]
    hits = [False] * len(tokens)
    pattern = _ascii_pattern(wanted)
    if pattern is None:
        return hits
    starts = [a for a, _ in tokens]
    for match in pattern.finditer(text.lower(), 0, SNIPPET_SCAN_CHARS):
        hits[bisect.bisect_right(starts, match.start()) - 1] = True
    return hits


def _wanted(query: SearchQuery) -> frozenset[str]:
    found = set(query.words)
    for phrase in query.phrases:
        found.update(phrase)
    return frozenset(found)


def _marked(text: str, wanted: frozenset[str], *, window: int | None) -> tuple[int, str]:
    """How many wanted words `text` holds, and its best window as escaped HTML with them in
    <mark> (the whole text when `window` is None)."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text, 0, SNIPPET_SCAN_CHARS)]
    if not tokens:
        return 0, ""
    hits = _hits(text, tokens, wanted)
    total = sum(hits)
    first, last = 0, len(tokens)
    if window is not None and len(tokens) > window:
        best, best_start, running = -1, 0, sum(hits[:window])
        for start in range(0, len(tokens) - window + 1):
            if start:
                running += hits[start + window - 1] - hits[start - 1]
            if running > best:
                best, best_start = running, start
        # Start a few words before the first match in the window, for context.
        lead = next((i for i in range(best_start, best_start + window) if hits[i]), best_start)
        first = max(0, min(lead - 6, len(tokens) - window))
        last = first + window
    out = ["…"] if first > 0 else []
    for (a, b), hit in zip(tokens[first:last], hits[first:last], strict=True):
        token = html.escape(text[a:b])
        out.append(f"<mark>{token}</mark>" if hit else token)
    if last < len(tokens):
        out.append("…")
    return total, " ".join(out)


def snippet(item: Item, query: SearchQuery) -> SafeString:
    """A window of the story around the words that matched, escaped, the words in <mark>."""
    wanted = _wanted(query)
    if not wanted:
        return SafeString("")
    for text in (item.text, item.summary):
        count, marked = _marked(text or "", wanted, window=SNIPPET_WORDS)
        if count:
            return mark_safe(marked)  # noqa: S308 - every token is escaped above
    notes = [n for n in item.notes.values_list("text", flat=True)]
    notes += [q for h in item.highlights.values_list("quote", "note") for q in h]
    for text in notes:
        count, marked = _marked(text, wanted, window=SNIPPET_WORDS)
        if count:
            return mark_safe(marked)  # noqa: S308 - every token is escaped above
    _, marked = _marked(item.text or item.summary or "", wanted, window=SNIPPET_WORDS)
    return mark_safe(marked)  # noqa: S308 - every token is escaped above
