"""What a message to a reader's save-by-mail address saves, and saving it.

The door (`broadsheet.mailin`) parses the MIME and hands over a `Mailed`: the subject, the sender,
the Message-ID, the first plain-text and the first HTML body, and the List-Unsubscribe links.
`choose` decides, without the network, what the reader meant (docs/email.md):

- **a link**: one URL in the subject; or a message that is short (at most `SHORT_WORDS` words
  besides its links) with one story link in it. Links that are not stories do not count:
  unsubscribe and preference links, "view in browser", share buttons, app stores, `mailto:`, the
  List-Unsubscribe header's. The link is saved with `services.save_item(user, url)` and fetched
  like any save.
- **a newsletter**: an HTML message with no single link to follow (many links, or a long text
  around one). It becomes an item itself: `services.save_item(user, address, html=...)` keeps the
  HTML as the item's page, and the worker extracts and sanitises it exactly as a fetched page.
  Its address is the newsletter's own "view in browser" link when it has one, else
  `https://newsletter.invalid/<hash of the Message-ID>`: stable (the same message mailed twice
  is "already saved"), never fetchable (`.invalid` is reserved, RFC 2606). The subject becomes the
  title and the sender's name the site name, unless the HTML declares its own (`og:title`,
  `og:site_name`). A plain-text message with many links and a long text is a newsletter too,
  its paragraphs kept.
- **nothing**: no link and no body worth keeping, or several links in a short message (which
  one?).

Refusals are the ones of every save (the limit, "already saved", an address that cannot be
saved): the message is still accepted, nothing is mailed back; the outcome is logged and
answered in the SMTP reply's text.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import services
from broadsheet.core.canonical import canonicalize, normalize_input
from broadsheet.core.errors import AlreadySaved, InvalidURL, PageTooLarge, QuotaExceeded
from broadsheet.core.text_input import CONTROL

log = logging.getLogger("broadsheet.mailin")

SHORT_WORDS = 150  # a message this short around one link is "save this link"
MIN_NEWSLETTER_WORDS = 20  # an HTML body with fewer words (and no link) is nothing to keep
MAX_ANCHORS = 5000  # links looked at in one HTML body
SYNTHETIC_HOST = "newsletter.invalid"
TITLE_MAX = 300
SITE_MAX = 200

# --- rules as data: which links are not the story ------------------------------------------------

#: Link words (an anchor's text, or the plain-text line around a URL) of links that are not a
#: story: the newsletter's own machinery, sharing, apps.
NOT_STORY_WORDS = re.compile(
    r"unsubscribe|opt[\s_-]?out|manage\s+(?:your\s+)?(?:subscription|preferences|e-?mail)"
    r"|(?:e-?mail|notification|subscription)\s+(?:preferences|settings)"
    r"|update\s+(?:your\s+)?(?:preferences|profile)|forward\s+(?:this|to\s+a\s+friend)"
    r"|privacy\s+(?:policy|notice)|terms\s+(?:of\s+(?:service|use)|and\s+conditions)"
    r"|share\s+(?:on|via|this)|tweet\s+this|follow\s+us|download\s+(?:the|our)\s+app"
    r"|app\s+store|google\s+play|^\s*(?:sign\s+up|subscribe(?:\s+now|\s+here)?)\s*$",
    re.IGNORECASE,
)
#: Link words of the newsletter's "view in browser" link: the address a newsletter item gets.
VIEW_ONLINE_WORDS = re.compile(
    r"view\s+(?:it\s+|this\s+(?:e-?mail|message|newsletter|post|issue)\s+)?"
    r"(?:in|on)\s+(?:your\s+|a\s+|the\s+)?(?:browser|web)"
    r"|view\s+(?:it\s+|this\s+)?online|web\s+version|read\s+(?:it\s+|this\s+)?online"
    r"|open\s+in\s+(?:your\s+|a\s+)?browser|view\s+as\s+(?:a\s+)?web\s*page"
    r"|having\s+trouble\s+(?:viewing|reading)",
    re.IGNORECASE,
)
#: Addresses of links that are not a story, whatever their words.
NOT_STORY_URLS = re.compile(
    r"/unsub|unsubscribe|/opt-?out|/preferences|/email-?settings|/manage(?:/|\?|$)"
    r"|list-manage\.com/(?:unsubscribe|profile|track|about|vcard)|/forward(?:/|\?)|/vcard"
    r"|facebook\.com/sharer|(?:twitter|x)\.com/(?:intent|share)|linkedin\.com/share"
    r"|reddit\.com/submit|wa\.me/|whatsapp\.com/send|t\.me/share"
    r"|apps\.apple\.com|itunes\.apple\.com|play\.google\.com|/privacy|/terms",
    re.IGNORECASE,
)
#: Addresses of "view in browser" pages, whatever their words.
VIEW_ONLINE_URLS = re.compile(
    r"campaign-archive\d*\.com|/webview|/web-version|/view-in-browser|/browser-view"
    r"|/view_online|/viewonline|/e/view/|mailchi\.mp/",
    re.IGNORECASE,
)
_URL_RE = re.compile(r"https?://[^\s<>\"'`{}|\\^\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\">*"
_WORD_RE = re.compile(r"\w+")
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:fwd?|fw|tr|wg|rv|re|aw)\s*:\s*)+", re.IGNORECASE)
_SIGNATURE = re.compile(r"^-- ?$", re.MULTILINE)


@dataclass(frozen=True)
class Mailed:
    """One message as the door read it: text only, already decoded, nothing trusted."""

    subject: str = ""
    sender_name: str = ""
    sender_address: str = ""
    message_id: str = ""
    text: str = ""
    html: str = ""
    list_unsubscribe: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    url: str


@dataclass(frozen=True)
class Newsletter:
    url: str
    html: str


@dataclass(frozen=True)
class Nothing:
    reason: str


Choice = Link | Newsletter | Nothing


@dataclass(frozen=True)
class MailResult:
    """What a message did: `saved` (a link or a newsletter), `already_saved`, `quota`, or
    `not_saved`; the saved item's id when there is one; a line for the SMTP reply and the log."""

    outcome: str
    detail: str
    item_id: int | None = None


# --- reading the bodies ---------------------------------------------------------------------------


@dataclass
class _Anchor:
    href: str
    words: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.words).split())


class _HtmlScan(HTMLParser):
    """The links of an HTML body with their words, and how many words it has (script, style and
    the head's title left out). The standard library's tolerant parser: linear, no tree."""

    _SKIP = frozenset({"script", "style", "title", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[_Anchor] = []
        self.words = 0
        self.text_parts: list[str] = []
        self._open: _Anchor | None = None
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag == "a":
            href = next((v for k, v in attrs if k == "href" and v), None)
            self._open = None
            if href is not None and len(self.anchors) < MAX_ANCHORS:
                self._open = _Anchor(href.strip())
                self.anchors.append(self._open)
        elif tag == "img" and self._open is not None:
            alt = next((v for k, v in attrs if k == "alt" and v), "")
            self._open.words.append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        self.words += len(_WORD_RE.findall(data))
        if self._open is not None and len(self._open.words) < 50:
            self._open.words.append(data)


def _scan_html(markup: str) -> _HtmlScan:
    scan = _HtmlScan()
    scan.feed(markup)
    scan.close()
    return scan


def _urls(text: str) -> list[str]:
    return [m.group(0).rstrip(_TRAILING) for m in _URL_RE.finditer(text)]


def _own_text(text: str) -> str:
    """The plain-text body without its signature and quoted lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = _SIGNATURE.search(text)
    if found is not None:
        text = text[: found.start()]
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def _words(text: str) -> int:
    return len(_WORD_RE.findall(_URL_RE.sub(" ", text)))


def _canonical(url: str) -> str | None:
    try:
        return canonicalize(normalize_input(url))
    except InvalidURL:
        return None


def _is_story(url: str, words: str, unsubscribe: set[str]) -> bool:
    if NOT_STORY_URLS.search(url) or VIEW_ONLINE_URLS.search(url):
        return False
    if words and (NOT_STORY_WORDS.search(words) or VIEW_ONLINE_WORDS.search(words)):
        return False
    return _canonical(url) not in unsubscribe


def _view_online(anchors: list[_Anchor]) -> str | None:
    for anchor in anchors:
        says = VIEW_ONLINE_WORDS.search(anchor.text) or VIEW_ONLINE_URLS.search(anchor.href)
        if says and _canonical(anchor.href) is not None:
            return normalize_input(anchor.href)
    return None


def _story_links(mailed: Mailed, own_text: str, scan: _HtmlScan | None) -> list[str]:
    """The distinct story links of the message, in order of appearance (text part first)."""
    unsubscribe = {c for u in mailed.list_unsubscribe if (c := _canonical(u))}
    found: dict[str, str] = {}
    for line in own_text.splitlines():
        for url in _urls(line):
            if _is_story(url, _URL_RE.sub(" ", line), unsubscribe):
                key = _canonical(url)
                if key is not None:
                    found.setdefault(key, url)
    for anchor in scan.anchors if scan is not None else ():
        if not anchor.href.lower().startswith(("http://", "https://")):
            continue
        if _is_story(anchor.href, anchor.text, unsubscribe):
            key = _canonical(anchor.href)
            if key is not None:
                found.setdefault(key, anchor.href)
    return list(found.values())


# --- deciding -------------------------------------------------------------------------------------


def _one_line(value: str, limit: int) -> str:
    return " ".join(value.translate(CONTROL).split())[:limit]


def title_of(mailed: Mailed) -> str:
    """The subject without its "Fwd:" and "Re:", on one line."""
    return _one_line(_REPLY_PREFIX.sub("", _one_line(mailed.subject, 4 * TITLE_MAX)), TITLE_MAX)


def site_of(mailed: Mailed) -> str:
    """Who the newsletter is from: the sender's name, else the domain of their address."""
    name = _one_line(mailed.sender_name, SITE_MAX)
    if name:
        return name
    return _one_line(mailed.sender_address.rpartition("@")[2], SITE_MAX)


def synthetic_address(mailed: Mailed) -> str:
    """The stable address of a newsletter without a "view in browser" link: a hash of its
    Message-ID (else of its sender, subject and body), under a host that never resolves."""
    seed = mailed.message_id.strip() or "\n".join(
        (mailed.sender_address, mailed.subject, mailed.html or mailed.text)
    )
    digest = hashlib.sha256(seed.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"https://{SYNTHETIC_HOST}/{digest}"


_OG_TITLE = re.compile(r"""property\s*=\s*["']?og:title""", re.IGNORECASE)
_OG_SITE = re.compile(r"""property\s*=\s*["']?og:site_name""", re.IGNORECASE)


def page_of(mailed: Mailed, body: str) -> str:
    """The HTML the engine gets: the message's own, with the subject and sender declared as the
    page's title and site name when it declares none (the engine reads them like a page's)."""
    head = []
    title, site = title_of(mailed), site_of(mailed)
    if title and not _OG_TITLE.search(body[:200_000]):
        head.append(f'<meta property="og:title" content="{html_lib.escape(title)}">')
    if site and not _OG_SITE.search(body[:200_000]):
        head.append(f'<meta property="og:site_name" content="{html_lib.escape(site)}">')
    return "".join(f"{h}\n" for h in head) + body


def _text_page(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = "\n".join(
        "<p>" + "<br>".join(html_lib.escape(line) for line in p.splitlines()) + "</p>"
        for p in paragraphs
    )
    return f"<!DOCTYPE html><html><head></head><body><article>{body}</article></body></html>"


def choose(mailed: Mailed) -> Choice:
    """What the message saves (the rules in the module's docstring). Reads nothing, fetches
    nothing."""
    in_subject = {key: url for url in _urls(mailed.subject) if (key := _canonical(url))}
    if len(in_subject) == 1:
        return Link(normalize_input(next(iter(in_subject.values()))))
    own_text = _own_text(mailed.text)
    scan = _scan_html(mailed.html) if mailed.html.strip() else None
    links = _story_links(mailed, own_text, scan)
    words = _words(own_text) if own_text.strip() else (scan.words if scan is not None else 0)
    if len(links) == 1 and words <= SHORT_WORDS:
        return Link(normalize_input(links[0]))
    if scan is not None and (links or scan.words >= MIN_NEWSLETTER_WORDS):
        address = _view_online(scan.anchors) or synthetic_address(mailed)
        return Newsletter(address, page_of(mailed, mailed.html))
    if scan is None and len(links) == 1:
        return Link(normalize_input(links[0]))
    if scan is None and len(links) > 1 and words > SHORT_WORDS:
        return Newsletter(synthetic_address(mailed), page_of(mailed, _text_page(own_text)))
    if len(links) > 1:
        return Nothing("several links in a short message: send one at a time")
    return Nothing("no link and no newsletter in the message")


# --- saving ---------------------------------------------------------------------------------------


def save_mailed(user: AbstractBaseUser, mailed: Mailed) -> MailResult:
    """Save what the message holds for the reader, through `services.save_item` (the limit and
    "already saved" hold as for every save). Nothing is mailed back: the result is logged and
    returned for the SMTP reply."""
    choice = choose(mailed)
    if isinstance(choice, Nothing):
        result = MailResult("not_saved", f"Nothing saved: {choice.reason}.")
    else:
        kind = "link" if isinstance(choice, Link) else "newsletter"
        html = choice.html if isinstance(choice, Newsletter) else None
        try:
            item = services.save_item(user, choice.url, html=html)
        except AlreadySaved as exc:
            result = MailResult("already_saved", f"Not saved: {exc.message}", exc.item_id)
        except QuotaExceeded as exc:
            result = MailResult("quota", f"Not saved: {exc.message}")
        except (InvalidURL, PageTooLarge) as exc:
            result = MailResult("not_saved", f"Not saved: {exc.message}")
        else:
            result = MailResult("saved", f"Saved the {kind}.", item.pk)
    log.info(
        "mail for user %s: %s%s",
        user.pk,
        result.outcome,
        f" (item {result.item_id})" if result.item_id is not None else "",
    )
    return result
