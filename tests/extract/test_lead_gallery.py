"""A photo gallery above the story's body, each slide an <img> followed by sibling elements
holding its caption and credit (no <figure>/<figcaption>), with "close" and "View Caption"
toggles beside them: every kept photo keeps its caption and credit in the blocks, the HTML and
every rendering, the running text leaves them out, and the toggles go."""

from __future__ import annotations

import json

import pytest

from broadsheet.extract import Article, extract, render

PARAGRAPHS = (
    "HARTWELL, Ore. — The last working sawmill in the upper Calder valley will close at the end "
    "of the month, its owners said Thursday, ending a century of timber work in a town that grew "
    "up around the mill pond and still sets its clocks by the noon whistle.",
    "About 140 people work at the mill, roughly one in six of the town's working adults. Most "
    "were told at a meeting on the loading dock before the morning shift, and many stayed on "
    "the dock long after the meeting ended, talking in small groups.",
    "The company blamed falling lumber prices, the cost of hauling logs from ever more distant "
    "federal land, and a fire last summer that destroyed its newest drying kiln. Insurance "
    "covered less than half of the kiln's replacement cost, the owners said.",
    '"We kept it going through two recessions and a flood," said Marta Olsen, whose '
    'grandfather bought the mill in 1948. "We could not find a way through this one, and we '
    'looked at it from every side we could think of."',
    "County commissioners said they would ask the state for retraining money and would try to "
    "find a buyer for the site, which includes a rail spur and forty acres of flat ground near "
    "the river, rare in a valley this narrow.",
    "At the diner across the highway, the talk on Thursday afternoon was of who might leave "
    "first. Several families have children at the community college in Bend, and some said "
    "they would follow them there rather than wait for a buyer that may never come.",
)

SLIDES = (
    (
        "https://news.example/photos/2013/mill-dock.jpg",
        "Workers gather on the loading dock of the Calder Valley Lumber mill in Hartwell, Ore., "
        "after learning the mill will close, on Thursday.",
        "Ann Carver/The Valley Courier",
    ),
    (
        "https://news.example/photos/2013/mill-pond.jpg",
        "Logs float in the mill pond, which has supplied the saws since 1921.",
        "Tom Reyes/Reuters",
    ),
    (
        "https://news.example/photos/2013/mill-whistle.jpg",
        "Marta Olsen stands beneath the mill's noon whistle, which she says will stay up.",
        "Ann Carver/The Valley Courier",
    ),
)

TOGGLES = ("close", "View Caption")
CHROME = (
    "View Caption",
    "Save for later",
    "Saved (3 of 20 items)",
    "Recommended: Timber towns look to tourism",
    "FREE Newsletters",
    "Get the stories you care about delivered to your inbox.",
    "Most shared",
    "Copyright 2013 The Valley Courier",
)


def _slide(src: str, caption: str, credit: str, *, nested: bool = False) -> str:
    text = (
        f"<div class='ui-slide-text'><div class='ui-slide-caption'>{caption}</div>"
        f"<div class='ui-slide-credit'>{credit}</div></div>"
        if nested
        else f"<div class='ui-slide-caption'>{caption}</div>"
        f"<div class='ui-slide-credit'>{credit}</div>"
    )
    return (
        "<li class='ui-slide'>"
        f"<img src='{src}' alt='' width='600' height='400'>"
        "<a href='#' class='ui-caption-hide'>close</a>"
        "<a href='#' class='ui-caption-show'>View Caption</a>"
        f"{text}</li>"
    )


def _page(lead: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Last sawmill in Calder valley to close - The Valley Courier</title>
<meta property="og:site_name" content="The Valley Courier">
</head><body>
<div id="header">
  <div class="logo"><a href="/">The Valley Courier</a></div>
  <ul class="menu"><li><a href="/news">News</a></li><li><a href="/business">Business</a></li>
  <li><a href="/sports">Sports</a></li><li><a href="/opinion">Opinion</a></li></ul>
  <div class="user">jreader <a href="/saved">Saved (3 of 20 items)</a></div>
</div>
<div id="content-wrap">
  <div class="story-head">
    <h1>Last sawmill in Calder valley to close</h1>
    <div class="story-byline">By Peter Lund and Sara Kim, Staff writers /
      <time datetime="2013-05-02">May 2, 2013</time></div>
    <div class="story-tools"><a href="#" class="save">Save for later</a></div>
  </div>
  {lead}
  <div id="story-body" class="story-body">
    {body}
  </div>
  <div class="story-rail">
    <h3>Most shared</h3>
    <ul><li><a href="/a">Timber towns look to tourism</a></li>
    <li><a href="/b">River trail opens to cyclists</a></li>
    <li><a href="/c">School board weighs four-day week</a></li></ul>
    <p><a href="/d">Recommended: Timber towns look to tourism</a></p>
    <div class="signup"><b>FREE Newsletters</b>
    <p>Get the stories you care about delivered to your inbox.</p></div>
  </div>
</div>
<div id="footer"><p>Copyright 2013 The Valley Courier</p>
<a href="/about">About</a> <a href="/contact">Contact</a></div>
</body></html>"""


def _gallery(*, nested_last: bool = False) -> str:
    slides = "".join(
        _slide(*s, nested=nested_last and i == len(SLIDES) - 1) for i, s in enumerate(SLIDES)
    )
    return (
        "<div id='story-photos' class='ui-photos'><ul class='ui-slides'>"
        f"{slides}</ul><span class='ui-count'>1 of {len(SLIDES)}</span></div>"
    )


def _single() -> str:
    src, caption, credit = SLIDES[0]
    return (
        "<div class='lead-photo'>"
        f"<img src='{src}' alt='Workers on the dock' width='640' height='420'>"
        f"<p class='photo-caption'>{caption}</p>"
        f"<p class='photo-credit'>{credit}</p></div>"
    )


def _assert_captioned(article: Article, slides: tuple[tuple[str, str, str], ...]) -> None:
    figures = [b for b in article.blocks if b.kind == "figure"]
    for src, caption, credit in slides:
        matching = [f for f in figures if f.src == src]
        assert matching, f"photo {src} lost"
        assert matching[0].caption == caption
        assert matching[0].credit == credit
        assert caption in article.html and credit in article.html
        assert caption not in article.text and credit not in article.text
        for fmt in ("text", "markdown", "json"):
            out = render(article, fmt)
            if fmt == "json":
                out = json.dumps(json.loads(out))
                caption_out, credit_out = json.dumps(caption)[1:-1], json.dumps(credit)[1:-1]
            else:
                caption_out, credit_out = caption, credit
            assert caption_out in out and credit_out in out, fmt
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    # Each caption and credit is exactly the page's (no toggle in it), and no toggle is a
    # line of the text or the renderings.
    for line in CHROME:
        assert line not in article.text and line not in article.html
    for toggle in TOGGLES:
        assert f">{toggle}<" not in article.html
        for fmt in ("text", "markdown"):
            assert toggle not in render(article, fmt).splitlines()


def test_a_gallery_above_the_body_keeps_every_caption_and_credit() -> None:
    _assert_captioned(extract(_page(_gallery())), SLIDES)


def test_a_slide_whose_caption_sits_in_a_nested_box_keeps_it() -> None:
    _assert_captioned(extract(_page(_gallery(nested_last=True))), SLIDES)


def test_a_single_lead_photo_keeps_its_caption_and_credit() -> None:
    _assert_captioned(extract(_page(_single())), SLIDES[:1])


@pytest.mark.parametrize("credit", ["(AP Photo/Ann Carver)", "Photo: Ann Carver"])
def test_an_unclassed_credit_line_beside_a_photo_is_its_credit(credit: str) -> None:
    src, caption, _ = SLIDES[0]
    lead = (
        f"<div class='lead-photo'><img src='{src}' alt='' width='640' height='420'>"
        f"<div>{caption}</div><div>{credit}</div></div>"
    )
    article = extract(_page(lead))
    figures = [b for b in article.blocks if b.kind == "figure" and b.src == src]
    assert figures and figures[0].caption == caption
    assert figures[0].credit and "Ann Carver" in figures[0].credit
    assert caption not in article.text


def test_prose_beside_a_photo_is_not_a_caption() -> None:
    # A photo set at the head of the story's own paragraphs: they stay the running text.
    src = SLIDES[0][0]
    html = _page("").replace(
        '<div id="story-body" class="story-body">',
        f"<div id='story-body' class='story-body'><img src='{src}' width='600' height='400'>",
    )
    article = extract(html)
    assert all(p in article.text for p in PARAGRAPHS)


def _columns(top: str) -> str:
    """The gallery in the page's top row, the body deep in the main column beside a rail of
    links: the chosen container is the main column, three boxes away from the gallery."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    rail = "".join(
        f"<li><a href='/s{i}'>Another story from the valley, {i}</a></li>" for i in range(8)
    )
    return f"""<html><head><title>Last sawmill in Calder valley to close</title></head><body>
<div id='page'><div id='top'><div class='top-inner'>{top}</div></div>
<div id='main'><div class='cols'><div class='col-main'><div class='story-content'>
<div id='story-body'>{body}</div></div></div><div class='col-side'><ul>{rail}</ul></div>
</div></div></div></body></html>"""


def test_a_gallery_in_the_top_row_above_a_nested_body_joins_it() -> None:
    _assert_captioned(extract(_columns(f"<div class='top-media'>{_gallery()}</div>")), SLIDES)


def test_a_captioned_photo_of_a_teaser_above_the_story_does_not_join_it() -> None:
    src, caption, credit = SLIDES[1]
    teaser = (
        f"<div class='teaser'>{_slide(src, caption, credit)}<p>The river trail between "
        "Hartwell and Pine Flat opens to cyclists next week after two years of work on its "
        "bridges, the parks district said.</p></div>"
    )
    article = extract(_columns(teaser))
    assert all(b.src != src for b in article.blocks)
    assert all(p in article.text for p in PARAGRAPHS)
