"""Reading comfort in real Chromium (issue 14): reader settings per account and per device, the
shipped typeface, the list's row menu and the reader's bar, all without script errors or CSP
violations (the `new_session` fixture fails the test on any)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import PASSWORD, Session

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEPIA_BG = "rgb(245, 237, 218)"
DARK_BG = "rgb(21, 20, 18)"
LIGHT_BG = "rgb(251, 250, 247)"


def _background(s: Session) -> str:
    return str(s.page.evaluate("() => getComputedStyle(document.body).backgroundColor"))


def _submit(s: Session, selector: str) -> None:
    """Press a form's button and wait for the page it leads to."""
    with s.page.expect_navigation():
        s.page.click(selector)


def _log_in(s: Session, name: str) -> None:
    s.go("/accounts/login/")
    s.page.fill("#id_username", name)
    s.page.fill("#id_password", PASSWORD)
    with s.page.expect_navigation():
        s.page.click("main button[type=submit]")


def _stories(s: Session, name: str, n: int) -> list[int]:
    """Ready stories for `name`, written straight into the database (nothing to fetch)."""
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from broadsheet.core.models import Item\n"
        f"u = get_user_model().objects.get(username={name!r})\n"
        f"for i in range({n}):\n"
        "    it = Item.objects.create(user=u, url=f'https://news.example/{i}',"
        " canonical_url=f'https://news.example/{i}', status='ready', title=f'Story number {i}',"
        " summary='A dek.', site_name='News', host='news.example', reading_minutes=3,"
        " html='<p>Text.</p><h2>A subhead</h2><p>More text.</p>', text='Text. More text.')\n"
        "    print(it.pk)\n"
    )
    return [int(line) for line in s.server.python(code).stdout.split()]


def test_settings_for_this_device_and_for_the_account(
    new_session: Callable[..., Session],
) -> None:
    phone = new_session(width=360)
    name = phone.sign_up()
    assert _background(phone) == LIGHT_BG
    phone.go("/settings/")
    phone.page.select_option("#reader-size", "120")
    phone.page.check("input[name=face][value=sans]")
    phone.page.check("input[name=theme][value=sepia]")
    _submit(phone, "button[name=scope][value=device]")
    assert "Saved for this device only." in phone.page.inner_text(".messages")
    classes = phone.page.get_attribute("html", "class") or ""
    assert {"theme-sepia", "face-sans", "size-120"} <= set(classes.split())
    assert _background(phone) == SEPIA_BG

    # Another device of the same reader follows the account, not the phone.
    desk = new_session(width=1280, dark=True)
    _log_in(desk, name)
    assert "theme-system" in (desk.page.get_attribute("html", "class") or "")
    assert _background(desk) == DARK_BG  # "as the device", and this device is dark

    # Light for the account: the desk shows it; the phone keeps its own until it forgets it.
    desk.go("/settings/")
    desk.page.check("input[name=theme][value=light]")
    _submit(desk, "button[name=scope][value=account]")
    assert _background(desk) == LIGHT_BG
    phone.go("/")
    assert _background(phone) == SEPIA_BG
    phone.go("/settings/")
    _submit(phone, "button[name=scope][value=forget]")
    assert _background(phone) == LIGHT_BG


def test_the_reader_view_reads_like_a_reading_app(new_session: Callable[..., Session]) -> None:
    s = new_session(width=360)
    name = s.sign_up()
    story = _stories(s, name, 1)[0]
    s.go(f"/items/{story}/")
    s.page.evaluate("() => document.fonts.ready.then(() => true)")
    # The headline and the subheads in our reading face, which loaded from our origin.
    for selector in (".story-head h1", ".story-body h2", ".story-body p"):
        family = s.page.evaluate(
            f"() => getComputedStyle(document.querySelector('{selector}')).fontFamily"
        )
        assert str(family).split(",")[0].strip('"') == "Literata", (selector, family)
    assert s.page.evaluate("() => document.fonts.check('700 20px Literata')")
    # The save field is folded at phone width, one tap away; the bar has the actions.
    assert not s.page.locator("#save-url").is_visible()
    s.page.click(".masthead-tools summary")
    assert s.page.locator("#save-url").is_visible()
    bar = s.page.locator(".reader-bar")
    for label in ("Archive", "Star", "Delete"):
        assert bar.locator(f"button:has-text('{label}')").is_visible(), label
    _submit(s, ".reader-bar button:has-text('Star')")
    assert s.page.locator(".reader-bar button:has-text('Starred')").count() == 1
    _submit(s, ".reader-bar button:has-text('Archive')")
    assert "Moved to the archive." in s.page.inner_text(".messages")
    s.no_horizontal_scroll()


def test_the_row_menu_works_without_script(new_session: Callable[..., Session]) -> None:
    s = new_session(width=360)
    name = s.sign_up()
    first, second = _stories(s, name, 2)
    s.go("/")
    row = s.page.locator(f"li[data-item-id='{second}']")
    menu_button = row.locator(".row-menu summary")
    box = menu_button.bounding_box()
    assert box is not None and box["width"] >= 40 and box["height"] >= 44, box
    assert not row.locator("button:has-text('Archive')").is_visible()
    menu_button.click()
    with s.page.expect_navigation():
        row.locator("button:has-text('Archive')").click()
    assert "Moved to the archive." in s.page.inner_text(".messages")
    assert s.page.locator(f"li[data-item-id='{second}']").count() == 0
    # The tick boxes of the bulk actions show once "Order, filter and select" is open.
    pick = s.page.locator(f"li[data-item-id='{first}'] .pick")
    assert not pick.is_visible()
    s.page.click(".list-tools summary")
    pick.check()
    s.page.select_option("#bulk-action", "star")
    _submit(s, "#bulk button[type=submit]")
    assert "Starred: 1 story." in s.page.inner_text(".messages")
    s.no_horizontal_scroll()
