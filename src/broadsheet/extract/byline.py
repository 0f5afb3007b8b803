"""Bylines: cleaning author strings, and finding the byline in the page when no metadata names one.

The page search looks at elements that say they hold an author (rel=author, itemprop=author, a
class or id such as "byline", "author", "writer"), in document order, preferring the first one
after the headline (<h1>). Inside the chosen element, the smallest elements that name one person
(an author link, itemprop=name, a class with "name" or "author") win over the element's whole
text, which often carries a date, a job title or share buttons too. Otherwise the element's text
is used (without scripts, buttons, dates and the box's non-name parts), with a leading "By", a
trailing date and a trailing "Edited by ..." credit removed.

Comment threads and comment forms are not bylines ("Name (required)", commenters' names), and
neither are user names such as "admin". Candidates are found by a walk that stops at the byline,
and checks each element's attributes once (in C where the compiled walks are built), so the
search costs little. Only the lxml.etree
element API is used, so the search works on trees from lxml.html and lxml.etree parsers alike.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from types import ModuleType

from lxml import etree
from lxml.etree import _Element as Element  # from lxml.html or lxml.etree parsers alike

from . import compiled, dom, rules
from .compiled import walk as _compiled
from .dom import attr_words, normalize_space, tag_of

# "By", "Written by", and the same in the languages of the papers most people save.
BY_PREFIX = re.compile(
    r"^(?:" + "|".join(sorted(map(re.escape, rules.BYLINE_LABELS), key=len, reverse=True)) + r")"
    r"\s*[:\-]?\s+",
    re.IGNORECASE,
)
# A byline that is a label and nothing else: "Article by", "By:".
_LABEL_ONLY = re.compile(
    r"^(?:" + "|".join(map(re.escape, rules.BYLINE_LABELS)) + r")\s*[:\-]?$", re.IGNORECASE
)
# Interface text from where it starts to the end (rules.BYLINE_UI_PHRASES, BYLINE_UI_WORDS).
_UI_TAIL = re.compile(
    r"\b(?:" + "|".join(map(re.escape, rules.BYLINE_UI_PHRASES)) + r")\b.*$"
    r"|(?:^|[,;|·•—–]|\s-\s)\s*(?:"  # noqa: RUF001
     + "|".join(map(re.escape, rules.BYLINE_UI_WORDS)) + r")\b.*$",
    re.IGNORECASE,
)
# Prose, not a name: a question, an exclamation, an ellipsis, or a sentence's full stop after a
# lower-case word ("Now that you've bought a telescope, here are some ideas ... observing.";
# "Jr.", "Esq.", "C." are no such ending). Judged only on texts of PROSE_WORDS words or more.
_PROSE = re.compile(r"[?!…]|\.\.\.|\b[a-zß-ÿ]{3,}[.!?]\s*$")
PROSE_WORDS = 6
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zé]*\.?"
# A date, time or "updated ..." tail after the names: everything from it to the end goes.
_DATE_TAIL = re.compile(
    r"(?:\s*[|,/·•—–-])?\s*(?:"  # noqa: RUF001
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
# Credits for other work after the author's name: "Rob Lee Edited by Ann Ray" -> "Rob Lee".
_CREDIT_TAIL = re.compile(
    r"\s*[,;|]?\s*\b(?:edited|illustrated|illustrations|photographs|photos|photography|graphics"
    r"|produced|translated|fact-checked|additional reporting)\s+by\b.*$",
    re.IGNORECASE,
)
# "author" anywhere in a class ("postauthor", "entry-author"); the Romance spellings only at the
# start of a word, so "autoreviews" or "autorun" do not claim an author.
_AUTHOR_ATTR = re.compile(r"byline|author|writer|writtenby|(?<![a-z])(?:auteur|autor)")
# Comment threads and comment forms: "commentlist", "comment-author", "dsq-comment-header".
_COMMENT_ATTR = re.compile(r"(?:^|[\s_-])comment")
_NAME_ATTR = re.compile(r"name|author|\bfn\b")
# Parts of an author box that are not the name: pictures, biographies, follow buttons, dates.
_NOT_NAME_ATTR = re.compile(
    r"thumb|avatar|photo|image|img|pic|bio|desc|about|social|follow|share|date|time|title"
    r"|heading|label|twitter|email|mail|job|role|position|source|publisher|partner|provider"
    r"|logo|brand|menu|dropdown|popup|tooltip"
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
        "label",
    }
)
_PAGE_TAGS = frozenset({"html", "body"})
# Descendants whose text is never part of a name in an author box.
_NO_TEXT_TAGS = frozenset(
    {"script", "style", "noscript", "template", "button", "select", "option", "textarea", "svg"}
)
# Labels that sit in author boxes, and user names, that name nobody a reader would recognise.
_LABELS = frozenset(
    {
        "author",
        "authors",
        "by",
        "about",
        "about the author",
        "follow",
        "follow author",
        "more",
        "share",
        "profile",
        "view profile",
        "view my complete profile",
        "view all posts",
        "name",
        "admin",
        "administrator",
        "webmaster",
        "editor",
        "editorial",
        "staff",
        "guest",
        "anonymous",
        "unknown",
    }
)
# Words that name nobody, alone or together ("About me", "author admin", "The Editor").
_LABEL_WORDS = frozenset(word for label in _LABELS for word in label.split()) | {
    "me",
    "us",
    "the",
    "this",
    "blog",
    "site",
    "team",
}
MAX_BYLINE_CHARS = 100
MAX_NAME_WORDS = 5
# More names than this in one author box is a list of people, not a byline.
MAX_NAMES = 5
MAX_CANDIDATES = 50


def clean_byline(text: str) -> str:
    """'By Ann Lee, March 3, 2024' -> 'Ann Lee'."""
    text = normalize_space(text)
    text = BY_PREFIX.sub("", text)
    text = _DATE_TAIL.sub("", text)
    text = BY_PREFIX.sub("", text)
    credit = _CREDIT_TAIL.search(text)
    if credit and credit.start() > 0:
        text = text[: credit.start()]
    interface = _UI_TAIL.search(text)
    if interface:
        text = text[: interface.start()]
    if _LABEL_ONLY.match(text):
        return ""
    return text.strip(_SEPARATORS)


def names_of_line(text: str) -> str:
    """The names a byline line of the body gives, to compare with the byline: its label (on
    the line, or alone on a line above it: "Article by" / "Ann Lee") and an agency after the
    names ("Ann Lee, Reuters") taken off. Nothing else is: a headline cut at a date is no byline."""
    first, _, rest = text.partition("\n")
    if rest and _LABEL_ONLY.match(first.strip()):
        text = rest
    return split_credit(BY_PREFIX.sub("", normalize_space(text)))[0]


def join_names(names: Iterable[str]) -> str:
    """Several authors, each cleaned, duplicates and URLs dropped: 'A', 'A and B', 'A, B and C'."""
    seen: list[str] = []
    for raw in names:
        name = clean_byline(raw)
        if (
            name
            and name.casefold() not in _LABELS
            and not name.startswith(("http://", "https://"))
            and name not in seen
        ):
            seen.append(name)
    if len(seen) <= 2:
        return " and ".join(seen)
    return ", ".join(seen[:-1]) + " and " + seen[-1]


# What may stand between the names and what follows them: "Ann Lee, Reuters /", "Ann Lee | AP".
_SEPARATORS = " ,;:|/·•—–-"  # noqa: RUF001
# A segment boundary in a byline, before an agency: a comma, semicolon, bar, slash, bullet, a
# dash between spaces (not the hyphen of "Roberts-Grey"), "for" ("Ann Lee for Reuters"), a line.
_SEGMENT = re.compile(r"\s*(?:[,;|/·•\n]|[—–]|\s-\s|\s(?i:for)\s)\s*")  # noqa: RUF001
# A name in parentheses at the end: "Ann Lee (Reuters)".
_PARENTHESISED = re.compile(r"\s*\(([^()]{1,60})\)\s*$")
# A web address standing for its site: "NJ.com", "CBSNews.com", "www.paper.example".
_DOMAIN = re.compile(
    r"(?:www\.)?[a-z0-9][a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|info|news|[a-z]{2})",
    re.IGNORECASE,
)
_AGENCIES = frozenset(name.casefold() for name in rules.WIRE_AGENCIES if len(name) > 3)
_SHORT_AGENCIES = frozenset(
    spelling for name in rules.WIRE_AGENCIES if len(name) <= 3 for spelling in (name, name.upper())
)
# Agencies of several words, which may follow the names after a space alone: the text of two
# boxes run together ("ERIC TUCKER Associated Press").
_SPACED_AGENCIES = tuple(
    " " + name.casefold() for name in rules.WIRE_AGENCIES if " " in name and len(name) > 3
)
MAX_AGENCY_SEGMENTS = 3
# An author box whose visible text is longer than this is more than a byline: no agency is read
# from its lines.
MAX_AGENCY_BOX_CHARS = 2 * MAX_BYLINE_CHARS


def _wire(text: str) -> bool:
    """Whether ``text`` is a wire agency of the table (rules.WIRE_AGENCIES)."""
    return text in _SHORT_AGENCIES or text.casefold() in _AGENCIES


# Small words that may stay lower case inside a name: "Press Trust of India", "the CNN Wire".
_NAME_PARTICLES = frozenset({"the", "of", "for", "and", "&", "de", "del", "la", "di", "der", "für"})


def _organisation(text: str) -> bool:
    """Whether ``text`` names an organisation, not a person: a wire agency of the table, a web
    address ("NJ.com"), or a name of two to six capitalised words ("of", "de" … may be lower
    case) that starts with "The" ("The Star-Ledger") or ends with a word organisations' names
    end with ("NBC News", "Statehouse Bureau"); not "Education reporter BBC News", a title."""
    if _wire(text) or _DOMAIN.fullmatch(text):
        return True
    if any(ch in text for ch in ",;|"):
        return False  # several segments: "Jane Roe, John Doe, Associated Press" is no one name
    words = text.split()
    if not 2 <= len(words) <= 6:
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w in _NAME_PARTICLES for w in words[1:]):
        return False
    if words[0] in ("The", "THE"):
        return True
    last = words[-1].casefold().rsplit("-", 1)[-1]
    return last in rules.ORGANISATION_WORDS


def agency_name(segment: str) -> str:
    """The agency a byline segment names ("Reuters", "AP" for "AP Auto Writer"), or ""."""
    text = segment.strip(_SEPARATORS + ".")
    if not text or len(text) > MAX_BYLINE_CHARS:
        return ""
    if _organisation(text):
        return text
    words = text.split()
    # A job title after the agency's name: "AP Auto Writer", "Associated Press Writer".
    if 2 <= len(words) <= 6 and words[-1].casefold() in rules.BYLINE_ROLE_WORDS:
        for cut in range(1, len(words)):
            head = " ".join(words[:cut])
            if head.casefold() == "the":
                continue
            if _organisation(head):
                return head
    return ""


def split_credit(byline: str) -> tuple[str, str]:
    """A byline's names and the agency credited after them (or "" when none):
    "Jane Roe and John Doe, Associated Press /" -> ("Jane Roe and John Doe", "Associated Press");
    "Amy Lee | NJ Advance Media for NJ.com" -> ("Amy Lee", "NJ Advance Media for NJ.com");
    "det/dpa" -> ("det", "dpa"). A byline that is an agency and nothing else stays the byline
    and is the agency too: "Reuters" -> ("Reuters", "Reuters")."""
    text = byline.strip(_SEPARATORS)
    if not text:
        return "", ""
    rest = text
    found: list[str] = []
    cut = len(text)
    # An address ("Frank Lee - http://lee.example") has slashes that separate nothing.
    segments = "://" not in text
    for _ in range(MAX_AGENCY_SEGMENTS):
        rest = rest.rstrip(_SEPARATORS)
        start = 0
        paren = _PARENTHESISED.search(rest)
        if paren:
            name, start = agency_name(paren.group(1)), paren.start()
        else:
            boundaries = list(_SEGMENT.finditer(rest)) if segments else []
            if boundaries:
                start = boundaries[-1].start()
                name = agency_name(rest[boundaries[-1].end() :])
            else:
                name = agency_name(rest)
            if not name:
                folded = rest.casefold()
                spaced = (  # one C call over all of them first: most texts end in none
                    next(a for a in _SPACED_AGENCIES if folded.endswith(a))
                    if folded.endswith(_SPACED_AGENCIES)
                    else ""
                )
                if spaced:
                    start = len(rest) - len(spaced)
                    name = rest[start + 1 :]
        if not name:
            break
        found.insert(0, name)
        rest, cut = rest[:start], start
        if not start:
            break
    if not found:
        return text, ""
    names = rest.strip(_SEPARATORS)
    if not names or not any(ch.isalpha() for ch in names):
        # No person: the byline stays whole, and is the agency when it is a wire agency's
        # ("Reuters", "AFP/The Local" -> "AFP"); a site naming itself ("BBC News") is no agency.
        wires = [name for name in found if _wire(name)]
        if len(wires) == len(found) > 1:
            return text, text
        return text, wires[0] if wires else ""
    agency = found[0] if len(found) == 1 else text[cut:].strip(_SEPARATORS)
    return names, agency


def credit_of(names: Iterable[str]) -> tuple[str, str]:
    """Several author values (JSON-LD's authors, one <meta> per author) as (byline, agency):
    the people joined as join_names joins them, agencies among them or after a name in the
    agency field. With no person, the agencies are the byline too."""
    people: list[str] = []
    agencies: list[str] = []
    for raw in names:
        person, agency = split_credit(clean_byline(raw))
        if agency and agency not in agencies:
            agencies.append(agency)
        if person and person != agency:
            people.append(person)
    byline = join_names(people) or join_names(agencies)
    return byline, " and ".join(agencies) if byline else ""


def _claims_author(el: Element) -> bool:
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
        and not _LABEL_WORDS.issuperset(text.casefold().split())
        and not (len(text.split()) >= PROSE_WORDS and _PROSE.search(text))
    )


def _is_name_part(el: Element) -> bool:
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


# An author box is small: past this many elements the candidate is a wrapper (a whole post
# classed "entry-author-x"), and only its first elements are looked at for names.
MAX_BOX_ELEMENTS = 300
# Text longer than this (scripts included) cannot be a byline, whatever is taken out of it.
MAX_BOX_CHARS = 20 * MAX_BYLINE_CHARS
_STRING_LENGTH = etree.XPath("string-length(.)")


def _names_inside(el: Element) -> list[str]:
    """The texts of the innermost name-like elements under ``el`` that look like one name."""
    parts: list[Element] = []
    if _compiled is not None:
        # The same loop in C: a proxy only for the parts.
        parts = _compiled.name_parts(
            el, MAX_BOX_ELEMENTS, _SKIP_TAGS, _NAME_ATTR.search, _NOT_NAME_ATTR.search
        )
    else:
        for i, d in enumerate(el.iterdescendants()):
            if i >= MAX_BOX_ELEMENTS:
                break
            if isinstance(d.tag, str) and _is_name_part(d):
                parts.append(d)
    innermost = [p for p in parts if not any(q is not p and _contains(p, q) for q in parts)]
    names: list[str] = []
    for part in innermost:
        text = clean_byline(box_text(part))
        if (
            _usable(text)
            and len(text.split()) <= MAX_NAME_WORDS
            and not any(ch.isdigit() for ch in text)
        ):
            names.append(text)
    return names


def box_text(el: Element, drop_parts: bool = False, lines: bool = False) -> str:
    """The text a reader sees in ``el``: no scripts, styles or buttons, and with ``drop_parts``
    none of the author box's non-name parts (photos, job titles, dates, follow menus) either.

    Block elements and <br> part words ("ERIC TUCKER</div><div>Associated Press" is two
    lines, not "TUCKERAssociated"); with ``lines`` they part lines, one "\n" between them."""
    out: list[str] = []
    _collect_text(el, out, drop_parts, "\n" if lines else " ")
    if not lines:
        return normalize_space("".join(out))
    return "\n".join(filter(None, map(normalize_space, "".join(out).split("\n"))))


def _collect_text(el: Element, out: list[str], drop_parts: bool, brk: str) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            name = tag.lower()
            if name == "br":
                out.append(brk)
            elif not (
                name in _NO_TEXT_TAGS
                or name == "time"
                or (drop_parts and _NOT_NAME_ATTR.search(attr_words(child)))
            ):
                block = name in rules.BLOCK_TAGS
                if block:
                    out.append(brk)
                _collect_text(child, out, drop_parts, brk)
                if block:
                    out.append(brk)
        if child.tail:
            out.append(child.tail)


def _contains(outer: Element, inner: Element) -> bool:
    parent = inner.getparent()
    while parent is not None:
        if parent is outer:
            return True
        parent = parent.getparent()
    return False


def _skipped(el: Element) -> bool:
    """Inside chrome that never holds the article's byline: navigation, headings, figures, the
    <head>, and comment threads or forms (class or id "comment...")."""
    parent: Element | None = el
    while parent is not None:
        tag = tag_of(parent)
        if tag in _SKIP_TAGS:
            return True
        if tag not in ("body", "html") and _COMMENT_ATTR.search(attr_words(parent)):
            return True
        parent = parent.getparent()
    return False


# Elements that may claim an author (a cheap test on raw class and id values that most elements
# fail; _claims_author decides), and the <h1>s. Case-sensitive, like the substrings it looks for
# ("Author" and "author" both hold "uthor").
_MAYBE_AUTHOR = re.compile("uthor|utor|yline|riter|uteur")


def _candidates(scope: Element) -> Iterator[Element]:
    """scope and its descendants that may claim an author, and the <h1>s, in document order.

    A generator: the search usually stops at the byline under the headline, long before the end
    of the page. A Python walk over el.items() costs less than the XPath query it replaces (whose
    contains() tests copy every class string five times) and the walk stops early.
    """
    if _compiled is not None:
        # The same walk in C (_walk.pyx), as lazy: a proxy only for the elements it yields.
        yield from _compiled.AuthorCandidates(scope)
        return
    search = _MAYBE_AUTHOR.search
    for el in scope.iter(etree.Element):
        if el.tag == "h1":
            yield el
            continue
        for key, value in el.items():
            if (key == "class" or key == "id") and search(value) is not None:
                yield el
                break
            if (key == "rel" or key == "itemprop") and "uthor" in value:
                yield el
                break


# The byline sits in the headline's block: the search starts this many levels above the <h1>.
HEADER_LEVELS = 4
# Elements the query may return that the search looks at, at most (it runs on untrusted pages).
MAX_ELEMENTS = 1000


def _header(h1: Element, body: Element | None) -> Element:
    scope = h1
    for _ in range(HEADER_LEVELS):
        parent = scope.getparent()
        if parent is None or parent is body or tag_of(parent) == "html":
            break
        scope = parent
    return scope


# What _element_byline answers for a list of people: nothing inside it is a byline either.
_PEOPLE = "\x00people"


def _element_byline(el: Element) -> str:
    """The byline an author element gives: the names inside it, else its visible text without
    its non-name parts, else its whole visible text."""
    names = _names_inside(el)
    if len(names) > MAX_NAMES:
        return _PEOPLE  # a list of people (a thread, a staff page), not the story's byline
    if names:
        return join_names(names)
    if _STRING_LENGTH(el) > MAX_BOX_CHARS:
        return ""
    trimmed = clean_byline(box_text(el, drop_parts=True))
    if _usable(trimmed) and len(trimmed.split()) <= MAX_NAME_WORDS:
        return trimmed
    # The box's lines, without the last ones when they name an agency and the names are left
    # (the agency goes in its own field: _box_agency).
    lines = box_text(el, lines=True).split("\n")
    while len(lines) > 1 and agency_name(lines[-1]) and _usable(clean_byline(" ".join(lines[:-1]))):
        lines.pop()
    return clean_byline(" ".join(lines))


def _box_agency(el: Element, names: str) -> str:
    """An agency the author box names beside the byline's ``names``, on a line of its own or
    after the names ("By <a>Ann Lee</a><br>Reuters", "<span>Ann Lee</span> <span>AP</span>"),
    in a box that holds little else and no heading (not a whole post classed "entry-author-x",
    whose title may read like a paper's name)."""
    if _STRING_LENGTH(el) > MAX_BOX_CHARS or next(el.iter(*rules.HEADING_TAGS), None) is not None:
        return ""
    text = box_text(el, lines=True)
    # Nothing beside the names but a label ("By Ann Lee"): the usual box, settled at once.
    if len(text) > MAX_AGENCY_BOX_CHARS or len(text) - len(names) <= len("By "):
        return ""
    for line in text.split("\n"):
        line = clean_byline(line)
        if len(line) > MAX_BYLINE_CHARS:
            continue  # a line of tags or a bio, no byline's
        end = _end_of(names, line) if names else None
        if end is not None:
            name = agency_name(line[end:])
        else:
            # The names written otherwise ("A, B" for our "A and B"): the agency after them;
            # or a line that is an organisation and nothing else ("WebMD Health News").
            rest, name = split_credit(line)
            if not name and rest == line:
                name = agency_name(line)
        if name:
            return name
    return ""


def _end_of(names: str, line: str) -> int | None:
    """Where the first case-insensitive occurrence of names in line ends, or None: what
    re.search(re.escape(names), line, re.IGNORECASE) finds, without compiling a regex for
    every page's names (a tenth of a millisecond each) where both are ASCII, in which case
    lower() changes no length and folds as re does."""
    if names.isascii() and line.isascii():
        at = line.lower().find(names.lower())
        return None if at < 0 else at + len(names)
    found = re.search(re.escape(names), line, re.IGNORECASE)
    return None if found is None else found.end()


def _claims_byline(el: Element) -> bool:
    """Whether a candidate element may hold the byline: it claims an author and sits in no
    chrome. A class on <body> ("author-admin") marks the page's template, not a byline."""
    if _compiled is not None:
        # The same tests in C, up to the class/id regexes: no proxy for the ancestors.
        claims: bool = _compiled.claims_byline(
            el, _SKIP_TAGS, _PAGE_TAGS, _AUTHOR_ATTR.search, _COMMENT_ATTR.search
        )
        return claims
    tag = tag_of(el)
    return not (tag in _SKIP_TAGS or tag in _PAGE_TAGS or not _claims_author(el) or _skipped(el))


def _search(scope: Element, h1: Element | None) -> tuple[str, Element | None]:
    """The byline of the first usable author element after ``h1`` in ``scope``, else of the
    first one, and that element."""
    after = h1 is None
    first = ""
    first_el: Element | None = None
    candidates = 0
    lists: list[Element] = []
    for el in itertools.islice(_candidates(scope), MAX_ELEMENTS):
        if candidates > MAX_CANDIDATES:
            break
        if el is h1:
            after = True
            continue
        if not _claims_byline(el):
            continue
        if any(_contains(people, el) for people in lists):
            continue
        candidates += 1
        byline = _element_byline(el)
        if byline == _PEOPLE:
            lists.append(el)
            continue
        if not _usable(byline) or any(ch.isdigit() for ch in byline):
            continue
        if after:
            return byline, el
        if not first:
            first, first_el = byline, el
    return first, first_el


def page_byline(root: Element) -> str:
    """The byline the page shows, or "".

    It is looked for first in the headline's block (a few levels above the first <h1>), then
    in the whole body; in each, the first usable author element after the <h1> wins over one
    before it.
    """
    return byline_in(root, next(root.iter("body"), None), next(root.iter("h1"), None))


def byline_in(root: Element, body: Element | None, h1: Element | None) -> str:
    """page_byline, given the page's first <body> and first <h1> (metadata's walk found them:
    looking them up again costs a walk of the tree on a page without an <h1>)."""
    return _found(root, body, h1)[0]


def credit_in(root: Element, body: Element | None, h1: Element | None) -> tuple[str, str]:
    """The page's byline and the agency it credits, as split_credit gives them; an agency on a
    line of its own in the author box ("By <a>Ann Lee</a><br>Associated Press") counts too."""
    byline, el = _found(root, body, h1)
    names, agency = split_credit(byline)
    if not agency and el is not None:
        agency = _box_agency(el, names)
        if agency and agency.casefold() in names.casefold():
            agency = ""
    return names, agency


def _found(root: Element, body: Element | None, h1: Element | None) -> tuple[str, Element | None]:
    if h1 is not None:
        found = _search(_header(h1, body), h1)
        if found[0]:
            return found
    return _search(body if body is not None else root, h1)


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global _compiled, normalize_space
    _compiled = walk
    normalize_space = dom.normalize_space
