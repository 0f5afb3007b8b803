"""render(): text, Markdown and JSON."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from broadsheet.extract import extract, render, sanitize_html
from broadsheet.extract.render import readable_date

from .conftest import ADDRESSES, PAGES
from .story_sentences import STORY_SENTENCES, article_page, story


@pytest.fixture(scope="module")
def article():  # type: ignore[no-untyped-def]
    html = (PAGES / "world-lavrov.html").read_bytes()
    return extract(html, url=ADDRESSES["world-lavrov"])


def test_text(article) -> None:  # type: ignore[no-untyped-def]
    out = render(article, "text")
    assert out.startswith(
        article.title + "\n\nBy Daria Volkova · The Daily Ledger · 12 March 2024, 14:05 UTC\n"
    )
    assert article.text in out
    assert out.endswith("\n")


def test_markdown(article) -> None:  # type: ignore[no-untyped-def]
    out = render(article, "markdown")
    assert out.startswith(
        f"# {article.title}\n\n> {article.summary}\n\n"
        "*By Daria Volkova · The Daily Ledger · 12 March 2024, 14:05 UTC*\n"
    )
    assert "\n## Icebreakers and insurance\n" in out
    assert "\n- a shared schedule for icebreaker escorts through the Kara Gate;\n" in out
    assert '\n> "Moscow wants to be seen' in out
    assert "![Sergey Lavrov and Pekka Lindqvist at a news conference](https://" in out
    assert "(AP Photo/Misha Japaridze)*" in out


def test_markdown_code_and_table() -> None:
    md = render(extract((PAGES / "tech-sqlite-wal.html").read_bytes()), "markdown")
    assert "```\nimport sqlite3\n" in md
    assert "\n1. Every read now runs" in md
    table = render(extract((PAGES / "longread-tidewater.html").read_bytes()), "markdown")
    assert "| Measure | Figure |\n| --- | --- |\n| Pilots licensed for the estuary | 12 |" in table


def test_json(article) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render(article, "json"))
    assert data["title"] == article.title
    assert data["published"] == "2024-03-12T14:05:00+00:00"
    assert data["canonical_url"] == article.canonical_url
    assert data["credits"] == article.credits
    assert data["word_count"] == article.word_count
    figure = next(b for b in data["blocks"] if b["kind"] == "figure")
    assert figure["credit"] == "AP Photo/Misha Japaridze"
    heading = next(b for b in data["blocks"] if b["kind"] == "heading")
    assert heading == {"kind": "heading", "text": "Icebreakers and insurance", "level": 2}


def test_the_agency_beside_the_byline(article) -> None:  # type: ignore[no-untyped-def]
    """Issue 11: "By A and B (Agency)" in text and Markdown, its own key in JSON; an agency that
    is the byline is shown once."""
    from dataclasses import replace

    wire = replace(article, byline="Daria Volkova and Omar Haddad", agency="Reuters")
    assert "\n\nBy Daria Volkova and Omar Haddad (Reuters) · The Daily Ledger · " in render(
        wire, "text"
    )
    assert "*By Daria Volkova and Omar Haddad (Reuters) · The Daily" in render(wire, "markdown")
    assert json.loads(render(wire, "json"))["agency"] == "Reuters"
    alone = replace(article, byline="Reuters", agency="Reuters")
    assert "\n\nBy Reuters · The Daily Ledger · " in render(alone, "text")
    assert json.loads(render(article, "json"))["agency"] == ""


def test_unknown_format(article) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown format"):
        render(article, "pdf")  # type: ignore[arg-type]


# One figure an image source that no reader can load (or that is not an image at all), one a
# lazy-loaded image, one a plain one; each with a caption.
IMAGES = {
    "script": '<img src="javascript:alert(1)" alt="script">',
    "vbscript": '<img src="vbscript:msgbox(1)" alt="vbscript">',
    "data": '<img src="data:image/png;base64,iVBORw0KGgo=" alt="data">',
    "empty": '<img src="" alt="empty">',
    "lazy": '<img src="data:image/gif;base64,R0lGOD=" data-src="/img/lazy.jpg" alt="lazy">',
    "plain": '<img src="https://cdn.example/plain.jpg" alt="plain">',
    "placeholder": '<img src="//:0" data-src="https://cdn.example/later.jpg" alt="placeholder">',
    "relative": '<img src="pics/relative.jpg" alt="relative">',
}


def images_page() -> str:
    figures = "".join(
        f"<figure>{img}<figcaption>The {name} photo caption.</figcaption></figure>"
        for name, img in IMAGES.items()
    )
    return article_page(story(STORY_SENTENCES[:4]) + figures + story(STORY_SENTENCES[4:]))


def img_sources(html: str) -> list[str | None]:
    """The src of every <img> of some HTML (None for one without)."""
    found = []
    for tag in re.findall(r"<img\b[^>]*>", html):
        src = re.search(r'\ssrc="([^"]*)"', tag)
        found.append(src.group(1) if src else None)
    return found


@pytest.mark.parametrize("url", ["https://news.example/2024/story.html", None])
def test_no_output_has_an_image_without_a_usable_address(url: str | None) -> None:
    article = extract(images_page(), url=url)
    usable = ["https://cdn.example/plain.jpg", "https://cdn.example/later.jpg"]
    if url:
        usable += [
            "https://news.example/img/lazy.jpg",
            "https://news.example/2024/pics/relative.jpg",
        ]
    # HTML (the stored kind too) and the JSON's: an <img> only with an absolute http(s) src;
    # every caption stays, without the photo when it had none.
    data = json.loads(render(article, "json"))
    for html in (article.html, data["html"], sanitize_html(article.html, base_url=url)):
        assert sorted(img_sources(html), key=str) == sorted(usable)
        for name in IMAGES:
            assert f"The {name} photo caption." in html
    figures = [b for b in data["blocks"] if b["kind"] == "figure"]
    assert [f["caption"] for f in figures] == [f"The {n} photo caption." for n in IMAGES]
    srcs = [f["src"] for f in figures if f["src"]]
    # Markdown and the JSON's blocks: only those, and a relative one when there is no base to
    # resolve it against (it still names the file beside a saved page).
    expected = usable if url else [*usable, "/img/lazy.jpg", "pics/relative.jpg"]
    assert sorted(srcs) == sorted(expected)
    markdown = render(article, "markdown")
    assert sorted(re.findall(r"!\[[^\]]*\]\(([^)]*)\)", markdown)) == sorted(expected)
    for name in IMAGES:
        assert f"The {name} photo caption." in markdown
    for out in (markdown, render(article, "text")):  # the text is the story's, without captions
        assert "script:" not in out and "data:" not in out
    assert article.image in expected


def test_the_sanitizer_drops_an_image_it_takes_the_address_of() -> None:
    assert sanitize_html('<p>a<img src="javascript:alert(1)" alt="x">b</p>') == "<p>ab</p>"
    assert sanitize_html('<img src="pics/a.jpg" alt="x" width="3">') == ""
    assert sanitize_html('<img alt="src=&quot;https://x.example/a.jpg&quot;">') == ""
    assert (
        sanitize_html(
            '<figure><img src="ftp://x.example/a.jpg"><figcaption>Cap</figcaption></figure>'
        )
        == "<figure><figcaption>Cap</figcaption></figure>"
    )
    assert sanitize_html("<figure><img src=''></figure><p>x</p>") == "<p>x</p>"
    kept = sanitize_html('<img alt="a > b" src="pics/a.jpg">', base_url="https://x.example/")
    assert kept == (
        '<img alt="a &gt; b" src="https://x.example/pics/a.jpg" referrerpolicy="no-referrer">'
    )


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("java\tscript:alert(1)", None),
        ("file:///C:/Users/me/a.jpg", None),
        ("C:\\pics\\a.jpg", None),
        ("//:0", None),
        ("https://:0", None),
        ("//cdn.example/a.jpg", "//cdn.example/a.jpg"),
        ("pics/a.jpg", "pics/a.jpg"),
        ("/pics/a.jpg", "/pics/a.jpg"),
    ],
)
def test_the_images_of_a_page_with_no_address(src: str, kept: str | None) -> None:
    figure = f'<figure><img src="{src}" alt="a"><figcaption>A caption.</figcaption></figure>'
    article = extract(article_page(story() + figure))
    [block] = [b for b in article.blocks if b.kind == "figure"]
    assert (block.src, block.caption) == (kept, "A caption.")


def _saved_page(head: str) -> str:
    figure = (
        '<figure><img src="../img/ferry.jpg" alt="a"><figcaption>A caption.</figcaption></figure>'
    )
    body = story(STORY_SENTENCES[:4]) + figure + '<p><a href="/more">more</a></p>' + story()
    return article_page(body, head=head)


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="canonical" href="https://news.example/2024/03/ferry.html">',
        '<meta property="og:url" content="https://news.example/2024/03/ferry.html">',
    ],
)
def test_a_page_with_no_address_resolves_against_its_canonical(head: str) -> None:
    article = extract(_saved_page(head))
    [figure] = [b for b in article.blocks if b.kind == "figure"]
    assert figure.src == "https://news.example/2024/img/ferry.jpg"
    assert img_sources(article.html) == ["https://news.example/2024/img/ferry.jpg"]
    assert "![a](https://news.example/2024/img/ferry.jpg)" in render(article, "markdown")
    assert article.canonical_url == "https://news.example/2024/03/ferry.html"


def test_the_address_and_a_base_element_win_over_the_canonical() -> None:
    canonical = '<link rel="canonical" href="https://news.example/2024/03/ferry.html">'
    given = extract(_saved_page(canonical), url="https://mirror.example/a/b/c.html")
    assert img_sources(given.html) == ["https://mirror.example/a/img/ferry.jpg"]
    based = extract(_saved_page('<base href="https://cdn.example/x/y/">' + canonical))
    assert img_sources(based.html) == ["https://cdn.example/x/img/ferry.jpg"]
    # A canonical that is not an absolute http(s) URL is no base (nor a canonical URL).
    relative = extract(_saved_page('<link rel="canonical" href="/2024/03/ferry.html">'))
    assert relative.canonical_url is None
    assert img_sources(relative.html) == []


@pytest.mark.parametrize(
    ("when", "shown"),
    [
        (datetime(2024, 3, 5), "5 March 2024"),  # a date alone
        (datetime(2024, 3, 5, tzinfo=UTC), "5 March 2024"),  # midnight: a date alone too
        (datetime(2024, 3, 5, 8, 30, tzinfo=UTC), "5 March 2024, 08:30 UTC"),
        (datetime(2024, 3, 5, 8, 30, 59, tzinfo=UTC), "5 March 2024, 08:30 UTC"),
        (datetime(2024, 12, 31, 23, 5), "31 December 2024, 23:05"),  # no zone given
        (
            datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1))),
            "5 March 2024, 09:30 UTC+01:00",
        ),
        (
            datetime(2024, 1, 1, 7, 0, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
            "1 January 2024, 07:00 UTC-05:30",
        ),
    ],
)
def test_readable_date(when: datetime, shown: str) -> None:
    assert readable_date(when) == shown


def test_dates_are_readable_in_text_and_markdown_and_iso_in_json(article) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("text", "markdown"):
        out = render(article, fmt)
        assert "12 March 2024, 14:05 UTC" in out and "2024-03-12" not in out
    assert json.loads(render(article, "json"))["published"] == "2024-03-12T14:05:00+00:00"
