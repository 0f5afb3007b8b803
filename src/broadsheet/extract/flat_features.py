"""Line features for clean_text: what a flattened line looks like, without its markup.

Each test reads one line of text (whitespace already normalised) and says whether it looks like
prose, code left over from the page's scripts and templates, a tag cloud or a promo teaser.
"""

from __future__ import annotations

import re

from .rules import WIDE_CHAR_WEIGHT, WIDE_CHARS

_WIDE = re.compile(WIDE_CHARS)

_CODE_CHARS = re.compile(r"[{}<>=;\\|_\[\]$#@^~`]")
_CODE_TOKENS = re.compile(
    r"</?[a-z][\w:-]*[\s>/]|\w\(\)|\bfunction\s*\(|\bvar\s+\w+\s*=|&&|\|\||=>|\bthis\.\w"
    r"|\bdocument\.\w|\bwindow\.\w|\.(?:tpl|php|js|css)\b|\{\{|\}\}|/\*|\*/",
    re.IGNORECASE,
)
_PUNCT = re.compile(r"[.,;:!?\u3001\u3002\uff0c\uff01\uff1f\u060c\u061f]")
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
_TIGHT_COMMA = re.compile(r"[^\W\d_],[^\W\d_]")
_UPPER_WORD = re.compile(r"[A-Z][A-Z'\u2019-]+")


def effective_length(line: str) -> float:
    """Characters, with wide (CJK) characters counted as the short words they stand for."""
    wide = len(_WIDE.findall(line))
    return len(line) + (WIDE_CHAR_WEIGHT - 1.0) * wide


def without_wide(line: str) -> str:
    """The line with wide characters as spaces: CJK prose has no spaces to test tokens by."""
    return _WIDE.sub(" ", line)


def looks_like_chrome(line: str) -> bool:
    """Script residue, a word list or a teaser: chrome by its shape, whatever its words."""
    return looks_like_code(line) or looks_like_word_list(line) or looks_like_teaser(line)


def looks_like_code(line: str) -> bool:
    """Script, style or template residue: markup tokens or a high share of code punctuation."""
    if _CODE_TOKENS.search(line):
        return True
    return len(_CODE_CHARS.findall(line)) > max(2.0, 0.04 * len(line))


def looks_like_word_list(line: str) -> bool:
    """A long line of bare words: a tag cloud, a keyword list, a shouted template comment."""
    if len(line) < 60 or _WIDE.search(line):
        return False
    words = _WORD.findall(line)
    if len(words) < 8:
        return False
    if len(_TIGHT_COMMA.findall(line)) >= 3:  # "tag one,tag two,tag three"
        return True
    upper = sum(1 for w in words if _UPPER_WORD.fullmatch(w))
    if upper >= 0.6 * len(words):
        return True
    return len(_PUNCT.findall(line)) == 0 and len(line) >= 100


# The words a Title Case headline leaves in lower case.
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on"}
    | {"or", "the", "to", "vs", "with"}
)


def looks_like_teaser(line: str) -> bool:
    """A promo: a headline in Title Case run together with its summary."""
    words = line.split()[:8]
    if len(words) < 6:
        return False
    caps = sum(1 for w in words if w[:1].isupper() and not w.isupper())
    small = sum(1 for w in words if w.lower() in _SMALL_WORDS and w[:1].islower())
    return caps >= 6 and caps + small == len(words)
