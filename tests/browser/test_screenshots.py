"""How the pages look (issue 14): the list, the reader view and the settings page in real Chromium
at 360 and 1280 px, light and dark, compared pixel by pixel with reviewed images in
tests/browser/screenshots/. An unintended change to a template or the stylesheet fails here, with
a picture of the difference.

The data is fixed (tests/browser/screenshot_seed.py: one reader, a dozen stories, fixed dates and
a drawn picture, written straight into the database; nothing is fetched) and the fonts are the
ones the app ships, so the pictures are the same on every run on the same Chromium.

After an intended change, `make screenshots` writes new reference images; look at every changed
one (git diff shows them) before committing them: see docs/reading.md.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.screenshot_seed import PASSWORD, USERNAME
from tests.support.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REFERENCES = Path(__file__).resolve().parent / "screenshots"
#: `make screenshots` sets it: write the references instead of comparing with them.
UPDATE_ENV = "BROADSHEET_UPDATE_SCREENSHOTS"
#: A pixel counts as changed when one of its channels moves by more than this (of 255)...
CHANNEL_TOLERANCE = 40
#: ...and a picture fails when more than this share of its pixels changed (anti-aliasing noise).
CHANGED_SHARE = 0.0005
#: Flags that make text rendering the same from run to run (no hinting, no subpixel colour).
STABLE_ARGS = [
    "--font-render-hinting=none",
    "--disable-lcd-text",
    "--force-color-profile=srgb",
    "--hide-scrollbars",
]
WIDTHS = (360, 1280)
SCHEMES = ("light", "dark")
PAGES = ("list", "reader", "settings")


@pytest.fixture(scope="module")
def stable_browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + STABLE_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def story_id(server: LiveServer) -> int:
    done = server.python("from tests.browser.screenshot_seed import seed; print(seed())")
    return int(done.stdout.split()[-1])


def _open(browser: Any, server: LiveServer, width: int, scheme: str) -> tuple[Any, Any]:
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        device_scale_factor=1,
        color_scheme=scheme,
        reduced_motion="reduce",
        is_mobile=width < 600,
        has_touch=width < 600,
        locale="en-GB",
        timezone_id="UTC",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(server.url("/accounts/login/"))
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    return context, page


def _settle(page: Any) -> None:
    """Wait until what the screen shows is final: our fonts loaded, pictures decoded."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    families = page.evaluate(
        "() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Literata" in f for f in families), f"the shipped fonts did not load: {families}"
    page.wait_for_function(
        "() => [...document.images].filter(i => i.getBoundingClientRect().top < innerHeight)"
        ".every(i => i.complete)"
    )
    page.mouse.move(0, 0)


def _compare(name: str, actual_png: bytes) -> None:
    from PIL import Image, ImageChops

    reference_path = REFERENCES / f"{name}.png"
    if os.environ.get(UPDATE_ENV):
        REFERENCES.mkdir(parents=True, exist_ok=True)
        reference_path.write_bytes(actual_png)
        return
    out = Path(tempfile.mkdtemp(prefix=f"screenshot-{name}-"))
    (out / "actual.png").write_bytes(actual_png)
    assert reference_path.is_file(), (
        f"no reviewed image {reference_path.name}: this run's is {out / 'actual.png'}; "
        "run `make screenshots`, look at it, and commit it"
    )
    actual = Image.open(out / "actual.png").convert("RGB")
    reference = Image.open(reference_path).convert("RGB")
    assert actual.size == reference.size, (
        f"{name}: {actual.size} now, {reference.size} reviewed; this run's is {out / 'actual.png'}"
    )
    difference = ImageChops.difference(actual, reference)
    worst = difference.split()
    channel_max = ImageChops.lighter(ImageChops.lighter(worst[0], worst[1]), worst[2])
    changed_mask = channel_max.point(lambda v: 255 if v > CHANNEL_TOLERANCE else 0)
    changed = changed_mask.histogram()[255]
    share = changed / (actual.width * actual.height)
    if share <= CHANGED_SHARE:
        return
    faded = Image.blend(reference, Image.new("RGB", reference.size, "white"), 0.7)
    faded.paste(Image.new("RGB", reference.size, (220, 0, 0)), mask=changed_mask)
    faded.save(out / "diff.png")
    reference.save(out / "reviewed.png")
    raise AssertionError(
        f"{name}: {changed} pixels ({share:.3%}) differ from the reviewed image "
        f"(tolerance {CHANGED_SHARE:.3%}). The difference is drawn in red in {out / 'diff.png'} "
        f"(beside actual.png and reviewed.png). If the change is intended, run "
        "`make screenshots` and review the new images."
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", PAGES)
def test_the_page_looks_as_reviewed(
    stable_browser: Any,
    server: LiveServer,
    story_id: int,
    which: str,
    width: int,
    scheme: str,
) -> None:
    name = f"{which}-{width}-{scheme}"
    png = _shoot(stable_browser, server, story_id, which, width, scheme)
    try:
        _compare(name, png)
    except AssertionError:
        # Now and then Chromium draws a form control's text a fraction of a pixel off (a select's
        # text in one run of many); a real change is there on a second look too.
        _compare(name, _shoot(stable_browser, server, story_id, which, width, scheme))


def _shoot(
    stable_browser: Any, server: LiveServer, story_id: int, which: str, width: int, scheme: str
) -> bytes:
    """The page as the reader sees it, in a fresh browser context."""
    context, page = _open(stable_browser, server, width, scheme)
    try:
        path = {"list": "/", "reader": f"/items/{story_id}/", "settings": "/settings/"}[which]
        response = page.goto(server.url(path))
        assert response is not None and response.status == 200
        if which == "reader":
            page.wait_for_selector("article.reader[data-script=ready]", state="attached")
        _settle(page)
        # Whatever differs from run to run by design (keys in addresses, the server's port) is
        # covered by a box; the rest of the page is compared.
        masks = [page.locator("main code")]
        shot: dict[str, Any] = {"animations": "disabled", "caret": "hide", "scale": "css"}
        if which == "reader":
            # The whole story (its headings, pictures, the missing picture's placeholder, the
            # bar), not what follows it (related stories arrive when the worker gets to them).
            # A full-page capture does not scroll, so the reading position stays where it is.
            page.wait_for_function(
                "() => [...document.querySelectorAll('article.reader img')].every(i => i.complete)"
            )
            assert page.evaluate("() => window.scrollY") == 0, "the page scrolled by itself"
            box = page.locator("article.reader").bounding_box()
            assert box is not None
            shot.update(full_page=True, clip=box)
        png = page.screenshot(mask=masks, **shot)
    finally:
        context.close()
    return bytes(png)


def test_eight_stories_fit_a_phone_screen(
    stable_browser: Any, server: LiveServer, story_id: int
) -> None:
    """The issue's measure: at 360 x 800, at least eight rows of the list are wholly on screen;
    on the reader view the story's headline starts within the first 160 px."""
    context, page = _open(stable_browser, server, 360, "light")
    try:
        _settle(page)
        bottoms = page.evaluate(
            "() => [...document.querySelectorAll('li.item')]"
            ".map(e => e.getBoundingClientRect().bottom)"
        )
        assert sum(1 for b in bottoms if b <= 800) >= 8, bottoms
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 360
        page.goto(server.url(f"/items/{story_id}/"))
        _settle(page)
        top = page.evaluate(
            "() => document.querySelector('.story-head h1').getBoundingClientRect().top"
        )
        assert top < 160, f"the headline starts {top} px down"
        # The save field is folded away; Archive and Star stay in the bar, on screen.
        assert not page.locator("#save-url").is_visible()
        for label in ("Archive", "Star"):
            button = page.locator(f".reader-bar button:has-text('{label}')")
            assert button.is_visible(), label
        page.mouse.wheel(0, 1500)
        page.wait_for_function("() => document.getElementById('read-progress').value > 0")
        bar = page.locator(".reader-bar").bounding_box()
        assert bar is not None and bar["y"] <= 1, f"the bar scrolled away: {bar}"
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 360
    finally:
        context.close()
        # Scrolling saved a reading position; the reader's picture is taken from the top.
        server.python("from broadsheet.core.models import Item; Item.objects.update(progress=0)")
