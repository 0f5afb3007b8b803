"""The web pages, through Django's test client: accounts, the save form and its contract
messages, the lists, the reader view, the bookmarklet, tokens and security headers."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from broadsheet.core import queries, services
from broadsheet.core.models import ApiToken, Item, Note
from tests.conftest import (
    PASSWORD,
    Site,
    article_html,
    expected_of,
    fixture_pages,
    page_file,
)

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., AbstractBaseUser]


def text_of(response: Any) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    body = response if isinstance(response, str) else response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def links(response: Any) -> dict[str, str]:
    """Anchor text -> href."""
    found = re.findall(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', response.content.decode(), re.S)
    return {text_of(t): html.unescape(h) for h, t in found}


def counter_of(response: Any) -> str:
    match = re.search(r'id="saved-counter">([^<]*)<', response.content.decode())
    assert match, "no counter on the page"
    return match.group(1)


def _save(user: AbstractBaseUser, n: int, start: int = 0) -> list[Item]:
    return [services.save_item(user, f"https://news.example/{i}") for i in range(start, start + n)]


# --- accounts -------------------------------------------------------------------------------------


def _signup(client: Client, name: str) -> Any:
    return client.post(
        "/accounts/signup/", {"username": name, "password": PASSWORD, "password2": PASSWORD}
    )


def test_first_account_is_admin_and_unlimited() -> None:
    client = Client()
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    assert "This is the first account on this server: it will be the admin." in text_of(page)
    r = _signup(client, "editor")
    assert r.status_code == 302 and r["Location"] == "/"
    user = get_user_model().objects.get(username="editor")
    assert user.is_superuser and queries.quota_of(user) is None
    assert counter_of(client.get("/")) == "Saved (0 items)"

    other = Client()
    assert "first account" not in text_of(other.get("/accounts/signup/"))
    _signup(other, "reader")
    reader = get_user_model().objects.get(username="reader")
    assert not reader.is_superuser and not reader.is_staff
    assert counter_of(other.get("/")) == "Saved (0 of 20 items)"


def test_signup_validates() -> None:
    client = Client()
    r = client.post(
        "/accounts/signup/", {"username": "x", "password": PASSWORD, "password2": "different1"}
    )
    assert r.status_code == 200
    assert "The two passwords differ." in text_of(r)
    r = client.post("/accounts/signup/", {"username": "x", "password": "123", "password2": "123"})
    assert r.status_code == 200
    assert not get_user_model().objects.exists()
    _signup(client, "taken")
    r = _signup(Client(), "TAKEN")
    assert "The user name 'TAKEN' is taken." in text_of(r)
    assert get_user_model().objects.count() == 1


def test_closed_signup(settings: Any) -> None:
    settings.BROADSHEET_OPEN_SIGNUP = False
    client = Client()
    r = client.get("/accounts/signup/")
    assert r.status_code == 403
    assert "Sign-up is closed on this server." in text_of(r)
    r = _signup(client, "sneaky")
    assert r.status_code == 403
    assert not get_user_model().objects.exists()


def test_login_and_logout(alice: AbstractBaseUser) -> None:
    client = Client()
    r = client.get("/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/?next=/"
    assert client.get("/accounts/login/").status_code == 200

    r = client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    assert r.status_code == 200
    assert client.get("/").status_code == 302

    r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "alice" in text_of(page)

    assert client.get("/accounts/logout/").status_code == 405  # a link cannot log you out
    r = client.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_login_follows_next(alice: AbstractBaseUser) -> None:
    r = Client().post(
        "/accounts/login/?next=/settings/",
        {"username": "alice", "password": PASSWORD, "next": "/settings/"},
    )
    assert r["Location"] == "/settings/"
    r = Client().post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert r["Location"] == "/"


# --- the counter, on every page -------------------------------------------------------------------


def _pages_of(client: Client, item: Item) -> list[Any]:
    return [
        client.get("/"),
        client.get("/archive/"),
        client.get("/settings/"),
        client.get(f"/items/{item.pk}/"),
        client.get("/save/?url=https://news.example/x"),
        client.get("/items/999999/"),
    ]


def test_counter_on_every_page(web: Client, alice: AbstractBaseUser) -> None:
    items = _save(alice, 3)
    for page in _pages_of(web, items[0]):
        assert counter_of(page) == "Saved (3 of 20 items)", page.request["PATH_INFO"]
        assert "alice" in text_of(page)
    r = web.post("/save/", {"url": "https://news.example/fourth"}, follow=True)
    assert counter_of(r) == "Saved (4 of 20 items)"


def test_counter_without_a_limit(admin_user: AbstractBaseUser) -> None:
    client = Client()
    client.force_login(admin_user)
    items = _save(admin_user, 3)
    for page in _pages_of(client, items[0]):
        assert counter_of(page) == "Saved (3 items)"


def test_counter_of_an_admin_given_a_limit(admin_user: AbstractBaseUser, api_for: Any) -> None:
    """The first account is an unlimited admin; once given a limit, it counts like anyone."""
    client = Client()
    client.force_login(admin_user)
    items = _save(admin_user, 3)
    assert counter_of(client.get("/")) == "Saved (3 items)"
    services.set_quota(admin_user, 20)
    for page in _pages_of(client, items[0]):
        assert counter_of(page) == "Saved (3 of 20 items)", page.request["PATH_INFO"]
    me = api_for(admin_user).get("/api/v1/me").json()
    assert {k: me[k] for k in ("username", "saved", "limit", "counter")} == {
        "username": "chief",
        "saved": 3,
        "limit": 20,
        "counter": "Saved (3 of 20 items)",
    }


def test_counter_of_an_admin_given_a_limit_in_the_admin(admin_user: AbstractBaseUser) -> None:
    """The Django admin's user page edits the limit (the "Saved-item limit" inline)."""
    client = Client()
    client.force_login(admin_user)
    _save(admin_user, 3)
    url = f"/admin/auth/user/{admin_user.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "Saved-item limit" in text_of(page)
    form = {
        "username": admin_user.get_username(),
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(admin_user.profile.pk),  # type: ignore[attr-defined]
        "profile-0-user": str(admin_user.pk),
        "profile-0-quota": "20",
    }
    r = client.post(url, form)
    assert r.status_code == 302, text_of(r)[:2000]
    assert queries.quota_of(admin_user) == 20
    assert counter_of(client.get("/")) == "Saved (3 of 20 items)"


def test_counter_is_a_link_to_the_saved_items(web: Client) -> None:
    body = web.get("/settings/").content.decode()
    assert re.search(r'<a class="user" href="/"[^>]*>.*?id="saved-counter"', body, re.S)


# --- the save form and its messages, word for word ------------------------------------------------


def test_save_form_is_on_every_page(web: Client) -> None:
    for path in ("/", "/archive/", "/settings/"):
        body = web.get(path).content.decode()
        assert re.search(r'<form class="save-form" method="post" action="/save/">', body)
        assert "Save for later" in body


SAVED_LINES = [
    "This item has been saved to read later from any device.",
    "Access saved items through your user name at the top of the page.",
    "View Saved Items",
]


def message_lines(response: Any) -> list[str]:
    """The lines of the messages box at the top of the page, as a reader reads them."""
    match = re.search(r'<ul class="messages"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert match, "no messages on the page"
    blocks = re.split(r"</?(?:li|p|strong|form|button)\b[^>]*>", match.group(1))
    return [line for line in (text_of(b) for b in blocks) if line]


def test_the_save_form_says_where_the_reader_is(web: Client) -> None:
    body = web.get("/archive/?page=1").content.decode()
    form = re.search(r'<form class="save-form".*?</form>', body, re.S)
    assert form
    assert '<input type="hidden" name="next" value="/archive/?page=1">' in form.group(0)


def test_saved_goes_back_where_the_reader_was(web: Client, alice: AbstractBaseUser) -> None:
    r = web.post("/save/", {"url": "https://news.example/story", "next": "/archive/"})
    assert r.status_code == 303 and r["Location"] == "/archive/"
    page = web.get(r["Location"])
    assert message_lines(page) == SAVED_LINES
    assert links(page)["View Saved Items"] == "/"
    assert counter_of(page) == "Saved (1 of 20 items)"
    assert Item.objects.get(user=alice).url == "https://news.example/story"
    assert 'class="messages"' not in web.get("/archive/").content.decode()  # shown once


@pytest.mark.parametrize(
    ("next_", "referer", "back"),
    [
        ("/settings/", "", "/settings/"),
        ("", "http://testserver/archive/?page=2#top", "/archive/?page=2"),
        ("", "https://elsewhere.example/archive/", "/"),
        ("", "", "/"),
        ("//evil.example/", "", "/"),
        ("https://evil.example/", "http://testserver/settings/", "/settings/"),
        ("/\\evil.example", "", "/"),
        ("/save/", "", "/"),  # never back to the save page itself
    ],
)
def test_back_is_a_page_of_this_site(web: Client, next_: str, referer: str, back: str) -> None:
    data = {"url": "https://news.example/story"}
    if next_:
        data["next"] = next_
    headers = {"Referer": referer} if referer else {}
    r = web.post("/save/", data, headers=headers)
    assert r.status_code == 303 and r["Location"] == back


def test_over_the_limit_message(web: Client, alice: AbstractBaseUser) -> None:
    _save(alice, 20)
    r = web.post("/save/", {"url": "https://news.example/twenty-one", "next": "/settings/"})
    assert r.status_code == 303 and r["Location"] == "/settings/"
    page = web.get("/settings/")
    assert message_lines(page) == [
        "Failed to save",
        "You reached the limit of 20 saved items.",
        "Please visit following link to manage your saved items.",
        "View Saved Items",
    ]
    assert links(page)["View Saved Items"] == "/"
    assert Item.objects.filter(user=alice).count() == 20


def test_saved_before_message(web: Client, alice: AbstractBaseUser) -> None:
    first = services.save_item(alice, "https://news.example/story?id=5")
    r = web.post(
        "/save/", {"url": "https://NEWS.example/story?utm_medium=social&id=5", "next": "/"}
    )
    assert r.status_code == 303 and r["Location"] == "/"
    page = web.get("/")
    lines = message_lines(page)
    assert lines[:2] == ["Failed to save", "You have already saved this item."]
    assert links(page)[lines[2]] == f"/items/{first.pk}/"
    assert Item.objects.filter(user=alice).count() == 1


@pytest.mark.parametrize(
    "url", ["", "   ", "ftp://example.com/f", "javascript:alert(1)", "file:///etc/passwd", "a b"]
)
def test_invalid_address(web: Client, url: str) -> None:
    r = web.post("/save/", {"url": url, "next": "/archive/"})
    assert r.status_code == 422
    text = text_of(r)
    assert "Failed to save" in text
    assert "This item has been saved" not in text
    assert not Item.objects.exists()
    # What the reader typed is there to fix, in a form that still goes back where they were.
    form = re.search(r'<section class="save-result.*?</section>', r.content.decode(), re.S)
    assert form
    if url.strip():
        assert f'value="{html.escape(url)}"' in form.group(0)
    assert '<input type="hidden" name="next" value="/archive/">' in form.group(0)


def test_an_address_over_the_limit_says_so(web: Client) -> None:
    """The form has the server's limit (MAX_URL_LENGTH); one character more is refused in words."""
    from broadsheet.core.canonical import MAX_URL_LENGTH

    base = "https://news.example/"
    r = web.post("/save/", {"url": base + "a" * (MAX_URL_LENGTH + 1 - len(base))})
    assert r.status_code == 422
    assert "That address is too long." in text_of(r)
    assert not Item.objects.exists()
    r = web.post("/save/", {"url": base + "a" * (MAX_URL_LENGTH - len(base))})
    assert r.status_code == 303
    assert Item.objects.count() == 1


def test_save_needs_login() -> None:
    r = Client().post("/save/", {"url": "https://news.example/a"})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert not Item.objects.exists()


# --- lists ----------------------------------------------------------------------------------------


def _ids(response: Any) -> list[int]:
    return [int(i) for i in re.findall(r'data-item-id="(\d+)"', response.content.decode())]


def test_unread_and_archive_tabs_newest_first_fifty_a_page(
    web: Client, alice: AbstractBaseUser
) -> None:
    services.set_quota(alice, None)
    items = _save(alice, 55)
    base = timezone.now() - timedelta(days=1)
    for i, item in enumerate(items):
        Item.objects.filter(pk=item.pk).update(saved_at=base + timedelta(minutes=i))
    archived = items[:2]
    for item in archived:
        services.set_archived(alice, item.pk, True)
    unread = list(reversed(items[2:]))  # 53, newest first

    page1 = web.get("/")
    assert _ids(page1) == [i.pk for i in unread[:50]]
    assert "Page 1 of 2" in text_of(page1)
    assert links(page1)["Older"] == "?page=2"
    page2 = web.get("/?page=2")
    assert _ids(page2) == [i.pk for i in unread[50:]]
    assert links(page2)["Newer"] == "?page=1"

    tab = web.get("/archive/")
    assert _ids(tab) == [archived[1].pk, archived[0].pk]
    assert 'href="/archive/" aria-current="page"' in tab.content.decode()
    assert links(tab)["Unread"] == "/"


def test_empty_lists(web: Client) -> None:
    assert "Nothing saved yet." in text_of(web.get("/"))
    assert "Nothing archived yet." in text_of(web.get("/archive/"))


def test_list_shows_status_and_reason(web: Client, alice: AbstractBaseUser) -> None:
    _pending, failed = _save(alice, 2)
    Item.objects.filter(pk=failed.pk).update(
        status=Item.Status.FAILED, error="The site answered 404", error_code="http_status"
    )
    text = text_of(web.get("/"))
    assert "Fetching…" in text
    assert "Failed: The site answered 404" in text


def test_rate_a_story_from_the_reader_view(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    page = web.get(f"/items/{item.pk}/")
    assert "Rate this story" in text_of(page) and "Not rated yet." in text_of(page)
    html = page.content.decode()
    for n in range(1, 6):
        assert f'name="stars" value="{n}"' in html  # five buttons, no script
    r = web.post(f"/items/{item.pk}/rating/", {"stars": "4"})
    assert r.status_code == 302 and r["Location"] == f"/items/{item.pk}/"
    assert Item.objects.get(pk=item.pk).rating == 4
    page = web.get(r["Location"])
    assert "Rated 4 of 5." in message_lines(page)
    assert "Your rating: 4 of 5." in text_of(page)
    assert page.content.decode().count("★") == 4
    listed = web.get("/").content.decode()  # the list has the same five buttons, 4 pressed
    assert re.search(r'value="4" aria-label="4 of 5 stars" aria-pressed="true"', listed)
    assert listed.count("★") == 4 and f'action="/items/{item.pk}/rating/"' in listed
    r = web.post(f"/items/{item.pk}/rating/", {"stars": "", "next": "/"})
    assert r["Location"] == "/" and Item.objects.get(pk=item.pk).rating is None


@pytest.mark.parametrize("stars", ["0", "6", "x", "4.5", "-1", "\u0661"])  # the last: Arabic 1
def test_a_bad_rating_from_the_form_is_refused(
    web: Client, alice: AbstractBaseUser, stars: str
) -> None:
    item = services.save_item(alice, "https://news.example/a")
    services.rate_item(alice, item.pk, 2)
    r = web.post(f"/items/{item.pk}/rating/", {"stars": stars})
    assert r.status_code == 302
    assert "A rating is 1 to 5 stars." in message_lines(web.get(r["Location"]))
    assert Item.objects.get(pk=item.pk).rating == 2


def test_rating_someone_elses_item_is_not_found(web: Client, bob: AbstractBaseUser) -> None:
    item = services.save_item(bob, "https://news.example/a")
    assert web.post(f"/items/{item.pk}/rating/", {"stars": "5"}).status_code == 404
    assert web.get(f"/items/{item.pk}/rating/").status_code == 405
    assert Item.objects.get(pk=item.pk).rating is None


def test_archive_unarchive_delete(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    r = web.post(f"/items/{item.pk}/archive/", {"next": "/"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert Item.objects.get(pk=item.pk).archived
    assert _ids(web.get("/")) == [] and _ids(web.get("/archive/")) == [item.pk]

    r = web.post(f"/items/{item.pk}/unarchive/", {"next": "/archive/"})
    assert r["Location"] == "/archive/"
    assert not Item.objects.get(pk=item.pk).archived

    r = web.post(f"/items/{item.pk}/delete/", {"next": f"/items/{item.pk}/"})
    assert r["Location"] == "/"  # not back to the page of the deleted item
    assert Item.objects.get(pk=item.pk).deleted_at is not None  # in the trash, for an Undo
    assert _ids(web.get("/")) == [] and web.get(f"/items/{item.pk}/").status_code == 404
    assert counter_of(web.get("/")) == "Saved (0 of 20 items)"


def test_actions_tell_the_reader(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    r = web.post(f"/items/{item.pk}/archive/", {"next": "/"}, follow=True)
    assert "Moved to the archive." in text_of(r)
    r = web.post(f"/items/{item.pk}/unarchive/", {"next": "/"}, follow=True)
    assert "Moved back to your unread list." in text_of(r)
    r = web.post(f"/items/{item.pk}/delete/", {"next": "/"}, follow=True)
    assert "Deleted." in text_of(r)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_actions_do_not_redirect_off_site(
    web: Client, alice: AbstractBaseUser, target: str
) -> None:
    item = services.save_item(alice, "https://news.example/a")
    r = web.post(f"/items/{item.pk}/archive/", {"next": target})
    assert r["Location"] == f"/items/{item.pk}/"


def test_actions_need_post(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    for action in ("archive", "unarchive", "delete", "retry"):
        assert web.get(f"/items/{item.pk}/{action}/").status_code == 405
    assert Item.objects.filter(pk=item.pk, archived=False).exists()


def test_retry(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    r = web.post(f"/items/{item.pk}/retry/", follow=True)
    assert "Only an item that failed can be retried." in text_of(r)
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.FAILED, error="The page took too long.", error_code="timeout"
    )
    page = web.get(f"/items/{item.pk}/")
    text = text_of(page)
    assert "This story could not be fetched. The page took too long." in text
    assert f'action="/items/{item.pk}/retry/"' in page.content.decode()
    r = web.post(f"/items/{item.pk}/retry/")
    assert r["Location"] == f"/items/{item.pk}/"
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING and item.error == ""
    assert "Fetching the story" in text_of(web.get(f"/items/{item.pk}/"))


# --- the reader view ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reader_view(
    make_user: MakeUser,
    site: Site,
    pipeline: Any,
    run_tasks: Callable[[], int],
) -> None:
    user = make_user("reader")
    client = Client()
    client.force_login(user)
    url = site.add("/web/reader-story", article_html(seed=201))
    r = client.post("/save/", {"url": url})
    assert r.status_code == 303
    item = Item.objects.get(user=user)
    assert "Fetching the story" in text_of(client.get(f"/items/{item.pk}/"))
    run_tasks()
    page = client.get(f"/items/{item.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    text = text_of(page)
    assert re.search(r"<h1>Harbour ferry returns after winter repairs</h1>", body)
    assert "The crossing reopens on Monday with a new timetable." in text  # summary
    assert "Jo Reporter" in text  # byline
    assert '<time datetime="2024-03-05T08:30:00+00:00">5 March 2024</time>' in body
    assert "The Daily Example" in text  # site
    item.refresh_from_db()
    assert f"{item.reading_minutes} min read" in text
    assert "A new timetable" in text  # body subhead
    assert "The ferry at the quay on Sunday." in text  # caption
    assert "Photo: Sam Lens" in text  # credit
    assert "<figure" in body and "<figcaption" in body
    assert links(page)["Read the original at The Daily Example"] == url
    story = text_of(re.search(r'<article class="reader".*?</article>', body, re.S).group(0))  # type: ignore[union-attr]
    for chrome in ("Sign up for our newsletter", "Recommended:", "All rights reserved"):
        assert chrome not in story  # the site's own; Broadsheet's "Recommended:" follows the story
    # The reader view runs our one script (highlights, reading position), from our origin only.
    assert "script-src 'self'" in page["Content-Security-Policy"]
    # And it is in the list, with its title.
    assert "Harbour ferry returns after winter repairs" in text_of(client.get("/"))


@pytest.mark.django_db(transaction=True)
def test_reader_view_shows_the_agency_beside_the_byline(
    make_user: MakeUser, site: Site, pipeline: Any, run_tasks: Callable[[], int]
) -> None:
    """Issue 11: "By Jo Reporter, Reuters" reads "Jo Reporter (Reuters)" in the reader view."""
    user = make_user("reader")
    client = Client()
    client.force_login(user)
    url = site.add("/web/wire-story", article_html(seed=202, agency="Reuters"))
    assert client.post("/save/", {"url": url}).status_code == 303
    run_tasks()
    item = Item.objects.get(user=user)
    body = client.get(f"/items/{item.pk}/").content.decode()
    assert re.search(
        r'<span class="author">Jo Reporter</span> <span class="agency">\(Reuters\)</span>', body
    )
    # An agency that is the whole byline is shown once.
    Item.objects.filter(pk=item.pk).update(byline="Reuters")
    text = text_of(client.get(f"/items/{item.pk}/"))
    assert "Reuters" in text and "(Reuters)" not in text


@pytest.mark.django_db(transaction=True)
def test_reader_is_told_about_a_fold(
    make_user: MakeUser, site: Site, pipeline: Any, run_tasks: Callable[[], int]
) -> None:
    user = make_user("reader")
    client = Client()
    client.force_login(user)
    first_url = site.add("/web/fold-first", article_html(seed=211))
    client.post("/save/", {"url": first_url})
    run_tasks()
    second_url = site.add("/web/fold-amp", article_html(seed=212, canonical=first_url))
    client.post("/save/", {"url": second_url})
    second_id = Item.objects.get(url=second_url).pk
    run_tasks()
    first = Item.objects.get(user=user)
    listing = client.get("/")
    text = text_of(listing)
    assert "You had already saved this story:" in text
    assert "The second copy was folded into it." in text
    assert _ids(listing) == [first.pk]
    assert "You had already saved this story" not in text_of(client.get("/"))  # told once
    r = client.get(f"/items/{second_id}/", follow=True)
    assert r.redirect_chain[-1][0] == f"/items/{first.pk}/"
    assert "You had already saved this story; here it is." in text_of(r)


def test_stored_html_cannot_run_script(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/x")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY, title="<script>alert(1)</script>", html="<p>safe body</p>"
    )
    page = web.get(f"/items/{item.pk}/")
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()


# --- the bookmarklet ------------------------------------------------------------------------------


def _bookmarklet_key(client: Client) -> str:
    page = client.get("/settings/")
    href = links(page)["Save to Broadsheet"]
    assert href.startswith("javascript:")
    match = re.search(r"/save/\?k=([^&']+)&url=", href)
    assert match, href
    assert "http://testserver/save/" in href
    return match.group(1)


def test_bookmarklet_saves_in_one_request(web: Client, alice: AbstractBaseUser) -> None:
    key = _bookmarklet_key(web)
    r = web.get("/save/", {"k": key, "url": "https://news.example/from-bookmarklet"})
    assert r.status_code == 201
    assert "This item has been saved to read later from any device." in text_of(r)
    assert Item.objects.get(user=alice).url == "https://news.example/from-bookmarklet"


def test_bookmarklet_does_not_save_without_its_key(
    web: Client, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    url = "https://news.example/drive-by"
    r = web.get("/save/", {"url": url})
    assert r.status_code == 200
    assert "Save this story?" in text_of(r)
    assert f'value="{url}"' in r.content.decode()
    r = web.get("/save/", {"url": url, "k": "forged-key"})
    assert "Save this story?" in text_of(r)

    # Bob's key does not save into alice's list, nor into bob's from alice's browser.
    bob_client = Client()
    bob_client.force_login(bob)
    r = web.get("/save/", {"url": url, "k": _bookmarklet_key(bob_client)})
    assert "Save this story?" in text_of(r)

    # Logged out, even a valid key only leads to the login page.
    key = _bookmarklet_key(web)
    r = Client().get("/save/", {"url": url, "k": key})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert not Item.objects.exists()


def test_changing_the_password_retires_the_bookmarklet_key(
    web: Client, alice: AbstractBaseUser
) -> None:
    """The settings page promises it: "If you think it leaked, change your password"."""
    old_key = _bookmarklet_key(web)
    alice.set_password("another long passphrase")
    alice.save()
    client = Client()
    client.force_login(alice)
    r = client.get("/save/", {"k": old_key, "url": "https://news.example/leaked"})
    assert "Save this story?" in text_of(r)
    assert not Item.objects.exists()
    new_key = _bookmarklet_key(client)
    assert new_key != old_key
    assert client.get("/save/", {"k": new_key, "url": "https://news.example/x"}).status_code == 201


def test_bookmarklet_contract_messages(web: Client, alice: AbstractBaseUser) -> None:
    key = _bookmarklet_key(web)
    first = services.save_item(alice, "https://news.example/seen")
    r = web.get("/save/", {"k": key, "url": "https://news.example/seen#comments"})
    assert r.status_code == 409
    assert "You have already saved this item." in text_of(r)
    assert f"/items/{first.pk}/" in links(r).values()


# --- tokens ---------------------------------------------------------------------------------------


def test_token_create_shows_it_once_and_revoke(web: Client, alice: AbstractBaseUser) -> None:
    r = web.post("/settings/tokens/", {"name": "phone"})
    assert r.status_code == 302 and r["Location"] == "/settings/"
    page = web.get("/settings/").content.decode()
    match = re.search(r'<code class="token" id="new-token">([^<]+)</code>', page)
    assert match
    secret = match.group(1)
    assert "phone" in page
    assert secret not in web.get("/settings/").content.decode()  # shown once

    api_headers = {"Authorization": f"Bearer {secret}"}
    me = Client().get("/api/v1/me", headers=api_headers)
    assert me.status_code == 200 and me.json()["username"] == "alice"

    token = ApiToken.objects.get(user=alice)
    r = web.post(f"/settings/tokens/{token.pk}/revoke/", follow=True)
    assert "Token revoked." in text_of(r)
    assert not ApiToken.objects.filter(user=alice).exists()
    assert Client().get("/api/v1/me", headers=api_headers).status_code == 401


# --- security headers -----------------------------------------------------------------------------


def test_security_headers_on_every_page(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    Item.objects.filter(pk=item.pk).update(status=Item.Status.READY, html="<p>Body</p>")
    anonymous = Client()
    responses = [
        *_pages_of(web, item),
        web.post("/save/", {"url": "https://news.example/b"}),
        anonymous.get("/accounts/login/"),
        anonymous.get("/accounts/signup/"),
        anonymous.get("/"),
        anonymous.get("/healthz"),
        anonymous.get("/api/v1/me"),
        anonymous.get("/no-such-page/"),
    ]
    for r in responses:
        where = r.request["PATH_INFO"]
        csp = r["Content-Security-Policy"]
        directives = {d.split()[0]: d for d in (p.strip() for p in csp.split(";")) if d}
        # Only the reader view of a fetched story and the unread list (logged in) run a
        # script: ours, from our origin.
        reader = where == f"/items/{item.pk}/"
        listing = where == "/" and r.status_code == 200
        wanted = "script-src 'self'" if reader or listing else "script-src 'none'"
        assert directives["script-src"] == wanted, where
        assert directives["frame-ancestors"] == "frame-ancestors 'none'", where
        assert directives["object-src"] == "object-src 'none'", where
        assert "unsafe-inline" not in csp, where
        assert r["X-Content-Type-Options"] == "nosniff", where
        assert r["Referrer-Policy"] == "same-origin", where
    # Framing is refused the old way too, on the HTML pages.
    assert web.get("/")["X-Frame-Options"] == "DENY"
    assert web.get(f"/items/{item.pk}/")["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    Item.objects.filter(pk=item.pk).update(status=Item.Status.READY, html="<p>Body</p>")
    for r in _pages_of(web, item):
        body = r.content.decode()
        where = r.request["PATH_INFO"]
        scripts = re.findall(r"<script[^>]*>.*?</script>", body, re.S)
        if where == f"/items/{item.pk}/":
            # The reader view's one script: a file of ours, nothing inline.
            assert scripts == ['<script src="/static/broadsheet/reader.js" defer></script>']
            body = body.replace(scripts[0], "")
        elif where == "/":
            # The unread list's one script (registers the offline worker): a file of ours.
            assert scripts == ['<script src="/static/broadsheet/offline.js" defer></script>']
            body = body.replace(scripts[0], "")
        assert "<script" not in body, where
        assert not re.search(r"\son[a-z]+=", body), where
        assert not re.search(r"\sstyle=", body), where


def test_healthz() -> None:
    r = Client().get("/healthz")
    assert r.status_code == 200 and r.content == b"ok"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", fixture_pages())
def test_reader_view_of_the_fixture_pages(
    name: str,
    make_user: MakeUser,
    pipeline: Any,
    run_tasks: Callable[[], int],
) -> None:
    expected = expected_of(name)
    user = make_user("reader")
    client = Client()
    client.force_login(user)
    url = pipeline.page(page_file(name).name)
    assert client.post("/save/", {"url": url}).status_code == 303
    run_tasks()
    item = Item.objects.get(user=user)
    page = client.get(f"/items/{item.pk}/")
    match = re.search(r'<article class="reader".*?</article>', page.content.decode(), re.S)
    assert match, "no reader article on the page"
    story = text_of(match.group(0))
    for field in ("title", "summary", "byline", "site_name"):
        assert " ".join(expected[field].split()) in story, field
    published = datetime.fromisoformat(expected["published"]).astimezone(UTC)
    assert f"{published.day} {published:%B %Y}" in story
    assert f"{item.reading_minutes} min read" in story
    for needle in expected["must_contain"]:
        assert " ".join(needle.split()) in story, needle
    for needle in expected["must_not_contain"]:
        assert needle not in story, needle
    assert links(page)[f"Read the original at {expected['site_name']}"] == url


def test_rate_from_the_list_comes_back_to_the_list(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    page = web.get("/")
    assert 'name="next" value="/"' in page.content.decode()
    r = web.post(f"/items/{item.pk}/rating/", {"stars": "5", "next": "/"})
    assert r["Location"] == "/" and Item.objects.get(pk=item.pk).rating == 5


# --- notes ("did we miss an angle?") --------------------------------------------------------------


def test_write_edit_and_delete_a_note_from_the_reader_view(
    web: Client, alice: AbstractBaseUser
) -> None:
    item = services.save_item(alice, "https://news.example/a")
    page = web.get(f"/items/{item.pk}/")
    assert "Did we miss an angle?" in text_of(page)
    assert 'maxlength="10000"' in page.content.decode()
    r = web.post(f"/items/{item.pk}/notes/", {"text": "What do <b>farmers</b> say?\r\nAsk them."})
    assert r.status_code == 302 and r["Location"] == f"/items/{item.pk}/#notes"
    note = Note.objects.get(item=item)
    assert note.text == "What do <b>farmers</b> say?\nAsk them."
    page = web.get(f"/items/{item.pk}/")
    html_text = page.content.decode()
    assert "What do &lt;b&gt;farmers&lt;/b&gt; say?<br>Ask them." in html_text  # escaped
    assert "Note saved. Only you can see it." in message_lines(page)
    r = web.post(f"/notes/{note.pk}/", {"text": "Edited.", "next": f"/items/{item.pk}/#notes"})
    assert r["Location"] == f"/items/{item.pk}/#notes"
    assert Note.objects.get(pk=note.pk).text == "Edited."
    r = web.post(f"/notes/{note.pk}/delete/", {"next": "/notes/"})
    assert r["Location"] == "/notes/" and not Note.objects.exists()


def test_a_refused_note_comes_back_in_its_box(web: Client, alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    long = "word " * 2_001  # 10,005 characters: over the limit
    r = web.post(f"/items/{item.pk}/notes/", {"text": long})
    assert r.status_code == 422
    assert "A note is at most 10,000 characters; this one has 10,004." in text_of(r)
    assert long.strip() in html.unescape(r.content.decode())  # nothing lost
    assert not Note.objects.exists()
    r = web.post(f"/items/{item.pk}/notes/", {"text": " \n\t "})
    assert r.status_code == 422 and "A note can't be empty." in text_of(r)


def test_the_notes_page_lists_every_note_under_its_story(
    web: Client, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    a = services.save_item(alice, "https://news.example/a")
    b = services.save_item(alice, "https://news.example/b")
    Item.objects.filter(pk=a.pk).update(title="Dam talks stall")
    services.add_note(alice, a.pk, "Ask the farmers")
    services.add_note(alice, b.pk, "Follow up in May")
    services.add_note(bob, services.save_item(bob, "https://news.example/a").pk, "bob's own")
    page = web.get("/notes/")
    text = text_of(page)
    assert "Ask the farmers" in text and "Follow up in May" in text and "Dam talks stall" in text
    assert "bob's own" not in text
    assert text.index("Follow up in May") < text.index("Ask the farmers")  # newest first
    assert 'aria-current="page"' in page.content.decode().split('href="/notes/"')[1][:30]
    services.delete_item(alice, a.pk)  # a story in the trash takes its notes out of view
    assert "Ask the farmers" not in text_of(web.get("/notes/"))


def test_notes_of_someone_else_are_not_found(web: Client, bob: AbstractBaseUser) -> None:
    item = services.save_item(bob, "https://news.example/a")
    note = services.add_note(bob, item.pk, "bob's")
    assert web.post(f"/items/{item.pk}/notes/", {"text": "x"}).status_code == 404
    assert web.post(f"/notes/{note.pk}/", {"text": "x"}).status_code == 404
    assert web.post(f"/notes/{note.pk}/delete/").status_code == 404
    assert Note.objects.get(pk=note.pk).text == "bob's"
