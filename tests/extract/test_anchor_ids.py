"""A subhead's id that is its own anchor, not its role (engine._forget_anchor_ids)."""

from __future__ import annotations

from broadsheet.extract import extract

from .story_sentences import STORY_SENTENCES, article_page


def subheaded_story(anchor: str) -> str:
    first = "".join(f"<p>{s}</p>" for s in STORY_SENTENCES[:4])
    second = "".join(f"<p>{s}</p>" for s in STORY_SENTENCES[4:])
    return article_page(
        f"{first}<h3 class='subheading' id='{anchor}'>The ferry goes back to its museum</h3>"
        f"<div class='ad'></div>{second}"
    )


def test_subhead_whose_id_is_its_contents_anchor_stays() -> None:
    text = extract(subheaded_story("nav_the_ferry_goes__1")).text
    assert "The ferry goes back to its museum" in text
    assert STORY_SENTENCES[7] in text


def test_subhead_with_a_navigation_id_of_other_words_still_goes() -> None:
    text = extract(subheaded_story("nav_menu_1")).text
    assert "The ferry goes back to its museum" not in text
    assert STORY_SENTENCES[7] in text
