"""drop_chrome keeps chrome-named wrappers that hold the story and drops what only outweighs it."""

from __future__ import annotations

from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions
from broadsheet.extract.chrome import drop_chrome, is_boilerplate_attrs
from broadsheet.extract.dom import parse

STORY = "The council voted on the new bridge after a long night of debate and testimony. "
OTHER = "A profile of the blog's author, who has written about many things for years now. "


def _page(body: str) -> HtmlElement:
    return parse(f"<html><head><title>t</title></head><body>{body}</body></html>", ExtractOptions())


def _kept(body: str) -> str:
    root = _page(body)
    drop_chrome(root)
    return " ".join("".join(next(root.iter("body")).itertext()).split())


def _sidebar(paragraphs: int = 4) -> str:
    """A sidebar holding more running text than the story."""
    return "<div class='sidebar'>" + f"<p>{OTHER * 2}</p>" * paragraphs + "</div>"


def test_post_taxonomy_classes_are_not_chrome_beside_a_template_marker() -> None:
    post = "post-12 post type-post hentry category-social-media tag-promotion"
    assert not is_boilerplate_attrs(post)
    assert not is_boilerplate_attrs("entry-category-social_media entry-type-post")
    # Alone, the same shapes still name chrome.
    assert is_boilerplate_attrs("category-social-media")
    assert is_boilerplate_attrs("tag-promotion")
    text = _kept(f"<div class='{post}'><p>{STORY * 2}</p></div>{_sidebar()}")
    assert "The council voted" in text


def test_a_story_mark_shelters_its_chrome_named_wrapper_and_not_the_sidebar() -> None:
    # A blog engine's main column is a "widget"; its sidebar holds more prose than the post.
    text = _kept(
        "<div class='widget Blog'><div class='post-body entry-content'>"
        f"<p>{STORY * 2}</p></div><div class='share'>Share this</div></div>{_sidebar()}"
    )
    assert "The council voted" in text
    assert "A profile" not in text  # the share of text no longer saves what is outside the story
    assert "Share this" not in text  # chrome inside the story still goes


def test_itemprop_article_body_marks_the_story() -> None:
    text = _kept(
        f"<div class='rail'><div itemprop='articleBody'><p>{STORY * 2}</p></div></div>{_sidebar()}"
    )
    assert "The council voted" in text and "A profile" not in text


def test_inside_the_story_mark_the_share_of_text_still_protects() -> None:
    # A "read more" fold holding most of the story is part of it.
    text = _kept(
        f"<div class='story-body'><p>{STORY}</p>"
        f"<div class='read-more'><p>{OTHER * 3}</p><p>{OTHER * 3}</p></div></div>"
    )
    assert "A profile" in text


def test_a_caption_or_a_small_teaser_does_not_mark_the_story() -> None:
    # The rail holds the page's text; a caption inside it is no sign of the story elsewhere.
    rail = f"<div class='rail'><p>{STORY * 3}</p><p class='caption'>{OTHER}</p></div>"
    assert "The council voted" in _kept(rail + f"<div><p>{OTHER}</p></div>")
    # A teaser's "entry-content" holding under a tenth of the text leaves the share rule alone.
    teaser = "<div class='related'><div class='entry-content'><p>" + "Teaser text. " * 5 + "</p>"
    text = _kept(f"<div class='rail'><p>{STORY * 12}</p></div>{teaser}</div>")
    assert "The council voted" in text


def test_a_token_ending_in_a_story_word_names_the_story() -> None:
    assert not is_boilerplate_attrs("single-article-content nav-single")
    assert is_boilerplate_attrs("skip-to-main-content")
    text = _kept(
        f"<div class='single-article-content nav-single'><p>{STORY * 2}</p></div>{_sidebar()}"
    )
    assert "The council voted" in text and "A profile" not in text


def test_a_section_whose_id_spells_its_heading_is_not_chrome() -> None:
    # Documentation generators give each section its heading's slug as id; "sharing" in a
    # heading does not make the section a share bar. A short chrome id stays chrome.
    text = _kept(
        f"<div class='body'><p>{STORY * 4}</p>"
        "<div class='section' id='sharing-work-between-two-machines'>"
        f"<h2>Sharing work between two machines</h2><p>{STORY}</p></div>"
        "<div id='sharing'><h2>Sharing</h2><p>Share this on your network</p></div>"
        "<div class='section' id='share-tools-for-readers'><h2>Other tools</h2><p>Tweet</p></div>"
        "</div>"
    )
    assert "Sharing work between two machines" in text
    assert text.count("The council voted") == 5
    assert "Share this" not in text
    assert "Tweet" not in text


def test_suggested_reading_and_author_bio_boxes_are_chrome() -> None:
    text = _kept(
        f"<article><p>{STORY * 4}</p><div class='suggested_reading_container'><p>{OTHER}</p></div>"
        f"<div class='user-bio'><p>{OTHER.upper()}</p></div></article>"
    )
    assert "The council voted" in text
    assert "A profile" not in text
    assert "A PROFILE" not in text


def test_a_chrome_named_link_inside_a_sentence_stays() -> None:
    # A glossary link classed "popup" in the middle of a sentence is part of the sentence; a
    # chrome-named link standing alone is still chrome.
    text = _kept(
        "<p>The council voted on the <a class='popup' href='#'>new bridge</a> after a long "
        "night.</p><div><a class='popup' href='/subscribe'>Subscribe now</a></div>"
    )
    assert "voted on the new bridge after a long night." in text
    assert "Subscribe now" not in text


def test_comment_parts_named_without_a_separator_are_chrome() -> None:
    # "commentbody", "commentbox": the words run together, as older blog templates write them.
    for name in ("commentbody by-reader", "commentbox", "commentcontent", "commenter-name"):
        assert is_boilerplate_attrs(name), name
    assert not is_boilerplate_attrs("commentary-body")  # an opinion section is no comment


def test_one_long_comment_does_not_outweigh_a_short_post() -> None:
    # No story mark and a post shorter than one reader's comment: the share rule would keep the
    # comment (it holds most of the running text); a comment body is never the story.
    text = _kept(
        f"<div class='post'><p>{STORY}</p></div>"
        f"<div class='commentbody by-reader'><p>{OTHER * 6}</p></div>"
    )
    assert "The council voted" in text and "A profile" not in text


def test_a_comment_thread_named_as_such_goes_whatever_its_share() -> None:
    # id="comments" is the thread itself: it goes even when it outweighs a short post on a page
    # with no story mark (the share rule would keep it).
    text = _kept(
        f"<div class='post'><p>{STORY}</p></div><div id='comments'><p>{OTHER * 6}</p></div>"
    )
    assert "The council voted" in text and "A profile" not in text
    # A class that only mentions comments is no thread.
    assert "The council voted" in _kept(f"<div class='post comments-open'><p>{STORY}</p></div>")


def test_a_chrome_named_inline_element_holding_prose_is_kept() -> None:
    # An unclosed <span class="byline-author"> nests the post inside the byline; a real byline
    # holds no running text.
    text = _kept(
        "<div class='post-body'><span class='byline-author'>Posted by Jane Roe</span>"
        f"<span class='byline-author'>{STORY}<br>{STORY}<br>{STORY}</span></div>{_sidebar(12)}"
    )
    assert "The council voted" in text
    assert "Posted by Jane Roe" not in text


def test_an_embedded_post_between_the_story_paragraphs_is_kept() -> None:
    # A tweet's embed code in a `social-media-embed` wrapper between paragraphs is a quote of
    # the story; a social box beside no paragraph is still chrome.
    tweet = (
        "<div class='social-media-embed'><blockquote class='twitter-tweet'><p>Yes, the bridge"
        " is open again and it looks great</p>— A Reader (@reader)</blockquote></div>"
    )
    text = _kept(f"<article><p>{STORY}</p>{tweet}<p>{STORY}</p></article>")
    assert "the bridge is open again" in text
    alone = _kept(f"<article><p>{STORY}</p></article><div>{tweet}</div>")
    assert "the bridge is open again" not in alone


def test_a_hover_card_inside_a_sentence_is_chrome() -> None:
    # A person's hover card (photo, latest headlines as links) nested in the sentence that
    # names them: link text is no prose the parser nested in a span.
    card = (
        "<span class='person'><a href='/p'>Jane Roe</a><span class='rollover-people-block'>"
        + "".join(f"<a href='/s{i}'>{OTHER}</a> " for i in range(3))
        + "</span></span>"
    )
    text = _kept(
        f"<p>The council voted after {card} a long night of debate and testimony.</p>"
        + f"<p>{STORY * 3}</p>" * 3
    )
    assert "The council voted after Jane Roe a long night" in text
    assert "A profile" not in text
