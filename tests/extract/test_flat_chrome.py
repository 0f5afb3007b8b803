"""clean_text on a flattened news page (the visible text a naive scraper keeps, chrome and all,
like the page this product grew from): the story stays, none of the chrome does."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from broadsheet.extract import clean_text

BYLINE = "By Helen Marsh and Omar Said, Staff writers"
CAPTIONS = (
    "Volunteers fill sandbags outside the Riverside branch library in Calder Falls on Sunday. "
    "(AP Photo/Lena Kovac)",
    "The reading room after the water went down. Photo: Dan Whitfield/The Valley Courier",
)
STORY = (
    "CALDER FALLS — The Riverside branch library reopened on Monday, seven months after the "
    "spring flood put four feet of river water into its reading room and ruined most of its "
    "children's collection.",
    "Librarians spent the first weeks after the flood drying what could be saved on tables in "
    "the high school gym. About 11,000 books were lost, along with the branch's microfilm of "
    "the town newspaper from 1890 to 1954.",
    "The microfilm has since been replaced from the state archive, which kept a second copy, "
    "and donors from across the county have given nearly 6,000 children's books, more than "
    "half of what was lost.",
    '"People kept coming to the door of the gym asking when story time would start again," '
    'said branch manager Ruth Okafor. "That told us what we had to get back first."',
    "The repairs cost $2.4 million, most of it covered by a federal disaster grant. The county "
    "paid for raising the building's electrical panels and boiler above the level of the 1996 "
    "flood, the worst on record.",
    "The branch will keep its old hours, and story time resumes on Saturday at 10 a.m. in the "
    "rebuilt children's room, which now has a view of the river through a new floor-to-ceiling "
    "window.",
)

BEFORE = (
    "Skip to main content",
    "The Valley Courier",
    "Sign in",
    "jreader",
    "Saved (3 of 20 items)",
    "News",
    "Local",
    "Business",
    "Sports",
    "Opinion",
    "Obituaries",
    "Libraries",
    "Riverside library reopens seven months after flood",
    "Save for later",
    "This item has been saved to read later from any device.",
    "Access saved items through your user name at the top of the page.",
    "View Saved Items",
    "Failed to save",
    "You have already saved this item.",
    "Failed to save",
    "You reached the limit of 20 saved items.",
    "Please visit following link to manage your saved items.",
    "View Saved Items",
    "close",
    "View Caption",
)
INSIDE = (
    "Recommended: Calder River levee work to start in March",
    "Recommended: How the county decides which roads close in a flood",
    "Make a Difference",
    "Want to help? Support the library's rebuilding fund and other causes we cover.",
    "Learn more",
)
AFTER = (
    "Save for later",
    "We want to hear, did we miss an angle we should have covered? Should we come back to "
    "this topic? Or just give us a rating for this story. We want to hear from you.",
    "Rate this story",
    "FREE Newsletters",
    "Get the stories you care about delivered to your inbox.",
    "Email",
    "Subscribe",
    "Most viewed",
    "River trail opens to cyclists next week",
    "School board weighs a four-day week",
    "Levee vote set for Tuesday",
    "About us",
    "Contact",
    "Privacy policy",
    "© 2013 The Valley Courier. All rights reserved.",
)


def flattened_page() -> str:
    """The page's visible text, one block a line, in the order the page shows it."""
    lines = [
        *BEFORE,
        CAPTIONS[0],
        "View Caption",
        "close",
        BYLINE,
        "Published October 14, 2013 at 6:02 pm",
        STORY[0],
        STORY[1],
        STORY[2],
        INSIDE[0],
        STORY[3],
        CAPTIONS[1],
        "View Caption",
        INSIDE[1],
        STORY[4],
        *INSIDE[2:],
        STORY[5],
        *AFTER,
    ]
    return "\n".join(lines)


_WORD = re.compile(r"\w+")


def word_f1(reference: str, got: str) -> float:
    """Word-overlap F1: words counted with their multiplicity, case folded."""
    want = Counter(w.casefold() for w in _WORD.findall(reference))
    have = Counter(w.casefold() for w in _WORD.findall(got))
    overlap = sum((want & have).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(have.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def test_the_story_stays_and_scores_against_its_own_text() -> None:
    out = clean_text(flattened_page())
    lines = out.splitlines()
    for paragraph in STORY:
        assert paragraph in lines
    for caption in CAPTIONS:  # the lead photo's too, above the byline and the first paragraph
        assert caption in lines
    reference = "\n".join((*CAPTIONS, *STORY))  # the byline is metadata, as in Article.text
    assert word_f1(reference, out) >= 0.95


@pytest.mark.parametrize("line", sorted({*BEFORE, *INSIDE, *AFTER}))
def test_no_chrome_line_is_left(line: str) -> None:
    assert line not in clean_text(flattened_page()).splitlines()
