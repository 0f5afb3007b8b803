"""Recognising chrome: subtrees to drop before scoring, and blocks to drop after it."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from . import rules
from .dom import attr_words, normalize_space, tag_of

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


def is_hidden(el: HtmlElement) -> bool:
    get = el.get
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = get("style")
    return bool(style) and _HIDDEN_STYLE.search(style) is not None


PROSE_NODE_CHARS = 60
STORY_SHARE = 0.3


def prose_chars(el: HtmlElement) -> int:
    """Characters in long text nodes: a cheap measure of how much running text a subtree holds."""
    total = 0
    for text in el.itertext():
        n = len(text)
        if n >= PROSE_NODE_CHARS:
            n = len(text.strip())
            if n >= PROSE_NODE_CHARS:
                total += n
    return total


def _drop_tags_and_hidden(root: HtmlElement) -> None:
    doomed: list[HtmlElement] = []
    for el in root.iter():
        tag = tag_of(el)
        if not tag:
            doomed.append(el)
        elif tag in _NEVER_DROP:
            continue
        elif (
            tag in rules.DROP_TAGS
            or is_hidden(el)
            or (el.get("role") or "").lower() in _CHROME_ROLES
        ):
            doomed.append(el)
    for el in doomed:
        _remove_keep_tail(el)


def drop_chrome(root: HtmlElement) -> None:
    """Remove script/style/nav/aside/..., hidden subtrees and subtrees whose class/id is chrome.

    A subtree that holds a large share of the page's running text is kept whatever its class
    says: wrappers are named after layouts ("rail", "widget") more often than after content.
    """
    _drop_tags_and_hidden(root)
    story_floor = STORY_SHARE * prose_chars(root)
    doomed: list[HtmlElement] = []
    doomed_set: set[HtmlElement] = set()
    for el in root.iter():
        parent = el.getparent()
        if parent is not None and parent in doomed_set:
            doomed_set.add(el)
            continue
        if tag_of(el) in _NEVER_DROP:
            continue
        words = attr_words(el)
        if words and is_boilerplate_attrs(words):
            strong = _STRONG.search(words) is not None
            if not strong and story_floor > 0 and prose_chars(el) >= story_floor:
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


def is_chrome_text(text: str) -> bool:
    """Whether a block or line of text is chrome by its words alone."""
    text = normalize_space(text)
    if not text or _MARKUP.match(text):
        return True
    if len(text) <= 300 and _CHROME_LINE.fullmatch(text):
        return True
    return len(text) <= rules.CHROME_PHRASE_MAX_CHARS and _CHROME_PHRASE.search(text) is not None
