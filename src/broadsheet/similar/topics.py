"""Topic queries: what a followed topic looks for, and whether a story matches it.

A topic is a name plus a query the reader can read and edit. The query is a list of terms:

Syntax
    * Terms are separated by commas (a semicolon or a new line works too, as do the CJK commas
      U+FF0C and U+3001). Spaces do not separate terms: ``Paris Agreement`` is one term, a
      phrase.
    * A term that starts with ``-`` (or the minus sign U+2212, or an en dash) is an exclusion:
      a story holding it never matches. ``climate, -football``.
    * A term may be wrapped in double quotes (straight or typographic, guillemets too), which
      is only needed when it holds a comma or starts with a minus: ``"Washington, D.C."``,
      ``"-30C"``. An unclosed quote is dropped, not an error.
    * Empty terms (",,", a trailing comma) and terms without a letter or digit are ignored.
      A term written twice counts once.

Limits (``QueryError`` says which one was hit, in words a reader understands)
    * at least one term that is not an exclusion;
    * at most MAX_TERMS (20) terms, exclusions included;
    * at most MAX_TERM_CHARS (80) characters a term, MAX_QUERY_CHARS (2000) for the whole query;
    * a term may not be both looked for and excluded.

How a term matches
    Case- and accent-insensitive, whole words: "antonio guterres" matches "António Guterres's",
    "cop 29" matches "COP29" and "COP-29" (letters and digits are separate words), "Zurich"
    matches "Zürich", "eu" does not match "Europe". Punctuation between words is ignored, so
    "Secretary-General" matches "secretary general" and "U.S." is "US". Words in scripts written
    without spaces (Chinese, Japanese, Thai) have no boundaries to respect: a term in those
    scripts matches wherever its characters stand in a row. One exception to case-insensitivity:
    a term written in capitals of 2 to 5 letters (UN, NATO, WHO, US) is an acronym and matches
    only in capitals, so US does not match "us" and WHO does not match "who".

When a story matches
    No exclusion occurs in its title or text, and either one term occurs in its title, or at
    least ``min(2, number of terms)`` different terms occur in the title and text together.

    Why two terms: a topic made with one click holds the first story's key terms, a handful of
    names and subjects (``COP29, Baku, António Guterres, climate finance, emissions``). A later
    story on the same subject repeats several of them; a story on something else that names one
    of them in passing (Guterres quoted on Gaza, a football club in Baku) holds one. Requiring
    every term would miss most follow-ups (a new story rarely names all the same people), one
    term would drown the Following page in passing mentions; two in the body separates the
    two cases well. A term in the *title* is different: the title says what the story is about,
    so one term there is enough. A topic of a single term matches any story that holds it.

    ``Match.score`` in (0, 1] is (terms found + terms found in the title) / (2 x terms), for
    sorting; ``Match.matched`` lists the terms found, in the query's order.

Speed
    A query compiles its terms once (``parse_query``); a story's title and text are normalised
    once and cached (``prepare_story``, the last 32 stories), so matching one story against a
    hundred topics costs one normalisation plus a few substring searches per topic.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "MAX_TERM_CHARS",
    "Match",
    "PreparedStory",
    "QueryError",
    "Term",
    "TopicQuery",
    "fold",
    "format_term",
    "parse_query",
    "prepare_story",
    "words",
]

MAX_TERMS: Final = 20
MAX_TERM_CHARS: Final = 80
MAX_QUERY_CHARS: Final = 2000
# A term written in capitals with this many letters at most is an acronym (case-sensitive).
ACRONYM_MAX_LETTERS: Final = 5

SEPARATORS: Final = frozenset(",;\n\r\uff0c\u3001\uff1b")
MINUS_SIGNS: Final = frozenset("-\u2212\u2013")
QUOTES: Final = frozenset('"\u201c\u201d\u201e\u201f\u00ab\u00bb\uff02')

EMPTY_QUERY: Final = "Enter at least one term, for example: Paris Agreement, climate finance."
ONLY_EXCLUSIONS: Final = (
    "Add at least one term to look for: terms starting with “-” only leave stories out."
)


class QueryError(ValueError):
    """A topic query that cannot be used; ``message`` is written for the reader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- normalisation ---------------------------------------------------------------------------

# Letters that do not decompose into a base letter and an accent.
_LETTERS: Final = str.maketrans(
    {
        "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "\u0131": "i", "ħ": "h",
        "Ħ": "H", "ŀ": "l", "Ŀ": "L",
    }
)  # fmt: skip
# Accents that NFKD splits off Latin, Greek and Cyrillic letters (other scripts' marks stay:
# a Devanagari vowel sign or a Thai tone mark is part of the word).
_ACCENTS: Final = re.compile("[\u0300-\u036f]+")
_INVISIBLE: Final = re.compile("[\u00ad\u200b\u2060\ufeff]")
# "U.S." and "U.N." are the words US and UN ("d.c." is dc).
_DOTTED: Final = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]\.){2,}(?![^\W\d_])")
# Scripts written without spaces between words: each character is a word of its own.
_UNSPACED_CLASS: Final = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_UNSPACED: Final = re.compile(f"[{_UNSPACED_CLASS}]")


@functools.cache
def _combining_marks() -> str:
    """The Basic Multilingual Plane's combining marks as a character class body (``\\w`` leaves
    out Thai vowels, Devanagari matras, Arabic harakat: they belong to the word around them)."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


@functools.cache
def _word_pattern() -> re.Pattern[str]:
    """Digits, or letters with their marks (split off each other: "COP29" is COP and 29)."""
    marks = _combining_marks()
    return re.compile(f"\\d+|(?:[^\\W\\d_]|[{marks}])(?:[^\\W\\d_]|[{marks}])*")


@functools.cache
def _unspaced_pattern() -> re.Pattern[str]:
    """The same, where unspaced scripts are one character (with its marks) a word."""
    marks = _combining_marks()
    return re.compile(
        f"[{_UNSPACED_CLASS}][{marks}]*|\\d+|"
        f"(?:(?![{_UNSPACED_CLASS}])[^\\W\\d_]|[{marks}])(?:(?![{_UNSPACED_CLASS}])[^\\W\\d_]|[{marks}])*"
    )


def _strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return _ACCENTS.sub("", text).translate(_LETTERS)


def fold(text: str) -> str:
    """text lower-cased (casefold) and without accents: "Zürich" -> "zurich", "Straße" ->
    "strasse". What matching and term keys compare."""
    return unicodedata.normalize("NFKC", _strip_accents(text.casefold()))


def words(text: str, *, keep_case: bool = False) -> list[str]:
    """The words of text as matching sees them: accents stripped, case folded unless keep_case,
    dotted acronyms joined ("U.S." -> "US"), letters and digits apart, and each character of
    an unspaced script (Han, kana, Thai...) a word of its own."""
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    if "." in text:
        text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    if text.isascii():
        plain = text if keep_case else text.lower()
    else:
        plain = _strip_accents(text)
        if not keep_case:
            plain = plain.casefold()
            plain = _ACCENTS.sub("", plain)  # casefold can split a dot off ("İ")
        plain = unicodedata.normalize("NFKC", plain)
    pattern = _unspaced_pattern() if _UNSPACED.search(plain) else _word_pattern()
    return pattern.findall(plain)


# --- a story, prepared once for many topics -------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreparedStory:
    """A story's title and text as space-padded word strings (" w1 w2 ... "): a term occurs
    when its own padded words are a substring. The cased strings serve acronym terms."""

    title: str
    text: str
    cased_title: str
    cased_text: str


def _padded(tokens: Iterable[str]) -> str:
    return " " + " ".join(tokens) + " "


@functools.lru_cache(maxsize=32)
def prepare_story(title: str, text: str) -> PreparedStory:
    """Normalise a story once for matching against many topics (cached: the last 32 stories)."""
    cased_title = words(title, keep_case=True)
    cased_text = words(text, keep_case=True)
    return PreparedStory(
        title=fold(_padded(cased_title)),
        text=fold(_padded(cased_text)),
        cased_title=_padded(cased_title),
        cased_text=_padded(cased_text),
    )


# --- terms and queries ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a query: its text as the reader wrote it, and what matching looks for."""

    text: str
    exclude: bool
    needles: tuple[str, ...]
    """The term's words, space-padded: " antonio guterres "; for an acronym its cased forms
    (" UN "; " NATO " and " Nato ", as some newspapers write it, for 4 and 5 letters)."""
    acronym: bool

    def found_in(self, story: PreparedStory) -> tuple[bool, bool]:
        """(in the title, in the text)."""
        if self.acronym:
            title, text = story.cased_title, story.cased_text
        else:
            title, text = story.title, story.text
        return any(n in title for n in self.needles), any(n in text for n in self.needles)


@dataclass(frozen=True, slots=True)
class Match:
    """Why a story matches a topic: a sorting score in (0, 1] and the terms found."""

    score: float
    matched: tuple[str, ...]


def _make_term(text: str, exclude: bool) -> Term | None:
    cased = words(text, keep_case=True)
    if not cased:
        return None
    word = cased[0]
    if len(cased) == 1 and word.isalpha() and word.isupper():
        if 2 <= len(word) <= 3:
            return Term(text=text, exclude=exclude, needles=(f" {word} ",), acronym=True)
        if len(word) <= ACRONYM_MAX_LETTERS:
            needles = (f" {word} ", f" {word[0]}{word[1:].lower()} ")
            return Term(text=text, exclude=exclude, needles=needles, acronym=True)
    return Term(text=text, exclude=exclude, needles=(fold(_padded(cased)),), acronym=False)


@dataclass(frozen=True)
class TopicQuery:
    """A parsed topic query (see the module's docstring): terms to look for, then exclusions."""

    terms: tuple[Term, ...]

    @property
    def include(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.exclude)

    @property
    def exclude(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.exclude)

    def canonical(self) -> str:
        """The query as stored and shown for editing: terms to look for in the reader's order,
        then exclusions, comma-separated, quoted where needed. parse_query() reads it back to
        an equal TopicQuery."""
        return ", ".join(format_term(t.text, exclude=t.exclude) for t in self.terms)

    def matches(self, title: str, text: str) -> Match | None:
        """The story's Match, or None when it does not match (see "When a story matches")."""
        return self.match_prepared(prepare_story(title, text))

    def match_prepared(self, story: PreparedStory) -> Match | None:
        """matches() for a story prepared once with prepare_story()."""
        found: list[str] = []
        in_title = 0
        total = 0
        for term in self.terms:
            t_hit, x_hit = term.found_in(story)
            if term.exclude:
                if t_hit or x_hit:
                    return None
                continue
            total += 1
            if t_hit or x_hit:
                found.append(term.text)
                in_title += t_hit
        if not found or (in_title == 0 and len(found) < min(2, total)):
            return None
        return Match(score=round((len(found) + in_title) / (2 * total), 4), matched=tuple(found))


def format_term(text: str, *, exclude: bool = False) -> str:
    """A term as query text: quoted when it holds a separator or starts with a minus sign."""
    needs_quotes = any(c in SEPARATORS for c in text) or (text[:1] in MINUS_SIGNS)
    body = f'"{text}"' if needs_quotes else text
    return f"-{body}" if exclude else body


def _clean(raw: str) -> str:
    """A term's text: quotes dropped, blank space collapsed, NFC."""
    text = "".join(c for c in raw if c not in QUOTES)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _split(text: str) -> list[tuple[str, bool]]:
    """The query's raw terms, (text, exclude), in order (see "Syntax")."""
    pieces: list[tuple[str, bool]] = []
    i, n = 0, len(text)

    def next_separator(start: int) -> int:
        j = start
        while j < n and text[j] not in SEPARATORS:
            j += 1
        return j

    while i < n:
        c = text[i]
        if c in SEPARATORS or c.isspace():
            i += 1
            continue
        exclude = c in MINUS_SIGNS
        if exclude:
            i += 1
            while i < n and text[i].isspace() and text[i] not in SEPARATORS:
                i += 1
        if i < n and text[i] in QUOTES:
            j = i + 1
            while j < n and text[j] not in QUOTES:
                j += 1
            if j < n:  # closed: the quoted part, then whatever stands before the next separator
                end = next_separator(j + 1)
                raw = text[i + 1 : j] + text[j + 1 : end]
            else:  # unclosed: the quote is dropped, the term ends at the next separator
                end = next_separator(i + 1)
                raw = text[i + 1 : end]
            i = end
        else:
            end = next_separator(i)
            raw = text[i:end]
            i = end
        pieces.append((raw, exclude))
    return pieces


def _shorten(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


def parse_query(text: str) -> TopicQuery:
    """Read a topic query (see the module's docstring); raises QueryError with a message for
    the reader when it cannot be used."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is too long: it can have at most {MAX_QUERY_CHARS} characters."
        )
    include: list[Term] = []
    exclude: list[Term] = []
    seen: dict[tuple[str, bool], bool] = {}
    for raw, excluded in _split(text):
        clean = _clean(raw)
        if not clean:
            continue
        if len(clean) > MAX_TERM_CHARS:
            raise QueryError(
                f"The term “{_shorten(clean)}” is too long: a term can have at most "
                f"{MAX_TERM_CHARS} characters."
            )
        term = _make_term(clean, excluded)
        if term is None:
            continue
        key = (term.needles[0], term.acronym)
        if key in seen:
            if seen[key] != excluded:
                raise QueryError(
                    f"“{_shorten(clean)}” is both looked for and left out: remove one of them."
                )
            continue
        seen[key] = excluded
        (exclude if excluded else include).append(term)
    count = len(include) + len(exclude)
    if count == 0:
        raise QueryError(EMPTY_QUERY)
    if not include:
        raise QueryError(ONLY_EXCLUSIONS)
    if count > MAX_TERMS:
        raise QueryError(
            f"A topic can have at most {MAX_TERMS} terms; this one has {count}. "
            "Remove some, or split it into two topics."
        )
    return TopicQuery(terms=tuple(include) + tuple(exclude))
