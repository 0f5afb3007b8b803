"""The story's HTML with the reader's highlights wrapped in `<mark>`: for the reader view.

The stored HTML is parsed the way the browser parses it (core.anchoring.parse_story) and written
out again node by node: every text node escaped, only the sanitiser's tags and attributes kept
(broadsheet.extract.sanitize's allow-lists, URLs checked again), and the `<mark>` elements made
here around the parts of text nodes a highlight covers. No text is ever pasted into markup
unescaped, and whatever the stored HTML held, what comes out is no more than the sanitiser
allows plus those marks, whose attributes are ids and escaped notes.

The text content is unchanged (the marks only wrap), so the canonical text the browser's script
sees is the same with marks as without.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from selectolax.lexbor import LexborNode

from broadsheet.core.anchoring import parse_story
from broadsheet.extract.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    FORCED_ATTRIBUTES,
    LINK_REL,
    safe_url,
)

VOID = frozenset({"br", "img", "hr", "wbr"})
_URL_ATTRS = frozenset({"href", "src"})
_NUMERIC_ATTRS = frozenset({"width", "height", "colspan", "rowspan"})
# A note shown as the mark's tooltip is cut here (the whole note is listed under the story).
TITLE_CHARS = 300


@dataclass(frozen=True)
class Mark:
    """One highlight to draw: text[start:end] of the canonical text."""

    highlight_id: int
    start: int
    end: int
    note: str = ""


def _attribute(tag: str, name: str, value: str) -> str | None:
    """The attribute's value if the sanitiser would keep it, else None."""
    allowed = ALLOWED_ATTRIBUTES.get("*", set()) | ALLOWED_ATTRIBUTES.get(tag, set())
    if name == "class" and tag in ALLOWED_CLASSES:
        kept = [c for c in value.split() if c in ALLOWED_CLASSES[tag]]
        return " ".join(kept) or None
    if name not in allowed:
        return None
    if name in _URL_ATTRS:
        return safe_url(value, None)
    if name in _NUMERIC_ATTRS:
        value = value.strip()
        return value if value.isdigit() and len(value) <= 5 else None
    return value


def _start_tag(node: LexborNode) -> str:
    tag = node.tag or ""
    parts = [tag]
    forced = FORCED_ATTRIBUTES.get(tag, {})
    for name, raw in node.attributes.items():
        if name in forced or name == "rel":
            continue
        value = _attribute(tag, name, raw or "")
        if value is not None:
            parts.append(f'{name}="{escape(value)}"')
    if tag == "a":
        parts.append(f'rel="{LINK_REL}"')
    parts.extend(f'{name}="{escape(value)}"' for name, value in forced.items())
    return "<" + " ".join(parts) + ">"


class _Marker:
    """Writes text with marks: the canonical text's offset moves on with every text node."""

    def __init__(self, marks: Sequence[Mark]) -> None:
        self.marks = sorted((m for m in marks if m.end > m.start), key=lambda m: (m.start, m.end))
        self.cuts = sorted({x for m in self.marks for x in (m.start, m.end)})
        self.offset = 0
        self.named: set[int] = set()

    def covering(self, start: int, end: int) -> list[Mark]:
        return [m for m in self.marks if m.start <= start and end <= m.end]

    def text(self, data: str, out: list[str]) -> None:
        begin, finish = self.offset, self.offset + len(data)
        self.offset = finish
        if not self.marks:
            out.append(escape(data, quote=False))
            return
        points = [begin, *(c for c in self.cuts if begin < c < finish), finish]
        for a, b in pairwise(points):
            piece = escape(data[a - begin : b - begin], quote=False)
            over = self.covering(a, b)
            if not over:
                out.append(piece)
                continue
            out.append(self._mark(over) + piece + "</mark>")

    def _mark(self, over: list[Mark]) -> str:
        # The innermost (latest-starting, then shortest) highlight is the one the mark stands
        # for; the first piece of each highlight carries its id, for links to it (#hl-12).
        top = max(over, key=lambda m: (m.start, -m.end))
        attrs = ['class="highlight' + (' has-note"' if top.note else '"')]
        first = next((m for m in over if m.highlight_id not in self.named), None)
        if first is not None:
            self.named.add(first.highlight_id)
            attrs.append(f'id="hl-{int(first.highlight_id)}"')
        attrs.append(f'data-highlight="{int(top.highlight_id)}"')
        if top.note:
            note = top.note if len(top.note) <= TITLE_CHARS else top.note[:TITLE_CHARS] + "…"
            attrs.append(f'title="{escape(note)}"')
        return "<mark " + " ".join(attrs) + ">"


def _starts_with_newline(node: LexborNode) -> bool:
    first = node.child
    return first is not None and first.is_text_node and (first.text_content or "").startswith("\n")


def render(html: str, marks: Sequence[Mark]) -> str:
    """The story's HTML with `marks` drawn (see the module's docstring)."""
    if not html:
        return ""
    root = parse_story(html)
    marker = _Marker(marks)
    out: list[str] = []
    # (element, its end tag) for each open element: no recursion, nesting can be deep.
    stack: list[tuple[LexborNode, str]] = []
    node = root.child
    while node is not None or stack:
        if node is None:
            parent, end_tag = stack.pop()
            out.append(end_tag)
            node = parent.next
            continue
        if node.is_text_node:
            marker.text(node.text_content or "", out)
        elif node.is_element_node:
            tag = node.tag or ""
            kept = tag in ALLOWED_TAGS
            if kept:
                out.append(_start_tag(node))
                if tag == "pre" and _starts_with_newline(node):
                    out.append("\n")  # the parser drops one newline after <pre>
            end_tag = f"</{tag}>" if kept and tag not in VOID else ""
            if node.child is not None:
                stack.append((node, end_tag))
                node = node.child
                continue
            out.append(end_tag)
        node = node.next
    return "".join(out)
