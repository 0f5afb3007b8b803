"""Article output: body HTML from blocks, and text / markdown / JSON renderings."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any, Literal

from .article import Article, Block


def _inline(text: str) -> str:
    return "<br>".join(escape(line, quote=False) for line in text.split("\n"))


def block_html(block: Block) -> str:
    kind = block.kind
    if kind == "heading":
        level = min(6, max(2, block.level or 2))
        return f"<h{level}>{escape(block.text, quote=False)}</h{level}>"
    if kind == "paragraph":
        return f"<p>{_inline(block.text)}</p>"
    if kind == "list":
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{escape(item, quote=False)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if kind == "quote":
        paras = "".join(f"<p>{escape(p, quote=False)}</p>" for p in block.text.split("\n") if p)
        return f"<blockquote>{paras}</blockquote>"
    if kind == "preformatted":
        return f"<pre><code>{escape(block.text, quote=False)}</code></pre>"
    if kind == "table":
        rows = "".join(
            "<tr>"
            + "".join(f"<td>{escape(c, quote=False)}</td>" for c in row.split(" | "))
            + "</tr>"
            for row in block.text.split("\n")
        )
        return f"<table><tbody>{rows}</tbody></table>"
    if kind == "figure":
        parts: list[str] = []
        if block.src:
            parts.append(f'<img src="{escape(block.src)}" alt="{escape(block.alt or "")}">')
        if block.caption or block.credit:
            caption = escape(block.caption or "", quote=False)
            credit = (
                f' <span class="credit">{escape(block.credit, quote=False)}</span>'
                if block.credit
                else ""
            )
            parts.append(f"<figcaption>{caption}{credit}</figcaption>".replace("> <span", "><span"))
        return f"<figure>{''.join(parts)}</figure>"
    return ""


def blocks_html(blocks: tuple[Block, ...] | list[Block]) -> str:
    """Unsanitised body HTML; callers pass it through the sanitizer."""
    return "\n".join(block_html(b) for b in blocks)


def _markdown_block(block: Block) -> str:
    kind = block.kind
    if kind == "heading":
        return "#" * min(6, max(2, block.level or 2)) + " " + block.text
    if kind == "list":
        return "\n".join(
            (f"{i}. " if block.ordered else "- ") + item for i, item in enumerate(block.items, 1)
        )
    if kind == "quote":
        return "\n>\n".join("> " + line for line in block.text.split("\n"))
    if kind == "preformatted":
        fence = "````" if "```" in block.text else "```"
        return f"{fence}\n{block.text}\n{fence}"
    if kind == "table":
        rows = [row.split(" | ") for row in block.text.split("\n")]
        width = max(len(r) for r in rows)
        lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
        lines.insert(1, "|" + " --- |" * width)
        return "\n".join(lines)
    if kind == "figure":
        out: list[str] = []
        if block.src:
            out.append(f"![{(block.alt or '').replace(']', '')}]({block.src})")
        caption = " ".join(
            p for p in (block.caption, f"({block.credit})" if block.credit else None) if p
        )
        if caption:
            out.append(f"*{caption}*")
        return "\n\n".join(out)
    return block.text.replace("\n", "  \n")


def _text_block(block: Block) -> str:
    """A block in the plain-text rendering: its text, and a photo as its caption and credit
    in brackets where it stands ("[Photo: Workers on the dock (Ann Carver/Reuters)]"). The
    running text (Article.text) leaves captions out; the reader of the rendering still sees
    them, beside the story's paragraphs, as beside the photo."""
    if block.kind != "figure":
        return block.plain()
    caption = " ".join(
        p for p in (block.caption, f"({block.credit})" if block.credit else None) if p
    )
    return f"[Photo: {caption}]" if caption else ""


# English month names, whatever the machine's locale (strftime's %B follows it).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip


def readable_date(when: datetime) -> str:
    """A date for people: "5 March 2024", with the time when the page gave one ("5 March 2024,
    08:30 UTC"), in the page's own zone ("09:30 UTC+01:00"), or no zone when it named none.

    Midnight counts as no time: a page that gives only a date is read as its midnight. The text
    and Markdown renderings print this; JSON keeps ISO 8601, which is for programs.
    """
    day = f"{when.day} {MONTHS[when.month - 1]} {when.year}"
    if (when.hour, when.minute, when.second, when.microsecond) == (0, 0, 0, 0):
        return day
    offset = when.utcoffset()
    if offset is None:
        zone = ""
    elif not offset:
        zone = " UTC"
    else:
        minutes = int(offset.total_seconds()) // 60
        sign = "+" if minutes > 0 else "-"
        zone = f" UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{day}, {when.hour:02d}:{when.minute:02d}{zone}"


def credit_line(byline: str, agency: str) -> str:
    """The byline as the reader sees it: "By Ann Lee and Bo Ray (Reuters)"; "By Reuters" when
    the agency is the byline; "" when there is neither."""
    names = byline or agency
    if not names:
        return ""
    if agency and agency.casefold() != names.casefold():
        return f"By {names} ({agency})"
    return f"By {names}"


def _dateline(article: Article) -> str:
    bits = []
    credit = credit_line(article.byline, article.agency)
    if credit:
        bits.append(credit)
    if article.site_name:
        bits.append(article.site_name)
    if article.published:
        bits.append(readable_date(article.published))
    return " · ".join(bits)


def article_dict(article: Article) -> dict[str, Any]:
    blocks = []
    for b in article.blocks:
        d: dict[str, Any] = {"kind": b.kind}
        if b.kind == "list":
            d.update(items=list(b.items), ordered=b.ordered)
        elif b.kind == "figure":
            d.update(src=b.src, alt=b.alt, caption=b.caption, credit=b.credit)
        else:
            d["text"] = b.text
            if b.kind == "heading":
                d["level"] = b.level
        blocks.append(d)
    return {
        "title": article.title,
        "summary": article.summary,
        "byline": article.byline,
        "agency": article.agency,
        "published": article.published.isoformat() if article.published else None,
        "site_name": article.site_name,
        "language": article.language,
        "canonical_url": article.canonical_url,
        "image": article.image,
        "word_count": article.word_count,
        "reading_minutes": article.reading_minutes,
        "credits": article.credits,
        "text": article.text,
        "html": article.html,
        "blocks": blocks,
    }


def render(article: Article, fmt: Literal["text", "markdown", "json"]) -> str:
    """The article as plain text, Markdown or JSON (what `broadsheet extract --format` prints)."""
    if fmt == "json":
        return json.dumps(article_dict(article), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        head = [f"# {article.title}"] if article.title else []
        if article.summary:
            head.append(f"> {article.summary}")
        line = _dateline(article)
        if line:
            head.append(f"*{line}*")
        body = [_markdown_block(b) for b in article.blocks]
        return "\n\n".join(head + [b for b in body if b]) + "\n"
    if fmt == "text":
        head = [article.title] if article.title else []
        line = _dateline(article)
        if line:
            head.append(line)
        body = [_text_block(b) for b in article.blocks]
        return "\n\n".join([*head, *(b for b in body if b)]).strip() + "\n"
    raise ValueError(f"unknown format {fmt!r}; use text, markdown or json")
