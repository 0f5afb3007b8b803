"""The news pages the XSS cases hide their payloads in, and the checks on stored HTML."""

from __future__ import annotations

import html
from typing import Any

import lxml.html

from broadsheet.extract.sanitize import LOCAL_IMAGE_PATH

BEFORE = "Before the payload, the harbour council met on Tuesday evening to vote on the budget."
MIDDLE = "In the middle of the story the engineers described the winter repairs to the bridge."
AFTER = "After the payload, residents asked the mayor about the new ferry schedule and funding."
PROSE = (
    " The meeting ran late into the evening as residents queued to speak about the river crossing,"
    " the library hours and the school buses that run along the coast road every morning."
)

# Written out here, independently of the sanitizer's own tables, so the check is a real one.
SAFE_TAGS = frozenset(
    [
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "blockquote",
        "figure",
        "img",
        "figcaption",
        "span",
        "pre",
        "code",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "a",
        "em",
        "strong",
        "b",
        "i",
        "sub",
        "sup",
    ]
)
SAFE_ATTRIBUTES = frozenset(
    [
        "href",
        "src",
        "alt",
        "width",
        "height",
        "colspan",
        "rowspan",
        "class",
        "rel",
        "referrerpolicy",
    ]
)
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")


def xss_page(title: str, payload: str) -> bytes:
    """A news story with ``payload`` inside a paragraph and again between paragraphs."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><main><article>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{BEFORE}{PROSE}</p>"
        f"<p>{MIDDLE} {payload} {PROSE}</p>"
        f"{payload}"
        f"<p>{AFTER}{PROSE}</p>"
        "</article></main></body></html>"
    ).encode()


def stored_html_problems(stored: str) -> list[str]:
    """Everything executable or leaky in stored article HTML (empty when it is safe)."""
    problems = []
    low = stored.lower()
    for scheme in SCRIPT_SCHEMES:
        if scheme in low:
            problems.append(f"{scheme} appears")
    if not stored.strip():
        return problems
    for fragment in lxml.html.fragments_fromstring(stored):
        if isinstance(fragment, str):
            continue
        for el in fragment.iter():
            tag = el.tag if isinstance(el.tag, str) else ""
            if not tag:
                problems.append("a comment or processing instruction")
                continue
            if tag.lower() not in SAFE_TAGS:
                problems.append(f"<{tag}>")
            for name, value in el.attrib.items():
                if name.lower() not in SAFE_ATTRIBUTES:
                    problems.append(f"<{tag} {name}>")
                ours = tag == "img" and name == "src" and LOCAL_IMAGE_PATH.fullmatch(value)
                if (
                    name.lower() in ("href", "src")
                    and not ours
                    and not value.strip().lower().startswith(("http://", "https://"))
                ):
                    problems.append(f"<{tag} {name}={value!r}>")
            if tag == "a" and el.get("href") is not None:
                if el.get("rel") != "noopener noreferrer":
                    problems.append(f"<a rel={el.get('rel')!r}>")
                if el.get("referrerpolicy") != "no-referrer":
                    problems.append(f"<a referrerpolicy={el.get('referrerpolicy')!r}>")
            if tag == "img" and el.get("referrerpolicy") != "no-referrer":
                problems.append("<img> without referrerpolicy")
    return problems


DOM_PROSE = "<p>" + "A sentence of real prose, long enough to count as running text. " * 4 + "</p>"


def build_dom_page(case: Any) -> str:
    """The page a cases/dom/*.json case describes (its "build" object)."""
    spec: dict[str, Any] = case.get("build")
    if "text_node" in spec:
        return "<html><body><p>" + "word. " * (int(spec["text_node"]) // 6) + "</p></body></html>"
    if "attributes" in spec:
        attrs = " ".join(f"a{i}=x" for i in range(int(spec["attributes"])))
        return f"<p {attrs}>x</p>{DOM_PROSE}"
    if "long_attribute" in spec:
        return '<a href="' + "h" * int(spec["long_attribute"]) + '">' + DOM_PROSE
    repeat = int(spec["repeat"])
    body = spec["open"] * repeat + "x" * int(spec.get("pad", 0)) + spec["close"] * repeat
    where = spec.get("prose")
    if where == "inside":
        body = spec["open"] * repeat + DOM_PROSE + spec["close"] * repeat
    elif where == "before":
        body = DOM_PROSE + body
    else:
        body = body + DOM_PROSE
    return f"<html><body>{body}</body></html>"
