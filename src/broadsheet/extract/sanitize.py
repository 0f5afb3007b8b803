"""The allow-list sanitizer (nh3): the last step for any HTML Broadsheet stores or serves."""

from __future__ import annotations

import re
from contextvars import ContextVar
from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3

from .article import ExtractOptions
from .dom import parse
from .errors import EmptyDocument, InputTooLarge

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "h2", "h3", "h4", "h5", "h6", "p", "br", "ul", "ol", "li", "blockquote", "figure", "img",
        "figcaption", "span", "pre", "code", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
        "caption", "a", "em", "strong", "b", "i", "sub", "sup",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": set(),
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
# "img-missing": the quiet placeholder of a story image Broadsheet could not store (core.images).
ALLOWED_CLASSES: dict[str, set[str]] = {"span": {"credit", "img-missing"}}
# Dropped together with their content (the rest of the disallowed tags keep their text).
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
        "textarea", "select", "title", "xmp", "noembed", "noframes", "head", "applet", "frameset",
    }
)  # fmt: skip
URL_SCHEMES: frozenset[str] = frozenset({"http", "https"})
# One forced attribute a tag: nh3 adds several in an unstable order.
FORCED_ATTRIBUTES: dict[str, dict[str, str]] = {
    "a": {"referrerpolicy": "no-referrer"},
    "img": {"referrerpolicy": "no-referrer"},
}
LINK_REL = "noopener noreferrer"

_URL_ATTRS = frozenset({"href", "src"})
_NUMERIC_ATTRS = frozenset({"width", "height", "colspan", "rowspan"})
_SCRIPT_SCHEME = re.compile(r"((?:java|vb|live)script):", re.IGNORECASE)
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]+")
# Below this many tags nesting cannot be deep enough to slow nh3 down; below this many "="
# no tag can carry enough attributes to (nh3 is quadratic in a tag's attributes).
_DIRECT_TAG_LIMIT = 200
_DIRECT_ATTRIBUTE_LIMIT = 2000
_DEFAULT_LIMITS = ExtractOptions()


# An absolute http(s) URL that urljoin(base, url) returns unchanged whatever the base (one that
# parses), and urlsplit reads as http(s) with a host: printable ASCII (nothing urlsplit strips,
# no netloc to normalise), a host, no fragment, no ";" in the path (urlparse splits params off),
# no bare "?" (urlunparse drops an empty query), no brackets (urlsplit checks IPv6 hosts). urljoin
# puts such a URL back together from its parts (urlunparse), and the parts rebuild it exactly.
_HOST = r"[^\x00-\x20\x7f-\U0010ffff/?#;\[\]]"
_PATH = r"[^\x00-\x20\x7f-\U0010ffff?#;\[\]]"
_QUERY = r"[^\x00-\x20\x7f-\U0010ffff#\[\]]"
_PLAIN_ABSOLUTE = re.compile(rf"https?://{_HOST}+(?:/{_PATH}*)?(?:\?{_QUERY}+)?")


def _parses(base: str) -> bool:
    """Whether urljoin can parse base (urlsplit raises ValueError on a malformed host)."""
    try:
        urlsplit(base)  # cached by urllib, as urljoin's own parse of it is
    except ValueError:
        return False
    return True


def join_url(base: str | None, url: str) -> str:
    """urljoin(base, url) (url itself without a base), without urljoin's parse and rebuild
    where they give url back: most image URLs of a page are absolute already."""
    if not base:
        return url
    if _PLAIN_ABSOLUTE.fullmatch(url) is not None and _parses(base):
        return url
    return urljoin(base, url)


def safe_url(value: str, base_url: str | None) -> str | None:
    """An absolute http(s) URL, or None: relative ones are resolved against base_url."""
    if _PLAIN_ABSOLUTE.fullmatch(value) is not None and (not base_url or _parses(base_url)):
        return value  # what the steps below give it: see _PLAIN_ABSOLUTE
    value = _CONTROL_OR_SPACE.sub("", value)
    if not value:
        return None
    if base_url:
        try:
            value = urljoin(base_url, value)
        except ValueError:
            return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in URL_SCHEMES or not parts.netloc:
        return None
    return value


# The base URL of the clean() call in progress, for the attribute filter: one Cleaner serves
# every call (building one from the allow-lists costs as much as cleaning a whole article), so
# the per-call URL reaches its filter this way. A ContextVar is per thread, as clean() is.
_BASE_URL: ContextVar[str | None] = ContextVar("sanitize_base_url", default=None)


# The address of a story image Broadsheet stored and serves itself (core.images): a path on our
# own origin, digits and hex only, kept as it is (not resolved against a page's base), so that
# stored HTML stays a fixed point of the sanitizer. The route checks the reader owns the story
# and the image is that story's; core.images drops one a page wrote itself.
LOCAL_IMAGE_PATH = re.compile(r"/images/[0-9]{1,19}/[0-9a-f]{64}")


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr == "src" and tag == "img" and LOCAL_IMAGE_PATH.fullmatch(value):
        return value
    if attr in _URL_ATTRS:
        return safe_url(value, _BASE_URL.get())
    if attr in _NUMERIC_ATTRS:
        value = value.strip()
        return value if value.isdigit() and len(value) <= 5 else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
    allowed_classes={k: set(v) for k, v in ALLOWED_CLASSES.items()},
    attribute_filter=_keep_attribute,
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    set_tag_attribute_values={k: dict(v) for k, v in FORCED_ATTRIBUTES.items()},
    strip_comments=True,
)


def _clean(html: str, base_url: str | None) -> str:
    token = _BASE_URL.set(base_url)
    try:
        cleaned = _CLEANER.clean(html)
    finally:
        _BASE_URL.reset(token)
    # Unsafe URLs are gone from attributes; defuse the words left in text too, so that no
    # later consumer (a feed reader, an e-mail client) can mistake them for a link.
    return defuse_script_schemes(drop_sourceless_images(cleaned))


# An <img> tag as nh3 writes it: attribute values always double-quoted, a '"' in one escaped,
# so ' src="' inside the tag can only start its src attribute.
_IMG_TAG = re.compile(r'<img(?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*\s*/?>')
_EMPTY_FIGURE = re.compile(r"<figure>\s*</figure>")


def _keep_img(found: re.Match[str]) -> str:
    tag = found.group(0)
    return tag if ' src="' in tag else ""


def drop_sourceless_images(cleaned: str) -> str:
    """nh3's output without the <img>s whose src it dropped (unsafe, or relative with no base):
    a broken-image box helps no reader. A figure left with nothing goes too; one with a caption
    keeps it."""
    images = cleaned.count("<img")
    if not images:
        return cleaned
    # nh3 writes "<" in text as "&lt;": every "<img" opens a tag. When each goes straight on
    # with its src (as the engine's own figures do), none is dropped and the regex is spared.
    if cleaned.count('<img src="') != images:
        cleaned = _IMG_TAG.sub(_keep_img, cleaned)
    return _EMPTY_FIGURE.sub("", cleaned) if "<figure>" in cleaned else cleaned


# Characters the case-insensitive regex reads as "i" that casefold() does not turn into "i".
_DOTTED_I = ("\u0130", "\u0131")
# Up to this many colons the text before each is looked at; past it, the whole text casefolded.
_COLONS_LOOKED_AT = 64


def defuse_script_schemes(html: str) -> str:
    """ "javascript:" (vbscript:, livescript:, in any case) becomes "javascript&#58;".

    The case-insensitive regex has no literal to skip ahead to and costs about 60 ms a MB; most
    texts hold no "script:" at all, which the few colons of a text, or else casefold() and a
    substring test, prove. casefold() maps every character the regex matches to its ASCII letter
    (long s included) except the dotted and dotless i, so texts holding those take the regex
    whatever.
    """
    if any(i in html for i in _DOTTED_I):
        return _SCRIPT_SCHEME.sub(r"\1&#58;", html)
    colons = html.count(":")
    if colons <= _COLONS_LOOKED_AT:
        # A match ends "script:": the six characters before one of the colons casefold to it.
        at = html.find(":", 6)
        while at != -1:
            if html[at - 6 : at].casefold() == "script":
                return _SCRIPT_SCHEME.sub(r"\1&#58;", html)
            at = html.find(":", at + 1)
        return html
    if "script:" not in html.casefold():
        return html
    return _SCRIPT_SCHEME.sub(r"\1&#58;", html)


def _bounded(html: str, options: ExtractOptions) -> str:
    """Re-serialise through lxml, which caps nesting (nh3 is slow on very deep trees)."""
    try:
        root = parse(html, options)
    except EmptyDocument:
        return ""
    body = next(root.iter("body"), None)
    container = body if body is not None else root
    parts = [lxml.html.tostring(child, encoding="unicode") for child in container]
    return (container.text or "") + "".join(parts)


def sanitize_html(html: str, *, base_url: str | None = None) -> str:
    """Allow-list sanitize an HTML fragment.

    Only the tags of an article body survive; links get rel="noopener noreferrer" and
    referrerpolicy="no-referrer"; only absolute http(s) URLs survive (relative ones are made
    absolute against base_url, or dropped without one), and an <img> left without its src goes
    (a figure keeps its caption). Raises InputTooLarge past 10 MiB.
    """
    if not html:
        return ""
    if len(html) > _DEFAULT_LIMITS.max_input_bytes:
        raise InputTooLarge()
    if html.count("<") > _DIRECT_TAG_LIMIT or html.count("=") > _DIRECT_ATTRIBUTE_LIMIT:
        html = _bounded(html, _DEFAULT_LIMITS)
    return _clean(html, base_url)


def sanitize_generated(html: str, *, base_url: str | None = None) -> str:
    """Sanitize HTML the engine built itself (flat by construction, so no re-parse)."""
    return _clean(html, base_url) if html else ""
