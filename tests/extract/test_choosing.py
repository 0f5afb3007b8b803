"""How the engine chooses and assembles the story: general behaviours on small synthetic pages."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract
from broadsheet.extract.article import ExtractOptions
from broadsheet.extract.blocks import build_blocks
from broadsheet.extract.dom import parse
from broadsheet.extract.errors import NoArticle
from broadsheet.extract.scoring import weight

from .story_sentences import STORY_SENTENCES

LONG = (
    "The council voted on Tuesday to reopen the old river crossing after a year of repairs, "
    "and the first buses are expected to use it before the end of the month."
)


def page(body: str) -> str:
    return f"<html><head><title>T</title></head><body>{body}</body></html>"


def test_short_post_without_prose_paragraph_is_still_extracted() -> None:
    html = page(
        "<nav><a href='/'>Home</a> <a href='/a'>About</a></nav>"
        "<div class='post'><p>abc</p><p>def</p><p>ghi</p></div>"
    )
    article = extract(html)
    assert article.text.split() == ["abc", "def", "ghi"]


def test_link_list_alone_is_still_no_article() -> None:
    html = page(
        "<div><ul><li><a href='/1'>One story</a></li><li><a href='/2'>Two</a></li></ul></div>"
    )
    with pytest.raises(NoArticle):
        extract(html)


def test_repeated_long_paragraph_is_kept_repeated_short_block_is_not() -> None:
    twice = f"{LONG} {LONG}"  # over REPEAT_KEEP_CHARS
    short = "Read our coverage of the election."
    html = page(
        f"<article><p>{short}</p><p>{twice}</p><h2>Part two</h2><p>{twice}</p>"
        f"<p>{short}</p></article>"
    )
    article = extract(html)
    assert article.text.count(twice) == 2
    assert article.text.count(short) == 1
    assert "Part two" in article.text


def test_caption_repeated_as_text_is_kept_once() -> None:
    caption = (
        "The minister, left, and her counterpart shake hands before talks in the capital on "
        "Wednesday, the first such meeting in five years."
    )
    html = page(
        f"<article><ul class='photos'><li><div class='caption'><p>{caption}</p></div></li>"
        f"<li><div class='caption'><p>{caption}</p></div></li></ul>"
        f"<p>{LONG}</p><p>{LONG[::-1]}</p></article>"
    )
    article = extract(html)
    assert article.text.count(caption) == 1


def test_chinese_sentences_weigh_as_prose() -> None:
    # 36 characters, but a full sentence: Han characters weigh about a word each, and "。"
    # ends a sentence. An English fragment of the same length does not count as prose.
    zh = "一波波接續性低溫寒流報到，已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣。"  # noqa: RUF001
    html = f"<html><body><div><p>{zh}</p><p>{'x' * len(zh)}</p></div></body></html>"
    root = parse(html, ExtractOptions())
    zh_block, latin_block = build_blocks(root, base_url=None, max_depth=50)
    assert weight(zh_block) > 1.5 * len(zh)
    assert weight(latin_block) < 0


def test_comment_list_class_is_not_the_story() -> None:
    comment = (
        "I have been reading this blog for years and this is the best post yet, although I "
        "would have liked more detail on the second half of the argument. " * 3
    )
    html = page(
        f"<div class='entry'><p>{LONG}</p><p>{LONG.upper()}</p></div>"
        f"<ol class='commentlist'><li><p>{comment}</p></li></ol>"
    )
    article = extract(html)
    assert LONG in article.text
    assert "best post yet" not in article.text


SLIDE = (
    "A crowd gathers on the riverbank to watch the first bus cross the repaired bridge, "
    "which had been closed to traffic for more than a year after the spring floods."
)
THREAD = (
    "I drive over that bridge every day and I have to say the repairs took far too long, "
    "but it is good to finally have it back open for the buses and the school runs."
)


NAV = "<ul>" + "".join(f"<li><a href='/{i}'>Section number {i}</a></li>" for i in range(12))
NAV += "</ul>"


def story_beside(box: str) -> str:
    """A short report in the main column, a box of other prose in the side column."""
    return page(
        f"<div class='main'><div class='story'><p>{LONG}</p><p>{LONG.upper()}</p></div>{NAV}"
        f"</div><div class='side'>{box}{NAV}</div>"
    )


def test_long_slideshow_does_not_win_over_the_short_report() -> None:
    slides = "".join(
        f"<li class='slide'><div class='text'><p>{SLIDE} ({i})</p></div></li>" for i in range(8)
    )
    text = extract(story_beside(f"<div class='photo-gallery'><ul>{slides}</ul></div>")).text
    assert LONG in text
    assert "crowd gathers" not in text


def test_long_comment_thread_does_not_win_over_the_short_post() -> None:
    thread = "".join(f"<div class='c'><p>{THREAD} ({i})</p></div>" for i in range(8))
    text = extract(story_beside(f"<div id='comments'><div>{thread}</div></div>")).text
    assert LONG in text
    assert "school runs" not in text


def test_page_that_is_only_a_gallery_is_still_its_captions() -> None:
    slides = "".join(f"<li><p>{SLIDE} ({i})</p></li>" for i in range(3))
    html = page(f"<div class='gallery'><ul>{slides}</ul></div><footer><p>x</p></footer>")
    article = extract(html)
    assert "crowd gathers" in article.text


def test_gallery_inside_the_story_container_stays_out_of_the_text() -> None:
    # The slideshow counts a tenth when choosing, but the story's container holds it: its text
    # (captions, or other stories' summaries) must not come along; its photos may.
    slides = "".join(
        f"<li><h2>{i}/8</h2><img src='https://img.example/{i}.jpg'><p>{SLIDE} ({i})</p></li>"
        for i in range(8)
    )
    html = page(
        f"<article><div class='text'><p>{LONG}</p><p>{LONG.upper()}</p></div>"
        f"<div class='full-gallery'><ul>{slides}</ul></div></article>"
    )
    article = extract(html)
    assert LONG in article.text
    assert "crowd gathers" not in article.text
    assert any(b.kind == "figure" for b in article.blocks)


def test_comment_thread_inside_the_post_container_stays_out_of_the_text() -> None:
    thread = "".join(f"<li><p>{THREAD} ({i})</p></li>" for i in range(2))
    html = page(
        f"<div class='post'><p>{LONG}</p><p>{LONG.upper()}</p><p>{LONG[::-1]}</p>"
        f"<div class='comments-area'><ol>{thread}</ol></div></div>"
    )
    text = extract(html).text
    assert LONG in text
    assert "school runs" not in text


def test_topic_class_naming_a_gallery_is_not_a_gallery() -> None:
    # A blog post tagged "photo-gallery" is a post about galleries, not a slideshow box: its
    # text stays when the container is above it.
    html = page(
        f"<main><p>{LONG}</p><p>{LONG.upper()}</p>"
        "<div class='post-7 post type-post hentry tag-photo-gallery'>"
        f"<p>{SLIDE}</p></div></main>"
    )
    text = extract(html).text
    assert LONG in text
    assert SLIDE in text


def test_picture_post_with_no_text_is_its_headings() -> None:
    html = page(
        "<article><h2>Before the storm</h2><img data-src='https://img.example/a.jpg' alt='a'>"
        "<h2>After the storm</h2><img data-src='https://img.example/b.jpg' alt='b'></article>"
    )
    article = extract(html)
    assert article.text == "Before the storm\n\nAfter the storm"


def test_page_of_headings_alone_is_still_no_article() -> None:
    with pytest.raises(NoArticle):
        extract(page("<div><h2>Archive</h2><h3>Nothing here yet</h3></div>"))


def test_control_characters_in_text_do_not_crash() -> None:
    html = page(f"<div><p>{LONG}</p><script>x</script>tail \x01 text\x0b<p>{LONG}</p></div>")
    article = extract(html)
    assert LONG in article.text


def test_best_skips_only_elements_that_cannot_win() -> None:
    import lxml.html

    from broadsheet.extract.scoring import _best

    root = lxml.html.fromstring(
        '<div><div id="plain"></div><div class="article-body"></div><div id="small"></div></div>'
    )
    plain, hinted, small = root
    # The hinted box wins within the hint's reach, in either order of the dict.
    assert _best({plain: 1000.0, hinted: 950.0, small: 10.0}) is hinted
    assert _best({hinted: 950.0, plain: 1000.0}) is hinted
    # Out of reach, the larger plain sum wins; nothing positive, nothing wins.
    assert _best({plain: 1000.0, hinted: 700.0}) is plain
    assert _best({plain: -5.0, small: 0.0}) is None


def test_story_split_into_boxes_of_the_same_class_is_joined() -> None:
    # The page splits the story in two boxes built alike, a short first one and a long second.
    # The first holds well under SIBLING_SHARE of the second's prose, but it is the story.

    first, second = STORY_SENTENCES[:2]
    opening = f"<p>{first} {second}</p><p>{second} {first}</p>"
    rest = "".join(f"<p>{s} {s}</p>" for s in STORY_SENTENCES[2:]) * 2
    html = page(
        f"<article><div class='story-part'>{opening}</div>"
        f"<div class='story-part'>{rest}</div><div class='index'>{NAV * 6}</div></article>"
    )
    text = extract(html).text
    assert STORY_SENTENCES[0] in text
    assert STORY_SENTENCES[2] in text


def test_mathml_formula_is_read_as_part_of_its_sentence() -> None:
    formula = (
        "<math><semantics><mrow><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup>"
        "</mrow><annotation encoding='application/x-tex'>E = mc^2</annotation></semantics></math>"
    )
    html = page(f"<article><p>{LONG}</p><p>The famous relation {formula} links the two.</p>")
    text = extract(html).text
    assert "The famous relation E=mc2 links the two." in text
    assert "mc^2" not in text


def test_list_with_text_beside_its_links_is_kept_a_bare_link_list_is_not() -> None:
    # Items that say something beyond their link ("Bug 12: …, fixed by …") are the post's
    # content; a list of nothing but links (other stories' headlines) is not.
    notes = "".join(
        f"<li><a href='/bug/{i}'>Bug {i}: the crossing map no longer crashes when opened</a>,"
        " fixed by Sam Jones</li>"
        for i in range(4)
    )
    nested = (
        "<li><a href='/notes'>Release notes for the crossing map, version two</a>, by Sam Jones"
        f"<ul>{notes}</ul></li>"
    )
    links = "".join(f"<li><a href='/s/{i}'>Another story headline {i}</a></li>" for i in range(4))
    html = page(
        f"<article><p>{LONG}</p><ul>{notes}</ul><p>{LONG.upper()}</p><ul>{nested}</ul>"
        f"<p>{LONG.lower()}</p><ul>{links}</ul>"
        f"<p>{LONG[::-1]}</p></article>"
    )
    text = extract(html).text
    assert "fixed by Sam Jones" in text
    assert "Release notes for the crossing map" in text  # an item holding a nested list
    assert "Another story headline" not in text


def test_intro_above_a_table_of_prose_rows_is_kept() -> None:
    # The rows of a table (walked as layout: its cells hold line breaks) are the prose; its
    # head and caption are short fragments. The table is the box, not its row group, so the
    # climb to the intro above it is measured from the table.
    rows = "".join(
        f"<tr><th>Film {i}</th><td>19{i}0</td><td>{s}<br>{s}</td></tr>"
        for i, s in enumerate(STORY_SENTENCES)
    )
    html = page(
        f"<div class='text'><p>{LONG}</p><p>{LONG.upper()}</p>"
        "<table><caption>Films</caption><thead><tr><th>Film</th><th>Year</th><th>About</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></div>"
    )
    text = extract(html).text
    assert LONG in text
    assert STORY_SENTENCES[3] in text


def _with_description(body: str, description: str) -> str:
    return (
        f"<html><head><title>T</title><meta name='description' content='{description}'>"
        f"</head><body>{body}</body></html>"
    )


def test_dek_repeating_the_description_goes_the_first_paragraph_repeating_it_stays() -> None:
    first, second = STORY_SENTENCES[:2]
    dek = "Buses will cross the river again by the end of the month."
    rest = "".join(f"<p>{s} {s}</p>" for s in STORY_SENTENCES[2:])
    # The standfirst's own box repeats the description: it is the header's dek, not the text.
    html = _with_description(
        f"<article><p class='dek'>{dek}</p><p>{first} {second}</p>{rest}</article>", dek
    )
    assert dek not in extract(html).text
    # A field wrapping the whole body is named "description"; the story's intro paragraph
    # repeats the page's description: both are the story.
    lede = f"{first} {second}"
    for body in (
        f"<article><div class='field-description'><p>{lede}</p>{rest}</div></article>",
        f"<article><div class='story-intro'><p>{lede}</p></div>{rest}</article>",
    ):
        assert extract(_with_description(body, lede)).text.startswith(lede)


ABOUT_ME = (
    "We are two sisters who love to travel, try new things and write about all of it. We live "
    "in a small flat by the sea for now, and hope to live in many other parts of the world "
    "soon. Follow along for videos, tips and the odd recipe from the road."
)


@pytest.mark.parametrize("box", ["left sidebar", "profile-block", "about clearfix"])
def test_short_post_beats_a_longer_profile_box_in_the_side_column(box: str) -> None:
    # The profile repeats on every page of the blog; the post is a title and a few lines.
    post = " ".join(STORY_SENTENCES[:2])
    archive = "".join(f"<li><a href='/{m}'>Posts from {m} 2012</a></li>" for m in range(1, 9))
    html = page(
        f"<div class='container'><div class='{box}'><h1>Our blog</h1><p>{ABOUT_ME}</p>"
        f"<p>sisters_abroad</p><ul>{archive}</ul></div>"
        f"<div class='right main'><h2>Our interview</h2><div class='post'><p>{post}</p>"
        "<p>Until next time!</p></div></div></div>"
    )
    text = extract(html).text
    assert STORY_SENTENCES[0] in text
    assert "two sisters" not in text


def test_a_side_column_alone_is_still_the_article() -> None:
    html = page(f"<div class='sidebar'><p>{ABOUT_ME}</p></div>")
    assert "two sisters" in extract(html).text


def test_a_story_set_as_a_run_of_numbered_step_boxes_is_taken_whole() -> None:
    # A recipe's method: each step a box of one class holding its number and its text; the
    # longest step wins the choice, and its twins (same tag and class) are the rest of it.
    steps = (
        "Warm the milk in a small pan and melt the butter in it without letting it boil over.",
        "Mix the flour with the yeast in a large bowl, add the warm milk and the eggs, and "
        "knead everything for five minutes into a smooth dough that comes away from the bowl "
        "cleanly; cover it and leave it in a warm place until it has doubled in size.",
        "Heat the oven to 180 degrees and line a tray with baking paper.",
        "Bake the buns on the middle shelf for about fifteen minutes until golden.",
    )
    method = "".join(
        f"<div class='step'><span class='num'>{n}</span><div class='copy'><p>{s}</p></div></div>"
        for n, s in enumerate(steps, 1)
    )
    html = page(
        "<nav><a href='/'>Home</a> <a href='/r'>Recipes</a></nav>"
        f"<main><h1>Milk buns</h1><div class='method'>{method}</div></main>"
    )
    text = extract(html).text
    for s in steps:
        assert s in text
