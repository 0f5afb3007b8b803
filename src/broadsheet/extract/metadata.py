"""Page metadata: JSON-LD, Open Graph, <meta> tags, <title>, <html lang>, rel=canonical."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from . import rules
from .dom import normalize_space

_BY_PREFIX = re.compile(r"^(?:by|written by|words by|posted by|from)\s*[:\-]?\s+", re.IGNORECASE)
# Control characters and bidi overrides, embeddings and isolates: in a headline they only serve
# to disguise text or drive a terminal (the CLI prints titles), so they never reach an Article.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_LD_MAX_CHARS = 2_000_000
_MAX_META = 2000


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    summary: str = ""
    byline: str = ""
    published: datetime | None = None
    site_name: str = ""
    language: str = ""
    canonical_url: str | None = None
    image: str | None = None
    base_url: str | None = None


def _absolute(raw: str | None, base: str | None) -> str | None:
    if not raw:
        return None
    raw = raw.strip()
    if not raw:
        return None
    url = urljoin(base, raw) if base else raw
    if url.startswith("//"):
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def _meta_tags(root: HtmlElement) -> dict[str, str]:
    """<meta name|property|itemprop=... content=...>, first occurrence wins, keys lower-case."""
    found: dict[str, str] = {}
    for i, meta in enumerate(root.iter("meta")):
        if i > _MAX_META:
            break
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                found.setdefault(key.strip().lower(), normalize_space(content))
    return found


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


def json_ld_article(root: HtmlElement) -> dict[str, Any]:
    """The most article-like JSON-LD object on the page, or {}."""
    nodes: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text or ""
        if not raw.strip() or len(raw) > _JSON_LD_MAX_CHARS:
            continue
        try:
            data = json.loads(raw.strip().rstrip(";"))
        except (ValueError, RecursionError):
            continue
        _walk_json(data, nodes)
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


def clean_byline(text: str) -> str:
    text = normalize_space(text)
    text = _BY_PREFIX.sub("", text)
    return text.strip(" ,|·-")


def join_names(names: list[str]) -> str:
    seen: list[str] = []
    for raw in names:
        name = clean_byline(raw)
        if name and not name.startswith(("http://", "https://")) and name not in seen:
            seen.append(name)
    if len(seen) <= 2:
        return " and ".join(seen)
    return ", ".join(seen[:-1]) + " and " + seen[-1]


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


def _htmldate(root: HtmlElement, url: str | None) -> datetime | None:
    """Fallback date from htmldate in fast mode. It is given the tree, so it fetches nothing."""
    from htmldate import find_date

    try:
        found = find_date(root, extensive_search=False, original_date=True, url=url)
    except (ValueError, TypeError, RecursionError):
        return None
    return parse_date(found) if isinstance(found, str) else None


def strip_site_suffix(title: str, site_name: str) -> str:
    """'Story | Site' -> 'Story'; the longest part wins when the site is not known."""
    title = normalize_space(title)
    for sep in rules.TITLE_SEPARATORS:
        if sep not in title:
            continue
        parts = [p.strip() for p in title.split(sep)]
        if site_name:
            low = site_name.lower()
            kept = [p for p in parts if p.lower() != low]
            if len(kept) < len(parts) and kept:
                return sep.join(kept)
        last = parts[-1]
        if len(parts) >= 2 and len(last.split()) <= 4 and len(sep.join(parts[:-1]).split()) >= 3:
            return sep.join(parts[:-1])
        first = parts[0]
        if len(parts) >= 2 and len(first.split()) <= 3 and len(sep.join(parts[1:]).split()) >= 4:
            return sep.join(parts[1:])
    return title


def _host_name(url: str | None) -> str:
    if not url:
        return ""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def printable(text: str) -> str:
    """``text`` without control characters and bidi controls, spaces normalised."""
    return normalize_space(_UNPRINTABLE.sub("", text)) if text else text


def read_metadata(root: HtmlElement, url: str | None) -> Metadata:
    """Everything the page says about itself, before any body extraction."""
    base = url
    base_el = next(root.iter("base"), None)
    if base_el is not None and base_el.get("href"):
        base = _absolute(base_el.get("href"), url) or url
    meta = _meta_tags(root)
    ld = json_ld_article(root)

    site_name = (
        meta.get("og:site_name")
        or join_names(_names(ld.get("publisher")))
        or meta.get("application-name")
        or meta.get("twitter:site", "").lstrip("@")
    )
    head_title = next(root.iter("title"), None)
    raw_title = normalize_space(head_title.text_content()) if head_title is not None else ""
    ld_title = ld.get("headline") if isinstance(ld.get("headline"), str) else ""
    h1 = next(root.iter("h1"), None)
    title = (
        normalize_space(ld_title or "")
        or meta.get("og:title", "")
        or meta.get("twitter:title", "")
        or (strip_site_suffix(raw_title, site_name) if raw_title else "")
        or (normalize_space(h1.text_content()) if h1 is not None else "")
    )
    title = strip_site_suffix(title, site_name) if site_name else title

    summary = (
        meta.get("og:description")
        or meta.get("description")
        or meta.get("twitter:description")
        or (ld.get("description") if isinstance(ld.get("description"), str) else "")
        or ""
    )

    byline = join_names(_names(ld.get("author")))
    if not byline:
        for key in (
            "author",
            "article:author",
            "byl",
            "sailthru.author",
            "dc.creator",
            "parsely-author",
        ):
            value = meta.get(key, "")
            if value and not value.startswith(("http://", "https://")):
                byline = join_names([value])
                break
    if not byline:
        rel = next((a for a in root.iter("a") if (a.get("rel") or "").lower() == "author"), None)
        if rel is not None:
            byline = clean_byline(rel.text_content())

    published: datetime | None = None
    for raw_date in (
        ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None,
        meta.get("article:published_time"),
        meta.get("og:published_time"),
        meta.get("datepublished"),
        meta.get("publishdate"),
        meta.get("pubdate"),
        meta.get("date"),
        meta.get("dc.date.issued"),
        meta.get("dc.date"),
        meta.get("sailthru.date"),
        meta.get("parsely-pub-date"),
        ld.get("dateCreated") if isinstance(ld.get("dateCreated"), str) else None,
    ):
        published = parse_date(raw_date)
        if published is not None:
            break
    if published is None:
        for t in root.iter("time"):
            published = parse_date(t.get("datetime"))
            if published is not None:
                break
    if published is None:
        published = _htmldate(root, url)

    language = (
        (root.get("lang") or root.get("xml:lang") or "").strip()
        or meta.get("content-language", "")
        or meta.get("og:locale", "").replace("_", "-")
        or (ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else "")
        or ""
    )

    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = _absolute(link.get("href"), base)
            if canonical:
                break
    if not canonical:
        canonical = _absolute(meta.get("og:url"), base)

    image = (
        _absolute(meta.get("og:image") or meta.get("og:image:url"), base)
        or _absolute(meta.get("twitter:image") or meta.get("twitter:image:src"), base)
        or _absolute(_first_str(ld.get("image")), base)
    )

    return Metadata(
        title=printable(title),
        summary=printable(summary),
        byline=printable(byline),
        published=published,
        site_name=printable(site_name or _host_name(canonical or url)),
        language=language,
        canonical_url=canonical,
        image=image,
        base_url=base,
    )
