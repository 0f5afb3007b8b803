"""Reader settings (issue 14): kept with the account or on this device only (a cookie that wins
over the account's), validated, and shown as classes on `<html>`; the list's compact rows keep
every action and the thumbnail comes from our own image store."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import reader_settings, services
from broadsheet.core.models import Item, ItemImage, Profile, StoredImage

pytestmark = pytest.mark.django_db

COOKIE = reader_settings.COOKIE_NAME


def html_classes(response: Any) -> set[str]:
    match = re.search(r'<html lang="en" class="([^"]*)"', response.content.decode())
    assert match, "no class on <html>"
    return set(match.group(1).split())


def post(web: Client, scope: str, **fields: str) -> Any:
    data = {"font_size": "100", "width": "34", "face": "serif", "theme": "system", **fields}
    return web.post("/settings/reader/", {**data, "scope": scope})


def test_the_defaults_are_on_every_page(web: Client) -> None:
    for path in ("/", "/settings/"):
        assert html_classes(web.get(path)) == {
            "theme-system",
            "face-serif",
            "size-100",
            "width-34",
        }


def test_saved_for_the_account_they_follow_the_reader_to_another_device(
    web: Client, alice: AbstractBaseUser
) -> None:
    response = post(web, "account", font_size="120", width="38", face="sans", theme="sepia")
    assert response.status_code == 303
    assert response["Location"] == "/settings/#reader"
    profile = Profile.objects.get(user=alice)
    assert (profile.reader_font_size, profile.reader_width) == (120, 38)
    assert (profile.reader_face, profile.reader_theme) == ("sans", "sepia")
    other = Client()
    other.force_login(alice)
    page = other.get("/")
    assert {"theme-sepia", "face-sans", "size-120", "width-38"} <= html_classes(page)
    settings_page = other.get("/settings/").content.decode()
    assert '<option value="120" selected>' in settings_page
    assert 'value="sepia" checked' in settings_page


def test_this_device_only_is_a_cookie_that_wins_over_the_account(
    web: Client, alice: AbstractBaseUser
) -> None:
    post(web, "account", theme="sepia")
    response = post(web, "device", font_size="135", width="28", face="serif", theme="dark")
    assert response.status_code == 303
    cookie = response.cookies[COOKIE]
    assert cookie.value == "135.28.serif.dark"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # The account keeps its own; this browser shows its own.
    assert Profile.objects.get(user=alice).reader_theme == "sepia"
    assert {"theme-dark", "size-135", "width-28"} <= html_classes(web.get("/"))
    page = web.get("/settings/").content.decode()
    assert "This device has its own settings" in page
    assert "Forget this device" in page
    # Another device of the same account does not see them.
    other = Client()
    other.force_login(alice)
    assert "theme-sepia" in html_classes(other.get("/"))
    # Forgetting goes back to the account's.
    response = web.post("/settings/reader/", {"scope": "forget"})
    assert response.cookies[COOKIE].value == ""
    assert "theme-sepia" in html_classes(web.get("/"))


def test_saving_for_the_account_drops_this_devices_own(web: Client) -> None:
    post(web, "device", theme="dark")
    response = post(web, "account", theme="light")
    assert response.cookies[COOKIE].value == ""
    assert "theme-light" in html_classes(web.get("/"))


@pytest.mark.parametrize(
    "fields",
    [
        {"font_size": "101"},
        {"font_size": "9999"},
        {"font_size": "-10"},
        {"font_size": "abc"},
        {"width": "12"},
        {"width": "200"},
        {"face": "comic"},
        {"theme": "neon"},
        {"theme": ""},
    ],
)
def test_values_outside_the_steps_are_refused(
    web: Client, alice: AbstractBaseUser, fields: dict[str, str]
) -> None:
    response = post(web, "account", **fields)
    assert response.status_code == 303
    profile = Profile.objects.get(user=alice)
    assert (profile.reader_font_size, profile.reader_width) == (100, 34)
    assert (profile.reader_face, profile.reader_theme) == ("serif", "system")
    message = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "is one of" in message or "is serif or sans" in message or "The theme is" in message
    response = post(web, "device", **fields)
    assert COOKIE not in response.cookies


@pytest.mark.parametrize(
    "cookie",
    ["", "1.2.3", "999.34.serif.dark", "100.34.serif.<script>", "100.34.serif.dark.x", "x" * 50],
)
def test_a_cookie_not_ours_is_ignored(web: Client, cookie: str) -> None:
    web.cookies[COOKIE] = cookie
    assert html_classes(web.get("/")) == {"theme-system", "face-serif", "size-100", "width-34"}


def test_a_value_set_elsewhere_snaps_to_a_step(alice: AbstractBaseUser) -> None:
    profile = Profile.objects.get_or_create(user=alice)[0]
    profile.reader_font_size, profile.reader_width = 104, 50
    assert reader_settings.of_profile(profile).classes() == (
        "theme-system face-serif size-100 width-42"
    )


def test_the_form_needs_a_login_and_a_post() -> None:
    assert Client().post("/settings/reader/", {"scope": "account"}).status_code == 302
    web = Client()
    assert web.get("/settings/reader/").status_code in (302, 405)


def test_list_rows_keep_every_action_and_show_our_thumbnail(
    web: Client, alice: AbstractBaseUser
) -> None:
    item = services.save_item(alice, "https://news.example/ferry")
    Item.objects.filter(pk=item.pk).update(
        status="ready", title="The ferry", summary="A one-line dek.", reading_minutes=4
    )
    stored = StoredImage.objects.create(digest="ab" * 32, content_type="image/png", name="x.png")
    ItemImage.objects.create(item=item, source_url="https://news.example/a.png", image=stored)
    page = web.get("/").content.decode()
    row = page[page.index(f'data-item-id="{item.pk}"') :]
    row = row[: row.index("</li>")]
    for action in ("archive", "delete", "star", "rating"):
        assert f'action="/items/{item.pk}/{action}/"' in row, action
    assert 'class="pick"' in row and 'form="bulk"' in row
    assert '<details class="row-menu">' in row
    assert f'src="/images/{item.pk}/{"ab" * 32}"' in row
    assert "A one-line dek." in row
    assert "4 min read" in " ".join(re.sub(r"<[^>]+>", "", row).split())
    # No image of the story's own site, ever.
    assert "news.example/a.png" not in row


def test_thumbnails_of_a_page_are_read_in_one_query(web: Client, alice: AbstractBaseUser) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_list_with(n: int) -> int:
        for i in range(n):
            item = services.save_item(alice, f"https://news.example/pictured-{n}-{i}")
            digest = f"{n:02d}{i:02d}".ljust(64, "0")
            stored = StoredImage.objects.create(
                digest=digest, content_type="image/png", name=f"{digest}.png"
            )
            ItemImage.objects.create(item=item, source_url=f"https://x.example/{i}", image=stored)
        with CaptureQueriesContext(connection) as captured:
            page = web.get("/").content.decode()
        assert page.count('class="thumb"') == Item.objects.filter(user=alice).count()
        return len(captured)

    assert queries_for_list_with(2) == queries_for_list_with(4)
