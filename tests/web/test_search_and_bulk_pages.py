"""The search page and the bulk actions on the pages (issue 13): forms that work without
script."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import access, search_index
from broadsheet.core.canonical import site_host
from broadsheet.core.models import Item

pytestmark = pytest.mark.django_db


def _titles(html: str) -> list[str]:
    return re.findall(r'class="item-title[^"]*" href="[^"]*">([^<]*)</a>', html)


def _story(user: AbstractBaseUser, slug: str, text: str = "", **fields: object) -> Item:
    url = f"https://news.example/{slug}"
    item = Item.objects.create(
        user_id=user.pk,
        url=url,
        canonical_url=url,
        title=slug.title(),
        text=text,
        status=Item.Status.READY,
        **fields,
    )
    search_index.refresh([item.pk])
    return item


def test_the_search_box_is_on_every_page_and_finds_with_snippets(
    alice: AbstractBaseUser, web: Client
) -> None:
    _story(alice, "harbour", "Boats left the <harbour> at dawn for the herring grounds.")
    _story(alice, "inland", "Fields and hedges.")
    home = web.get("/").content.decode()
    assert 'action="/search/"' in home and 'name="q"' in home
    page = web.get("/search/", {"q": "herring"}).content.decode()
    assert _titles(page) == ["Harbour"]
    assert "1 story matches." in page
    assert "<mark>herring</mark>" in page
    assert "&lt;harbour&gt;" in page and "<harbour>" not in page
    assert 'value="herring"' in page  # the box keeps the query


def test_a_query_that_cannot_be_read_says_why_and_nothing_matches_says_so(
    web: Client,
) -> None:
    response = web.get("/search/", {"q": "rated:9"})
    assert response.status_code == 400
    assert "a rating is 1 to 5 stars" in response.content.decode()
    empty = web.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "Nothing matches “zeppelin”" in empty
    assert "tag:climate" in web.get("/search/").content.decode()  # the syntax, explained


def test_search_pages_keep_the_query_and_order(alice: AbstractBaseUser, web: Client) -> None:
    for n in range(55):
        _story(alice, f"tide-{n:02d}", "tide")
    first = web.get("/search/", {"q": "tide", "sort": "oldest"}).content.decode()
    assert "55 stories match." in first
    assert _titles(first)[0] == "Tide-00"
    assert "?q=tide&amp;sort=oldest&amp;page=2" in first
    second = web.get("/search/", {"q": "tide", "sort": "oldest", "page": 2}).content.decode()
    assert _titles(second) == [f"Tide-{n}" for n in range(50, 55)]


def test_bulk_archive_star_tag_and_untag(alice: AbstractBaseUser, web: Client) -> None:
    a, b, c = _story(alice, "alpha"), _story(alice, "beta"), _story(alice, "gamma")
    page = web.get("/").content.decode()
    assert 'form="bulk"' in page and 'id="bulk"' in page
    ids = [a.pk, b.pk]
    response = web.post("/items/bulk/", {"ids": ids, "action": "archive", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    after = web.get("/").content.decode()
    assert "Archived: 2 stories." in after and _titles(after) == ["Gamma"]
    web.post("/items/bulk/", {"ids": [a.pk, c.pk], "action": "star"})
    assert set(access.items_of(alice).filter(favorite=True).values_list("pk", flat=True)) == {
        a.pk,
        c.pk,
    }
    web.post("/items/bulk/", {"ids": ids, "action": "tag", "tags": "Climate, long reads"})
    assert sorted(t.name for t in Item.objects.get(pk=b.pk).tags.all()) == [
        "Climate",
        "long reads",
    ]
    web.post("/items/bulk/", {"ids": ids, "action": "untag", "tags": "climate"})
    assert [t.name for t in Item.objects.get(pk=a.pk).tags.all()] == ["long reads"]
    follow = web.post("/items/bulk/", {"ids": ids, "action": "tag", "tags": " , "}, follow=True)
    assert "Write the tags" in follow.content.decode()


def test_bulk_delete_has_an_undo_for_all_of_them(alice: AbstractBaseUser, web: Client) -> None:
    a, b, c = _story(alice, "alpha"), _story(alice, "beta"), _story(alice, "gamma")
    response = web.post(
        "/items/bulk/", {"ids": [a.pk, b.pk], "action": "delete", "next": "/"}, follow=True
    )
    page = response.content.decode()
    assert "Deleted 2 stories." in page and _titles(page) == ["Gamma"]
    undo = re.search(r'<form method="post" action="/items/bulk/" class="inline">.*?</form>', page)
    assert undo is not None
    restored_ids = re.findall(r'name="ids" value="(\d+)"', undo.group(0))
    assert sorted(map(int, restored_ids)) == sorted([a.pk, b.pk])
    back = web.post(
        "/items/bulk/", {"ids": restored_ids, "action": "restore", "next": "/"}, follow=True
    )
    assert "Restored 2 stories." in back.content.decode()
    assert sorted(_titles(back.content.decode())) == ["Alpha", "Beta", "Gamma"]
    assert Item.objects.get(pk=c.pk).deleted_at is None  # never ticked, never deleted


def test_bulk_touches_only_the_readers_own_stories_and_refuses_nonsense(
    alice: AbstractBaseUser, bob: AbstractBaseUser, web: Client
) -> None:
    mine = _story(alice, "mine")
    theirs = _story(bob, "theirs")
    web.post("/items/bulk/", {"ids": [mine.pk, theirs.pk], "action": "archive"})
    assert Item.objects.get(pk=mine.pk).archived
    assert not Item.objects.get(pk=theirs.pk).archived
    web.post("/items/bulk/", {"ids": [theirs.pk], "action": "delete"})
    assert Item.objects.get(pk=theirs.pk).deleted_at is None
    nothing = web.post("/items/bulk/", {"action": "archive"}, follow=True).content.decode()
    assert "Tick at least one story first." in nothing
    odd = web.post("/items/bulk/", {"ids": [mine.pk], "action": "explode"}, follow=True)
    assert "Choose what to do" in odd.content.decode()
    bad = web.post("/items/bulk/", {"ids": ["x1"], "action": "archive"}, follow=True)
    assert "is not a story" in bad.content.decode()
    away = web.post("/items/bulk/", {"ids": [mine.pk], "action": "star", "next": "//evil.example/"})
    assert away["Location"] == "/"


def test_a_search_past_the_window_says_so(
    alice: AbstractBaseUser, web: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from broadsheet.core import search

    monkeypatch.setattr(search, "MATCH_WINDOW", 2)
    for n in range(3):
        _story(alice, f"tide-{n}", "tide")
    page = web.get("/search/", {"q": "tide"}).content.decode()
    assert "2 or more stories match" in page and "Add a word or a filter" in page
    assert "2 or more" not in web.get("/search/", {"q": "tide-2"}).content.decode()


def test_the_list_narrowed_to_a_site_from_its_link(alice: AbstractBaseUser, web: Client) -> None:
    for slug, url in [
        ("bbc", "https://www.bbc.co.uk/a"),
        ("bbc-news", "https://news.bbc.co.uk/b"),
        ("lookalike", "https://bbc.co.uk.example/c"),
    ]:
        item = _story(alice, slug)
        Item.objects.filter(pk=item.pk).update(url=url, canonical_url=url, host=site_host(url))
    page = web.get("/").content.decode()
    assert 'href="?site=bbc.co.uk"' in page  # the site's name links to its stories
    narrowed = web.get("/", {"site": "bbc.co.uk"}).content.decode()
    assert sorted(_titles(narrowed)) == ["Bbc", "Bbc-News"]
    assert "From <strong>bbc.co.uk</strong>" in narrowed
    assert (
        "No story from nowhere.example here."
        in web.get("/", {"site": "nowhere.example"}).content.decode()
    )
