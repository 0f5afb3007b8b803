"""Bylines: cleaning author strings, and finding the byline in the page when no metadata names one.

The page search looks at elements that say they hold an author (rel=author, itemprop=author, a
class or id such as "byline", "author", "writer"), in document order, preferring the first one
after the headline (<h1>). Inside the chosen element, the smallest elements that name one person
(an author link, itemprop=name, a class with "name" or "author") win over the element's whole
text, which often carries a date, a job title or share buttons too. Otherwise the element's text
is used, with a leading "By" and a trailing date removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from .dom import attr_words, normalize_space, tag_of

# "By", "Written by", and the same in the languages of the papers most people save.
BY_PREFIX = re.compile(
    r"^(?:by|written by|words by|posted by|story by|text by|reporting by|from|par|von|por|di|"
    r"door|av|af|de|от)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zé]*\.?"
# A date, time or "updated ..." tail after the names: everything from it to the end goes.
_DATE_TAIL = re.compile(
    r"(?:\s*[|,·•—–-])?\s*(?:"  # noqa: RUF001
    r"\b(?:published|updated|posted|last updated|first published)\b.*"
    r"|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+" + _MONTH + r".*"
    r"|\b" + _MONTH + r"\s+\d{1,2}\b.*"
    r"|\b\d{1,2}\.?\s+" + _MONTH + r"(?:\s|$).*"
    r"|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b.*"
    r"|\b\d{4}-\d{2}-\d{2}\b.*"
    r"|\b\d{1,2}:\d{2}\b.*"
    r"|\b\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago\b.*"
    r")$",
    re.IGNORECASE,
)
_AUTHOR_WORDS = ("byline", "author", "writer", "writtenby", "auteur", "autor")
_AUTHOR_ATTR = re.compile("|".join(_AUTHOR_WORDS))
_NAME_ATTR = re.compile(r"name|author|\bfn\b")
# Parts of an author box that are not the name: pictures, biographies, follow buttons, dates.
_NOT_NAME_ATTR = re.compile(
    r"thumb|avatar|photo|image|img|pic|bio|desc|about|social|follow|share|date|time|title"
    r"|heading|label|twitter|email|mail|job|role|position|source|publisher|partner|provider"
    r"|logo|brand"
)
_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "img",
        "input",
        "meta",
        "link",
        "time",
        "button",
        "svg",
        "select",
        "option",
        "textarea",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "nav",
        "head",
        "title",
    }
)
# Labels that sit in author boxes but name nobody.
_LABELS = frozenset(
    {"author", "authors", "by", "about the author", "follow", "follow author", "more", "share"}
)
MAX_BYLINE_CHARS = 100
MAX_NAME_WORDS = 5
MAX_CANDIDATES = 50


def clean_byline(text: str) -> str:
    """'By Ann Lee, March 3, 2024' -> 'Ann Lee'."""
    text = normalize_space(text)
    text = BY_PREFIX.sub("", text)
    text = _DATE_TAIL.sub("", text)
    text = BY_PREFIX.sub("", text)
    return text.strip(" ,;:|·•—–-")  # noqa: RUF001


def join_names(names: Iterable[str]) -> str:
    """Several authors, each cleaned, duplicates and URLs dropped: 'A', 'A and B', 'A, B and C'."""
    seen: list[str] = []
    for raw in names:
        name = clean_byline(raw)
        if name and not name.startswith(("http://", "https://")) and name not in seen:
            seen.append(name)
    if len(seen) <= 2:
        return " and ".join(seen)
    return ", ".join(seen[:-1]) + " and " + seen[-1]


def _claims_author(el: HtmlElement) -> bool:
    if "author" in (el.get("rel") or "").lower():
        return True
    if "author" in (el.get("itemprop") or "").lower():
        return True
    return bool(_AUTHOR_ATTR.search(attr_words(el)))


def _usable(text: str) -> bool:
    return (
        bool(text)
        and len(text) <= MAX_BYLINE_CHARS
        and text.casefold() not in _LABELS
        and any(ch.isalpha() for ch in text)
    )


def _is_name_part(el: HtmlElement) -> bool:
    if tag_of(el) in _SKIP_TAGS:
        return False
    if "author" in (el.get("rel") or "").lower():
        return True
    prop = (el.get("itemprop") or "").lower()
    if "publisher" in prop:
        return False
    if "name" in prop or "author" in prop:
        return True
    words = attr_words(el)
    return bool(_NAME_ATTR.search(words)) and not _NOT_NAME_ATTR.search(words)


def _names_inside(el: HtmlElement) -> list[str]:
    """The texts of the innermost name-like elements under ``el`` that look like one name."""
    parts = [d for d in el.iterdescendants() if isinstance(d.tag, str) and _is_name_part(d)]
    innermost = [p for p in parts if not any(q is not p and _contains(p, q) for q in parts)]
    names: list[str] = []
    for part in innermost:
        text = clean_byline(part.text_content())
        if (
            _usable(text)
            and len(text.split()) <= MAX_NAME_WORDS
            and not any(ch.isdigit() for ch in text)
        ):
            names.append(text)
    return names


def _contains(outer: HtmlElement, inner: HtmlElement) -> bool:
    parent = inner.getparent()
    while parent is not None:
        if parent is outer:
            return True
        parent = parent.getparent()
    return False


def _skipped(el: HtmlElement) -> bool:
    parent: HtmlElement | None = el
    while parent is not None:
        if tag_of(parent) in _SKIP_TAGS:
            return True
        parent = parent.getparent()
    return False


# A cheap first test on raw class and id values (most elements fail it); _claims_author decides.
_MAYBE_AUTHOR = re.compile(r"uthor|utor|yline|riter|uteur")
# The byline sits in the headline's block: the search starts this many levels above the <h1>.
HEADER_LEVELS = 4
# Elements the search looks at, at most (it runs on untrusted pages).
MAX_ELEMENTS = 5000


def _maybe_author(el: HtmlElement) -> bool:
    for attr in ("class", "id"):
        value = el.get(attr)
        if value and _MAYBE_AUTHOR.search(value):
            return True
    for attr in ("rel", "itemprop"):
        value = el.get(attr)
        if value and "uthor" in value:
            return True
    return False


def _header(h1: HtmlElement, body: HtmlElement | None) -> HtmlElement:
    scope = h1
    for _ in range(HEADER_LEVELS):
        parent = scope.getparent()
        if parent is None or parent is body or tag_of(parent) == "html":
            break
        scope = parent
    return scope


def _search(scope: HtmlElement, h1: HtmlElement | None) -> str:
    """The first usable author element after ``h1`` in ``scope``, else the first one."""
    after = h1 is None
    first = ""
    candidates = 0
    for i, el in enumerate(scope.iter()):
        if i > MAX_ELEMENTS or candidates > MAX_CANDIDATES:
            break
        if el is h1:
            after = True
            continue
        if not isinstance(el.tag, str) or not _maybe_author(el):
            continue
        if tag_of(el) in _SKIP_TAGS or not _claims_author(el) or _skipped(el):
            continue
        candidates += 1
        names = _names_inside(el)
        byline = join_names(names) if names else clean_byline(el.text_content())
        if not _usable(byline) or any(ch.isdigit() for ch in byline):
            continue
        if after:
            return byline
        first = first or byline
    return first


def page_byline(root: HtmlElement) -> str:
    """The byline the page shows, or "".

    It is looked for first in the headline's block (a few levels above the first <h1>), then
    in the whole body; in each, the first usable author element after the <h1> wins over one
    before it.
    """
    body = next(root.iter("body"), None)
    h1 = next(root.iter("h1"), None)
    if h1 is not None:
        found = _search(_header(h1, body), h1)
        if found:
            return found
    return _search(body if body is not None else root, h1)
