"""The end of the body: recirculation and comment headers, newsletter promos after the story."""

from __future__ import annotations

from broadsheet.extract import extract

from .story_sentences import STORY_SENTENCES

SENTENCES = STORY_SENTENCES
TEASERS = (
    "A quiet village fair grew into the largest food festival in the region this summer.",
    "The harbour museum will open a new wing for the fishing fleet's old boats next year.",
)


def page(body: str) -> str:
    return f"<html><head><title>T</title></head><body><article>{body}</article></body></html>"


def story() -> str:
    return "".join(f"<p>{s}</p>" for s in SENTENCES)


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
        "You have been successfully subscribed!",
    )
    text = extract(page(story() + "".join(f"<p>{p}</p>" for p in promos))).text
    assert SENTENCES[-1] in text
    for p in promos:
        assert p not in text
