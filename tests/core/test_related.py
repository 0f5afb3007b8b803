"""Related stories and taste (issue 12), with the real model: "Recommended:" under a story, the
same story from another site apart, and what a reader rates high coming first."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import related, services
from broadsheet.core.models import Feed, FeedEntry, Item
from broadsheet.similar import taste
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

DAM = (
    "The new dam on the Ostrava River opened its gates on Monday, sending water to the farms of "
    "the lower valley for the first summer since the drought began. Engineers said the "
    "reservoir held enough water for three dry summers, and farmers welcomed the irrigation."
)
DAM_COPY = (
    "Water flowed to the farms of the lower valley on Monday as the new dam on the Ostrava "
    "River opened its gates for the first summer since the drought. The reservoir holds enough "
    "for three dry summers, engineers said; farmers welcomed the irrigation."
)
IRRIGATION = (
    "Farmers across the southern plains are digging wells and lining canals as the drought "
    "enters its fourth year, and the water board is weighing new reservoirs and rules on "
    "irrigation to keep crops alive through the summer."
)
FOOTBALL = (
    "The striker scored twice in the second half as the home side came from behind to win the "
    "cup final, sending the fans into the streets to celebrate the club's first trophy in a "
    "decade. The manager praised his players' spirit after the match."
)
TENNIS = (
    "The champion won the tennis final in straight sets on centre court, serving aces to close "
    "out the match and lift the trophy in front of a full stadium of fans."
)


def _story(user: AbstractBaseUser, n: int, title: str, text: str, site: str) -> Item:
    item = services.save_item(user, f"https://{site}/story-{n}")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY, title=title, text=text, site_name=site
    )
    item.refresh_from_db()
    assert related.embed_item(item)
    item.refresh_from_db()
    return item


def test_related_stories_and_the_same_story_apart(alice: AbstractBaseUser) -> None:
    dam = _story(alice, 1, "Dam opens its gates to farmers", DAM, "courier.example")
    copy = _story(alice, 2, "Water reaches the valley as dam opens", DAM_COPY, "herald.example")
    near = _story(alice, 3, "Drought: farmers dig wells", IRRIGATION, "farm.example")
    far = _story(alice, 4, "Cup final: late double wins it", FOOTBALL, "sport.example")
    found = related.related_to(alice, dam)
    assert found.ready
    assert [s.id for s in found.same_story] == [copy.pk]
    ids = [s.id for s in found.related]
    assert ids.index(near.pk) < ids.index(far.pk)
    assert copy.pk not in ids


def test_without_a_vector_related_is_not_ready(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/pending")
    assert related.related_to(alice, item).ready is False


def test_what_the_reader_rates_high_comes_first(alice: AbstractBaseUser) -> None:
    liked = _story(alice, 1, "Cup final: late double wins it", FOOTBALL, "sport.example")
    disliked = _story(alice, 2, "Dam opens its gates to farmers", DAM, "courier.example")
    services.rate_item(alice, liked.pk, 5)
    services.rate_item(alice, disliked.pk, 1)
    feed = Feed.objects.create(user=alice, url="https://mixed.example/feed", given_url="x")
    entries = [
        FeedEntry.objects.create(
            feed=feed, user=alice, guid=str(n), url=f"https://mixed.example/{n}", title=t, summary=s
        )
        for n, (t, s) in enumerate(
            [("Drought: farmers dig wells", IRRIGATION), ("Straight-sets win", TENNIS)]
        )
    ]
    assert related.embed_entries(entries) == 2
    fresh = list(FeedEntry.objects.filter(feed=feed).order_by("id"))
    assert [e.title for e in related.by_taste(alice, fresh)] == [
        "Straight-sets win",
        "Drought: farmers dig wells",
    ]


def test_taste_is_neighbours_not_a_mean() -> None:
    import numpy as np

    football, opera, cooking = np.eye(3, dtype=np.float32)
    rated = np.vstack([football, opera])
    scores = taste.preference(np.vstack([football, opera, cooking]), rated, [5, 5])
    assert scores[0] == pytest.approx(scores[1]) and scores[2] < scores[0]
    assert list(taste.preference(np.vstack([cooking]), rated, [])) == [0.0]


def test_related_in_the_api_and_under_the_story(
    api: ApiClient, web: Client, alice: AbstractBaseUser
) -> None:
    dam = _story(alice, 1, "Dam opens its gates to farmers", DAM, "courier.example")
    near = _story(alice, 3, "Drought: farmers dig wells", IRRIGATION, "farm.example")
    body = api.get(f"/api/v1/items/{dam.pk}/related").json()
    assert body["ready"] and body["related"][0]["id"] == near.pk
    assert (
        body["related"][0]["kind"] == "item" and body["related"][0]["link"] == f"/items/{near.pk}/"
    )
    page = web.get(f"/items/{dam.pk}/").content.decode()
    assert "Recommended:" in page and "Drought: farmers dig wells" in page
    assert page.index("Recommended:") < page.index("Rate this story")
