"""Page metadata: JSON-LD, Open Graph, <meta> tags, <title>, <html lang>, rel=canonical.

The elements metadata comes from (<meta>, JSON-LD <script>, <link>, <base>, <time>, <h1>) are
collected in one walk of the tree (in C where the compiled walks are built, _walk.scan_metadata;
else lxml filters the tags in C), so reading the metadata costs little next to the body
extraction. Only the lxml.etree element API is used: the tree may come from lxml.html's parser
or from lxml.etree.HTMLParser.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any
from urllib.parse import urljoin, urlsplit

# Imported here, not on the first page without a date: its lazy import chain (dateutil,
# urllib3, email, ssl) is some 9 MB that would otherwise land in the middle of a run.
from htmldate import find_date
from lxml import etree
from lxml.etree import _Element as Element  # from lxml.html or lxml.etree parsers alike
from lxml.html import HtmlElement

from . import compiled, dom, rules
from .byline import clean_byline, credit_in, credit_of, join_names
from .compiled import walk as _compiled
from .dom import normalize_space

__all__ = ["Metadata", "clean_byline", "join_names", "parse_date", "read_metadata"]

# For the same reason, datetime.strptime's first call is made here: it imports _strptime and
# compiles its regexes (some 7 ms), which htmldate's first date would otherwise pay mid-run.
datetime.strptime("2000-01-02", "%Y-%m-%d")

# Control characters and bidi overrides, embeddings and isolates: in a headline they only serve
# to disguise text or drive a terminal (the CLI prints titles), so they never reach an Article.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_LD_MAX_CHARS = 2_000_000
_MAX_META = 2000
_MAX_TIMES = 200
_MAX_HEADLINES = 5
# Several values of one key are kept for these (a paper's DC.Creator, one tag per author).
_MAX_VALUES = 10


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    summary: str = ""
    byline: str = ""
    agency: str = ""
    published: datetime | None = None
    site_name: str = ""
    language: str = ""
    canonical_url: str | None = None
    image: str | None = None
    base_url: str | None = None
    # The ingredients a schema.org Recipe declares (JSON-LD recipeIngredient, else microdata),
    # as the page wrote them: the engine looks for the box that shows them (recipe.py).
    ingredients: tuple[str, ...] = ()


_ABSOLUTE = re.compile(r"https?://[^\s/?#]+(?:[/?#][^\s]*)?")


def _absolute(raw: str | None, base: str | None) -> str | None:
    if not raw:
        return None
    raw = raw.strip()
    if not raw:
        return None
    if _ABSOLUTE.fullmatch(raw) and "/." not in raw:
        return raw  # already absolute (most are): urljoin would give it back unchanged
    url = urljoin(base, raw) if base else raw
    if url.startswith("//"):
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


_DUBLIN_CORE = re.compile(r"^dc(?:terms?)?[:.]")


@functools.lru_cache(maxsize=4096)  # pages share most of their keys ("og:title", ...)
def _meta_key(raw: str) -> str:
    """'DC.Creator', 'dc:creator', 'dcterms.creator' -> 'dc.creator'; other keys lower-cased."""
    key = raw.strip().lower()
    return _DUBLIN_CORE.sub("dc.", key) if key.startswith("dc") else key


_META_ATTRS = ("property", "name", "itemprop", "http-equiv")


# The <meta>s with a content, one list per attribute of _META_ATTRS that names keys (property,
# name, itemprop, http-equiv), in document order: (the attribute's value, the content).
_MetaKeys = tuple[list[tuple[str, str]], ...]
# A <time> with a datetime: (datetime, itemprop or "", has a pubdate attribute, class or "").
_Time = tuple[str, str, bool, str]


@dataclass
class PageScan:
    """What metadata is read from, gathered in one walk of the tree; and, for the engine's
    chrome step on the same tree, its headings that have an id (anchored)."""

    metas: _MetaKeys = field(default_factory=lambda: tuple([] for _ in _META_ATTRS))
    json_ld: list[str] = field(default_factory=list)
    canonical: list[str] = field(default_factory=list)
    base: str | None = None
    headlines: list[Element] = field(default_factory=list)
    times: list[_Time] = field(default_factory=list)
    title: Element | None = None  # the first <title> in <head>, else the first one at all
    body: Element | None = None  # the first <body>
    elements: int = 0  # the elements of the page (htmldate's bound)
    recipe_typed: bool = False  # an element's itemtype names a schema.org Recipe (microdata)
    anchored: list[Element] = field(default_factory=list)  # h1-h6 with an id, in page order


_SCAN_TAGS = (
    "meta",
    "script",
    "link",
    "base",
    "time",
    "title",
    "body",
    *sorted(rules.HEADING_TAGS),
)
# A microdata item's type naming a recipe (itemtype="https://schema.org/Recipe"): its
# ingredients are read from the elements (microdata_ingredients) when JSON-LD lists none.
RECIPE_TYPE = "schema.org/Recipe"
_RECIPE_TYPED = etree.XPath(f"boolean(//*[contains(@itemtype, '{RECIPE_TYPE}')])")
_ELEMENT_COUNT = etree.XPath("count(//*)")


def _in_head(el: Element) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag == "head":
            return True
        parent = parent.getparent()
    return False


def scan_page(root: Element) -> PageScan:
    """One walk of the page (in C where the compiled walks are built)."""
    found = PageScan()
    if _compiled is not None:
        # The same walk in C (_walk.pyx): no Python object for the elements it passes by, and
        # attribute values read straight from the nodes.
        found.base, found.title, found.body, found.elements, found.recipe_typed = (
            _compiled.scan_metadata(
                root,
                found.metas,
                found.json_ld,
                found.canonical,
                found.times,
                found.headlines,
                _MAX_META,
                _MAX_TIMES,
                _MAX_HEADLINES,
                RECIPE_TYPE,
                found.anchored,
            )
        )
        return found
    count = _ELEMENT_COUNT(root)
    found.elements = int(count) if isinstance(count, float) else 0
    found.recipe_typed = _RECIPE_TYPED(root) is True
    seen_metas = 0
    for el in root.iter(*_SCAN_TAGS):
        tag = el.tag
        if tag in rules.HEADING_TAGS and "id" in el.attrib:
            found.anchored.append(el)
        if tag == "meta":
            if seen_metas <= _MAX_META:
                content = el.get("content")
                if content:
                    for attr, pairs in zip(_META_ATTRS, found.metas, strict=True):
                        keys = el.get(attr)
                        if keys:
                            pairs.append((keys, content))
            seen_metas += 1
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json":
                found.json_ld.append(el.text or "")
        elif tag == "link":
            if "canonical" in (el.get("rel") or "").lower().split():
                found.canonical.append(el.get("href") or "")
        elif tag == "time":
            if len(found.times) < _MAX_TIMES:
                stamp = el.get("datetime")
                if stamp:
                    get = el.get
                    mark = (get("itemprop") or "", get("pubdate") is not None, get("class") or "")
                    found.times.append((stamp, *mark))
        elif tag == "h1":
            if len(found.headlines) < _MAX_HEADLINES:
                found.headlines.append(el)
        elif tag == "title":
            if found.title is None or (not _in_head(found.title) and _in_head(el)):
                found.title = el
        elif tag == "base" and found.base is None:
            found.base = el.get("href") or None
        elif tag == "body" and found.body is None:
            found.body = el
    return found


def _meta_tags(metas: _MetaKeys) -> tuple[dict[str, str], dict[str, list[str]]]:
    """<meta property|name|itemprop|http-equiv=... content=...> as {key: content} for the keys
    read_metadata reads, and for the author keys every value the winning attribute gives
    ({key: [content, ...]}).

    An attribute may hold several space-separated keys (RDFa). For one key, a ``property``
    (Open Graph, RDFa) beats a ``name``, and the first tag of each kind wins. Empty contents
    are skipped, so a blank tag does not hide a later one.
    """
    found: dict[str, str] = {}
    owner: dict[str, int] = {}
    several: dict[str, list[str]] = {}
    for attr, pairs in enumerate(metas):
        for keys, content in pairs:
            for raw in keys.split()[:8]:
                key = _meta_key(raw)
                if key not in _READ_KEYS or (key in found and key not in _AUTHOR_KEYS):
                    continue
                value = normalize_space(content)
                if not value:
                    continue
                if key not in found:
                    found[key], owner[key] = value, attr
                if key in _AUTHOR_KEYS and owner[key] == attr:
                    values = several.setdefault(key, [])
                    if value not in values and len(values) < _MAX_VALUES:
                        values.append(value)
    return found, several


def _walk_json(node: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(node, list):
        for item in node[:50]:
            _walk_json(item, out, depth + 1)
    elif isinstance(node, dict):
        out.append(node)
        graph = node.get("@graph")
        if graph is not None:
            _walk_json(graph, out, depth + 1)
        main = node.get("mainEntity")
        if isinstance(main, dict):
            _walk_json(main, out, depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")


def _unwrap_json(raw: str) -> str:
    """The JSON inside a script that wraps it in <![CDATA[ ... ]]> or <!-- ... -->."""
    text = raw.strip()
    if text[:1] in ("{", "[") and text[-1:] in ("}", "]"):
        return text  # bare JSON, as nearly every page has it: no regex over the whole text
    return _WRAPPER.sub("", text).strip().rstrip(";")


def json_ld_article(root: Element) -> dict[str, Any]:
    """The most article-like JSON-LD object on the page, or {}."""
    return _json_ld_article(_json_ld_nodes(scan_page(root).json_ld))


def _json_ld_nodes(scripts: list[str]) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page's scripts (@graph and mainEntity walked into)."""
    nodes: list[dict[str, Any]] = []
    for raw in scripts:
        if not raw.strip() or len(raw) > _JSON_LD_MAX_CHARS:
            continue
        try:
            data = json.loads(_unwrap_json(raw))
        except (ValueError, RecursionError):
            continue
        _walk_json(data, nodes)
    return nodes


def _json_ld_article(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    best: dict[str, Any] = {}
    best_rank = 0
    for node in nodes:
        types = _types(node)
        if not types & rules.ARTICLE_TYPES:
            continue
        rank = 1 if types <= {"webpage", "creativework"} else 2
        if "headline" in node or "articleBody" in node:
            rank += 1
        if rank > best_rank:
            best, best_rank = node, rank
    return best


_MAX_INGREDIENTS = 100


def _json_ld_ingredients(nodes: list[dict[str, Any]]) -> tuple[str, ...]:
    """The ingredients of the first schema.org Recipe that lists them (recipeIngredient, or
    the older ingredients), as strings."""
    for node in nodes:
        if "recipe" not in _types(node):
            continue
        value = node.get("recipeIngredient") or node.get("ingredients")
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            found = tuple(
                v.strip() for v in value[:_MAX_INGREDIENTS] if isinstance(v, str) and v.strip()
            )
            if found:
                return found
    return ()


def microdata_ingredients(root: Element) -> tuple[str, ...]:
    """The text of the page's microdata ingredients (itemprop recipeIngredient, ingredients).

    A search of the whole tree: read_metadata asks only when an element's itemtype names a
    schema.org Recipe (RECIPE_TYPE) and the page's JSON-LD lists none."""
    found = []
    for el in _MICRODATA_INGREDIENTS(root):
        text = normalize_space("".join(el.itertext()))
        if text:
            found.append(text)
            if len(found) >= _MAX_INGREDIENTS:
                break
    return tuple(found)


_MICRODATA_INGREDIENTS = etree.XPath("//*[@itemprop='recipeIngredient' or @itemprop='ingredients']")


def _names(value: Any, depth: int = 0) -> list[str]:
    """Names of authors/publishers in any JSON-LD shape."""
    if depth > 4 or value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [n for v in value[:20] for n in _names(v, depth + 1)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        return _names(name, depth + 1) if name else []
    return []


def _first_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return _first_str(value[0])
    if isinstance(value, dict):
        return _first_str(value.get("url") or value.get("@id") or value.get("contentUrl"))
    return ""


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 date/time; timezone-aware when the string says which zone."""
    if not value:
        return None
    text = value.strip()
    if not text:
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # 2019-11-19T10:00:00.000+0000 -> +00:00
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        found = re.match(r"(\d{4}-\d{2}-\d{2})", text)
        if not found:
            return None
        try:
            parsed = datetime.fromisoformat(found.group(1))
        except ValueError:
            return None
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed


# htmldate copies, serialises and regex-searches the whole page: about 0.1 s a MB or per 50,000
# elements. No real article page comes near these bounds; hostile ones (a 10 MB text node, a
# million <br>s) go without the fallback date rather than spend a tenth of their second on it.
DATE_SEARCH_MAX_ELEMENTS = 20_000
DATE_SEARCH_MAX_CHARS = 2_000_000


def _htmldate(root: Element, url: str | None, elements: int) -> datetime | None:
    """Fallback date from htmldate in fast mode. It is given the page, so it fetches nothing.

    htmldate takes only lxml.html trees (it copies them before pruning); a plain lxml.etree
    tree is handed over serialised, so htmldate parses and prunes a tree of its own.
    """
    if elements > DATE_SEARCH_MAX_ELEMENTS:
        return None
    page: HtmlElement | bytes = root if isinstance(root, HtmlElement) else etree.tostring(root)
    try:
        found = find_date(page, extensive_search=False, original_date=True, url=url)
    except (ValueError, TypeError, RecursionError):
        return None
    return parse_date(found) if isinstance(found, str) else None


def _comparable(text: str) -> str:
    """A title for comparison: case, spacing and trailing marks (a pilcrow, a colon) ignored."""
    return normalize_space(text).strip(" :|·¶#").casefold()


def strip_site_suffix(title: str, site_name: str, headlines: Sequence[str] = ()) -> str:
    """'Story | Site' -> 'Story'.

    In order: the part of the title that equals one of the page's own headlines (its <h1>, its
    og:title); else the title without the part that equals the site name; else, when the site
    is not known, without a short last (or first) part beside a longer one. A title with no
    separator, or whose separators are part of the headline, is kept.
    """
    title = normalize_space(title)
    wanted = {_comparable(h) for h in headlines if h and len(_comparable(h)) >= 3}
    if _comparable(title) in wanted:
        return title
    for sep in rules.TITLE_SEPARATORS:
        if sep not in title:
            continue
        parts = [p.strip() for p in title.split(sep)]
        for size in range(len(parts) - 1, 0, -1):
            for start in range(len(parts) - size + 1):
                kept = sep.join(parts[start : start + size])
                if _comparable(kept) in wanted:
                    return kept
    for sep in rules.TITLE_SEPARATORS:
        if sep not in title:
            continue
        parts = [p.strip() for p in title.split(sep)]
        if site_name:
            low = site_name.casefold()
            kept_parts = [p for p in parts if p.casefold() != low]
            if len(kept_parts) < len(parts) and kept_parts:
                return sep.join(kept_parts)
        last = parts[-1]
        if len(parts) >= 2 and len(last.split()) <= 4 and len(sep.join(parts[:-1]).split()) >= 3:
            return sep.join(parts[:-1])
        first = parts[0]
        if len(parts) >= 2 and len(first.split()) <= 3 and len(sep.join(parts[1:]).split()) >= 4:
            return sep.join(parts[1:])
    return title


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _json_ld_title(ld: dict[str, Any], reference: str) -> str:
    """The JSON-LD headline; its name instead when the name shares more words with the page's
    own title (some pages put a generic label in ``headline``, some their site in ``name``)."""
    headline = normalize_space(ld["headline"]) if isinstance(ld.get("headline"), str) else ""
    name = normalize_space(ld["name"]) if isinstance(ld.get("name"), str) else ""
    if not name or name == headline:
        return headline
    if not headline:
        return name if _types(ld) - {"webpage", "creativework"} else ""
    ref = _words(reference)
    return name if len(_words(name) & ref) > len(_words(headline) & ref) else headline


# Where a page declares its title, in order of trust after JSON-LD.
_TITLE_KEYS = ("dc.title", "og:title", "twitter:title", "title", "parsely-title")
# Where a page names its author(s), after JSON-LD. URLs (article:author is often one) are skipped.
_AUTHOR_KEYS = (
    "dc.creator",
    "author",
    "article:author",
    "og:article:author",
    "article:author_name",
    "parsely-author",
    "byl",
    "sailthru.author",
)
# Where a page gives its publication date, after JSON-LD's datePublished.
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "date",
    "dc.date.issued",
    "dc.date",
    "sailthru.date",
    "parsely-pub-date",
)
# The other keys read_metadata reads. _meta_tags keeps the keys of _READ_KEYS only: cleaning
# the contents of the rest (viewport, og:type, fb:app_id...) is wasted time, so a key read
# here must be listed (tests/extract/test_compiled_metadata.py checks the meta.get calls).
_OTHER_KEYS = (
    "og:description",
    "description",
    "twitter:description",
    "og:site_name",
    "application-name",
    "twitter:site",
    "content-language",
    "og:locale",
    "og:url",
    "og:image",
    "og:image:url",
    "twitter:image",
    "twitter:image:src",
)
_READ_KEYS = frozenset(_TITLE_KEYS + _AUTHOR_KEYS + _DATE_KEYS + _OTHER_KEYS)


def _text(el: Element) -> str:
    return normalize_space("".join(el.itertext()))


def _headlines(elements: list[Element]) -> list[str]:
    return [text for text in map(_text, elements) if text]


def _byline(
    ld: dict[str, Any], several: dict[str, list[str]], root: Element, scan: PageScan
) -> tuple[str, str]:
    """(byline, agency): JSON-LD's authors; then the first author <meta> key, all its values
    (one tag per author); then the page. A wire agency credited after the names, or as an
    author of its own, is the agency (byline.split_credit)."""
    credit = credit_of(_names(ld.get("author")))
    if credit[0]:
        return credit
    for key in _AUTHOR_KEYS:
        values = [v for v in several.get(key, ()) if not v.startswith(("http://", "https://"))]
        if not values:
            continue
        credit = credit_of(values)
        if credit[0]:
            return credit
    return credit_in(root, scan.body, scan.headlines[0] if scan.headlines else None)


def _published(
    ld: dict[str, Any],
    meta: dict[str, str],
    scan: PageScan,
    root: Element,
    url: str | None,
    date_search: bool,
) -> datetime | None:
    """Declared dates first; htmldate (the slow part) only when the page declares none and
    date_search allows it."""
    raw_dates = [ld.get("datePublished"), *(meta.get(k) for k in _DATE_KEYS), ld.get("dateCreated")]
    for raw in raw_dates:
        published = parse_date(raw) if isinstance(raw, str) else None
        if published is not None:
            return published
    marked = [
        stamp
        for stamp, itemprop, pubdate, cls in scan.times
        if "datepublished" in itemprop.lower() or pubdate or "publish" in cls.lower()
    ]
    for stamp in marked + [t[0] for t in scan.times]:
        published = parse_date(stamp)
        if published is not None:
            return published
    return _htmldate(root, url, scan.elements) if date_search else None


def _host_name(url: str | None) -> str:
    if not url:
        return ""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def printable(text: str) -> str:
    """``text`` without control characters, bidi controls and the characters a browser never
    draws (soft hyphens, zero-width spaces), spaces normalised."""
    return normalize_space(_UNPRINTABLE.sub("", dom.without_invisible(text))) if text else text


def _site_name(ld: dict[str, Any], meta: dict[str, str]) -> str:
    """The publisher's name; a URL given as the name ("http://paper.example/") becomes its host."""
    name = (
        join_names(_names(ld.get("publisher")))
        or meta.get("og:site_name")
        or meta.get("application-name")
        or meta.get("twitter:site", "").lstrip("@")
        or ""
    )
    if name.startswith(("http://", "https://")) and " " not in name:
        return _host_name(name)
    return name


def read_metadata(
    root: Element, url: str | None, *, date_search: bool = True, scan: PageScan | None = None
) -> Metadata:
    """Everything the page says about itself, before any body extraction.

    With date_search False (the engine's choice for huge inputs), a page that declares no date
    gets none instead of htmldate's search of its text. The base URL for the page's relative
    links and images is its <base href>, else url, else (no url given) its canonical URL.
    scan: scan_page(root) when the caller made it already.
    """
    if scan is None:
        scan = scan_page(root)
    base = url
    if scan.base:
        base = _absolute(scan.base, url) or url
    meta, several = _meta_tags(scan.metas)
    nodes = _json_ld_nodes(scan.json_ld)
    ld = _json_ld_article(nodes)

    site_name = _site_name(ld, meta)
    head_title = _text(scan.title) if scan.title is not None else ""
    headlines = _headlines(scan.headlines)
    declared = _json_ld_title(ld, head_title or meta.get("og:title", "")) or next(
        (meta[k] for k in _TITLE_KEYS if meta.get(k)), ""
    )
    # A title the publisher declared is kept as written; the <title> element, which nearly
    # always carries the site's name too, is trimmed to the part that is the headline.
    title = (
        declared
        or (strip_site_suffix(head_title, site_name, headlines) if head_title else "")
        or (headlines[0] if headlines else "")
    )

    summary = (
        meta.get("og:description")
        or meta.get("description")
        or meta.get("twitter:description")
        or (ld.get("description") if isinstance(ld.get("description"), str) else "")
        or ""
    )
    byline, agency = _byline(ld, several, root, scan)
    published = _published(ld, meta, scan, root, url, date_search)

    language = (
        (root.get("lang") or root.get("xml:lang") or "").strip()
        or meta.get("content-language", "")
        or meta.get("og:locale", "").replace("_", "-")
        or (ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else "")
        or ""
    )

    canonical = None
    for href in scan.canonical:
        canonical = _absolute(href, base)
        if canonical:
            break
    if not canonical:
        canonical = _absolute(meta.get("og:url"), base)
    if base is None:
        # A page with no address of its own (a saved file) and no usable <base>: its links and
        # images are relative to where it was published, which it names itself.
        base = canonical

    image = (
        _absolute(meta.get("og:image") or meta.get("og:image:url"), base)
        or _absolute(meta.get("twitter:image") or meta.get("twitter:image:src"), base)
        or _absolute(_first_str(ld.get("image")), base)
    )

    return Metadata(
        title=printable(title),
        summary=printable(summary),
        byline=printable(byline),
        agency=printable(agency),
        published=published,
        site_name=printable(site_name or _host_name(canonical or url)),
        language=language,
        canonical_url=canonical,
        image=image,
        base_url=base,
        ingredients=_json_ld_ingredients(nodes)
        or (microdata_ingredients(root) if scan.recipe_typed else ()),
    )


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global _compiled, normalize_space
    _compiled = walk
    normalize_space = dom.normalize_space
