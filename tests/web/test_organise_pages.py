"""Stars, tags and the list's order on the pages (issue 13): forms that work without script."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import access, queries, services, tagging
from broadsheet.core.models import Item

pytestmark = pytest.mark.django_db


def _titles(html: str) -> list[str]:
    return re.findall(r'class="item-title[^"]*" href="[^"]*">([^<]*)</a>', html)


def _story(user: AbstractBaseUser, slug: str, **fields: object) -> Item:
    item = services.save_item(user, f"https://news.example/{slug}")
    Item.objects.filter(pk=item.pk).update(title=slug.title(), status="ready", **fields)
    return item


def test_star_from_the_list_and_the_starred_tab(alice: AbstractBaseUser, web: Client) -> None:
    a, b = _story(alice, "alpha"), _story(alice, "beta")
    page = web.get("/").content.decode()
    assert page.count("☆ Star") == 2
    response = web.post(f"/items/{a.pk}/star/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    services.set_archived(alice, a.pk, True)  # the Starred tab holds archived stories too
    starred = web.get("/starred/").content.decode()
    assert _titles(starred) == ["Alpha"] and "★ Starred" in starred
    web.post(f"/items/{a.pk}/unstar/", {"next": "/starred/"})
    assert _titles(web.get("/starred/").content.decode()) == []
    assert "Nothing starred yet" in web.get("/starred/").content.decode()
    assert not Item.objects.get(pk=b.pk).favorite


def test_tags_from_the_reader_view_and_the_list_narrowed_to_one(
    alice: AbstractBaseUser, web: Client
) -> None:
    a, b = _story(alice, "alpha"), _story(alice, "beta")
    response = web.post(f"/items/{a.pk}/tags/", {"tags": "Climate, long reads,, climate"})
    assert response.status_code == 302 and response["Location"] == f"/items/{a.pk}/"
    assert sorted(t.name for t in Item.objects.get(pk=a.pk).tags.all()) == ["Climate", "long reads"]
    reader = web.get(f"/items/{a.pk}/").content.decode()
    assert 'value="Climate, long reads"' in reader
    web.post(f"/items/{b.pk}/tags/", {"tags": "climate"})
    listed = web.get("/", {"tag": "CLIMATE"}).content.decode()
    assert _titles(listed) == ["Beta", "Alpha"] and "Tagged <strong>CLIMATE</strong>" in listed
    assert _titles(web.get("/", {"tag": "long reads"}).content.decode()) == ["Alpha"]
    assert "No story tagged" in web.get("/", {"tag": "nothing"}).content.decode()
    refused = web.post(f"/items/{a.pk}/tags/", {"tags": "x" * 101}, follow=True)
    assert "at most 100 characters" in refused.content.decode()
    assert Item.objects.get(pk=a.pk).tags.count() == 2  # unchanged
    web.post(f"/items/{a.pk}/tags/", {"tags": " "})
    assert not Item.objects.get(pk=a.pk).tags.exists()


def test_the_order_menu_and_the_pager_keep_tag_and_order(
    alice: AbstractBaseUser, web: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    for n, minutes in enumerate([9, 3, 5]):
        item = _story(alice, f"story{n}", reading_minutes=minutes)
        tagging.set_tags(alice, item.pk, ["news"])
    _story(alice, "untagged", reading_minutes=1)
    first = web.get("/", {"tag": "news", "sort": "reading_time"}).content.decode()
    assert _titles(first) == ["Story1", "Story2"]
    assert 'href="?tag=news&amp;sort=reading_time&amp;page=2"' in first
    second = web.get("/", {"tag": "news", "sort": "reading_time", "page": 2}).content.decode()
    assert _titles(second) == ["Story0"]
    assert _titles(web.get("/", {"sort": "no such order"}).content.decode())[0] == "Untagged"
    oldest = web.get("/", {"sort": "oldest"}).content.decode()
    assert _titles(oldest) == ["Story0", "Story1"] and '<option value="oldest" selected>' in oldest


def test_the_tags_page_renames_merges_and_deletes(alice: AbstractBaseUser, web: Client) -> None:
    a, b = _story(alice, "alpha"), _story(alice, "beta")
    tagging.set_tags(alice, a.pk, ["AI"])
    tagging.set_tags(alice, b.pk, ["machine learning", "Energy"])
    page = web.get("/tags/").content.decode()
    assert "1 story" in page and page.index(">AI<") < page.index(">Energy<")
    tags = {t.key: t.pk for t in access.tags_of(alice)}
    done = web.post(f"/tags/{tags['machine learning']}/", {"name": "ai"}, follow=True)
    assert "Merged “machine learning” into “AI”" in done.content.decode()
    assert sorted(t.name for t in Item.objects.get(pk=b.pk).tags.all()) == ["AI", "Energy"]
    renamed = web.post(f"/tags/{tags['energy']}/", {"name": "Energy policy"}, follow=True)
    assert "Renamed “Energy” to “Energy policy”" in renamed.content.decode()
    refused = web.post(f"/tags/{tags['ai']}/", {"name": "a, b"}, follow=True)
    assert "cannot hold a comma" in refused.content.decode()
    deleted = web.post(f"/tags/{tags['ai']}/delete/", follow=True)
    assert "Deleted the tag “AI”; its stories stay." in deleted.content.decode()
    assert [t.name for t in access.tags_of(alice)] == ["Energy policy"]
    assert Item.objects.filter(pk__in=[a.pk, b.pk]).count() == 2
