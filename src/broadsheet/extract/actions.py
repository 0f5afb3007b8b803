"""Make a Difference: the links inside a story that a reader could act on.

``action_candidates(html, base_url)`` reads a story's stored body HTML (already sanitised) and
proposes the links that lead to a donation page, a petition, a volunteering page, a way to
contact a representative or a helpline, or the homepage of an organisation the story names.
The reader keeps, edits or dismisses each; nothing here is final.

Judged from the link alone, never by fetching it:

* its address: the host ("change.org" is a petition site, "gofundme.com" a donation site, a
  ``.org`` homepage an organisation's) and the words of its path ("/donate", "/petitions/...",
  "/get-involved/volunteer", "/find-your-representative", "faire-un-don", "spenden");
* its anchor text ("Donate", "Sign the petition", "Jetzt spenden", "Devenez bénévole");
* the sentence around it ("You can donate to the appeal at ...", "sign the petition", "volunteer
  with", "to find out how to help", "hotline") and the heading of its section ("How to help").

Phrases are listed for English, French, German and Spanish (with the most common Italian,
Portuguese and Dutch ones); every table below is data (DESIGN.md, "rules as data").

Left out: links that are not http(s) (mailto:, javascript:, data:, tel:), share buttons and
social-network pages, links to the story's own site (unless the address is plainly a donation,
petition or volunteering page: a newspaper's own appeal), links that look like other news
stories (a date in the path, or a news section with a headline slug) unless the address says
donate/petition/volunteer, reference sites (Wikipedia, archives), images and media files.
Tracking is stripped from what is kept (``utm_*``, ``fbclid`` and the like, and the fragment);
redirect wrappers (``google.com/url?q=...``, ``l.facebook.com/l.php?u=...``) are unwrapped;
the same address twice is one candidate.

Each candidate gets a title (the anchor text, or "Petition at change.org" when the anchor says
"here"), a kind and a reason in words ("the address says “donate”; the link says “Give
today”"). Candidates are ordered by the strength of their evidence, then by where they first
appear; at most ``limit`` are returned. Deterministic: no clock, no network, no randomness.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml.html import HtmlElement

from . import dom
from .article import ExtractOptions
from .dom import parse, tag_of
from .errors import EmptyDocument

__all__ = ["ActionCandidate", "ActionKind", "action_candidates", "story_link_html"]

ActionKind = Literal["donate", "petition", "volunteer", "organisation", "contact"]

# The first MAX_HTML_CHARS characters of the body are read, and its first MAX_LINKS links.
MAX_HTML_CHARS: Final = 2_000_000
MAX_LINKS: Final = 2_000
# A candidate needs this much evidence (see _Evidence: an address or anchor word is 3).
MIN_SCORE: Final = 3.0
MAX_TITLE_CHARS: Final = 100


@dataclass(frozen=True, slots=True)
class ActionCandidate:
    """A link the reader may keep as a way to act on the story's issue."""

    url: str
    title: str
    kind: ActionKind
    reason: str


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- tables --------------------------------------------------------------------------------------

KINDS: Final[tuple[ActionKind, ...]] = (
    "donate",
    "petition",
    "volunteer",
    "contact",
    "organisation",
)

# Words of an address (host labels and path segments split at "-", "_", "." and "/").
URL_WORDS: Final[dict[ActionKind, frozenset[str]]] = {
    "donate": _words(
        """
        donate donation donations donating give giving fundraise fundraiser fundraising
        crowdfunding appeal spenden spende don dons donar dona donacion donaciones donativo
        donazione donazioni doar doacao doacoes doneren doneer
        """
    ),
    "petition": _words(
        """
        petition petitions sign signez firma firmar firme assine assinar unterschreiben
        unterzeichnen petitie teken peticion peticiones petizione peticao
        """
    ),
    "volunteer": _words(
        """
        volunteer volunteers volunteering involved mitmachen engagez engager benevole
        benevoles benevolat voluntario voluntarios voluntariado volontari volontariato
        vrijwilliger vrijwilligers ehrenamt
        """
    ),
    "contact": _words(
        """
        representative representatives rep reps mp mps senator senators legislator
        legislators congressman congresswoman writetothem hotline helpline contact kontakt
        contacto contatti abgeordnete abgeordneten depute deputes diputado diputados
        """
    ),
}
# Pieces of a path segment that say as much inside compounds ("donatenow", "onlinespenden").
URL_STEMS: Final[dict[ActionKind, tuple[str, ...]]] = {
    "donate": ("donat", "spende", "crowdfund", "fundrais"),
    "petition": ("petition", "peticion", "petizion", "peticao"),
    "volunteer": ("volunteer", "benevol", "ehrenamt", "freiwillig", "voluntar", "volontar"),
    "contact": ("yourrep", "yourmp", "findyourrep", "writetothem"),
}
# Words of an address that say the page is not about the story's issue at all.
URL_NOT_ACTION_WORDS: Final = _words(
    """
    newsletter newsletters subscribe subscription subscriptions login signin account register
    shop store jobs careers advertise advertising cookies privacy terms
    """
)
# "sign" before these is no petition ("sign-up", "sign-in").
_SIGN_NOT_PETITION: Final = frozenset({"up", "in", "on", "out"})
# Words of an address that say "act here" without saying how.
URL_ACTION_WORDS: Final = _words(
    "action actions act takeaction campaign campaigns help aider agir helfen ayudar ajudar aiutare"
)
# Sites whose every page is one kind of action.
ACTION_SITES: Final[dict[str, ActionKind]] = {
    "gofundme.com": "donate", "gofund.me": "donate", "justgiving.com": "donate",
    "givebutter.com": "donate", "donorbox.org": "donate", "globalgiving.org": "donate",
    "actblue.com": "donate", "every.org": "donate", "leetchi.com": "donate",
    "helloasso.com": "donate", "betterplace.org": "donate", "crowdfunder.co.uk": "donate",
    "chuffed.org": "donate", "givealittle.co.nz": "donate", "ulule.com": "donate",
    "change.org": "petition", "avaaz.org": "petition", "openpetition.de": "petition",
    "openpetition.eu": "petition", "campact.de": "petition", "mesopinions.com": "petition",
    "38degrees.org.uk": "petition", "moveon.org": "petition", "citizengo.org": "petition",
    "volunteermatch.org": "volunteer", "idealist.org": "volunteer", "do-it.org": "volunteer",
    "tousbenevoles.org": "volunteer", "francebenevolat.org": "volunteer",
    "hacesfalta.org": "volunteer",
    "writetothem.com": "contact", "abgeordnetenwatch.de": "contact",
    "theyworkforyou.com": "contact", "nosdeputes.fr": "contact",
}  # fmt: skip
# Share buttons, social networks, link shorteners of social networks: never proposed.
SOCIAL_SITES: Final = _words(
    """
    facebook.com fb.com fb.me twitter.com x.com t.co instagram.com tiktok.com linkedin.com
    lnkd.in youtube.com youtu.be reddit.com redd.it pinterest.com pin.it whatsapp.com wa.me
    t.me telegram.me telegram.org threads.net bsky.app snapchat.com tumblr.com vk.com
    weibo.com flipboard.com getpocket.com addtoany.com sharethis.com mastodon.social
    """
)
# Reference works and newsrooms on .org: a link there informs, it is not an action.
REFERENCE_SITES: Final = _words(
    """
    wikipedia.org wikimedia.org wiktionary.org wikidata.org archive.org doi.org
    creativecommons.org w3.org npr.org pbs.org propublica.org calmatters.org
    texastribune.org theconversation.com google.com
    """
)
# Redirect wrappers: the parameter that holds the real address.
REDIRECT_PARAMS: Final = ("url", "u", "q", "target", "dest", "destination", "link", "to")
REDIRECT_PATHS: Final = frozenset(
    {"/url", "/l.php", "/redirect", "/r", "/out", "/click", "/link", "/away", "/exit"}
)
# Query parameters that only track the click.
TRACKING_PARAMS: Final = _words(
    """
    fbclid gclid dclid gbraid wbraid msclkid yclid twclid ttclid mc_cid mc_eid igshid _ga _gl
    _hsenc _hsmi mkt_tok ref_src s_cid ncid cmpid ocid spm smid at_medium at_campaign
    """
)
TRACKING_PREFIXES: Final = ("utm_", "pk_", "mtm_", "hsa_")
MEDIA_SUFFIXES: Final = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".mp3", ".mp4", ".mov", ".avi", ".m4a",
    ".zip",
)  # fmt: skip
# Top-level domains of organisations ("charity.org", "amnesty.ngo").
ORG_TLDS: Final = frozenset({"org", "ngo", "ong", "charity", "foundation", "int"})
# Second-level labels under a country code: "redcross.org.uk" is registered as "redcross".
SECOND_LEVELS: Final = frozenset(
    {"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "go", "gob", "gouv", "asso"}
)
# Paths of an organisation's homepage or its "about" page.
HOME_SEGMENTS: Final = _words(
    """
    index.html index.php home about about-us who-we-are ueber-uns uber-uns qui-sommes-nous
    quienes-somos chi-siamo quem-somos over-ons
    """
)
_LANGUAGE_SEGMENT: Final = re.compile(r"[a-z]{2}(?:[-_][a-z]{2})?")
# Path segments of a news site's sections.
NEWS_SEGMENTS: Final = _words(
    """
    news article articles story stories politics world opinion live blog blogs video videos
    sport sports business science uk us nation local national international press
    """
)

# Phrases, lower case and without accents, matched as whole words.
ANCHOR_PHRASES: Final[dict[ActionKind, tuple[str, ...]]] = {
    "donate": (
        "donate", "donation", "donations", "donating", "give now", "give today", "make a gift",
        "fundraiser", "fundraising page", "crowdfunding", "appeal", "spenden", "spende",
        "spendenkonto", "faire un don", "dons", "je donne", "donar", "dona", "donacion",
        "donaciones", "donativo", "donare", "donazione", "doar", "doacao", "doneer", "doneren",
    ),
    "petition": (
        "petition", "sign the petition", "sign now", "add your name", "signez", "signer",
        "petition unterschreiben", "unterschreiben", "unterzeichnen", "firma", "firmar",
        "peticion", "petizione", "peticao", "assine", "petitie", "teken",
    ),
    "volunteer": (
        "volunteer", "volunteering", "get involved", "join us", "benevole", "benevoles",
        "devenir benevole", "benevolat", "engagez-vous", "ehrenamt", "ehrenamtlich",
        "freiwillige", "mitmachen", "voluntario", "voluntarios", "voluntariado", "hazte",
        "volontario", "volontariato", "vrijwilliger",
    ),
    "contact": (
        "contact your representative", "contact your mp", "write to your mp", "email your mp",
        "call your senator", "find your representative", "your representatives",
        "your representative", "contact your", "write to your", "call your", "hotline",
        "helpline", "crisis line", "contactez", "votre depute", "numero vert",
        "ligne d'ecoute", "abgeordnete", "abgeordneten", "sorgentelefon", "beratungsstelle",
        "contacta", "escribe a tu", "diputado", "linea de ayuda",
    ),
}  # fmt: skip
SENTENCE_PHRASES: Final[dict[ActionKind, tuple[str, ...]]] = {
    "donate": (
        "donate to", "donate at", "donations to", "donations can", "to donate", "can donate",
        "make a donation", "give to", "giving to", "the appeal", "raise money", "raising money",
        "fundraiser", "crowdfunding", "faire un don", "dons", "cagnotte", "collecte", "spenden",
        "spendenaufruf", "spendenkonto", "donar", "donaciones", "donativo", "colecta",
        "donazioni", "raccolta fondi", "doacoes",
    ),
    "petition": (
        "sign the petition", "signed the petition", "a petition", "the petition",
        "petition calling", "signatures", "petition", "signer", "unterschriften",
        "unterschreiben", "peticion", "firmas", "firmar", "petizione", "firme", "peticao",
        "assinaturas",
    ),
    "volunteer": (
        "volunteer with", "volunteer for", "volunteer at", "to volunteer", "volunteers are needed",
        "volunteers needed", "looking for volunteers", "become a volunteer", "sign up to help",
        "get involved", "benevoles", "devenir benevole", "ehrenamtliche", "freiwillige helfer",
        "freiwillige", "voluntarios", "voluntariado", "volontari", "voluntarios",
        "vrijwilligers",
    ),
    "contact": (
        "contact your", "write to your", "call your", "email your", "your representative",
        "your mp", "your senator", "your member of congress", "elected officials", "hotline",
        "helpline", "crisis line", "votre depute", "contactez", "ecrivez", "numero vert",
        "ligne d'ecoute", "abgeordnete", "wenden sie sich", "rufen sie", "contacte",
        "contacta", "escriba", "escribe a tu", "linea de ayuda", "telefono de ayuda",
    ),
}  # fmt: skip
# "You can help": a link here is meant to be followed to act.
HELP_PHRASES: Final = (
    "you can help", "how to help", "ways to help", "how you can help", "find out how to help",
    "want to help", "to help", "can help", "take action", "get help", "support the",
    "support their", "comment aider", "vous pouvez aider", "pour aider", "aider", "agir",
    "soutenir", "helfen", "so konnen sie helfen", "unterstutzen", "hilfe", "como ayudar",
    "puede ayudar", "ayudar", "apoyar", "ayuda", "come aiutare", "aiutare", "como ajudar",
    "ajudar", "helpen",
)  # fmt: skip
# Words that say an organisation is meant.
ORGANISATION_PHRASES: Final = (
    "charity", "charities", "nonprofit", "non-profit", "not-for-profit", "ngo", "foundation",
    "campaign group", "aid group", "aid agency", "relief", "association", "ong", "fondation",
    "verein", "hilfsorganisation", "stiftung", "organisation", "organization", "fundacion",
    "asociacion", "organizacion", "associazione", "fondazione", "onlus", "associacao",
    "fundacao",
)  # fmt: skip
# A link that cites: "according to", "reported". Evidence against, when nothing else says act.
CITATION_PHRASES: Final = (
    "reported", "reports", "according to", "told", "wrote", "writes", "study", "research",
    "published", "analysis", "investigation", "interview", "selon", "a rapporte", "rapporte",
    "berichtete", "berichtet", "laut", "zufolge", "segun", "informo", "publico", "secondo",
)  # fmt: skip
# Anchor texts that say nothing about where they lead.
GENERIC_ANCHORS: Final = frozenset(
    {
        "here", "click here", "this link", "link", "this page", "website", "site", "more",
        "read more", "this", "online", "web", "page", "ici", "cliquez ici", "ce lien", "ce site",
        "hier", "hier klicken", "diesem link", "dieser seite", "aqui", "este enlace",
        "esta pagina", "qui", "clicca qui", "questo link", "klik hier", "deze link",
    }
)  # fmt: skip
# "Donate to the appeal here": the word dropped from a title.
TRAILING_HERE: Final = frozenset({"here", "ici", "hier", "aqui", "qui", "hier."})
KIND_TITLES: Final[dict[ActionKind, str]] = {
    "donate": "Donation page at {site}",
    "petition": "Petition at {site}",
    "volunteer": "Volunteering at {site}",
    "contact": "Contact page at {site}",
    "organisation": "{site}",
}
KIND_NAMES: Final[dict[ActionKind, str]] = {
    "donate": "donation",
    "petition": "petition",
    "volunteer": "volunteering",
    "contact": "contact",
    "organisation": "organisation",
}

BLOCK_TAGS: Final = frozenset(
    {"p", "li", "td", "th", "dd", "dt", "blockquote", "figcaption", "caption", "pre", "h1",
     "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "figure", "body"}
)  # fmt: skip
HEADING_TAGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Weights of the evidence.
SITE_WEIGHT: Final = 4.0
URL_WEIGHT: Final = 3.0
ANCHOR_WEIGHT: Final = 3.0
SENTENCE_WEIGHT: Final = 2.0
HELP_WEIGHT: Final = 1.0
HEADING_WEIGHT: Final = 2.0  # a list under "How to help" is a list of ways to help
HOMEPAGE_WEIGHT: Final = 2.5
NAMED_WEIGHT: Final = 1.5
URL_ACTION_WEIGHT: Final = 2.0
CITATION_WEIGHT: Final = -2.0


# --- text ----------------------------------------------------------------------------------------

_ACCENTS: Final = re.compile("[\u0300-\u036f]+")
_SENTENCE_END: Final = re.compile(r"[.!?…]+[\"'\u201d\u2019»)]*\s+")
_URL_SPLIT: Final = re.compile(r"[^a-z0-9]+")
_DATE_PATH: Final = re.compile(
    r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/|$)|(?:19|20)\d\d-?[01]\d-?[0-3]\d"
)
_ID_SEGMENT: Final = re.compile(r"\d{6,}")
_QUOTES: Final = "\"'“”‘’«»„()[]:;,.!?—–-· "  # noqa: RUF001


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _fold(text: str) -> str:
    """Lower case, without accents, blank space collapsed."""
    if not text.isascii():
        text = _ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.lower().split())


def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![\w-])")


_ANCHOR_PATTERNS: Final = {k: _phrase_pattern(v) for k, v in ANCHOR_PHRASES.items()}
_SENTENCE_PATTERNS: Final = {k: _phrase_pattern(v) for k, v in SENTENCE_PHRASES.items()}
_HELP: Final = _phrase_pattern(HELP_PHRASES)
_ORGANISATION: Final = _phrase_pattern(ORGANISATION_PHRASES)
_CITATION: Final = _phrase_pattern(CITATION_PHRASES)


# --- addresses -----------------------------------------------------------------------------------


def _site(host: str) -> str:
    """The registered part of a host: "donate.redcross.org.uk" -> "redcross.org.uk"."""
    host = host.removeprefix("www.")
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVELS:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _in_sites(host: str, sites: frozenset[str] | dict[str, ActionKind]) -> str | None:
    """The entry of sites that host is, or is a subdomain of."""
    host = host.removeprefix("www.")
    while host:
        if host in sites:
            return host
        _, _, host = host.partition(".")
    return None


def _clean_query(query: str) -> str:
    """The query without tracking parameters (the others untouched, in their order)."""
    if not query:
        return ""
    kept = []
    for part in query.split("&"):
        name = unquote(part.split("=", 1)[0]).lower()
        if not part or name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
            continue
        kept.append(part)
    return "&".join(kept)


def _unwrap(url: str) -> str:
    """The address a redirect wrapper leads to (up to three wrappers deep)."""
    for _ in range(3):
        parts = urlsplit(url)
        if parts.path not in REDIRECT_PATHS or not parts.query:
            return url
        params = dict(parse_qsl(parts.query))
        inner = next(
            (params[p] for p in REDIRECT_PARAMS if params.get(p, "").startswith("http")), None
        )
        if inner is None:
            return url
        url = inner
    return url


@dataclass(frozen=True, slots=True)
class _Address:
    url: str  # cleaned: no tracking, no fragment
    key: str  # what two addresses are compared by
    host: str
    site: str
    path: str  # lower case, unquoted


def _address(href: str, base_url: str) -> _Address | None:
    """The cleaned absolute http(s) address of a link, or None."""
    href = "".join(href.split())  # browsers drop blank space and line breaks inside href
    if not href or href.startswith("#"):
        return None
    try:
        url = _unwrap(urljoin(base_url, href) if base_url else href)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host:
        return None
    netloc = (
        host if port is None or port == {"http": 80, "https": 443}[scheme] else f"{host}:{port}"
    )
    path = parts.path or "/"
    query = _clean_query(parts.query)
    clean = urlunsplit((scheme, netloc, path, query, ""))
    key = f"{host.removeprefix('www.')}{path.rstrip('/')}?{query}"
    return _Address(clean, key, host, _site(host), unquote(path).lower())


def _url_words(address: _Address) -> list[str]:
    words = [w for w in _URL_SPLIT.split(_fold(address.path)) if w]
    labels = address.host.removeprefix("www.").split(".")[:-1]
    return words + [w for label in labels for w in _URL_SPLIT.split(label) if w]


def _is_homepage(address: _Address) -> bool:
    segments = [s for s in address.path.split("/") if s]
    if len(segments) > 2:
        return False
    rest = [s for s in segments if not _LANGUAGE_SEGMENT.fullmatch(s)]
    return not rest or (len(rest) == 1 and rest[0] in HOME_SEGMENTS)


def _is_org_site(address: _Address) -> bool:
    labels = address.site.split(".")
    return labels[-1] in ORG_TLDS or (len(labels) == 3 and labels[1] in ("org", "or", "asso"))


def _looks_like_news(address: _Address) -> bool:
    """A dated path, or a news section with a headline's slug: another story, not an action."""
    path = address.path
    if _DATE_PATH.search(path):
        return True
    segments = [s for s in path.split("/") if s]
    slug_words = max((len(re.split(r"[-_]", s)) for s in segments), default=0)
    if any(s in NEWS_SEGMENTS for s in segments[:-1]) and slug_words >= 4:
        return True
    if any(_ID_SEGMENT.search(s) for s in segments) and slug_words >= 4:
        return True
    return slug_words >= 6 and segments[-1].endswith((".html", ".htm", ".shtml", ".ece"))


# --- where a link stands -------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    anchor: str  # the anchor text as written
    sentence: str  # folded
    heading: str  # folded: the section's heading, or the short paragraph that introduces a list


def _block_of(el: HtmlElement) -> HtmlElement:
    block = el.getparent()
    while block is not None and tag_of(block) not in BLOCK_TAGS:
        block = block.getparent()
    return block if block is not None else el


def _texts_with_spans(block: HtmlElement) -> tuple[str, list[tuple[HtmlElement, int, int]]]:
    """The block's text, and where the text of each link inside it starts and ends."""
    parts: list[str] = []
    spans: list[tuple[HtmlElement, int, int]] = []
    length = 0

    def walk(el: HtmlElement) -> None:  # the parser nests 255 deep at most
        nonlocal length
        start = length
        if el.text:
            parts.append(el.text)
            length += len(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)
        if tag_of(el) == "a":
            spans.append((el, start, length))

    walk(block)
    return "".join(parts), spans


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of text that holds [start, end)."""
    begin = 0
    for stop in _SENTENCE_END.finditer(text, 0, start):
        begin = stop.end()
    after = _SENTENCE_END.search(text, end)
    return text[begin : after.start() + 1 if after else len(text)]


def _heading_for(block: HtmlElement) -> str:
    """The heading above a block (or above its list), or the short paragraph ending in a colon
    that introduces its list: "How to help", "Here is where you can donate:"."""
    candidates = [block]
    parent = block.getparent()
    if tag_of(block) == "li" and parent is not None:
        candidates.append(parent)
    for el in candidates:
        sibling = el.getprevious()
        for _ in range(8):
            if sibling is None:
                break
            tag = tag_of(sibling)
            if tag in HEADING_TAGS:
                return _fold(sibling.text_content())
            if tag == "p" and el is not block:
                text = dom.normalize_space(sibling.text_content())
                return _fold(text) if text.endswith(":") and len(text) < 200 else ""
            sibling = sibling.getprevious()
    return ""


class _Contexts:
    """The context of each link, each block's text computed once."""

    def __init__(self) -> None:
        self.blocks: dict[HtmlElement, tuple[str, list[tuple[HtmlElement, int, int]]]] = {}

    def of(self, link: HtmlElement) -> _Context:
        block = _block_of(link)
        if block not in self.blocks:
            self.blocks[block] = _texts_with_spans(block)
        text, spans = self.blocks[block]
        anchor = dom.normalize_space(link.text_content())
        if not anchor:
            img = next(iter(link.iter("img")), None)
            anchor = dom.normalize_space(img.get("alt") or "") if img is not None else ""
        span = next(((s, e) for el, s, e in spans if el is link), None)
        sentence = _sentence(text, *span) if span else text
        return _Context(anchor, _fold(sentence), _heading_for(block))


# --- evidence ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Evidence:
    scores: dict[ActionKind, float] = field(default_factory=dict)
    reasons: dict[ActionKind, list[tuple[float, str]]] = field(default_factory=dict)

    def add(self, kind: ActionKind, weight: float, reason: str) -> None:
        self.scores[kind] = self.scores.get(kind, 0.0) + weight
        self.reasons.setdefault(kind, []).append((weight, reason))

    def best(self) -> tuple[ActionKind, float]:
        kind = max(KINDS, key=lambda k: (self.scores.get(k, 0.0), -KINDS.index(k)))
        return kind, self.scores.get(kind, 0.0)

    def reason(self, kind: ActionKind) -> str:
        ranked = sorted(self.reasons.get(kind, []), key=lambda r: -r[0])
        return "; ".join(r for w, r in ranked[:2] if w > 0)


def _url_evidence(address: _Address, evidence: _Evidence) -> bool:
    """Evidence from the address; True when it names a donation, a petition or volunteering
    outright (an action site, or "donat", "petition", "volunteer"... in its path): what may
    overrule the story's own site and a news-like path."""
    strong = False
    site_kind = ACTION_SITES.get(_in_sites(address.host, ACTION_SITES) or "")
    if site_kind is not None:
        evidence.add(site_kind, SITE_WEIGHT, f"{address.site} is a {KIND_NAMES[site_kind]} site")
        strong = True
    words = _url_words(address)
    words = [
        w
        for i, w in enumerate(words)
        if not (w == "sign" and i + 1 < len(words) and words[i + 1] in _SIGN_NOT_PETITION)
    ]
    segments = [s for s in _URL_SPLIT.split(_fold(address.path)) if s]
    for kind in ("donate", "petition", "volunteer", "contact"):
        word = next((s for s in segments if any(st in s for st in URL_STEMS[kind])), None)
        if word is not None:
            strong = strong or kind != "contact"
        else:
            word = next((w for w in words if w in URL_WORDS[kind]), None)
        if word is not None:
            evidence.add(kind, URL_WEIGHT, f"the address says “{word}”")
    action = next((w for w in words if w in URL_ACTION_WORDS), None)
    if action is not None:
        evidence.add("organisation", URL_ACTION_WEIGHT, f"the address says “{action}”")
    return strong


def _names_site(anchor: str, address: _Address) -> bool:
    """Whether the anchor is the name of the site's organisation: "Médecins Sans Frontières"
    for msf.org, "Save the Children" for savethechildren.net, "Greenpeace" for greenpeace.de."""
    words = [w for w in re.split(r"[^\w]+", anchor) if w]
    if not words or len(words) > 8 or not any(w[:1].isupper() for w in words):
        return False
    label = address.site.split(".")[0]
    folded = [_fold(w) for w in words]
    initials = "".join(f[0] for f, w in zip(folded, words, strict=True) if w[:1].isupper())
    joined = "".join(folded)
    if label in (joined, initials) and len(label) >= 2:
        return True
    return any(len(f) >= 5 and f in label for f in folded)


def _context_evidence(context: _Context, address: _Address, evidence: _Evidence) -> None:
    anchor = _fold(context.anchor)
    for kind, pattern in _ANCHOR_PATTERNS.items():
        m = pattern.search(anchor)
        if m:
            evidence.add(kind, ANCHOR_WEIGHT, f"the link says “{_short(context.anchor)}”")
    for kind, pattern in _SENTENCE_PATTERNS.items():
        m = pattern.search(context.sentence)
        if m:
            evidence.add(kind, SENTENCE_WEIGHT, f"the sentence says “{m.group()}”")
    help_phrase = _HELP.search(context.sentence) or _HELP.search(context.heading)
    homepage = _is_homepage(address)
    if homepage and _is_org_site(address):
        evidence.add("organisation", HOMEPAGE_WEIGHT, f"the homepage of {address.site}")
    if homepage and _names_site(context.anchor, address):
        evidence.add("organisation", NAMED_WEIGHT, f"the link names {address.site}")
    org = _ORGANISATION.search(context.sentence)
    if org and homepage:
        evidence.add("organisation", HELP_WEIGHT, f"the sentence says “{org.group()}”")
    if help_phrase:
        kind, score = evidence.best()
        in_sentence = _HELP.search(context.sentence) is not None
        reason = (
            f"the sentence says “{help_phrase.group()}”"
            if in_sentence
            else f"under “{_short(context.heading)}”"
        )
        weight = HELP_WEIGHT if in_sentence else HEADING_WEIGHT
        evidence.add(kind if score > 0 else "organisation", weight, reason)


# --- the candidates ------------------------------------------------------------------------------


def _is_generic(anchor: str) -> bool:
    """An anchor that does not say where it leads: "here", "this link", an address."""
    text = anchor.strip(_QUOTES)
    folded = _fold(text)
    return (
        not text
        or folded in GENERIC_ANCHORS
        or folded.startswith(("http://", "https://", "www."))
        or (" " not in text and "." in text)
    )


def _title(anchor: str, kind: ActionKind, address: _Address) -> str:
    """The anchor text, or what the site is for when the anchor says nothing."""
    if _is_generic(anchor):
        return KIND_TITLES[kind].format(site=address.site)
    text = anchor.strip(_QUOTES)
    # "donate to the appeal here" -> "Donate to the appeal"
    words = text.split()
    if len(words) >= 3 and _fold(words[-1]).strip(_QUOTES) in TRAILING_HERE:
        text = " ".join(words[:-1]).rstrip(_QUOTES)
    text = text[:1].upper() + text[1:]
    if len(text) > MAX_TITLE_CHARS:
        cut = text[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0]
        text = cut.rstrip(_QUOTES) + "…"
    return text


@dataclass(slots=True)
class _Found:
    address: _Address
    order: int
    evidence: _Evidence
    kind: ActionKind
    score: float
    anchor: str


def _excluded(address: _Address, base_site: str, strong: bool) -> bool:
    """Share buttons and social pages, reference works, media files; unless the address says
    donate/petition/volunteer outright, the story's own site, account and newsletter pages;
    and pages that look like news stories, unless the address says so outright on an action
    or organisation site ("how-to-donate" on a news site is another story)."""
    if _in_sites(address.host, SOCIAL_SITES) or _in_sites(address.host, REFERENCE_SITES):
        return True
    if address.path.endswith(MEDIA_SUFFIXES):
        return True
    if _looks_like_news(address):
        return not (strong and (_is_org_site(address) or _in_sites(address.host, ACTION_SITES)))
    if strong:
        return False
    if any(w in URL_NOT_ACTION_WORDS for w in _url_words(address)):
        return True
    return address.site == base_site


def action_candidates(html: str, base_url: str, *, limit: int = 10) -> list[ActionCandidate]:
    """The story's links that a reader could act on, strongest first (see the module's
    docstring). ``html`` is the stored body, ``base_url`` the story's address."""
    if limit <= 0 or not html.strip():
        return []
    try:
        root = parse(html[:MAX_HTML_CHARS], ExtractOptions())
    except EmptyDocument:
        return []
    try:
        base_host = (urlsplit(base_url).hostname or "") if base_url else ""
    except ValueError:
        base_host, base_url = "", ""
    base_site = _site(base_host) if base_host else ""
    contexts = _Contexts()
    found: dict[str, _Found] = {}
    for order, link in enumerate(root.iter("a")):
        if order >= MAX_LINKS:
            break
        href = link.get("href")
        if not href:
            continue
        address = _address(href, base_url)
        if address is None:
            continue
        evidence = _Evidence()
        strong = _url_evidence(address, evidence)
        if _excluded(address, base_site, strong):
            continue
        context = contexts.of(link)
        _context_evidence(context, address, evidence)
        kind, score = evidence.best()
        if not strong and _CITATION.search(context.sentence) and score < 2 * MIN_SCORE:
            evidence.add(kind, CITATION_WEIGHT, "")
            kind, score = evidence.best()
        if score < MIN_SCORE:
            continue
        before = found.get(address.key)
        if before is None:
            found[address.key] = _Found(address, order, evidence, kind, score, context.anchor)
            continue
        # The same address again: the stronger evidence, and an anchor that says something.
        if score > before.score:
            before.evidence, before.kind, before.score = evidence, kind, score
        if _is_generic(before.anchor) and not _is_generic(context.anchor):
            before.anchor = context.anchor
    ranked = sorted(found.values(), key=lambda f: (-f.score, f.order))[:limit]
    return [
        ActionCandidate(
            url=f.address.url,
            title=_title(f.anchor, f.kind, f.address),
            kind=f.kind,
            reason=f.evidence.reason(f.kind),
        )
        for f in ranked
    ]


# The blocks of a page whose links can be the story's own.
_LINK_BLOCKS = ("p", "li", "blockquote", "dd", "td", "figcaption")
# A block's text must be this long to be recognised in the story's text.
_MIN_BLOCK_CHARS = 30


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def story_link_html(page_html: str, story_text: str) -> str:
    """The blocks of the whole page (paragraphs, list items, quotes) that hold a link and whose
    text is in the story as extracted, as HTML for `action_candidates`.

    The extracted body is text without links, so the story's own links are read from the page
    it came from; a block whose words are not in the story (the navigation, a teaser rail, a
    newsletter box) cannot propose anything."""
    if not page_html.strip() or not story_text.strip():
        return ""
    try:
        root = parse(page_html[:MAX_HTML_CHARS], ExtractOptions())
    except EmptyDocument:
        return ""
    story = _squash(story_text)
    kept: list[str] = []
    for element in root.iter(*_LINK_BLOCKS):
        if element.find(".//a[@href]") is None:
            continue
        text = _squash(element.text_content())
        if len(text) < _MIN_BLOCK_CHARS or text not in story:
            continue
        kept.append(lxml.html.tostring(element, encoding="unicode", with_tail=False))
        if len(kept) >= MAX_LINKS:
            break
    return "".join(kept)
