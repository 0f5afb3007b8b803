"""Rating a story (issue 12): 1 to 5 stars, changed or cleared, one user's own items only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from broadsheet.core import export, services
from broadsheet.core.errors import InvalidInput, NotFound
from broadsheet.core.models import Item

pytestmark = pytest.mark.django_db


def test_rate_change_and_clear(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    assert item.rating is None and item.rated_at is None
    services.rate_item(alice, item.pk, 4)
    item.refresh_from_db()
    assert item.rating == 4 and item.rated_at is not None
    first = item.rated_at
    services.rate_item(alice, item.pk, 2)
    item.refresh_from_db()
    assert item.rating == 2 and item.rated_at >= first
    services.rate_item(alice, item.pk, None)
    item.refresh_from_db()
    assert item.rating is None and item.rated_at is None


@pytest.mark.parametrize("stars", [0, 6, -1, 100, True, False, 4.0, "4"])
def test_anything_but_one_to_five_stars_is_refused(alice: AbstractBaseUser, stars: object) -> None:
    item = services.save_item(alice, "https://news.example/a")
    services.rate_item(alice, item.pk, 3)
    with pytest.raises(InvalidInput, match="1 to 5 stars"):
        services.rate_item(alice, item.pk, stars)  # type: ignore[arg-type]
    item.refresh_from_db()
    assert item.rating == 3  # nothing half-written


def test_another_users_item_is_not_found(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    with pytest.raises(NotFound):
        services.rate_item(bob, item.pk, 5)
    assert Item.objects.get(pk=item.pk).rating is None


def test_the_database_holds_ratings_to_one_to_five(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    for bad in (0, 6):
        with pytest.raises(IntegrityError), transaction.atomic():
            Item.objects.filter(pk=item.pk).update(rating=bad)


def test_the_export_carries_the_rating(alice: AbstractBaseUser) -> None:
    rated = services.save_item(alice, "https://news.example/a")
    services.save_item(alice, "https://news.example/b")
    services.rate_item(alice, rated.pk, 5)
    rows = {r["url"]: r for r in export.rows(alice)}
    assert rows["https://news.example/a"]["rating"] == 5
    assert rows["https://news.example/b"]["rating"] is None
    assert "rating" in export.COLUMNS
