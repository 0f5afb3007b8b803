"""What a rule regex's match must start with, read from its source, so that a text or a token
whose first character no rule can start with skips the regex call.

The rule tables are written as plain regex sources (rules.py): words, groups of alternative
words, optional words ("(die )?meist..."). ``first_chars`` reads those shapes and answers None for
anything else (a class, an escape, a dot, a lookaround, a counted repeat, a pattern that can
match the empty string), which callers treat as "could start with anything": the answer is
never a set too small, only sometimes no answer.
"""

from __future__ import annotations

import re

# Characters with a meaning of their own at the start of a regex item.
_SPECIAL = frozenset("\\.^$*+?{}[]|()")
# Quantifiers that let the item before them be absent.
_MAY_SKIP = ("?", "*")


def first_chars(source: str) -> frozenset[str] | None:
    """The characters every non-empty match of the regex source starts with (case as written),
    or None when the source is not one of the simple shapes (see the module)."""
    alternatives = _split_top(source)
    if alternatives is None:
        return None
    found: set[str] = set()
    for alternative in alternatives:
        heads = _leading(alternative)
        if heads is None:
            return None
        found |= heads
    return frozenset(found)


def _marks(source: str) -> list[tuple[int, str, int]] | None:
    """The grouping marks of a regex source outside escapes and classes, in order: (index, "(",
    ")" or "|", the depth of the group it opens, closes or sits in; 0 outside any). None when
    the groups or a class do not close."""
    marks: list[tuple[int, str, int]] = []
    depth = 0
    in_class = False
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]" or source[i - 1] == "["
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            marks.append((i, ch, depth))
        elif ch == ")":
            if depth == 0:
                return None
            marks.append((i, ch, depth))
            depth -= 1
        elif ch == "|":
            marks.append((i, ch, depth))
        i += 1
    return None if depth or in_class else marks


def _scan_end(source: str) -> int | None:
    """The index of the ")" closing the group that opens source, or None."""
    marks = _marks(source)
    return next((i for i, ch, depth in marks or () if ch == ")" and depth == 1), None)


def _split_top(source: str) -> list[str] | None:
    """The source's alternatives at the top level (split at "|" outside groups and classes)."""
    marks = _marks(source)
    if marks is None:
        return None
    cuts = [i for i, ch, depth in marks if ch == "|" and depth == 0]
    return [source[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(source)], strict=True)]


def _after_quantifier(source: str) -> str:
    """source without a leading "?" or "*" and the lazy or possessive mark after it."""
    rest = source[1:]
    return rest[1:] if rest[:1] in ("?", "+") else rest


def _leading(item: str) -> set[str] | None:
    """First characters of one alternative (a sequence of items), or None."""
    if not item:
        return None  # it may match the empty string
    ch = item[0]
    if ch == "(":
        if item.startswith("(?:"):
            open_at = 3
        elif item.startswith("(?"):
            return None  # a lookaround, a flag, a named group: not read
        else:
            open_at = 1
        end = _scan_end(item)
        if end is None:
            return None
        inner = first_chars(item[open_at:end])
        rest = item[end + 1 :]
        if inner is None or rest[:1] == "{":
            return None
        if rest[:1] in _MAY_SKIP:
            after = _leading(_after_quantifier(rest))
            return None if after is None else set(inner) | after
        return set(inner)
    if ch in _SPECIAL:
        return None
    rest = item[1:]
    if rest[:1] == "{":
        return None
    if rest[:1] in _MAY_SKIP:
        after = _leading(_after_quantifier(rest))
        return None if after is None else {ch} | after
    return {ch}


_ANY_RUN = re.compile(r"\.(?:\{\d*,\d+\}|\*|\+)")
_QUANTIFIERS = ("?", "*", "+", "{")


def needle(source: str) -> str | None:
    """A literal that every match of a source led by any characters (".{0,80}did we miss an
    angle.{0,160}") holds: the words right after the run of any characters, or None (another
    shape, or fewer than three characters)."""
    alternatives = _split_top(source)
    led = _ANY_RUN.match(source)
    if alternatives is None or len(alternatives) != 1 or led is None:
        return None
    run = []
    for i in range(led.end(), len(source)):
        ch = source[i]
        if ch in _SPECIAL:
            break
        if source[i + 1 : i + 2] in _QUANTIFIERS:
            break  # this character may be absent or repeated: the literal ends before it
        run.append(ch)
    literal = "".join(run)
    return literal if len(literal) >= 3 else None


class ByFirstChar:
    """A fullmatch over the alternatives of several regex sources, each followed by the same
    suffix, with the alternatives grouped by the character their matches start with: a text
    is tried against the alternatives that can start with its first character (and those whose
    start first_chars cannot tell), not against all of them. Sources led by a run of any
    characters go apart, tried only on a text holding one of their needles.

    fullmatch(text) is not None exactly when re.fullmatch("(?:a|b|...)" + suffix, text) is.
    """

    __slots__ = ("_any", "_by_char", "_led", "_needles")

    def __init__(self, sources: list[str], suffix: str, flags: int = 0) -> None:
        if flags & re.IGNORECASE:
            raise ValueError("first characters are read case-sensitively")
        needles = [needle(s) for s in sources]
        led = [s for s, n in zip(sources, needles, strict=True) if n is not None]
        sources = [s for s, n in zip(sources, needles, strict=True) if n is None]
        heads = [first_chars(s) for s in sources]
        anywhere = [s for s, h in zip(sources, heads, strict=True) if h is None]
        chars = sorted({c for h in heads if h is not None for c in h})

        def compiled(group: list[str]) -> re.Pattern[str]:
            return re.compile("(?:" + "|".join(f"(?:{s})" for s in group) + ")" + suffix, flags)

        # An empty group compiles to "(?:)": it matches no text a rule could, but the suffix
        # alone; so no group is built empty.
        self._any = compiled(anywhere) if anywhere else None
        self._led = compiled(led) if led else None
        self._needles = tuple(n for n in needles if n is not None)
        self._by_char = {
            c: compiled([s for s, h in zip(sources, heads, strict=True) if h is None or c in h])
            for c in chars
        }

    def fullmatch(self, text: str) -> re.Match[str] | None:
        pattern = self._by_char.get(text[:1], self._any)
        found = None if pattern is None else pattern.fullmatch(text)
        if found is None and self._led is not None:
            for literal in self._needles:
                if literal in text:
                    return self._led.fullmatch(text)
        return found
