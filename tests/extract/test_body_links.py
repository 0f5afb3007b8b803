"""Links, tables and code inside the story: what reads as the story's own text stays."""

from __future__ import annotations

from broadsheet.extract import extract

from .story_sentences import STORY_SENTENCES, story
from .story_sentences import article_page as page

SECTION = (
    "What would happen if a racing game and a rhythm game met in a dark corridor? The answer is "
    "fast, loud and strangely moving, and the headset makes every turn of the track feel close. "
    "It is the one game we kept playing after the review was written, long into the night, and "
    "the one we would buy first for a friend."
)


def test_a_heading_that_links_to_its_subject_heads_its_section() -> None:
    # A buyer's guide links each section heading to the product; a "Follow us" box's heading
    # has no prose of its own, and a teaser's heading only a one-line summary.
    sections = "".join(
        f"<h3><a href='https://shop.example/{i}'>Game number {i} ($20)</a></h3><p>{SECTION}</p>"
        for i in range(3)
    )
    follow = (
        "<div class='box'><h3><a href='https://social.example/x'>Connect With Us Online</a></h3>"
        "<p><a href='https://social.example/x'>@harbourdaily</a></p></div>"
    )
    teaser = (
        "<div class='card'><h3><a href='/other-story'>Ferry museum opens a new wing</a></h3>"
        f"<p>{STORY_SENTENCES[7]}</p></div>"
    )
    html = page(story(STORY_SENTENCES[:3]) + follow + sections + teaser)
    text = extract(html).text
    assert "Game number 0 ($20)" in text and "Game number 2 ($20)" in text
    assert "Connect With Us" not in text
    assert "Ferry museum opens" not in text


def test_a_sentence_made_mostly_of_links_amid_the_story_is_kept() -> None:
    # Its clauses are links, but its own words still make a sentence between two paragraphs.
    linked = (
        "<p>The reply from the council, <a href='/a'>which had promised a decision by the spring "
        "and then postponed it twice without a word</a>, came after <a href='/b'>a petition "
        "signed by four thousand residents of both banks</a>, and it was, in a word, late.</p>"
    )
    links_only = (
        "<p><a href='/c'>Bridge timetable</a><br><a href='/d'>Ferry timetable and fares</a><br>"
        "Updated <a href='/e'>every Monday morning by the transport office</a></p>"
    )
    html = page(
        story(STORY_SENTENCES[:2]) + linked + story(STORY_SENTENCES[2:5]) + links_only
        + story(STORY_SENTENCES[5:])
    )  # fmt: skip
    text = extract(html).text
    assert "it was, in a word, late." in text
    assert "Bridge timetable" not in text


def test_a_data_table_with_a_paragraph_in_one_row_is_still_a_table() -> None:
    # One note set as a <p> in one cell does not make a list of films a layout grid: read cell
    # by cell, every row would lose its title, a link.
    rows = "".join(
        f"<tr><th><a href='/film/{i}'>Film title {i}</a></th><td>19{i}0</td><td>{s}</td></tr>"
        for i, s in enumerate(STORY_SENTENCES)
    )
    note = f"<tr><th><a href='/film/9'>Film title 9</a></th><td>1999</td><td>{STORY_SENTENCES[0]}"
    note += f"<p>{STORY_SENTENCES[1]}</p></td></tr>"
    html = page(
        story(STORY_SENTENCES[:3])
        + f"<table><tr><th>Film</th><th>Year</th><th>About</th></tr>{rows}{note}</table>"
    )
    article = extract(html)
    (table,) = [b for b in article.blocks if b.kind == "table"]
    assert "Film title 3 | 1930 |" in table.text
    assert f"{STORY_SENTENCES[0]} {STORY_SENTENCES[1]}" in table.text  # the note, on its row


def test_preformatted_lines_set_with_line_breaks_stay_lines() -> None:
    # Code highlighters end each line with <br>: the last word of a line must not run into the
    # first of the next.
    code = (
        "<pre><code><span class='c'>// add.c</span><br><span class='k'>#include</span> "
        "&lt;lib.h&gt;<br><br>KEEPALIVE<br><span class='k'>int</span> add(int x);<!-- x -->"
        "</code></pre>"
    )
    article = extract(page(story() + code))
    (pre,) = [b for b in article.blocks if b.kind == "preformatted"]
    assert pre.text == "// add.c\n#include <lib.h>\n\nKEEPALIVE\nint add(int x);"


def test_a_quote_saying_make_a_difference_is_prose() -> None:
    quote = '"I think it will make a difference because of who he is," the mayor said on Tuesday.'
    text = extract(
        page(story(STORY_SENTENCES[:4]) + f"<p>{quote}</p>" + story(STORY_SENTENCES[4:]))
    ).text
    assert quote in text


def test_a_signature_box_is_not_the_story() -> None:
    # The byline's footer on news sites ("bloc_signature"), a poster's footer on forums.
    signature = (
        "<p class='bloc_signature'>Martin Roe, harbour reporter. Follow him for more news from "
        "the waterfront.</p>"
    )
    text = extract(page(story() + signature)).text
    assert STORY_SENTENCES[-1] in text and "Martin Roe" not in text
