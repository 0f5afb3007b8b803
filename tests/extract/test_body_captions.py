"""Photo captions outside <figure> and the dek check: what the running text leaves out."""

from __future__ import annotations

from broadsheet.extract import extract

from .story_sentences import STORY_SENTENCES, story
from .story_sentences import article_page as page

CAPTION = "The mayor cuts the ribbon at the reopened crossing on Tuesday morning."


def test_a_credited_caption_box_outside_a_figure_is_a_caption() -> None:
    # A CMS photo widget: caption and credit in classed divs, no <figure>/<figcaption>.
    box = (
        f"<div class='photo'><img src='https://news.example/a.jpg' width='600' height='400'>"
        f"<div class='caption'><div class='caption-full'>{CAPTION}</div>"
        "<span class='credit'>Photo: Jane Roe, AP</span></div></div>"
    )
    article = extract(page(box + story()))
    assert CAPTION not in article.text and "Jane Roe" not in article.text
    assert STORY_SENTENCES[0] in article.text
    figures = [b for b in article.blocks if b.kind == "figure"]
    assert any(b.caption == CAPTION for b in figures)
    assert any(b.credit == "Photo: Jane Roe, AP" for b in figures)
    assert CAPTION in article.html


def test_an_uncredited_caption_box_stays_in_the_text() -> None:
    # Without a credit, a "caption" box is as often a step's text or the story's own aside.
    box = f"<div class='caption'><p>{CAPTION}</p></div>"
    assert CAPTION in extract(page(story() + box)).text


def test_a_gallery_whose_captions_are_the_story_keeps_them() -> None:
    slides = "".join(
        f"<div class='caption'><p>{s} (Photo: Jane Roe)</p></div>" for s in STORY_SENTENCES
    )
    text = extract(page(f"<p>{STORY_SENTENCES[0]}</p>" + slides)).text
    assert STORY_SENTENCES[-1] in text


def test_a_first_paragraph_equal_to_the_description_stays_in_a_body_field() -> None:
    # Drupal classes its body field "field-type-text-with-summary" and the page description is
    # often the first paragraph: that is the story's lead, not a dek box.
    lead = STORY_SENTENCES[0]
    head = f"<meta property='og:description' content='{lead}'>"
    body = (
        "<div class='field field-name-body field-type-text-with-summary'>"
        f"<div class='field-item'>{story()}</div></div>"
    )
    assert lead in extract(page(body, head)).text


def test_the_dek_box_repeating_the_description_is_dropped() -> None:
    dek = "A year of repairs ends with buses, bicycles and walkers back on the river crossing."
    head = f"<meta property='og:description' content='{dek}'>"
    text = extract(page(f"<p class='standfirst'>{dek}</p>" + story(), head)).text
    assert dek not in text and STORY_SENTENCES[0] in text


def test_an_abstract_box_repeating_the_description_is_a_dek() -> None:
    dek = "A year of repairs ends with buses, bicycles and walkers back on the river crossing."
    head = f"<meta name='description' content='{dek}'>"
    text = extract(page(f"<div class='m-detail--abstract'>{dek}</div>" + story(), head)).text
    assert dek not in text and STORY_SENTENCES[0] in text
