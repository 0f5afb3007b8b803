"""The end of the body: recirculation and comment headers, newsletter promos after the story."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract

from .story_sentences import STORY_SENTENCES, TEASER_SENTENCES, story
from .story_sentences import article_page as page

SENTENCES = STORY_SENTENCES
TEASERS = TEASER_SENTENCES[:2]


def test_a_recirculation_header_after_the_story_ends_the_body() -> None:
    # "More Great Science Stories" is no chrome line by itself; the teasers after it are prose.
    rest = "<h3>More Great Science Stories</h3>" + "".join(f"<p>{t}</p>" for t in TEASERS)
    text = extract(page(story() + rest)).text
    assert SENTENCES[-1] in text
    for t in TEASERS:
        assert t not in text


def test_a_comment_header_after_the_story_ends_the_body() -> None:
    rest = "<h3>12 Responses to “The bridge”</h3>" + "".join(f"<p>{t}</p>" for t in TEASERS)
    text = extract(page(story() + rest)).text
    assert SENTENCES[0] in text
    assert TEASERS[0] not in text


def test_a_header_before_the_story_does_not_end_it() -> None:
    # A "Related" kicker above the first paragraph is a label, not the end of the story.
    text = extract(page("<h4>Related</h4>" + story())).text
    for s in SENTENCES:
        assert s in text


def test_a_see_also_subhead_does_not_end_the_body() -> None:
    # Reference works put their own text under "See also"; the cut is for recirculation only.
    more = "The bridge was first opened in 1911 and rebuilt twice after floods in the valley."
    text = extract(page(story() + f"<h2>See also</h2><p>{more}</p>")).text
    assert more in text


def test_newsletter_promos_after_the_story_are_dropped() -> None:
    promos = (
        "Get the latest updates right in your inbox. Subscribe to our newsletters.",
        "Like this story? Share it with a friend!",
    )
    text = extract(page(story() + "".join(f"<p>{p}</p>" for p in promos))).text
    assert SENTENCES[-1] in text
    for p in promos:
        assert p not in text


@pytest.mark.parametrize(
    "header",
    [
        "Artículos relacionados",  # "Related articles", Spanish
        "Das könnte Sie auch interessieren",
        "Search This Blog",  # a blog's sidebar search box after the post
        "Also on HuffPost:",  # "Also on <site>"
        "No comments yet.",
    ],
)
def test_more_headers_after_the_story_end_the_body(header: str) -> None:
    rest = f"<h3>{header}</h3>" + "".join(f"<p>{t}</p>" for t in TEASERS)
    text = extract(page(story() + rest)).text
    assert SENTENCES[-1] in text
    for t in TEASERS:
        assert t not in text


def test_read_also_in_another_language_is_a_line_inside_the_story() -> None:
    # "Leggi anche" ("Read also") introduces one link; the story goes on after it.
    half = len(SENTENCES) // 2
    body = (
        "".join(f"<p>{s}</p>" for s in SENTENCES[:half])
        + "<p>Leggi anche</p>"
        + "".join(f"<p>{s}</p>" for s in SENTENCES[half:])
    )
    text = extract(page(body)).text
    assert "Leggi anche" not in text
    for s in SENTENCES:
        assert s in text


def test_blog_template_post_footers_are_chrome() -> None:
    footers = (
        "This entry was posted on Monday, November 5th, 2012 at 11:18 am and is filed under News.",
        "Be the first to like this.",
        "Hits: 2531",
        "Loading Slideshow",
        "You can follow any responses to this entry through the RSS 2.0 feed.",
        "Your email address will not be published. Required fields are marked *",
        "Be Sociable, Share!",
        "(c) 2012 The Riverside Diary | powered by WordPress",
        "Name (required)",
        "Mail (will not be published) (required)",
        "Website",
        "Add to my wishlist",
    )
    text = extract(page(story() + "".join(f"<p>{f}</p>" for f in footers))).text
    assert SENTENCES[-1] in text
    for f in footers:
        assert f not in text


def test_a_related_box_set_inside_the_story_does_not_end_it() -> None:
    # News pages put a "Related stories" list of links between paragraphs; the story goes on
    # after it in the same element.
    links = "".join(f"<li><a href='/t{i}'>{t}</a></li>" for i, t in enumerate(TEASERS))
    half = len(SENTENCES) // 2
    body = (
        "".join(f"<p>{s}</p>" for s in SENTENCES[:half])
        + f"<h3>Related stories</h3><ul>{links}</ul>"
        + "".join(f"<p>{s}</p>" for s in SENTENCES[half:])
    )
    text = extract(page(body)).text
    for s in SENTENCES:
        assert s in text
    assert TEASERS[0] not in text and "Related stories" not in text


def test_an_empty_comment_section_ends_even_a_short_post() -> None:
    # "No comments yet." opens the comment section; it cannot be a kicker above the story, so
    # it ends a post shorter than the 600 characters the recirculation headers wait for.
    post = "".join(f"<p>{s}</p>" for s in SENTENCES[:2])
    text = extract(page(post + "<p>No comments yet.</p>" + f"<p>{TEASERS[0]}</p>")).text
    assert SENTENCES[1] in text
    assert TEASERS[0] not in text and "No comments" not in text


def test_a_box_of_teaser_headlines_after_the_story_goes_whatever_its_header_says() -> None:
    # The header is in no table (a made-up word: the rule reads the shape, not the wording):
    # a heading after the story followed to the end by photos and short headlines is a rail.
    rail = (
        "<h3>Vorlumet ekkra</h3>"
        '<figure><img src="https://img.example/a.jpg"></figure>'
        "<p>Harbour museum opens a new wing</p>"
        '<figure><img src="https://img.example/b.jpg"></figure>'
        "<p>Night buses to the suburbs</p>"
    )
    text = extract(page(story() + rail)).text
    assert SENTENCES[-1] in text
    assert "Harbour museum opens a new wing" not in text
    assert "Night buses to the suburbs" not in text


def test_numbered_steps_after_a_subhead_stay() -> None:
    # Short lines after a heading that end their sentences are the story's steps, not teasers.
    steps = "".join(
        f"<p>{n}. {s}</p>"
        for n, s in enumerate(("Open the settings page.", "Choose the widget you want."), 1)
    )
    text = extract(page(story() + "<h3>How to set it up</h3>" + steps)).text
    assert "1. Open the settings page." in text
    assert "2. Choose the widget you want." in text


REVIEWS = (
    "Ordered two of these for the allotment and both arrived within a week, well packed.",
    "The handle came loose after a month of daily use, but the seller replaced it quickly.",
    "Sturdy, easy to clean and exactly as described; I would buy it again without a second look.",
)


@pytest.mark.parametrize(
    "header",
    ["Kundenbewertungen (3)", "Avis des clients", "Opiniones de los clientes", "Отзывы читателей"],
)
def test_a_reviews_header_after_the_story_ends_the_body(header: str) -> None:
    # Readers' or customers' reviews under a story (a product's write-up, a guide) are prose
    # of their own, in the story's container: the header that opens them ends the body.
    rest = f"<h3>{header}</h3>" + "".join(f"<p>{r}</p>" for r in REVIEWS)
    text = extract(page(story() + rest)).text
    assert SENTENCES[-1] in text
    for r in REVIEWS:
        assert r not in text


@pytest.mark.parametrize(
    "header",
    [
        "Most read",
        "Meistgelesene Artikel",
        "Les plus lus",
        "Lo más leído",
        "Più letti",
        "Mais lidas",
        "Najczęściej czytane",
        "Самое читаемое",
    ],
)
def test_a_most_read_header_after_the_story_ends_the_body(header: str) -> None:
    # A "most read" rail under the story, in the languages whose "Related" the table knows: its
    # teasers are prose of their own, and the header is the last thing the story is not.
    rest = f"<h3>{header}</h3>" + "".join(f"<p>{t}</p>" for t in TEASERS)
    text = extract(page(story() + rest)).text
    assert SENTENCES[-1] in text
    assert header not in text
    for t in TEASERS:
        assert t not in text
