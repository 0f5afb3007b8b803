"""Recognising chrome: subtrees to drop before scoring, and blocks to drop after it."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from . import compiled, dom, rules
from .compiled import walk as _compiled
from .dom import normalize_space
from .regex_heads import ByFirstChar, first_chars


def literal_alternation(words: Iterable[str]) -> str:
    """A regex matching exactly the given literal strings, branching on shared prefixes.

    It matches what "|".join(map(re.escape, words)) matches, but re tries the alternatives of
    a flat alternation one by one at every position of the text; here each position follows
    one path of the trie (a class token is searched about 3x faster).
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def build(node: dict[str, dict[str, Any]]) -> str:
        branches = [re.escape(ch) + build(node[ch]) for ch in sorted(node) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


def non_capturing(source: str) -> str:
    """A regex source with its capturing groups made non-capturing ("(a|b)" → "(?:a|b)").

    The rule tables write groups plainly for reading; the chrome-line test only asks whether a
    line matches, and re saves the marks of every capturing group it enters on every line: a
    table of a hundred alternatives, each with a group or two, matched about three times
    slower. Parentheses inside a character class or escaped are left as they are.
    """
    out: list[str] = []
    in_class = escaped = False
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]" or source[i - 1] == "["
        elif ch == "[":
            in_class = True
        elif ch == "(" and not source.startswith("?", i + 1):
            out.append("(?:")
            continue
        out.append(ch)
    return "".join(out)


_SPLIT_WORDS = re.compile(r"[\s_\-]+")
_BOILERPLATE_WORDS = frozenset(rules.BOILERPLATE_WORDS)
_BOILERPLATE_SUBSTRINGS = re.compile(literal_alternation(rules.BOILERPLATE_SUBSTRINGS))
_STRONG = re.compile(literal_alternation(rules.STRONG_BOILERPLATE))
_THREAD_TOKEN = re.compile(rules.COMMENT_THREAD_CLASS)
_CONTENT_WORDS = frozenset(rules.CONTENT_WORDS)
# The content words that name the story itself rather than a part of it (a caption).
_STORY_WORDS = _CONTENT_WORDS - frozenset(rules.CONTENT_WORDS_NOT_STORY)
# A token that ends in one of them after a separator names the story too ("single-article-
# content", "td-post-content") unless its own words name chrome ("skip-to-main-content").
_STORY_SUFFIXES = tuple(sep + w for w in sorted(_STORY_WORDS) for sep in "-_")
# What may follow a chrome line: spaces, end punctuation, arrows.
_CHROME_LINE_END = r"[\s.:!?|>»›→-]*"  # noqa: RUF001
_CHROME_LINE_SOURCE = non_capturing(
    "(?:" + "|".join(f"(?:{p})" for p in rules.CHROME_LINES) + ")" + _CHROME_LINE_END
)
_CHROME_LINE = re.compile(_CHROME_LINE_SOURCE, re.IGNORECASE)
_CHROME_PHRASE = re.compile("|".join(re.escape(p) for p in rules.CHROME_PHRASES), re.IGNORECASE)
# Case-insensitive matching of patterns written in lower case equals case-sensitive matching
# on the lower-cased text, unless the text holds one of the four non-ASCII characters that re
# folds onto ASCII letters (dotted/dotless i, long s, Kelvin sign; the dotted I is also the
# one character whose lower case is longer). Case-sensitive is faster: re skips an
# alternative whose first letter differs at once, where IGNORECASE enters every one.
_FOLDS_ONTO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
# The phrases as lower-case substrings, searched all at once.
_PHRASES_LOWER = tuple(p.lower() for p in rules.CHROME_PHRASES)
_PHRASES_BY_SUBSTRING = bool(_PHRASES_LOWER) and all(p.isascii() for p in _PHRASES_LOWER)
_PHRASES_IN_LOWER = re.compile(literal_alternation(_PHRASES_LOWER))
# The same search in C, by a table of the phrases' first two characters (made by
# _bind_compiled, end of module, with the walks).
_PHRASE_SET: Any = None
# The chrome lines, when no letter of theirs (outside backslash escapes such as \S) is upper
# case.
_LINES_LOWER = not any(ch != ch.lower() for p in rules.CHROME_LINES for ch in re.sub(r"\\.", "", p))
_CHROME_LINE_IN_LOWER = ByFirstChar(
    [non_capturing(p) for p in rules.CHROME_LINES], non_capturing(_CHROME_LINE_END)
)
_MARKUP = re.compile(r"^\s*</?[a-zA-Z][^>]*>")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu", "menubar"}
)
_NEVER_DROP = frozenset({"html", "body", "main"})


# Blog engines write a post's categories and tags into its wrapper's class ("category-social-
# media", "tag-promotion", "entry-category-advertising") next to template markers ("hentry",
# "type-post", "post-123"). Those tokens name the post's topic, not its layout, so beside a
# template marker they are no evidence of chrome; alone ("tag-list", "category-nav") they are.
_TAXONOMY_TOKEN = re.compile(rules.TAXONOMY_CLASS)
_POST_TEMPLATE_TOKEN = re.compile(rules.POST_TEMPLATE_CLASS)
_STATE_TOKEN = re.compile(rules.STATE_CLASS)


def _drop_taxonomy(tokens: list[str]) -> list[str]:
    """The tokens that can name chrome: taxonomy tokens go when a post template marker is there."""
    if not any(_POST_TEMPLATE_TOKEN.fullmatch(t) for t in tokens):
        return tokens
    return [t for t in tokens if _TAXONOMY_TOKEN.match(t) is None]


def _names_content(token: str) -> bool:
    """Whether one class/id token names the story or a part of it."""
    if token in _CONTENT_WORDS:
        return True
    return token.endswith(_STORY_SUFFIXES) and not _names_chrome(token)


def _names_story(token: str) -> bool:
    """Whether one class/id token names the story itself (not a caption)."""
    return token in _STORY_WORDS or (token not in _CONTENT_WORDS and _names_content(token))


def _names_chrome(token: str) -> bool:
    """Whether one whitespace-free token has a chrome word or substring."""
    if any(w in _BOILERPLATE_WORDS for w in _SPLIT_WORDS.split(token)):
        return True
    return _BOILERPLATE_SUBSTRINGS.search(token) is not None


def is_boilerplate_attrs(words: str) -> bool:
    """Whether a class/id/role string names chrome (and does not name the story)."""
    if not words:
        return False
    tokens = words.split()
    if any(_names_content(t) for t in tokens):
        return False
    words = " ".join(_drop_taxonomy(tokens))
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
    if _compiled is not None:
        chars: int = _compiled.prose_chars(el, PROSE_NODE_CHARS)
        return chars
    total = 0
    for text in _LONG_TEXTS(el):
        n = len(text.strip())
        if n >= PROSE_NODE_CHARS:
            total += n
    return total


def _reaching(els: list[HtmlElement], floor: float) -> list[HtmlElement]:
    """The elements whose prose_chars reach floor, in their order."""
    if _compiled is not None:
        reached: list[HtmlElement] = _compiled.prose_reaching(els, PROSE_NODE_CHARS, floor)
        return reached
    return [el for el in els if prose_chars(el) >= floor]


_WEAK, _STRONG_CHROME = 1, 2
# A flag beside the strength: the name marks the story.
_STORY = 4
_STRENGTH = _WEAK | _STRONG_CHROME
_NAMING = ("class", "id", "role")
# Token classes: a class/id/role token names content (the story or a caption), names the
# story, names chrome, names sure-fire chrome, is a post template marker. A taxonomy token keeps
# its chrome bits shifted up by _TAXONOMY_SHIFT: they count only where no template marker is
# beside it.
_T_CONTENT, _T_STORY, _T_CHROME, _T_STRONG, _T_POST = 1, 2, 4, 8, 16
_TAXONOMY_SHIFT = 8
_T_OWN = (1 << _TAXONOMY_SHIFT) - 1
# is_boilerplate_attrs decides token by token when no pattern spans whitespace (ids are unique,
# so a page's class/id strings rarely repeat whole, but their tokens do).
_TOKENWISE = "" not in _BOILERPLATE_WORDS and not any(
    ch.isspace() for s in (*rules.BOILERPLATE_SUBSTRINGS, *rules.STRONG_BOILERPLATE) for ch in s
)


def _token_class(token: str) -> int:
    """The _T_* bits of one whitespace-free token of a class/id/role string (_TOKEN_BITS keeps
    them across pages: "clearfix", "row", "widget" recur on every site)."""
    bits = 0
    if token in _CONTENT_WORDS:
        bits |= _T_CONTENT | _T_STORY if token in _STORY_WORDS else _T_CONTENT
    # What _SPLIT_WORDS cuts a whitespace-free token into (runs of separators leave "" pieces,
    # which name nothing).
    if "-" in token or "_" in token:
        chrome_word = not _BOILERPLATE_WORDS.isdisjoint(token.replace("_", "-").split("-"))
    else:
        chrome_word = token in _BOILERPLATE_WORDS
    chrome = chrome_word or _BOILERPLATE_SUBSTRINGS.search(token) is not None
    strong = _STRONG.search(token) is not None or _THREAD_TOKEN.fullmatch(token) is not None
    # A state token ("has-no-title", "is-sticky") names no role, whatever words follow.
    if (chrome or strong) and _STATE_TOKEN.match(token) is not None:
        chrome = strong = False
    if chrome:
        bits |= _T_CHROME
    if strong:
        bits |= _T_STRONG
    if not bits & _T_CHROME and token.endswith(_STORY_SUFFIXES):
        bits |= _T_CONTENT | _T_STORY
    if _POST_TEMPLATE_TOKEN.fullmatch(token) is not None:
        bits |= _T_POST
    if bits & _T_CHROME and _TAXONOMY_TOKEN.match(token) is not None:
        bits = (bits & ~(_T_CHROME | _T_STRONG)) | bits << _TAXONOMY_SHIFT
    return bits


# _token_class for the compiled walk, its literal-word tests done in C on ASCII tokens: a page
# meets ~70 tokens not seen before, and judging them in Python was ~40 % of the walk's time.
# Made by _bind_compiled (end of module), with the walks.
_TOKEN_JUDGE: Callable[[str], int] = _token_class


def _verdict(bits: int) -> int:
    """The chrome strength or story flag of a class/id/role string from its tokens' OR-ed
    _T_* bits."""
    bits = bits & _T_OWN if bits & _T_POST else (bits | bits >> _TAXONOMY_SHIFT) & _T_OWN
    if bits & _T_CONTENT:
        return _STORY if bits & _T_STORY else 0
    if not bits & _T_CHROME:
        return 0
    return _STRONG_CHROME if bits & _T_STRONG else _WEAK


# _verdict of every bit pattern seen, shared by all pages (a few dozen patterns occur).
_VERDICTS: dict[int, int] = {}
# _token_class of every token seen, shared by pages ("clearfix", "row", "widget" recur on every
# site) and emptied when it grows past _TOKEN_MEMO_MAX (site-specific tokens pile up: a page
# brings some 75 new ones). The cap bounds what the memo holds to about 0.4 MB: at 65,536 it
# held 1.3 MB after the 181 scrapinghub pages, a fifth of the engine's own peak memory, for
# 0.75 % fewer instructions.
_TOKEN_BITS: dict[str, int] = {}
_TOKEN_MEMO_MAX = 4096


class _Namer:
    """Chrome strength (0, _WEAK, _STRONG_CHROME) of class/id/role strings, or _STORY where
    they mark the story, memoised per page."""

    __slots__ = ("tokens", "values", "words")

    def __init__(self) -> None:
        self.words: dict[str, int] = {}
        if len(_TOKEN_BITS) > _TOKEN_MEMO_MAX:
            _TOKEN_BITS.clear()
        self.tokens = _TOKEN_BITS
        # _T_* bits of whole attribute values: a page's class strings repeat (ids do not).
        self.values: dict[str, int] = {}

    def strength(self, words: str) -> int:
        strength = self.words.get(words)
        if strength is None:
            strength = self._tokenwise(words) if _TOKENWISE else self._whole(words)
            self.words[words] = strength
        return strength

    def bits(self, value: str) -> int:
        """The OR-ed _T_* bits of one attribute value's tokens (not lower-cased yet).

        Tokens combine by OR, so a class/id/role string's verdict is _verdict of its values'
        bits OR-ed: the values can be judged one at a time, without joining them.
        """
        bits = self.values.get(value)
        if bits is None:
            bits = 0
            tokens = self.tokens
            for token in value.lower().split():
                found = tokens.get(token)
                if found is None:
                    found = tokens[token] = _token_class(token)
                bits |= found
            self.values[value] = bits
        return bits

    def _tokenwise(self, words: str) -> int:
        bits = self.bits(words)
        verdict = _VERDICTS.get(bits)
        if verdict is None:
            verdict = _VERDICTS[bits] = _verdict(bits)
        return verdict

    @staticmethod
    def _whole(words: str) -> int:
        tokens = words.split()
        if any(_names_content(t) for t in tokens):
            return _STORY if any(_names_story(t) for t in tokens) else 0
        if not is_boilerplate_attrs(words):
            return 0
        tokens = _drop_taxonomy(words.split())
        strong = _STRONG.search(" ".join(tokens)) is not None or any(
            _THREAD_TOKEN.fullmatch(t) is not None for t in tokens
        )
        return _STRONG_CHROME if strong else _WEAK


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


class _Sorted:
    """What one walk over the page finds, each list in document order."""

    __slots__ = ("by_name", "by_state", "stories")

    def __init__(self) -> None:
        # What goes by its tag or hidden state (not entered: it all goes).
        self.by_state: list[HtmlElement] = []
        # The elements left whose class/id/role names chrome, with how surely.
        self.by_name: list[tuple[HtmlElement, int]] = []
        # The elements whose class/id or itemprop marks the story.
        self.stories: list[HtmlElement] = []


def _classify(root: HtmlElement) -> _Sorted:
    """One walk: what goes by tag or hidden state, what is named chrome, what is named story."""
    if not _TOKENWISE:
        return _classify_by_strings(root)
    found = _Sorted()
    by_state, by_name, stories = found.by_state, found.by_name, found.stories
    namer = _Namer()
    if _compiled is not None:
        # The same walk in C (_walk.pyx): no Python object for the elements it passes by.
        _compiled.classify(
            root,
            namer.values,
            namer.tokens,
            _TOKEN_JUDGE,
            namer.bits,
            _VERDICTS,
            _verdict,
            _NEVER_DROP,
            rules.DROP_TAGS,
            _CHROME_ROLES,
            _HIDDEN_STYLE.search,
            _ARTICLE_BODY.match,
            _STRENGTH,
            _STORY,
            by_state,
            by_name,
            stories,
        )
        return found
    # namer.bits(value), with its memo read inline (a method call per element costs ~20 %).
    values, value_bits, verdicts = namer.values, namer.bits, _VERDICTS
    never_drop, drop_tags, chrome_roles = _NEVER_DROP, rules.DROP_TAGS, _CHROME_ROLES
    hidden_style, article_body = _HIDDEN_STYLE.search, _ARTICLE_BODY.match
    walker = etree.iterwalk(root, events=("start", "comment", "pi"))
    skip_subtree = walker.skip_subtree
    for event, el in walker:
        if event != "start":
            by_state.append(el)
            continue
        tag = el.tag.lower()
        if tag in never_drop:
            continue
        if tag in drop_tags:
            by_state.append(el)
            skip_subtree()
            continue
        # _hidden_by and the class/id/role verdict in one pass over the attributes, without
        # building a dict or joining strings: this loop runs for every element of the page.
        # (libxml2's HTML parser keeps the first of duplicated attribute names only.)
        bits = 0
        itemprop = None
        hidden = False
        for name, value in el.items():
            if name == "class" or name == "id":
                if value:
                    known = values.get(value)
                    bits |= value_bits(value) if known is None else known
            elif name == "role":
                if value.lower() in chrome_roles:
                    hidden = True
                    break
                if value:
                    bits |= value_bits(value)
            elif name == "hidden":
                hidden = True
                break
            elif name == "aria-hidden":
                if value == "true":
                    hidden = True
                    break
            elif name == "style":
                if value and hidden_style(value) is not None:
                    hidden = True
                    break
            elif name == "itemprop":
                itemprop = value
        if hidden:
            by_state.append(el)
            skip_subtree()
            continue
        verdict = verdicts.get(bits, -1) if bits else 0
        if verdict < 0:
            verdict = verdicts[bits] = _verdict(bits)
        if verdict & _STRENGTH:
            by_name.append((el, verdict))
        elif verdict & _STORY or (itemprop and article_body(itemprop)):
            stories.append(el)
    return found


def _classify_by_strings(root: HtmlElement) -> _Sorted:
    """_classify for rules whose patterns span whitespace: each element's class/id/role
    string is judged whole."""
    found = _Sorted()
    by_state, by_name, stories = found.by_state, found.by_name, found.stories
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
        verdict = namer.strength(words) if words else 0
        if verdict & _STRENGTH:
            by_name.append((el, verdict))
        elif verdict & _STORY or _ARTICLE_BODY.match(attrs.get("itemprop") or ""):
            stories.append(el)
    return found


_ARTICLE_BODY = re.compile("articlebody", re.IGNORECASE)


def _placed(
    el: HtmlElement, root: HtmlElement, marks: set[HtmlElement], doomed: set[HtmlElement]
) -> tuple[bool, bool]:
    """Whether el lies within a story-marked element, and whether it is still in root's tree
    and not inside an element already doomed: one walk up for both."""
    inside = False
    top = el
    for top in el.iterancestors():
        if top in doomed:
            return inside, False
        if top in marks:
            inside = True
    return inside, top is root


def drop_chrome(
    root: HtmlElement,
    *,
    keep_swallowing: bool = False,
    weak_names: bool = True,
    headline: str | None = None,
) -> None:
    """Remove script/style/nav/aside/..., hidden subtrees and subtrees whose class/id is chrome.

    A weakly chrome-named subtree is kept when it holds the story: when it holds an element
    whose class/id/itemprop marks the story ("entry-content", itemprop=articleBody) or, on a
    page with no such mark, a large share of the page's running text. Wrappers are named
    after layouts ("rail", "widget", "no_sidebars") more often than after content.

    keep_swallowing: an element that goes by its tag or role alone (a `nav`, an `aside`, a
    `noscript`, a `role=banner`) but holds most of the page's running text and its story (tag
    soup that libxml2 nested the page in, soup.py, or a site that sets its story in an
    `<aside>`) is read as a plain box and stays; one whose `<h1>` is the page's headline (the
    title, given as headline) needs only HEADLINE_SWALLOW_SHARE of the text. weak_names=False
    keeps every weakly named subtree (a broader reading of a page whose story came out short,
    engine._rescue).
    """
    found = _classify(root)
    if keep_swallowing:
        suspects = [el for el in found.by_state if el.tag not in _LEAVES and _may_swallow(el)]
        held = _swallowing(
            suspects, prose_chars(root) - _held_chars(found.by_state), _headline_key(headline)
        )
        if held:
            for el in held:
                _unmark(el)
            found = _classify(root)
    paged = _paged_twins(found.by_state)
    if paged:
        for el in paged:
            _reveal(el)
        found = _classify(root)
    _remove_all(found.by_state)
    weak = {el for el, strength in found.by_name if strength == _WEAK}
    total = prose_chars(root) if weak else 0
    marks = _story_marks(found.stories, total)
    shelters = {a for mark in marks for a in mark.iterancestors() if a in weak}
    by_name = found.by_name if weak_names else [(el, s) for el, s in found.by_name if s != _WEAK]
    if weak and total:
        by_name = _within_story_boxes(by_name, marks, STORY_SHARE * total)
    doomed = _doomed(by_name, root, marks, shelters, STORY_SHARE * total)
    _remove_all([el for el in doomed if not (el in weak and _heads_a_paragraph(el))])


# A story paged by a script (a listicle shown one item at a time, the reader clicking through;
# tabs of a text): the boxes of its pages are twins, one shown and the rest hidden by their
# style until a click. A hidden twin holding this much running text, beside a shown one holding
# as much, is part of what the reader reads.
PAGED_MIN_PROSE = 200


def _twin_key(el: HtmlElement) -> tuple[str, frozenset[str]]:
    """An element's tag and class tokens, less the tokens that only state it is hidden."""
    tokens = (el.get("class") or "").lower().split()
    return el.tag, frozenset(t for t in tokens if t not in rules.HIDDEN_STATE_CLASSES)


def _paged_twins(by_state: list[HtmlElement]) -> list[HtmlElement]:
    """The hidden boxes of a story paged by a script: hidden by their attributes (not by tag
    or role), beside a shown twin (same parent, tag and class but for the hiding tokens), both
    holding PAGED_MIN_PROSE of running text."""
    groups: dict[tuple[HtmlElement, str, frozenset[str]], list[HtmlElement]] = {}
    for el in by_state:
        tag = el.tag
        if not isinstance(tag, str) or tag.lower() in rules.DROP_TAGS or not el.get("class"):
            continue
        parent = el.getparent()
        if parent is None or (el.get("role") or "").lower() in _CHROME_ROLES:
            continue
        # Only a hidden box holding prose can be a page of the story (most are menus, dialogs
        # and tabs of links): the twins are looked for around those alone.
        if prose_chars(el) < PAGED_MIN_PROSE:
            continue
        tag, names = _twin_key(el)
        if names:
            groups.setdefault((parent, tag, names), []).append(el)
    paged: list[HtmlElement] = []
    for (parent, tag, names), hidden in groups.items():
        held = set(hidden)
        shown = [
            c
            for c in parent
            if c not in held
            and c.get("class")
            and _twin_key(c) == (tag, names)
            and not _hidden_by(dict(c.attrib))
        ]
        if any(prose_chars(c) >= PAGED_MIN_PROSE for c in shown):
            paged.extend(hidden)
    return paged


def _reveal(el: HtmlElement) -> None:
    """Show a hidden box: no hiding attribute, style or class token."""
    for name in ("hidden", "aria-hidden", "style"):
        if name in el.attrib:
            del el.attrib[name]
    tokens = (el.get("class") or "").split()
    el.set("class", " ".join(t for t in tokens if t.lower() not in rules.HIDDEN_STATE_CLASSES))


# Text outside links (a button's label is a link), the first such node only.
_PLAIN_TEXT = etree.XPath(
    "(descendant::text()[normalize-space(.)][not(ancestor::a)])[1]", smart_strings=False
)


@functools.lru_cache(maxsize=4096)
def _layout_words(words: str) -> frozenset[tuple[str, str]]:
    """The chrome words and substrings that a class/id/role string's tokens hold after a
    prefix of their own, each with that prefix: a page builder's names (`elementor-widget-wrap`
    gives ("elementor", "widget"), Drupal's `field--label-hidden` ("field", "hidden")); a
    token that starts with its chrome word (`share`, `trending_now`, `read-more`) gives none."""
    found: set[tuple[str, str]] = set()
    for token in words.lower().split():
        pieces = [w for w in _SPLIT_WORDS.split(token) if w]
        if len(pieces) < 2:
            continue
        prefix = pieces[0]
        found.update((prefix, w) for w in pieces[1:] if w in _BOILERPLATE_WORDS and prefix not in w)
        found.update(
            (prefix, m.group())
            for m in _BOILERPLATE_SUBSTRINGS.finditer(token)
            if prefix not in m.group()
        )
    return frozenset(found)


def _within_story_boxes(
    by_name: list[tuple[HtmlElement, int]], marks: set[HtmlElement], story_floor: float
) -> list[tuple[HtmlElement, int]]:
    """by_name less the weakly named elements a page builder's word names, on a page where a
    box so named holds the story.

    A page builder names every box of its layout with one word after its own prefix
    (Elementor's `elementor-widget-wrap` at each level, Drupal's `field--label-hidden` on every
    field): a box so named that holds story_floor of the page's running text (inside a story
    mark, or on a page without one), with no weakly named box inside it holding as much, shows
    that the word names the layout on this page, not chrome. The other boxes named by nothing
    but such words and holding text outside links then stay for the choice to weigh (the
    story's sections, each under the share; its lead in a field of its own), except inside a
    box of the same name that holds a smaller story box (a posts grid beside the post-content
    widget in one column). A box with no text outside links (a button), a photo's box (its
    text is the caption, which the story's text leaves out), one named by another chrome word
    (`share-buttons` in a `widget`) or by a word with no prefix (`share`, `trending_now`) is
    judged as ever."""
    holders = {
        el
        for el in _reaching([el for el, strength in by_name if strength == _WEAK], story_floor)
        if not marks or any(a in marks for a in el.iterancestors())
    }
    if not holders:
        return by_name
    # The holders with a holder inside are not the story's box: the innermost ones are.
    outer = {a for el in holders for a in el.iterancestors() if a in holders}
    boxes = [w for w in (_layout_words(dom.attr_words(el)) for el in holders - outer) if w]
    if not boxes:
        return by_name
    kept: list[tuple[HtmlElement, int]] = []
    for el, strength in by_name:
        if strength == _WEAK and el not in holders:
            # The names first (a page repeats its class strings: _layout_words remembers them);
            # the text and photo tests walk the box.
            named = dom.attr_words(el)
            words = _layout_words(named)
            if (
                words
                and any(words <= box for box in boxes)
                and _chrome_words_within(named, words)
                and _PLAIN_TEXT(el)
                and next(el.iter("img"), None) is None
                and not _in_fuller_box(el, holders, outer, words)
            ):
                continue
        kept.append((el, strength))
    return kept


def _in_fuller_box(
    el: HtmlElement,
    holders: set[HtmlElement],
    outer: set[HtmlElement],
    words: frozenset[tuple[str, str]],
) -> bool:
    """Whether el's nearest story-holding ancestor is named by its words too and holds a
    smaller story box: a box of that kind beside the story's own (a posts grid in the column
    whose post-content widget holds the story)."""
    box = next((a for a in el.iterancestors() if a in holders), None)
    return box in outer and words <= _layout_words(dom.attr_words(box))


def _chrome_words_within(words: str, layout: frozenset[tuple[str, str]]) -> bool:
    """Whether every chrome word of a class/id/role string is one of its layout words (none
    stands alone, as `share` beside `elementor-widget`)."""
    named = {w for _, w in layout}
    for token in words.split():
        pieces = [w for w in _SPLIT_WORDS.split(token) if w]
        if any(w in _BOILERPLATE_WORDS and w not in named for w in pieces):
            return False
        if any(m.group() not in named for m in _BOILERPLATE_SUBSTRINGS.finditer(token)):
            return False
    return True


# An element dropped by its tag or role alone that holds this share of the page's running text
# holds the page, not a part of it (soup.py).
SWALLOW_SHARE = 0.5
# … or this share when its <h1> is the page's headline: a site that sets its post in an
# `<aside>` beside a column of teasers with summaries (a sidebar never holds the headline).
HEADLINE_SWALLOW_SHARE = 0.25
# A headline this short may be a site's name set in an <h1> (a logo in a header).
HEADLINE_MIN_CHARS = 20
# Tags dropped as chrome that hold other elements, and so can swallow a page (an unclosed
# <div> inside makes libxml2 ignore their end tag).
_SWALLOWING_TAGS = frozenset({"nav", "aside", "footer", "menu", "noscript", "header"})
_VISIBILITY = ("hidden", "aria-hidden", "style")
# What goes by its tag and cannot swallow a page (scripts, styles, form controls): most of what
# the classification walk drops, skipped without a call.
_LEAVES = rules.DROP_TAGS - _SWALLOWING_TAGS
# What a page's story is set in, and a navigation bar, a sidebar or a footer never holds.
_STORY_TAGS = ("article", "main", "h1")


def _may_swallow(el: HtmlElement) -> bool:
    """Whether el was dropped for its tag or its role alone, not as hidden (a hidden subtree
    goes whatever it holds) nor as a leaf (a script, a form control)."""
    tag = el.tag
    if not isinstance(tag, str):
        return False
    tag = tag.lower()
    if tag in rules.DROP_TAGS and tag not in _SWALLOWING_TAGS:
        return False
    attrs = dict(el.attrib)
    if _HIDING.isdisjoint(attrs):
        return tag in _SWALLOWING_TAGS
    return not _hidden_by({k: v for k, v in attrs.items() if k in _VISIBILITY})


def _net_prose(el: HtmlElement) -> int:
    """The running text outside links (a menu's teasers are links, however long) less the
    text of scripts and styles inside (a footer's inline scripts)."""
    plain = sum(len(t.strip()) for t in _LONG_PLAIN_TEXTS(el))
    return plain - sum(prose_chars(s) for s in el.iter("script", "style"))


def _held_chars(els: list[HtmlElement]) -> int:
    return sum(prose_chars(el) for el in els if isinstance(el.tag, str))


def _headline_key(title: str | None) -> str:
    return " ".join(title.split()).casefold() if title else ""


def _holds_headline(el: HtmlElement, headline: str) -> bool:
    """Whether an <h1> in el reads as the page's headline (headline: _headline_key(title))."""
    for h1 in el.iter("h1"):
        text = _headline_key(h1.text_content())
        if len(text) >= HEADLINE_MIN_CHARS and text in headline:
            return True
    return False


def _swallowing(suspects: list[HtmlElement], rest: int, headline: str = "") -> list[HtmlElement]:
    """The suspects (elements that _may_swallow) holding SWALLOW_SHARE of the page's running
    text outside links (HEADLINE_SWALLOW_SHARE when they hold the headline), rest being the
    prose_chars of the page without them.

    prose_chars bounds an element's text outside links and scripts from above, so only the
    suspects it lets through are measured again.
    """
    chars = [prose_chars(el) for el in suspects]
    least = HEADLINE_SWALLOW_SHARE if headline else SWALLOW_SHARE
    through = [el for el, n in zip(suspects, chars, strict=True) if n and n >= least * rest]
    if not through:
        return []
    nets = {el: _net_prose(el) for el in through}
    page = (
        rest
        + sum(nets.values())
        + sum(n for el, n in zip(suspects, chars, strict=True) if el not in nets)
    )
    return [
        el
        for el, net in nets.items()
        if net > 0
        and next(el.iter(*_STORY_TAGS), None) is not None
        and (
            net >= SWALLOW_SHARE * page
            or (net >= HEADLINE_SWALLOW_SHARE * page and _holds_headline(el, headline))
        )
    ]


def _unmark(el: HtmlElement) -> None:
    """Read a swallowing element as a plain box: a `div` in place of its chrome tag, no chrome
    role."""
    if el.tag.lower() in _SWALLOWING_TAGS:
        el.tag = "div"
    if el.get("role") is not None:
        del el.attrib["role"]


def _doomed(
    by_name: list[tuple[HtmlElement, int]],
    root: HtmlElement,
    marks: set[HtmlElement],
    shelters: set[HtmlElement],
    story_floor: float,
) -> list[HtmlElement]:
    """The chrome-named elements that go, in document order: those not spared, and, named
    weakly on a page with running text, holding less than story_floor of it (or lying outside
    the story's mark)."""
    if _compiled is not None:
        # The same decisions in C (_walk.pyx), in one call for the page.
        chosen: list[HtmlElement] = _compiled.doomed_by_name(
            by_name,
            root,
            marks,
            shelters,
            story_floor,
            _WEAK,
            _is_heading_section,
            SECTION_SLUG_MIN_WORDS,
            _INLINE_TAGS,
            _INLINE_PROSE_TAGS,
            PROSE_NODE_CHARS,
            INLINE_PROSE_CHARS,
            _EMBEDDED_POST.search,
        )
        return chosen
    doomed: list[HtmlElement] = []
    doomed_set: set[HtmlElement] = set()
    for el, strength in by_name:
        if _spared(el, strength == _WEAK, shelters):
            continue
        if strength == _WEAK and story_floor > 0:
            inside, live = _placed(el, root, marks, doomed_set)
            if not live:
                continue  # it goes with a doomed ancestor
            # Where the page marks its story, the share of text is no evidence for a subtree
            # outside it: sidebars and comment threads often outweigh a short post.
            if (inside or not marks) and prose_chars(el) >= story_floor:
                continue
        doomed.append(el)
        doomed_set.add(el)
    return doomed


def _spared(el: HtmlElement, weak: bool, shelters: set[HtmlElement]) -> bool:
    """Whether a chrome-named element stays whatever the page's share of text: it is a section
    under its own heading or a word of a sentence, or, named weakly, it holds the story's mark,
    holds prose or quotes a post."""
    if _is_heading_section(el) or _in_running_text(el):
        return True
    return weak and (el in shelters or _holds_inline_prose(el) or _embeds_quoted_post(el))


# An id of this many words spelling the section's own heading is a document generator's anchor
# (Sphinx, Markdown: "sharing-with-a-single-developer"), not a name for chrome; chrome ids are
# one or two words ("comments", "related-posts").
SECTION_SLUG_MIN_WORDS = 3
_SLUG_SPLIT = re.compile(r"[\W_]+")


def _is_heading_section(el: HtmlElement) -> bool:
    """Whether el's id is the slug of the heading that opens it."""
    ident = el.get("id")
    if not ident:
        return False
    words = [w for w in _SLUG_SPLIT.split(ident.lower()) if w]
    if len(words) < SECTION_SLUG_MIN_WORDS:
        return False
    heading = next(
        (c for c in el[:3] if isinstance(c.tag, str) and c.tag in rules.HEADING_TAGS), None
    )
    if heading is None:
        return False
    return [w for w in _SLUG_SPLIT.split(heading.text_content().lower()) if w] == words


_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "cite", "code", "em", "font", "i", "mark", "q", "small", "span",
     "strong", "sub", "sup", "u"}
)  # fmt: skip
_WORD = re.compile(r"\w")


def _in_running_text(el: HtmlElement) -> bool:
    """An inline element with words of its sentence on both sides (a glossary link classed
    "popup" in the middle of a paragraph): removing it would cut words out of the sentence."""
    if el.tag not in _INLINE_TAGS or not _WORD.search(el.tail or ""):
        return False
    prev = el.getprevious()
    if prev is not None:
        before = prev.tail
    else:
        parent = el.getparent()
        before = parent.text if parent is not None else None
    return _WORD.search(before or "") is not None


# Inline elements whose chrome name is no evidence once they hold running text: an unclosed
# <span class="byline-author"> makes the parser nest the post's paragraphs inside the byline.
_INLINE_PROSE_TAGS = frozenset({"span", "b", "strong", "i", "em", "font", "small", "a", "label"})
INLINE_PROSE_CHARS = 2 * PROSE_NODE_CHARS
# Long text nodes outside links: a hover card's list of a person's latest headlines (a
# `span.rollover-people-block` in a sentence) is link text, not a post the parser nested in a span.
_LONG_PLAIN_TEXTS = etree.XPath(
    f"descendant::text()[string-length(.) >= {PROSE_NODE_CHARS}][not(ancestor::a)]",
    smart_strings=False,
)


def _holds_inline_prose(el: HtmlElement) -> bool:
    """Whether a weakly chrome-named inline element holds prose (a byline, a date, a share
    label never holds a text node of PROSE_NODE_CHARS): a parse artefact, not chrome."""
    if el.tag not in _INLINE_PROSE_TAGS:
        return False
    return sum(len(t.strip()) for t in _LONG_PLAIN_TEXTS(el)) >= INLINE_PROSE_CHARS


_EMBEDDED_POST = re.compile("|".join(re.escape(c) for c in rules.EMBEDDED_POST_CLASSES))


def _embeds_quoted_post(el: HtmlElement) -> bool:
    """Whether a weakly chrome-named box (`social-media-embed`) set between the story's
    paragraphs holds an embedded post (a tweet's `blockquote.twitter-tweet`): the story quotes
    it, as it quotes a speaker. A follow-us box in a sidebar has no paragraph beside it."""
    if not any(_is_paragraph(s) for s in (el.getprevious(), el.getnext())):
        return False
    return any(
        _EMBEDDED_POST.search((q.get("class") or "").lower()) is not None
        for q in el.iter("blockquote")
    )


_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def _heads_a_paragraph(el: HtmlElement) -> bool:
    """Whether a weakly chrome-named element is a sub-heading (h2-h6) whose next element is a
    paragraph of prose: the heading of a section of the story, whatever its class says
    (`article-section__title`, an FAQ's questions as `entry-title`, a review's title). A
    teaser's or a box's title stands over links or fragments, and the page's title is an h1."""
    return el.tag in _SUBHEADINGS and _is_paragraph(el.getnext())


def _is_paragraph(el: HtmlElement | None) -> bool:
    return el is not None and el.tag == "p" and prose_chars(el) >= PROSE_NODE_CHARS


# A story-marked element shelters its chrome-named ancestors only when it holds this share of
# the page's running text (a teaser's "entry-content" in a related-posts rail does not).
MARKED_SHARE = 0.1


def _story_marks(stories: list[HtmlElement], total: int) -> set[HtmlElement]:
    """The story-marked elements that hold enough of the page's running text (total) to be
    the story."""
    if not stories or not total:
        return set()
    least = max(PROSE_NODE_CHARS, MARKED_SHARE * total)
    return {el for el in stories if prose_chars(el) >= least}


_XML_INCOMPATIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _remove_all(els: list[HtmlElement]) -> None:
    """_remove_keep_tail for each element, in order."""
    if _compiled is not None:
        # The same steps, through lxml's API, from C: no Python frame per element, and no
        # regex run over the (nearly always clean) texts.
        _compiled.remove_keep_tails(els, _XML_INCOMPATIBLE.sub)
        return
    for el in els:
        _remove_keep_tail(el)


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
    n = len(text)
    if n > 300 and n > rules.CHROME_PHRASE_MAX_CHARS:
        return False
    lower = text.lower() if text.isascii() or _FOLDS_ONTO_ASCII.search(text) is None else None
    if n <= 300 and _is_chrome_line(text, lower):
        return True
    return n <= rules.CHROME_PHRASE_MAX_CHARS and _has_chrome_phrase(text, lower)


def _is_chrome_line(text: str, lower: str | None) -> bool:
    """_CHROME_LINE.fullmatch(text); lower is text.lower() where that gives the same answer."""
    if _LINES_LOWER and lower is not None:
        return _CHROME_LINE_IN_LOWER.fullmatch(lower) is not None
    return _CHROME_LINE.fullmatch(text) is not None


def _has_chrome_phrase(text: str, lower: str | None = None) -> bool:
    """_CHROME_PHRASE.search(text), searched in text.lower() where that gives the same answer
    (lower: text.lower() already, when it does)."""
    if lower is None and (text.isascii() or _FOLDS_ONTO_ASCII.search(text) is None):
        lower = text.lower()
    if _PHRASES_BY_SUBSTRING and lower is not None:
        if _PHRASE_SET is not None and _compiled is not None:
            return bool(_PHRASE_SET.search(lower))
        return _PHRASES_IN_LOWER.search(lower) is not None
    return _CHROME_PHRASE.search(text) is not None


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global _compiled, _PHRASE_SET, _TOKEN_JUDGE, normalize_space
    _compiled = walk
    normalize_space = dom.normalize_space
    _PHRASE_SET = (
        walk.LiteralSet(_PHRASES_LOWER)
        if walk is not None and _PHRASES_BY_SUBSTRING and min(map(len, _PHRASES_LOWER)) >= 2
        else None
    )
    _TOKEN_JUDGE = (
        _token_class
        if walk is None
        else walk.TokenJudge(
            _token_class,
            _CONTENT_WORDS,
            _STORY_WORDS,
            _BOILERPLATE_WORDS,
            rules.BOILERPLATE_SUBSTRINGS,
            rules.STRONG_BOILERPLATE,
            _STORY_SUFFIXES,
            _THREAD_TOKEN.fullmatch,
            _POST_TEMPLATE_TOKEN.fullmatch,
            _TAXONOMY_TOKEN.match,
            _STATE_TOKEN.match,
            _T_CONTENT,
            _T_STORY,
            _T_CHROME,
            _T_STRONG,
            _T_POST,
            _TAXONOMY_SHIFT,
            first_chars(rules.COMMENT_THREAD_CLASS),
            first_chars(rules.POST_TEMPLATE_CLASS),
        )
    )
