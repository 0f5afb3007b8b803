"""Key terms of a story: the people, places, organisations and subjects it is about.

``key_terms(title, text)`` returns up to ``limit`` `KeyTerm` values, best first; ``topic_query``
turns them into the editable query of a new topic (``topics.py``). Pure and deterministic: the
same input gives the same terms, in the same order, on any machine.

Input
    The story's title and its plain text, paragraphs separated by blank lines (single line
    breaks when there is no blank line). Only the first MAX_TEXT_CHARS characters are read:
    a story's key terms are in its first pages.

Names (kind "name")
    Runs of capitalised words: "Paris Agreement", "António Guterres", "Baku", and acronyms
    written in capitals ("NATO", "UN", "COP29"; "U.S." is "US").

    * Connectors join capitalised words into one name: "Bank of England", "Ministry of Defence",
      "Ursula von der Leyen", "Luiz Inácio Lula da Silva" (``stopwords.CONNECTORS``). A
      connector of institutions ("of", "for", "de", ``SPLITTING_CONNECTORS``) after two
      capitalised words or more starts another name: "Tasneem Essop of Climate Action
      Network" is two. After a title in lower case and a connector, the first word is the
      office's: "presidente del Consiglio Giorgia Meloni" is Giorgia Meloni, "ministre de
      l'Intérieur" no name.
    * A capitalised word that starts a sentence (or a quotation, or follows a colon or a dash)
      may be an ordinary word written with a capital: alone, it is taken as a name only when
      the story also writes it as a name on its own in mid-sentence, or as the last word of a
      longer name, or starts two sentences with it and never writes it in lower case. "The",
      "But", "Officials" and "On Tuesday" are not names; a common word that started a sentence
      counts as a subject instead when the story uses it in lower case too. The first word of
      a run of several is dropped when it is a function word or used in lower case elsewhere
      ("The Paris Agreement" -> "Paris Agreement"). A wire agency's credit in the dateline
      ("BAKU, Azerbaijan (AP) —") is not read.
    * Titles and honorifics before a name are dropped: "President Joe Biden" -> "Joe Biden",
      "Mr Guterres" -> "Guterres", "UN Secretary-General António Guterres" -> "UN" and "António
      Guterres", "Bundeskanzler Olaf Scholz" -> "Olaf Scholz" (``stopwords.TITLES``,
      ``TITLE_SUFFIXES``). Royal and papal titles stay ("King Charles").
    * Days and months are not names. A possessive ends a name and is dropped ("Guterres's").
    * A surname alone counts as the full name when exactly one full name in the story ends in
      it ("Guterres" -> "António Guterres"), and an organisation's first word as its name when
      that ends in ``ORGANISATION_WORDS`` ("Meridian" -> "Meridian Pharma"); the form shown is
      the full name.
    * German capitalises every noun: there a capitalised word is a name only when it never
      follows an article or an inflected adjective in the story and does not end like a common
      noun (-ung, -heit, -keit, -schaft, -tion...); the others are subjects ("Klimaziele"). A
      German name of one word counts from two occurrences (or one and the title).
    * Cyrillic words are grouped across their case endings ("Путин", "Путина", "Путину" are one
      name, shown in its most frequent form).

Subjects (kind "subject")
    Lower-case content words and two-word phrases: "emissions", "climate finance", "coal",
    "transfer fee". Function words and generic news words ("said", "year", "people") of the
    story's language are left out (``stopwords``: en, de, fr, es, it, pt, nl, ru; the language
    is guessed from its function words when not given). A subject must occur at least twice
    (in a text under SHORT_TEXT_WORDS words, once with the title); a phrase that occurs at
    least twice takes the place of its words, and "emission" and "emissions" count as one (the
    more frequent form is shown).

Score
    Each occurrence counts 1, or more in the first paragraphs (2, 1.67, 1.33 for the first
    three); a term in the title adds TITLE_BONUS. Names weigh NAME_WEIGHT times as much, phrases
    PHRASE_WEIGHT times. When ``doc_freq`` is given, each score is multiplied by
    0.1 + ln(1 / df), where df = ``doc_freq(term_key(term))`` is the share (0 to 1) of the
    reader's stories that hold the term, clamped to [0.001, 1]: a term found in every story of
    the library weighs a tenth of one found in none. ``term_key`` is the term as matching sees
    it (lower case, no accents: "antonio guterres").

Scripts without capitals
    Chinese and Japanese (Han and kana): the runs of 2 to CJK_MAX_RUN (8) Han characters that
    occur at least twice (and whole katakana words), a run being dropped when a longer one
    holding it is nearly as frequent (3/4 of its count); function characters (的, 了, 是, 和...)
    end runs, and no run starts or ends with a pronoun or particle (这, 们, 将...). All are
    "subject": without capitals a name cannot be told from a word.
    Other scripts without case but with spaces (Arabic, Hebrew, Korean, Devanagari...): the
    words of 4 characters or more (2 for Korean) that occur at least twice, as subjects, with
    no stopword list: rough. Thai, Lao, Khmer and Myanmar (no spaces, no capitals): no terms
    at all.

Speed
    Work done word by word in Python is kept to capitalised words and distinct words: the rest
    is regular expressions, list comprehensions and Counter. A 1,570-word English story takes
    about 5.5 ms on the (loaded, slow: 29 ms for an empty loop of a million) machine this was
    written on, about 2-3 ms on a laptop; tests/similar/test_keyterms.py measures it.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from . import stopwords as sw
from .topics import MAX_TERM_CHARS, _combining_marks, fold, format_term, words

__all__ = [
    "MAX_TEXT_CHARS",
    "KeyTerm",
    "KeyTermKind",
    "key_terms",
    "term_key",
    "topic_query",
]

KeyTermKind = Literal["name", "subject"]

MAX_TEXT_CHARS: Final = 100_000
MAX_TITLE_CHARS: Final = 1_000
TITLE_BONUS: Final = 3.0
NAME_WEIGHT: Final = 1.25
PHRASE_WEIGHT: Final = 1.5
# Below this many words a text is a summary: a subject may occur once if the title has it.
SHORT_TEXT_WORDS: Final = 150
# Longest run of capitalised words taken as one name.
MAX_NAME_WORDS: Final = 16
# Weight of an occurrence in the first paragraphs (then 1.0).
LEAD_WEIGHTS: Final = (2.0, 5 / 3, 4 / 3)


@dataclass(frozen=True, slots=True)
class KeyTerm:
    """One key term: its text as the story writes it, its kind and its score (higher first)."""

    term: str
    kind: KeyTermKind
    score: float


# --- tables, folded once -------------------------------------------------------------------------

_CYRILLIC: Final = re.compile("[\u0400-\u04ff]")
_CYRILLIC_ENDINGS: Final = tuple(
    sorted({fold(e) for e in sw.CYRILLIC_ENDINGS if fold(e)}, key=len, reverse=True)
)


def _folded(items: frozenset[str]) -> frozenset[str]:
    return frozenset(fold(w) for w in items)


def _stem_of(key: str) -> str:
    """A Cyrillic word without its case ending (when at least 3 letters remain)."""
    if not _CYRILLIC.search(key):
        return key
    for ending in _CYRILLIC_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            return key[: -len(ending)]
    return key


_FUNCTION: Final = {lang: _folded(ws) for lang, ws in sw.FUNCTION_WORDS.items()}
_STOP: Final = {
    lang: _folded(ws | sw.NEWS_WORDS.get(lang, frozenset()))
    for lang, ws in sw.FUNCTION_WORDS.items()
}
_CALENDAR: Final = _folded(sw.CALENDAR_WORDS)
_TITLES: Final = _folded(sw.TITLES)
_TITLE_STEMS: Final = frozenset(_stem_of(w) for w in _TITLES if _stem_of(w) != w)
_TITLE_SUFFIXES: Final = tuple(fold(s) for s in sw.TITLE_SUFFIXES)
_TITLE_MODIFIERS: Final = _folded(sw.TITLE_MODIFIERS)
_CONNECTORS: Final = _folded(sw.CONNECTORS)
_ORGANISATION_WORDS: Final = _folded(sw.ORGANISATION_WORDS)
_SPLITTING_CONNECTORS: Final = _folded(sw.SPLITTING_CONNECTORS)
_NAME_TITLES: Final = _folded(sw.NAME_TITLES)
_CONNECTOR_PAIRS: Final = frozenset((fold(a), fold(b)) for a, b in sw.CONNECTOR_PAIRS)
_ABBREVIATIONS: Final = _folded(sw.ABBREVIATIONS)
_GERMAN_DETERMINERS: Final = _folded(sw.GERMAN_DETERMINERS)
_GERMAN_NOUN_SUFFIXES: Final = tuple(fold(s) for s in sw.GERMAN_NOUN_SUFFIXES)

# --- tokens --------------------------------------------------------------------------------------


_BLANK_LINE: Final = re.compile(r"\n[ \t\r\f\v]*\n")
# What starts a sentence (or something like one: a quotation, a dateline's dash).
_SENTENCE_GAP: Final = frozenset('.!?…:;"“”«»„‟\u300c\u300e\u2014\u2013')
# A wire agency's credit in a dateline: "BAKU, Azerbaijan (AP) — ".
_DATELINE_AGENCY: Final = re.compile(
    r"^([^\n()]{0,80}?)\s*\([A-Za-z][\w./ -]{0,24}\)(\s*[\u2014\u2013-])"
)
_CJK_CHARS: Final = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_OTHER_UNSPACED: Final = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
_LETTER: Final = re.compile(r"[^\W\d_]")
# Letters of the scripts with capitals: Latin, Greek, Cyrillic, Armenian, Georgian (Mtavruli).
_CASED_CHARS: Final = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u058f\u10a0-\u10ff]")
_DIGIT: Final = re.compile(r"\d")
_HANGUL: Final = re.compile("[\uac00-\ud7af]")
# French and Italian elisions before a word: l'Élysée, d'Azerbaïdjan, dell'Unione.
_ELISION: Final = re.compile(
    r"(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu|dell|all|dall|nell|sull|quell|degl|un)"
    r"['\u2019]",
    re.IGNORECASE,
)

_RIGHT_QUOTE: Final = "\u2019"  # the typographic apostrophe
_POSSESSIVE: Final = ("'s", "\u2019s")

# Token classes.
_CAP: Final = 1  # starts with a capital (or holds one after the first letter: "iPhone", "al-Assad")
_ACRONYM: Final = 2  # capitals only, 2 letters or more, or a capital and digits ("G7", "COP29")
_LOWER: Final = 3
_NUMBER: Final = 4
_OTHER: Final = 5  # no case (a Han character in a Latin text)
_CAPITAL: Final = (_CAP, _ACRONYM)


@functools.cache
def _token_pattern() -> re.Pattern[str]:
    """A word: letters, digits and their marks, inner apostrophes and hyphens ("O'Brien",
    "Secretary-General"), or a dotted acronym ("U.S.")."""
    word = f"[\\w{_combining_marks()}]+"
    return re.compile(f"(?:[A-Z]\\.){{2,}}|{word}(?:['\u2019\u2010-]{word})*")


@functools.cache
def _gap_token_pattern() -> re.Pattern[str]:
    """What stands before a word (group 1), then the word (group 2)."""
    return re.compile(f"([^\\w{_combining_marks()}]*)({_token_pattern().pattern})")


def _key_of(surface: str) -> str:
    """A token's comparison form: lower case without accents (the dots of "U.S." dropped)."""
    if surface.isascii():
        return surface.lower().replace(".", "")
    return fold(surface).replace(".", "")


def _class_of(surface: str) -> int:
    if surface.islower():
        return _NUMBER if surface[0].isdigit() else _LOWER
    first = _LETTER.search(surface)
    if first is None:
        return _NUMBER
    c = first.group()
    if not (c.isupper() or c.islower()):
        return _OTHER
    letters = [ch for ch in surface if ch.isalpha()]
    if surface[0].isdigit() and not any(ch.isupper() for ch in letters):
        return _NUMBER
    if all(ch.isupper() for ch in letters):
        if len(letters) >= 2 or any(ch.isdigit() for ch in surface):
            return _ACRONYM
        return _CAP
    if c.isupper():
        return _CAP
    # "iPhone", "al-Assad", "eBay": a capital after the first letter.
    if any(ch.isupper() for ch in letters[1:]):
        return _CAP
    return _LOWER


class _Memo(dict[str, Any]):
    """A dict that computes a missing value once: lookups of known words stay in C."""

    def __init__(self, compute: Callable[[str], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, word: str) -> Any:
        if len(self) > 200_000:
            self.clear()
        value = self[word] = self.compute(word)
        return value


_KEYS: Final = _Memo(_key_of)
_CLASSES: Final = _Memo(_class_of)
_STEMS: Final = _Memo(_stem_of)


def _paragraphs(text: str) -> list[str]:
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.splitlines()
    return [b for b in blocks if b.strip()]


class _Para:
    """A paragraph's words, in parallel lists: surface, what stands before it, key (folded),
    stem (the key without a Cyrillic case ending) and class."""

    __slots__ = ("cls", "elided", "gaps", "keys", "possessive", "stems", "words")

    def __init__(self, text: str, cyrillic: bool = False) -> None:
        pairs = _gap_token_pattern().findall(text)
        self.gaps: list[str] = [p[0] for p in pairs]
        self.words: list[str] = [p[1] for p in pairs]
        self.possessive: set[int] = set()
        self.elided: set[int] = set()
        words = self.words
        keys = _KEYS
        self.keys: list[str] = [keys[w] for w in words]
        apostrophes = "'" in text or _RIGHT_QUOTE in text
        for i in (
            [i for i, w in enumerate(words) if "'" in w or _RIGHT_QUOTE in w] if apostrophes else ()
        ):
            word = words[i]
            elision = _ELISION.match(word)
            if (
                elision is not None
                and elision.end() < len(word)
                and (word[0].islower() or self.initial(i))
            ):
                word = word[elision.end() :]
                self.elided.add(i)
            if len(word) > 3 and word[-2:] in _POSSESSIVE:
                word = word[:-2]
                self.possessive.add(i)
            words[i] = word
            self.keys[i] = keys[word]
        # Only Cyrillic words have case endings to strip: elsewhere the stems are the keys.
        self.stems: list[str] = [_STEMS[k] for k in self.keys] if cyrillic else self.keys
        classes = _CLASSES
        self.cls: list[int] = [classes[w] for w in words]

    def initial(self, i: int) -> bool:
        """Whether word i starts a sentence (or a quotation, or follows a colon or a dash)."""
        if i == 0:
            return True
        if i in self.elided:
            return False
        gap = self.gaps[i]
        if gap == " " or gap.isspace():
            return False
        if gap.strip() == "." and self._after_abbreviation(i):
            return False
        return any(c in _SENTENCE_GAP for c in gap)

    def joins(self, i: int) -> bool:
        """Whether only blank space (or the full stop of "Mr. " or "J. ") stands before word i."""
        if i == 0 or i in self.elided or (i - 1) in self.possessive:
            return False
        gap = self.gaps[i]
        if gap == " " or gap.isspace():
            return True
        return gap.strip() == "." and self._after_abbreviation(i)

    def _after_abbreviation(self, i: int) -> bool:
        before = self.words[i - 1]
        return self.keys[i - 1] in _ABBREVIATIONS or (len(before) == 1 and before.isupper())

    def surface(self, run: list[int]) -> str:
        """The words of a run as the text writes them ("J. K. Rowling", "Bank of England")."""
        parts = [self.words[run[0]]]
        for j in run[1:]:
            if "." in self.gaps[j]:
                parts.append(".")
            parts.append(" ")
            parts.append(self.words[j])
        return "".join(parts)

    def key(self, run: list[int]) -> str:
        return " ".join([self.stems[i] for i in run])


# --- the story as the scorer sees it -------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """A term's weighted occurrences and the forms it was written in."""

    weight: float = 0.0
    count: int = 0
    first: int = 0
    surfaces: dict[str, int] = field(default_factory=dict)

    def add(self, weight: float, surface: str, position: int, count: int = 1) -> None:
        if self.count == 0 or position < self.first:
            self.first = position
        self.weight += weight
        self.count += count
        self.surfaces[surface] = self.surfaces.get(surface, 0) + count

    def merge(self, other: _Entry) -> None:
        if other.count == 0:
            return
        if self.count == 0 or other.first < self.first:
            self.first = other.first
        self.weight += other.weight
        self.count += other.count
        for surface, n in other.surfaces.items():
            self.surfaces[surface] = self.surfaces.get(surface, 0) + n

    def display(self) -> str:
        best = max(self.surfaces.values())
        # The most frequent form; among equals, the longest (a full name over a surname).
        return min((s for s, c in self.surfaces.items() if c == best), key=lambda s: (-len(s), s))


def _languages_of() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for lang, table in sorted(_FUNCTION.items()):
        for word in table:
            out.setdefault(word, []).append(lang)
    return {word: tuple(langs) for word, langs in out.items()}


_LANGUAGES_OF: Final = _languages_of()


def _guess_language(paragraphs: list[_Para]) -> str:
    """The language whose function words the story's first 600 words hold most of ("" when
    fewer than 3 are found)."""
    seen: Counter[str] = Counter()
    total = 0
    for para in paragraphs:
        seen.update(para.keys)
        total += len(para.keys)
        if total > 600:
            break
    counts: Counter[str] = Counter()
    for key, n in seen.items():
        for lang in _LANGUAGES_OF.get(key, ()):
            counts[lang] += n
    if not counts:
        return ""
    lang, hits = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return lang if hits >= 3 else ""


def _normal_language(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def _is_title_case(title: _Para) -> bool:
    """A headline In Title Case: its capitals say nothing about names."""
    long_words = [
        c
        for c, k in zip(title.cls[1:], title.keys[1:], strict=True)
        if c in (_CAP, _LOWER) and len(k) >= 4
    ]
    if len(long_words) < 2:
        return False
    return long_words.count(_CAP) >= 0.7 * len(long_words)


def _lead_weight(index: int) -> float:
    return LEAD_WEIGHTS[index] if 0 <= index < len(LEAD_WEIGHTS) else 1.0


class _Story:
    """The paragraphs, and what the name rules need to know about the whole story."""

    def __init__(self, title: str, text: str, language: str) -> None:
        self.texts = _paragraphs(text)
        if self.texts:
            self.texts[0] = _DATELINE_AGENCY.sub(r"\1\2", self.texts[0], count=1)
        cyrillic = bool(_CYRILLIC.search(title) or _CYRILLIC.search(text))
        self.paragraphs = [_Para(p, cyrillic) for p in self.texts]
        self.title = _Para(" ".join(title.split()), cyrillic)
        lang = _normal_language(language)
        self.language = lang if lang in _STOP else _guess_language(self.paragraphs)
        self.stop = _STOP.get(self.language, frozenset())
        self.german = self.language == "de"
        self.title_case = not self.german and _is_title_case(self.title)
        self.word_count = sum(len(p.words) for p in self.paragraphs)
        # Words written in lower case, and capitalised in mid-sentence, anywhere in the story.
        self.lower: set[str] = set()
        self.mid_caps: set[str] = set()
        sources = list(self.paragraphs)
        if not self.title_case:
            sources.append(self.title)
        for para in sources:
            self.lower.update([k for k, c in zip(para.keys, para.cls, strict=True) if c == _LOWER])
            self.mid_caps.update(
                [
                    para.keys[i]
                    for i, c in enumerate(para.cls)
                    if c in _CAPITAL and not para.initial(i)
                ]
            )
        self.title_keys = " " + " ".join(self.title.stems) + " "

    def is_stop(self, key: str) -> bool:
        return key in self.stop or (not self.stop and len(key) <= 3)

    def in_title(self, key: str) -> bool:
        return f" {key} " in self.title_keys


# --- names ---------------------------------------------------------------------------------------


def _is_title_word(para: _Para, i: int, german: bool) -> bool:
    key = para.keys[i]
    if key in _TITLES or para.stems[i] in _TITLE_STEMS:
        return True
    if "-" in key and key.split("-", 1)[0] in _TITLES:
        return True  # "President-elect"
    return german and para.cls[i] == _CAP and key.endswith(_TITLE_SUFFIXES)


def _is_title_only(para: _Para, i: int, german: bool) -> bool:
    return (
        para.cls[i] == _LOWER or para.keys[i] in _TITLE_MODIFIERS or _is_title_word(para, i, german)
    )


def _runs(para: _Para) -> list[list[int]]:
    """Runs of capitalised words, joined through connectors ("Bank of England")."""
    cls, keys = para.cls, para.keys
    n = len(cls)
    runs: list[list[int]] = []
    end = -1
    for i in [i for i, c in enumerate(cls) if c in _CAPITAL]:
        if i <= end:
            continue
        run = [i]
        j = i
        while len(run) < MAX_NAME_WORDS and j not in para.possessive:
            k = j + 1
            if k >= n:
                break
            ck = cls[k]
            # Most runs end at a lower-case word that is no connector: no need to look at the gap.
            if not (ck in _CAPITAL or (ck == _LOWER and keys[k] in _CONNECTORS)):
                break
            if not para.joins(k):
                break
            if ck in _CAPITAL:
                run.append(k)
                j = k
                continue
            if cls[k] == _LOWER and keys[k] in _CONNECTORS:
                if k + 1 < n and cls[k + 1] in _CAPITAL and para.joins(k + 1):
                    run += [k, k + 1]
                    j = k + 1
                    continue
                if (
                    k + 2 < n
                    and (keys[k], keys[k + 1]) in _CONNECTOR_PAIRS
                    and para.joins(k + 1)
                    and cls[k + 2] in _CAPITAL
                    and para.joins(k + 2)
                ):
                    run += [k, k + 1, k + 2]
                    j = k + 2
                    continue
            break
        runs.append(run)
        end = j
    return runs


def _trim(para: _Para, run: list[int]) -> list[int]:
    """A run without connectors at either end."""
    while run and para.cls[run[0]] == _LOWER:
        run = run[1:]
    while run and para.cls[run[-1]] == _LOWER:
        run = run[:-1]
    return run


@dataclass(slots=True)
class _NameOcc:
    run: list[int]
    weak: bool  # the part before a title: kept only when it is a name elsewhere
    single_initial: bool  # one capitalised word starting a sentence: decided later


def _split_titles(story: _Story, para: _Para, run: list[int]) -> list[_NameOcc]:
    """Drop titles from a run: "UN Secretary-General António Guterres" -> UN (weak), António
    Guterres; "Prime Minister" -> nothing."""
    german = story.german
    head = -1
    for pos, idx in enumerate(run):
        if _is_title_word(para, idx, german) or (
            para.keys[idx] in _NAME_TITLES and len(run) - pos >= 3
        ):
            head = pos
    if head < 0:
        return [_NameOcc(run, weak=False, single_initial=False)]
    # The name: after the title, its modifiers ("Attorney General") and an office named
    # through a connector ("Secretary of State", "Chancellor of the Exchequer").
    rest = run[head + 1 :]
    if rest and para.cls[rest[0]] == _LOWER:
        while rest and para.cls[rest[0]] == _LOWER:
            rest = rest[1:]
        skipped = 0
        while rest and para.keys[rest[0]] in _TITLE_MODIFIERS:
            rest = rest[1:]
            skipped += 1
        if not skipped and rest:
            rest = rest[1:]
    while rest and (
        para.keys[rest[0]] in _TITLE_MODIFIERS or _is_title_word(para, rest[0], german)
    ):
        rest = rest[1:]
    prefix = run[:head]
    while prefix and _is_title_only(para, prefix[-1], german):
        prefix = prefix[:-1]
    out: list[_NameOcc] = []
    prefix = _trim(para, prefix)
    if prefix:
        out.append(_NameOcc(prefix, weak=True, single_initial=False))
    rest = _trim(para, rest)
    if rest:
        out.append(_NameOcc(rest, weak=False, single_initial=False))
    return out


def _after_title_and_connector(para: _Para, i: int, german: bool) -> bool:
    """Whether word i follows a title in lower case and a connector ("ministro de")."""

    def close(k: int) -> bool:  # only blank space, or an elision ("de l'Intérieur")
        return para.joins(k) or k in para.elided

    j = i - 1
    while j >= 0 and para.cls[j] == _LOWER and para.keys[j] in _CONNECTORS and close(j + 1):
        j -= 1
    return (
        j < i - 1
        and j >= 0
        and para.cls[j] == _LOWER
        and close(j + 1)
        and _is_title_word(para, j, german)
    )


def _split_connectors(para: _Para, run: list[int]) -> list[list[int]]:
    """A connector of institutions ("of", "de") after two capitalised words or more separates
    two names: "Tasneem Essop of Climate Action Network", "Dan Aaron Polster of the US District
    Court"; after one it is inside a name: "Bank of England", "Banco de España". Particles of
    surnames never separate: "Luiz Inácio Lula da Silva", "Ursula von der Leyen"."""
    cls = para.cls
    if all(cls[i] != _LOWER for i in run):
        return [run]
    parts: list[list[int]] = []
    current: list[int] = []
    caps = 0
    i = 0
    while i < len(run):
        if cls[run[i]] == _LOWER and caps >= 2 and para.keys[run[i]] in _SPLITTING_CONNECTORS:
            parts.append(current)
            current, caps = [], 0
            while i < len(run) and cls[run[i]] == _LOWER:
                i += 1
            continue
        current.append(run[i])
        caps += cls[run[i]] != _LOWER
        i += 1
    parts.append(current)
    return [p for p in (_trim(para, p) for p in parts) if p]


def _name_occurrences(story: _Story, para: _Para) -> list[_NameOcc]:
    out: list[_NameOcc] = []
    keys = para.keys
    german = story.german
    for run in _runs(para):
        first = run[0]
        if len(run) == 1:  # most runs: the rules below, for one word
            key = keys[first]
            if para.cls[first] == _CAP and para.initial(first):
                out.append(_NameOcc(run, weak=False, single_initial=True))
            elif not (
                key in _CALENDAR
                or _is_title_only(para, first, german)
                or _after_title_and_connector(para, first, german)
            ):
                out.append(_NameOcc(run, weak=False, single_initial=False))
            continue
        # A run starting a sentence: its first word may be an ordinary word with a capital.
        if para.cls[first] == _CAP and para.initial(first):
            if len(run) == 1:
                out.append(_NameOcc(run, weak=False, single_initial=True))
                continue
            key = keys[first]
            if (
                story.is_stop(key)
                or key in _CALENDAR
                or (key in story.lower and key not in story.mid_caps)
            ):
                run = _trim(para, run[1:])
                if not run:
                    continue
        # Days and months at either end ("Tuesday", "November COP29").
        while run and keys[run[0]] in _CALENDAR:
            run = _trim(para, run[1:])
        while run and keys[run[-1]] in _CALENDAR:
            run = _trim(para, run[:-1])
        if not run:
            continue
        # "presidente del Consiglio Giorgia Meloni", "ministre de l'Intérieur": after a title
        # and a connector, the first word is the office's.
        if _after_title_and_connector(para, run[0], german):
            run = run[1:]
            if not run:
                continue
        for occ in _split_titles(story, para, run):
            for part in _split_connectors(para, occ.run):
                if all(_is_title_only(para, i, story.german) for i in part):
                    continue  # "Premier", "General"
                out.append(_NameOcc(part, weak=occ.weak, single_initial=False))
    return out


def _is_noun_de(key: str, nouns: set[str]) -> bool:
    return key in nouns or key.endswith(_GERMAN_NOUN_SUFFIXES)


def _german_nouns(story: _Story) -> set[str]:
    """Capitalised words that follow an article, a number or an adjective somewhere: nouns."""
    nouns: set[str] = set()
    for para in story.paragraphs:
        cls, keys = para.cls, para.keys
        n = len(cls)
        for i in [i for i, c in enumerate(cls) if c == _CAP]:
            if i == 0 or not para.joins(i):
                continue
            if i + 1 < n and cls[i + 1] in _CAPITAL and para.joins(i + 1):
                continue  # "die Deutsche Bank": a name's first word, not a noun
            before = keys[i - 1]
            if before in _GERMAN_DETERMINERS or cls[i - 1] == _NUMBER:
                nouns.add(keys[i])  # "die Klimaziele", "40 Staaten"
            elif (
                cls[i - 1] == _LOWER
                and len(before) >= 4
                and before.endswith(("e", "en", "er", "es", "em"))
                and not before.endswith(("te", "ten"))  # "sagte Scholz": a verb
                and before not in _FUNCTION["de"]
            ):
                nouns.add(keys[i])  # "neue Gaskraftwerke", "ärmere Staaten"
    return nouns


# --- the candidates ------------------------------------------------------------------------------


def _subject_ok(story: _Story, key: str) -> bool:
    return (
        len(key) >= 3
        and not story.is_stop(key)
        and not _DIGIT.search(key)
        and key not in _CONNECTORS
        and key not in _TITLES
        and _STEMS[key] not in _TITLE_STEMS
    )


def _merge_plurals(entries: dict[str, _Entry]) -> dict[str, str]:
    """ "emission" and "emissions" count as one: the less frequent merges into the other.
    Returns the aliases (merged key -> kept key)."""
    alias: dict[str, str] = {}
    for key in sorted(entries):
        if not key.endswith("s") or key[:-1] not in entries:
            continue
        single, plural = entries[key[:-1]], entries[key]
        if single.count == 0 or plural.count == 0:
            continue
        keep, drop = (key, key[:-1]) if plural.count >= single.count else (key[:-1], key)
        entries[keep].merge(entries[drop])
        entries[drop] = _Entry()
        alias[drop] = keep
    return alias


class _Found:
    """Names, subject words and subject phrases with their weighted occurrences."""

    def __init__(self) -> None:
        self.names: dict[str, _Entry] = {}
        self.connected: dict[str, bool] = {}
        self.weak: dict[str, _Entry] = {}
        self.words: dict[str, _Entry] = {}
        self.phrases: dict[str, _Entry] = {}

    def name(self, para: _Para, run: list[int], weight: float, position: int, weak: bool) -> None:
        target = self.weak if weak else self.names
        if len(run) == 1:
            key = para.stems[run[0]]
            target.setdefault(key, _Entry()).add(weight, para.words[run[0]], position)
            self.connected.setdefault(key, False)
            return
        key = para.key(run)
        target.setdefault(key, _Entry()).add(weight, para.surface(run), position)
        self.connected[key] = any(para.cls[i] == _LOWER for i in run)


def _names(story: _Story, found: _Found) -> list[set[int]]:
    """Fill found.names (German: found.words with nouns too); returns, for each paragraph, the
    words that had a capital only for starting a sentence (counted as subjects)."""
    nouns = _german_nouns(story) if story.german else set()
    occurrences = [_name_occurrences(story, para) for para in story.paragraphs]
    # Words that stand as a name on their own in mid-sentence ("in Baku"), last words of
    # longer names ("António Guterres"), and how often a word starts a sentence alone: what
    # decides whether a capitalised word starting a sentence is a name.
    solo: set[str] = set()
    tails: set[str] = set()
    starts: Counter[str] = Counter()
    for para, occs in zip(story.paragraphs, occurrences, strict=True):
        for occ in occs:
            if occ.single_initial:
                starts[para.stems[occ.run[0]]] += 1
            elif len(occ.run) == 1:
                solo.add(para.stems[occ.run[0]])
            else:
                tails.add(para.stems[occ.run[-1]])

    def initial_is_name(para: _Para, i: int) -> bool:
        key, stem = para.keys[i], para.stems[i]
        if story.is_stop(key) or key in _CALENDAR or len(key) < 2:
            return False
        if key in _TITLE_MODIFIERS or _is_title_word(para, i, story.german):
            return False
        if stem in solo:
            return True
        return key not in story.lower and (stem in tails or starts[stem] >= 2)

    demoted: list[set[int]] = []
    for index, (para, occs) in enumerate(zip(story.paragraphs, occurrences, strict=True)):
        weight = _lead_weight(index)
        base = index * 100_000
        here: set[int] = set()
        demoted.append(here)
        runs: list[tuple[list[int], bool]] = []
        for occ in occs:
            run = occ.run
            first = run[0]
            if occ.single_initial and not initial_is_name(para, first):
                if para.keys[first] in story.lower:
                    here.add(first)  # "Coal remains ...": the subject coal
                continue
            if len(run) == 1 and para.cls[first] == _CAP and len(para.keys[first]) == 1:
                continue  # "I", "A"
            # "Казахстана Касым-Жомартом Токаевым": a name standing alone elsewhere, then
            # another (the order of a language with cases, or a place before a person).
            stem = para.stems[first]
            if (
                len(run) >= 3
                and (stem in solo or (starts[stem] and para.keys[first] not in story.lower))
                and all(para.cls[i] != _LOWER for i in run)
            ):
                runs.append(([first], occ.weak))
                run = run[1:]
            runs.append((run, occ.weak))
        for run, weak in runs:
            if story.german:
                first = run[0]
                if len(run) == 1 and _is_noun_de(para.keys[first], nouns):
                    found.words.setdefault(para.stems[first], _Entry()).add(
                        weight, para.words[first], base + first
                    )
                    continue
                # "der Klimagipfel" elsewhere: "Klimagipfel COP29" is the noun, then the name.
                while len(run) > 1 and para.keys[run[0]] in nouns:
                    run = run[1:]
            found.name(para, run, weight, base + run[0], weak)
    # The part before a title ("Bank of England" in "Bank of England Governor Andrew Bailey"):
    # a name when it is an acronym or a name elsewhere.
    for key, entry in found.weak.items():
        shown = entry.display()
        if key in found.names or (shown.isupper() and len(shown) >= 2):
            found.names.setdefault(key, _Entry()).merge(entry)
            found.connected.setdefault(key, False)
    if story.german:
        # A capitalised word seen once, not in the title, may well be a noun ("vor
        # Vertretern"): German names count from two occurrences (or one and the title).
        for key in [k for k, e in found.names.items() if " " not in k and e.count < 2]:
            if not story.in_title(key) and not found.names[key].display().isupper():
                del found.names[key]
    _merge_surnames(found.names, found.connected)
    return demoted


def _subjects(story: _Story, found: _Found, demoted: list[set[int]]) -> None:
    """Fill found.words and found.phrases: lower-case words that are not stopwords (and words
    that had a capital only for starting a sentence), and pairs of them side by side.

    Counted by Counter over the whole story, so that the work done word by word in Python is
    for distinct words; a word's rank among equals is where it first occurs."""
    allowed: dict[str | None, bool] = {None: False}
    words_seen: list[str | None] = []
    pairs_seen: list[tuple[str, str]] = []
    lead: list[tuple[float, list[str | None], list[tuple[str, str]]]] = []
    for index, para in enumerate(story.paragraphs):
        words = para.words
        seq: list[str | None] = [
            w if c == _LOWER else None for w, c in zip(words, para.cls, strict=True)
        ]
        for i in demoted[index]:
            seq[i] = words[i].lower()
        for word in set(seq).difference(allowed):
            if word is not None:
                allowed[word] = _subject_ok(story, _KEYS[word])
        seq = [w if allowed[w] else None for w in seq]
        firsts = seq
        if para.possessive:  # "the summit's city" is no phrase
            firsts = list(seq)
            for i in para.possessive:
                firsts[i] = None
        pairs = [
            (a, b)
            for a, b, g in zip(firsts, seq[1:], para.gaps[1:], strict=False)
            if a is not None and b is not None and (g == " " or g.isspace())
        ]
        words_seen += seq
        pairs_seen += pairs
        if index < len(LEAD_WEIGHTS):
            lead.append((LEAD_WEIGHTS[index] - 1.0, seq, pairs))
    counts = Counter(words_seen)
    pair_counts = Counter(pairs_seen)
    extra: dict[object, float] = {}  # the lead paragraphs' additional weight
    for bonus, seq, pairs in lead:
        for item in [*seq, *pairs]:
            if item is not None:
                extra[item] = extra.get(item, 0.0) + bonus
    # Words seen once are no subject (but may be the singular of one seen more often), nor is a
    # pair seen once, but in a short text (a summary) whose title holds it.
    short = story.word_count < SHORT_TEXT_WORDS
    for rank, (word, n) in enumerate(counts.items()):
        if word is None:
            continue
        if n < 2 and not short and word + "s" not in counts and word[:-1] not in counts:
            continue
        key = _STEMS[_KEYS[word]]
        found.words.setdefault(key, _Entry()).add(n + extra.get(word, 0.0), word, rank, n)
    for rank, ((a, b), n) in enumerate(pair_counts.items()):
        if n < 2 and not short:
            continue
        key = f"{_STEMS[_KEYS[a]]} {_STEMS[_KEYS[b]]}"
        found.phrases.setdefault(key, _Entry()).add(n + extra.get((a, b), 0.0), f"{a} {b}", rank, n)


def _merge_surnames(names: dict[str, _Entry], connected: dict[str, bool]) -> None:
    """ "Guterres" alone is "António Guterres" when one full name in the story ends in it;
    "Meridian" is "Meridian Pharma" (a name ending in an ``ORGANISATION_WORDS`` word)."""
    full_by_part: dict[str, list[str]] = {}
    for key in names:
        parts = key.split()
        if 2 <= len(parts) <= 4 and not connected.get(key):
            full_by_part.setdefault(parts[-1], []).append(key)
            if parts[-1] in _ORGANISATION_WORDS and len(parts) <= 3:
                full_by_part.setdefault(parts[0], []).append(key)
    for key in sorted(names):
        if " " in key:
            continue
        full = full_by_part.get(key, [])
        if len(full) != 1:
            continue
        entry = names[key]
        if entry.display().isupper():  # an acronym: "UN" is not a surname
            continue
        del names[key]
        target = names[full[0]]
        before = set(target.surfaces)
        target.merge(entry)
        # Shown as the full name, however often the surname alone was written.
        for surface in list(target.surfaces):
            if surface not in before:
                del target.surfaces[surface]


# --- scoring -------------------------------------------------------------------------------------

Candidate = tuple[str, KeyTermKind, _Entry, float]


def _finish(
    title_keys: str,
    candidates: list[Candidate],
    limit: int,
    doc_freq: Callable[[str], float] | None,
) -> list[KeyTerm]:
    """Score, weigh by document frequency, rank and cut."""
    scored: list[tuple[float, int, str, KeyTermKind, _Entry]] = []
    for key, kind, entry, factor in candidates:
        if entry.count == 0 or not entry.surfaces:
            continue
        bonus = TITLE_BONUS if f" {key} " in title_keys else 0.0
        scored.append(((entry.weight + bonus) * factor, entry.first, key, kind, entry))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    if doc_freq is not None:
        weighed = []
        for score, first, key, kind, entry in scored[: max(30, 4 * limit)]:
            df = min(1.0, max(0.001, float(doc_freq(term_key(entry.display())))))
            weighed.append((score * (0.1 + math.log(1.0 / df)), first, key, kind, entry))
        weighed.sort(key=lambda s: (-s[0], s[1], s[2]))
        scored = weighed
    out: list[KeyTerm] = []
    seen: set[str] = set()
    for score, _first, _key, kind, entry in scored:
        display = entry.display()
        k = term_key(display)
        if not k or k in seen:
            continue
        seen.add(k)
        out.append(KeyTerm(term=display, kind=kind, score=round(score, 3)))
        if len(out) >= limit:
            break
    return out


def _cased_key_terms(
    story: _Story, limit: int, doc_freq: Callable[[str], float] | None
) -> list[KeyTerm]:
    found = _Found()
    demoted = _names(story, found)
    if not story.german:
        _subjects(story, found, demoted)
    names, words_, phrases = found.names, found.words, found.phrases
    # Names found only in a headline written in sentence case (a place in the headline that
    # the text calls by another name, a person the text only quotes).
    if not story.title_case and not story.german and story.title.words:
        known = {w for key in names for w in key.split()}
        for occ in _name_occurrences(story, story.title):
            key = story.title.key(occ.run)
            if occ.weak or occ.single_initial or key in names or key in known:
                continue
            names.setdefault(key, _Entry()).add(0.0, story.title.surface(occ.run), 10**9)
    alias = _merge_plurals(words_)
    _merge_plurals(phrases)
    # A subject occurs twice at least; in a short text (a summary) once with the title will do.
    least = 1 if story.word_count < SHORT_TEXT_WORDS else 2
    candidates: list[Candidate] = []
    for key, entry in phrases.items():
        if entry.count < least or (entry.count < 2 and not story.in_title(key)):
            continue
        candidates.append((key, "subject", entry, PHRASE_WEIGHT))
        # The phrase takes the place of its words.
        for word in key.split():
            word = alias.get(word, word)
            if word in words_ and words_[word].count:
                words_[word].weight = max(0.0, words_[word].weight - entry.weight)
                words_[word].count = max(0, words_[word].count - entry.count)
    for key, entry in words_.items():
        if entry.count < least or (entry.count < 2 and not story.in_title(key)):
            continue
        if key in names:
            names[key].merge(entry)
            continue
        candidates.append((key, "subject", entry, 1.0))
    for key, entry in names.items():
        candidates.append((key, "name", entry, NAME_WEIGHT))
    return _finish(story.title_keys, candidates, limit, doc_freq)


# --- scripts without case ------------------------------------------------------------------------

_HAN_RUN: Final = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]{2,}")
_KATAKANA_RUN: Final = re.compile("[\u30a0-\u30ff\u31f0-\u31ff]{2,}")
# Function characters: a run holding one of the first kind, or starting or ending with one of
# the second, is not a term.
_CJK_INSIDE: Final = frozenset("的了是和与在及或也都就而着过吗呢吧啊")
_CJK_SPLIT: Final = re.compile(f"[{''.join(sorted(_CJK_INSIDE))}]+")
_CJK_EDGE: Final = frozenset("个们我你他她它这那其并但却已将从于被把向之")
# Repeated runs are looked for up to this many characters (longer ones are not terms).
CJK_MAX_RUN: Final = 8


def _cjk_key_terms(
    title: str, paragraphs: list[str], limit: int, doc_freq: Callable[[str], float] | None
) -> list[KeyTerm]:
    """The maximal repeated runs of Han characters, and katakana words (see the docstring)."""
    # Function characters split runs: no term holds one ("汽车的" is not a piece of a term).
    runs = [
        [r for m in _HAN_RUN.finditer(p) for r in _CJK_SPLIT.split(m.group()) if len(r) >= 2]
        for p in paragraphs
    ]
    # Every run counted over the whole story at once (Counter counts in C); the lead
    # paragraphs' additional weight is added separately.
    found: list[str] = [m.group() for p in paragraphs for m in _KATAKANA_RUN.finditer(p)]
    lead = [[m.group() for m in _KATAKANA_RUN.finditer(p)] for p in paragraphs[: len(LEAD_WEIGHTS)]]
    # Where each run of `size` characters starts; a run one longer can only repeat where this
    # one does, so each length is counted only there.
    starts = [[(r, i) for r, run in enumerate(p) for i in range(len(run) - 1)] for p in runs]
    counts: Counter[str] = Counter(found)
    size = 2
    while size <= CJK_MAX_RUN + 1 and any(starts):
        grams = [[runs[k][r][i : i + size] for r, i in here] for k, here in enumerate(starts)]
        level = Counter([g for para in grams for g in para])
        counts.update(level)
        for k in range(min(len(LEAD_WEIGHTS), len(grams))):
            lead[k] += grams[k]
        starts = [
            [
                (r, i)
                for (r, i), g in zip(here, grams[k], strict=True)
                if i + size < len(runs[k][r]) and level[g] >= 2
            ]
            for k, here in enumerate(starts)
        ]
        size += 1
    weights: dict[str, float] = {}
    for k, grams_k in enumerate(lead):
        bonus = LEAD_WEIGHTS[k] - 1.0
        for gram, n in Counter(grams_k).items():
            weights[gram] = weights.get(gram, 0.0) + bonus * n
    frequent = {g: c for g, c in counts.items() if c >= 2}
    order = {g: rank for rank, g in enumerate(frequent)}
    # A run inside a longer one that is nearly as frequent is a piece of it.
    longer: dict[str, int] = {}
    for gram, n in frequent.items():
        if len(gram) > 2:
            for piece in (gram[1:], gram[:-1]):
                longer[piece] = max(longer.get(piece, 0), n)
    candidates: list[Candidate] = []
    for gram, n in sorted(frequent.items()):
        if len(gram) > CJK_MAX_RUN or longer.get(gram, 0) >= 0.75 * n:
            continue
        if gram[0] in _CJK_EDGE or gram[-1] in _CJK_EDGE:
            continue
        bonus = TITLE_BONUS if gram in title else 0.0
        entry = _Entry(weight=n + weights.get(gram, 0.0) + bonus, count=n, first=order[gram])
        entry.surfaces[gram] = n
        candidates.append((gram, "subject", entry, 1 + 0.25 * (min(len(gram), 4) - 2)))
    return _finish("", candidates, limit, doc_freq)


def _caseless_key_terms(
    title: str, paragraphs: list[str], limit: int, doc_freq: Callable[[str], float] | None
) -> list[KeyTerm]:
    entries: dict[str, _Entry] = {}
    position = 0
    pattern = _token_pattern()
    for index, paragraph in enumerate(paragraphs):
        weight = _lead_weight(index)
        for m in pattern.finditer(paragraph):
            word = m.group()
            minimum = 2 if _HANGUL.search(word) else 4
            if len(word) < minimum or not _LETTER.search(word):
                continue
            entries.setdefault(_KEYS[word], _Entry()).add(weight, word, position + m.start())
        position += len(paragraph) + 2
    title_keys = " " + " ".join(_KEYS[w] for w in pattern.findall(title)) + " "
    candidates: list[Candidate] = []
    for key, entry in entries.items():
        in_title = f" {key} " in title_keys
        if entry.count < 2 and not in_title:
            continue
        if in_title:
            entry.weight += TITLE_BONUS
        candidates.append((key, "subject", entry, 1.0))
    return _finish("", candidates, limit, doc_freq)


# --- the public functions ------------------------------------------------------------------------


def _script(sample: str) -> str:
    """ "cased", "cjk", "unspaced" (Thai & co.) or "caseless" (Arabic, Korean...)."""
    if sample.isascii():
        return "cased"
    sample = sample[:1500]
    letters = sum(map(str.isalpha, sample))
    if letters == 0:
        return "cased"
    cased = len(_CASED_CHARS.findall(sample))
    cjk = len(_CJK_CHARS.findall(sample))
    if cjk >= 0.3 * letters:
        return "cjk"
    if len(_OTHER_UNSPACED.findall(sample)) >= 0.3 * letters:
        return "unspaced"
    return "cased" if cased >= 0.5 * letters else "caseless"


def term_key(term: str) -> str:
    """The term as matching sees it (lower case, no accents, one space between words): what
    ``doc_freq`` is called with, and what tells two terms apart."""
    return " ".join(words(term))


def key_terms(
    title: str,
    text: str,
    *,
    language: str = "",
    limit: int = 8,
    doc_freq: Callable[[str], float] | None = None,
) -> list[KeyTerm]:
    """The story's key terms, best first (see the module's docstring). ``language`` is a code
    such as "en" or "de-CH" ("" to guess); ``doc_freq(term_key(term))`` is the share of the
    reader's stories that hold a term."""
    if limit <= 0:
        return []
    title = title[:MAX_TITLE_CHARS]
    text = text[:MAX_TEXT_CHARS]
    script = _script(title + " " + text[:3000])
    if script == "unspaced":
        return []
    if script == "cjk":
        return _cjk_key_terms(title, _paragraphs(text), limit, doc_freq)
    if script == "caseless":
        return _caseless_key_terms(title, _paragraphs(text), limit, doc_freq)
    return _cased_key_terms(_Story(title, text, language), limit, doc_freq)


def topic_query(terms: Sequence[KeyTerm], max_terms: int = 6) -> str:
    """The query text of a new topic made from key terms: the first max_terms of them,
    comma-separated (``topics.parse_query`` reads it; "" when there is no term)."""
    chosen: list[str] = []
    seen: set[str] = set()
    for term in terms:
        text = " ".join(term.term.split())
        key = term_key(text)
        if not key or key in seen or len(text) > MAX_TERM_CHARS:
            continue
        seen.add(key)
        chosen.append(format_term(text))
        if len(chosen) >= max_terms:
            break
    return ", ".join(chosen)
