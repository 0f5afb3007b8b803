"""How the engine chooses and assembles the story: general behaviours on small synthetic pages."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract
from broadsheet.extract.article import ExtractOptions
from broadsheet.extract.blocks import build_blocks
from broadsheet.extract.dom import parse
from broadsheet.extract.errors import NoArticle
from broadsheet.extract.scoring import weight

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


def test_gallery_caption_repeated_as_text_is_kept_once() -> None:
    caption = (
        "The minister, left, and her counterpart shake hands before talks in the capital on "
        "Wednesday, the first such meeting in five years."
    )
    html = page(
        f"<article><ul class='gallery'><li><div class='caption'><p>{caption}</p></div></li>"
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
