"""Recognising chrome: subtrees to drop before scoring, and blocks to drop after it."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from . import rules
from .dom import normalize_space

_SPLIT_WORDS = re.compile(r"[\s_\-]+")
_BOILERPLATE_WORDS = frozenset(rules.BOILERPLATE_WORDS)
_BOILERPLATE_SUBSTRINGS = re.compile("|".join(re.escape(s) for s in rules.BOILERPLATE_SUBSTRINGS))
_STRONG = re.compile("|".join(re.escape(s) for s in rules.STRONG_BOILERPLATE))
_CONTENT_WORDS = frozenset(rules.CONTENT_WORDS)
_CHROME_LINE = re.compile(
    "(?:" + "|".join(f"(?:{p})" for p in rules.CHROME_LINES) + r")[\s.:!?|>»›→-]*",  # noqa: RUF001
    re.IGNORECASE,
)
_CHROME_PHRASE = re.compile("|".join(re.escape(p) for p in rules.CHROME_PHRASES), re.IGNORECASE)
# The phrases as lower-case substrings: for ASCII phrases, IGNORECASE matching equals a plain
# substring test on the lower-cased text unless the text holds one of the four non-ASCII
# characters that re folds onto ASCII letters (dotted/dotless i, long s, Kelvin sign).
_PHRASES_LOWER = tuple(p.lower() for p in rules.CHROME_PHRASES)
_PHRASES_BY_SUBSTRING = bool(_PHRASES_LOWER) and all(p.isascii() for p in _PHRASES_LOWER)
_FOLDS_ONTO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
_MARKUP = re.compile(r"^\s*</?[a-zA-Z][^>]*>")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu", "menubar"}
)
_NEVER_DROP = frozenset({"html", "body", "main"})


def is_boilerplate_attrs(words: str) -> bool:
    """Whether a class/id/role string names chrome (and does not name the story)."""
    if not words:
        return False
    tokens = words.split()
    if any(t in _CONTENT_WORDS for t in tokens):
        return False
    if any(w in _BOILERPLATE_WORDS for w in _SPLIT_WORDS.split(words)):
        return True
    return _BOILERPLATE_SUBSTRINGS.search(words) is not None


PROSE_NODE_CHARS = 60
STORY_SHARE = 0.3

# Text nodes long enough to count as prose, found by libxml2 rather than by walking in Python.
_LONG_TEXTS = etree.XPath(
    f"descendant::text()[string-length(.) >= {PROSE_NODE_CHARS}]", smart_strings=False
)


def prose_chars(el: HtmlElement) -> int:
    """Characters in long text nodes: a cheap measure of how much running text a subtree holds."""
    total = 0
    for text in _LONG_TEXTS(el):
        n = len(text.strip())
        if n >= PROSE_NODE_CHARS:
            total += n
    return total


_WEAK, _STRONG_CHROME = 1, 2
_NAMING = ("class", "id", "role")
# Token classes: a class/id/role token names the story, names chrome, names sure-fire chrome.
_T_CONTENT, _T_CHROME, _T_STRONG = 1, 2, 4
# is_boilerplate_attrs decides token by token when no pattern spans whitespace (ids are unique,
# so a page's class/id strings rarely repeat whole, but their tokens do).
_TOKENWISE = "" not in _BOILERPLATE_WORDS and not any(
    ch.isspace() for s in (*rules.BOILERPLATE_SUBSTRINGS, *rules.STRONG_BOILERPLATE) for ch in s
)


def _token_class(token: str) -> int:
    """The _T_* bits of one whitespace-free token of a class/id/role string."""
    bits = 0
    if token in _CONTENT_WORDS:
        bits |= _T_CONTENT
    # What _SPLIT_WORDS cuts a whitespace-free token into (runs of separators leave "" pieces,
    # which name nothing).
    pieces = token.replace("_", "-").split("-") if "-" in token or "_" in token else (token,)
    if (
        any(w in _BOILERPLATE_WORDS for w in pieces)
        or _BOILERPLATE_SUBSTRINGS.search(token) is not None
    ):
        bits |= _T_CHROME
    if _STRONG.search(token) is not None:
        bits |= _T_STRONG
    return bits


class _Namer:
    """Chrome strength (0, _WEAK, _STRONG_CHROME) of class/id/role strings, memoised per page."""

    __slots__ = ("tokens", "words")

    def __init__(self) -> None:
        self.words: dict[str, int] = {}
        self.tokens: dict[str, int] = {}

    def strength(self, words: str) -> int:
        strength = self.words.get(words)
        if strength is None:
            strength = self._tokenwise(words) if _TOKENWISE else self._whole(words)
            self.words[words] = strength
        return strength

    def _tokenwise(self, words: str) -> int:
        bits = 0
        tokens = self.tokens
        for token in words.split():
            found = tokens.get(token)
            if found is None:
                found = tokens[token] = _token_class(token)
            bits |= found
        if bits & _T_CONTENT or not bits & _T_CHROME:
            return 0
        return _STRONG_CHROME if bits & _T_STRONG else _WEAK

    @staticmethod
    def _whole(words: str) -> int:
        if not is_boilerplate_attrs(words):
            return 0
        return _STRONG_CHROME if _STRONG.search(words) is not None else _WEAK


_HIDING = frozenset({"hidden", "aria-hidden", "style", "role"})


def _hidden_by(attrs: dict[str, str]) -> bool:
    """is_hidden and the chrome-role test, on an element's attributes already read."""
    if _HIDING.isdisjoint(attrs):
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(style) is not None:
        return True
    return (attrs.get("role") or "").lower() in _CHROME_ROLES


def _classify(
    root: HtmlElement,
) -> tuple[list[HtmlElement], list[tuple[HtmlElement, int]]]:
    """One walk: what goes by its tag or hidden state (not entered: it all goes), and the
    elements left whose class/id/role names chrome with how surely, both in document order."""
    by_state: list[HtmlElement] = []
    by_name: list[tuple[HtmlElement, int]] = []
    namer = _Namer()
    walker = etree.iterwalk(root, events=("start", "comment", "pi"))
    for event, el in walker:
        if event != "start":
            by_state.append(el)
            continue
        tag = el.tag.lower()
        if tag in _NEVER_DROP:
            continue
        if tag in rules.DROP_TAGS:
            by_state.append(el)
            walker.skip_subtree()
            continue
        items = el.items()
        if not items:
            continue
        attrs = dict(reversed(items))  # the first of duplicated names wins, as el.get does
        if _hidden_by(attrs):
            by_state.append(el)
            walker.skip_subtree()
            continue
        words = " ".join([v for v in map(attrs.get, _NAMING) if v]).lower()
        if words:
            strength = namer.strength(words)
            if strength:
                by_name.append((el, strength))
    return by_state, by_name


def _attached(el: HtmlElement, root: HtmlElement, doomed: set[HtmlElement]) -> bool:
    """Whether el is still in root's tree and not inside an element already doomed."""
    top = el
    for top in el.iterancestors():
        if top in doomed:
            return False
    return top is root


def drop_chrome(root: HtmlElement) -> None:
    """Remove script/style/nav/aside/..., hidden subtrees and subtrees whose class/id is chrome.

    A subtree that holds a large share of the page's running text is kept whatever its class
    says: wrappers are named after layouts ("rail", "widget") more often than after content.
    """
    by_state, by_name = _classify(root)
    for el in by_state:
        _remove_keep_tail(el)
    story_floor = STORY_SHARE * prose_chars(root)
    doomed: list[HtmlElement] = []
    doomed_set: set[HtmlElement] = set()
    for el, strength in by_name:
        if strength == _WEAK and story_floor > 0:
            # Only the text of a live subtree can save it (and only then is it worth counting).
            if not _attached(el, root, doomed_set):
                continue
            if prose_chars(el) >= story_floor:
                continue
        doomed.append(el)
        doomed_set.add(el)
    for el in doomed:
        _remove_keep_tail(el)


_XML_INCOMPATIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _remove_keep_tail(el: HtmlElement) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        # libxml2 keeps control characters it parsed but lxml refuses them in a new string.
        tail = _XML_INCOMPATIBLE.sub("", tail)
        prev = el.getprevious()
        if prev is not None:
            prev.tail = _XML_INCOMPATIBLE.sub("", prev.tail or "") + tail
        else:
            parent.text = _XML_INCOMPATIBLE.sub("", parent.text or "") + tail
    parent.remove(el)


# Texts longer than this many characters once spaces are normalised are chrome only by markup.
_CHROME_TEXT_MAX_CHARS = max(300, rules.CHROME_PHRASE_MAX_CHARS)
_HEAD_CHARS = 4 * _CHROME_TEXT_MAX_CHARS


def is_chrome_text(text: str) -> bool:
    """Whether a block or line of text is chrome by its words alone."""
    if (
        len(text) > _HEAD_CHARS
        and len(normalize_space(text[:_HEAD_CHARS])) > _CHROME_TEXT_MAX_CHARS
    ):
        # Long prose: normalising a prefix already proves the whole is too long for the word
        # tests, and _MARKUP ignores how spaces run, so the (maybe huge) text is not normalised.
        return _MARKUP.match(text) is not None
    text = normalize_space(text)
    if not text or _MARKUP.match(text):
        return True
    if len(text) <= 300 and _CHROME_LINE.fullmatch(text):
        return True
    return len(text) <= rules.CHROME_PHRASE_MAX_CHARS and _has_chrome_phrase(text)


def _has_chrome_phrase(text: str) -> bool:
    """_CHROME_PHRASE.search, by substring tests where that gives the same answer (5x faster)."""
    if _PHRASES_BY_SUBSTRING and (text.isascii() or _FOLDS_ONTO_ASCII.search(text) is None):
        lower = text.lower()
        return any(phrase in lower for phrase in _PHRASES_LOWER)
    return _CHROME_PHRASE.search(text) is not None
