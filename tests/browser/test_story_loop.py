"""The loop under a story, in real Chromium (issue 12): rate it, follow its topic, add a way to
make a difference, and see that link under a second story on the same topic; at phone width
too, without script."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.browser.conftest import Session, StorySite, item_id_from

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ACTION = "Sign the petition to keep the Ostrava flowing"
ACTION_URL = "https://petitions.example.org/keep-the-ostrava-flowing"


def _saved_and_ready(s: Session, url: str) -> str:
    s.go("/")
    s.save(url)
    s.go("/")
    href = s.page.locator("li[data-item-id] a.item-title").first.get_attribute("href")
    item_id = item_id_from(href)
    s.wait_for_item(item_id, "ready")
    return item_id


def test_rate_follow_act_and_see_it_under_the_next_story(
    new_session: Callable[..., Session], story_site: StorySite
) -> None:
    s = new_session()
    s.sign_up()
    first = _saved_and_ready(s, story_site.url("dam-1.html"))
    s.go(f"/items/{first}/")

    # Rate it: the fourth star.
    s.page.click("form.stars button[value='4']")
    assert "Your rating: 4 of 5." in s.page.inner_text(".rating")
    assert s.page.locator("form.stars button[aria-pressed='true']").get_attribute("value") == "4"

    # Come back to this topic: its terms, one click.
    loop = s.page.inner_text(".story-loop")
    assert loop.index("Rate this story") < loop.index("Did we miss an angle?")
    assert loop.index("Did we miss an angle?") < loop.index("Come back to this topic")
    terms = s.page.locator(".topic-follow .terms li").all_inner_texts()
    assert any("Kestrel" in t for t in terms), terms
    s.page.click("button:has-text('Follow this topic')")
    assert "You follow" in s.page.inner_text(".topic-follow")
    s.shot("story-loop-followed")

    # The topic's page: the story's own volunteer link is proposed; add a petition by hand.
    s.page.click(".topic-follow a[href^='/topics/']")
    proposed = s.page.locator(".action-list.proposed a", has_text="Ostrava River Trust")
    assert proposed.get_attribute("href") == "https://ostrava-river-trust.example.org/volunteer"
    s.page.fill("#new-action-title", ACTION)
    s.page.fill("#new-action-url", ACTION_URL)
    s.page.click(".action-form button[type=submit]")
    assert ACTION in s.page.inner_text("#actions")

    # A second story on the same topic shows it under Make a Difference.
    second = _saved_and_ready(s, story_site.url("dam-2.html"))
    deadline = time.monotonic() + 30
    while True:
        s.go(f"/items/{second}/")
        if s.page.locator("section.actions").count():
            break
        assert time.monotonic() < deadline, "the second story never joined the topic"
        time.sleep(0.5)
    link = s.page.locator("section.actions a", has_text=ACTION)
    assert link.count() == 1 and link.get_attribute("href") == ACTION_URL
    scripts = s.page.evaluate("[...document.scripts].map(e => new URL(e.src).pathname)")
    assert scripts == ["/static/broadsheet/reader.js"]  # the reader view's one script, ours


def test_the_story_loop_fits_a_phone(
    new_session: Callable[..., Session], story_site: StorySite
) -> None:
    s = new_session(width=360, height=740)
    s.sign_up()
    item = _saved_and_ready(s, story_site.url("dam-1.html"))
    s.go(f"/items/{item}/")
    width = s.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width})"
    for selector in ("form.stars", ".notes textarea", ".topic-follow button"):
        box = s.page.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
    s.shot("story-loop-360")
