"""Teaser rails, caption spans, post navigation and trackback sections around the story."""

from __future__ import annotations

from broadsheet.extract import extract

from .story_sentences import STORY_SENTENCES, TEASER_SENTENCES, story
from .story_sentences import article_page as page

SENTENCES = STORY_SENTENCES
TEASERS = TEASER_SENTENCES


def _ticker(ending: str) -> str:
    items = "".join(
        f"<li><a href='/s{i}'>Headline number {i} of the day's news</a>"
        f"<span>{t[:60]}{ending}</span></li>"
        for i, t in enumerate(TEASERS)
    )
    return f"<div class='ticker-box'><b>Latest</b><ul>{items}</ul></div>"


def test_a_list_of_linked_headlines_with_cut_summaries_is_a_teaser_rail() -> None:
    # A news ticker above the story: each item a headline link and a summary cut with "...".
    text = extract(page(_ticker("...") + story())).text
    assert SENTENCES[0] in text and SENTENCES[-1] in text
    assert "Headline number" not in text and TEASERS[0][:40] not in text


def test_a_list_whose_items_are_not_cut_short_stays() -> None:
    text = extract(page(story() + _ticker("."))).text
    assert "Headline number 0" in text


def test_a_table_of_contents_linking_one_word_per_item_stays() -> None:
    # A weekly edition's index ("Security: …; …") links a word of each item: it is the page's text.
    items = "".join(
        f"<li><a href='/s{i}'>Part</a>: {t} and more ...</li>" for i, t in enumerate(TEASERS)
    )
    text = extract(page(story() + f"<ul>{items}</ul>")).text
    assert TEASERS[1] in text


def test_a_caption_span_beside_the_photo_in_an_inline_run_is_a_caption() -> None:
    # <div class="photo"><img><span class="newsCaption">… <span>(Image: AGENCY)</span></span>:
    # the caption is the whole inline run of the photo box, the class sits on the span.
    caption = "Crowds gathered on the bridge for the reopening ceremony"
    box = (
        "<div class='photo'><p><img src='https://news.example/a.jpg' width='600' height='400'></p>"
        f"<span class='newsCaption'>{caption} <span>(Image: GETTY)</span></span></div>"
    )
    half = len(SENTENCES) // 2
    body = "".join(f"<p>{s}</p>" for s in SENTENCES[:half]) + box
    body += "".join(f"<p>{s}</p>" for s in SENTENCES[half:])
    text = extract(page(body)).text
    assert caption not in text
    assert SENTENCES[-1] in text


def test_previous_and_next_post_links_with_teasers_are_chrome() -> None:
    nav = (
        "<div class='grid-container next-prev'><p><a href='/n'>Next story</a></p>"
        f"<div class='row-desc'><h5>Next</h5><p class='row-excerpt'>{TEASERS[0]}</p></div></div>"
    )
    text = extract(page(story() + nav)).text
    assert SENTENCES[-1] in text and TEASERS[0] not in text


def test_a_dont_miss_label_inside_the_story_is_chrome() -> None:
    links = "".join(f"<a href='/t{i}'>{t}</a><br>" for i, t in enumerate(TEASERS))
    half = len(SENTENCES) // 2
    body = "".join(f"<p>{s}</p>" for s in SENTENCES[:half])
    body += f"<p><strong>DON'T MISS</strong></p><p>{links}</p>"
    body += "".join(f"<p>{s}</p>" for s in SENTENCES[half:])
    text = extract(page(body)).text
    assert "MISS" not in text
    assert SENTENCES[-1] in text


def test_a_trackback_header_ends_the_post() -> None:
    # A blog's trackback section opens the comments, even under a short post.
    post = "".join(f"<p>{s}</p>" for s in SENTENCES[:2])
    rest = f"<h3>TrackBack</h3><p>{TEASERS[0]}</p><p>{TEASERS[1]}</p>"
    text = extract(page(post + rest)).text
    assert SENTENCES[1] in text
    assert TEASERS[0] not in text and "TrackBack" not in text


def test_an_advert_label_is_chrome() -> None:
    half = len(SENTENCES) // 2
    body = "".join(f"<p>{s}</p>" for s in SENTENCES[:half]) + "<p>Advert</p>"
    body += "".join(f"<p>{s}</p>" for s in SENTENCES[half:])
    text = extract(page(body)).text
    assert "Advert" not in text and SENTENCES[-1] in text


def test_recurring_subheads_of_a_structured_text_are_kept() -> None:
    # A meal plan prints the same subheads and timing lines for each plan; a promo line
    # printed above and below the story is still said once.
    promo = "Read our coverage of the election."
    plans = ""
    for name, meal in (("A", SENTENCES[0]), ("B", SENTENCES[1])):
        plans += f"<h2>Plan {name}</h2><h3>Breakfast</h3><p>Eat within an hour of waking</p>"
        plans += f"<p>{meal}</p>"
    body = f"<p>{promo}</p>" + "".join(f"<p>{s}</p>" for s in SENTENCES[2:]) + plans
    text = extract(page(body + f"<p>{promo}</p>")).text
    assert text.count("Breakfast") == 2
    assert text.count("Eat within an hour of waking") == 2
    assert text.count(promo) == 1


def test_comment_form_hints_and_empty_related_boxes_are_chrome() -> None:
    post = "".join(f"<p>{s}</p>" for s in SENTENCES[:3])
    rest = (
        "<p>No related posts.</p>"
        '<p>Allowed HTML: &lt;a href="URL"&gt; • &lt;em&gt; &lt;cite&gt; &lt;i&gt;</p>'
    )
    text = extract(page(post + rest)).text
    assert SENTENCES[2] in text
    assert "related" not in text and "Allowed HTML" not in text


def _teaser_rail(heading: str, ending: str) -> str:
    """After the story: a heading in a language the rules do not list, then teasers, each a
    linked headline, an excerpt (cut short when ending is an ellipsis) and share links."""
    teasers = "".join(
        f"<h4><a href='/t{i}'>Headline number {i}</a></h4>"
        f"<p>{t} {SENTENCES[i]}{ending}</p>"
        f"<p><a href='/share'>Share</a> <a href='/pin'>Pin</a></p>"
        for i, t in enumerate(TEASERS)
    )
    return f"<h3>{heading}</h3>{teasers}"


def test_a_heading_over_excerpts_cut_short_ends_the_story_in_any_language() -> None:
    # Not a stop header of any table: the excerpts cut with "…" say it heads other stories.
    text = extract(page(story() + _teaser_rail("Weitere Beiträge aus der Redaktion", " …"))).text
    assert SENTENCES[0] in text and SENTENCES[-1] in text
    assert "Weitere Beiträge" not in text
    assert TEASERS[0] not in text and TEASERS[2] not in text


def test_a_heading_over_whole_paragraphs_is_a_subhead_of_the_story() -> None:
    text = extract(page(story() + _teaser_rail("Weitere Beiträge aus der Redaktion", "."))).text
    assert "Weitere Beiträge" in text and TEASERS[0] in text
