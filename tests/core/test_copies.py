"""The same story under another address, with small edits (issue 12): folded by the whole
pipeline (fetch task, extraction, near-duplicate fingerprint, LSH bands in the database), and
what must not fold."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import copies, queries, services
from broadsheet.core.models import Fold, Item, ItemBand, PageSnapshot
from broadsheet.core.snapshots import compress
from tests.conftest import ApiClient

PARAGRAPHS = [
    "Talks on a new treaty to protect the high seas resumed in New York on Monday, with "
    "delegates from more than 100 countries trying to settle how marine reserves would be "
    "policed and paid for.",
    "The chair of the conference, Rena Lee of Singapore, told reporters that the gaps between "
    "the largest fishing nations and the small island states had narrowed over the weekend, but "
    "that the question of sharing profits from marine genetic resources remained open.",
    "Environmental groups said a treaty without strong rules on environmental impact "
    "assessments would do little to stop the decline of fish stocks, coral reefs and the "
    "migratory species that cross national waters every year.",
    "Several delegations from the Pacific asked for a fund to help poorer countries monitor "
    "their waters, arguing that satellites and patrol boats were beyond the budgets of most "
    "coastal states in the region.",
    "Negotiators from the European Union said they were ready to compromise on the timing of "
    "the first reserves, provided the treaty set up a scientific body with the power to "
    "recommend new protected areas.",
    "The talks are scheduled to end on Friday. If a text is agreed, it would need to be "
    "ratified by at least sixty countries before it enters into force, a process that could "
    "take several years.",
]
PROMO = "Read more: our ocean coverage. Sign up for the Morning Briefing newsletter."
OTHER_REPORT = [
    "Fishing nations and island states clashed again on Tuesday over who would pay for patrols "
    "of the proposed ocean reserves, as the high seas talks in New York entered their second "
    "week without a draft text.",
    "Rena Lee, who chairs the meeting, urged delegates to focus on the handful of articles "
    "still in brackets, among them the rules on marine genetic resources and on how reserves "
    "would be chosen.",
    "A coalition of conservation groups released a report estimating that less than two per "
    "cent of the high seas is protected today, far short of the target that governments set "
    "for the end of the decade.",
    "Delegates from Pacific nations repeated that they could not police vast waters without "
    "help, while diplomats from the largest fleets warned against rules that would close "
    "traditional fishing grounds.",
    "Observers said the mood was tense but constructive, and that a deal by the end of the "
    "week was still possible if the European Union and China could agree on the review body.",
]


def _page(title: str, paragraphs: list[str], extra: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1><p class='byline'>By Ann Lee</p>{extra}{body}</article>"
        f"<footer>Copyright The Site</footer></body></html>"
    ).encode()


def _save_page(user: AbstractBaseUser, url: str, html: bytes) -> Item:
    """A saved item whose page is already kept (no network): its fetch task extracts it."""
    item = services.save_item(user, url)
    PageSnapshot.objects.create(
        item=item, content=compress(html), charset="utf-8", final_url=url, raw_size=len(html)
    )
    return item


@pytest.mark.django_db(transaction=True)
def test_a_syndicated_copy_with_small_edits_folds(
    alice: AbstractBaseUser, run_tasks: Callable[[], int], api_for: Callable[..., ApiClient]
) -> None:
    first = _save_page(
        alice, "https://wire.example/high-seas", _page("High seas talks resume", PARAGRAPHS)
    )
    run_tasks()
    copy_html = _page(
        "Deal on ocean treaty within reach, chair says",  # another headline
        [*PARAGRAPHS[:3], PROMO, *PARAGRAPHS[3:-1]],  # a promo inserted, the last one trimmed
        extra="<p>By ANN LEE, Associated Press</p>",
    )
    copy = _save_page(alice, "https://paper.example/world/ocean-treaty-2024", copy_html)
    assert queries.counter(alice).saved == 2
    run_tasks()
    assert not Item.objects.filter(pk=copy.pk).exists()
    fold = Fold.objects.get(old_item_id=copy.pk)
    assert fold.into_id == first.pk
    assert queries.counter(alice).saved == 1  # a folded save never counts against the limit
    r = api_for(alice).get(f"/api/v1/items/{copy.pk}")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "folded" and r.json()["error"]["item_id"] == first.pk


@pytest.mark.django_db(transaction=True)
def test_another_report_on_the_same_talks_does_not_fold(
    alice: AbstractBaseUser, run_tasks: Callable[[], int]
) -> None:
    _save_page(alice, "https://wire.example/high-seas", _page("High seas talks resume", PARAGRAPHS))
    other = _save_page(
        alice, "https://paper.example/world/patrols", _page("Clash over patrols", OTHER_REPORT)
    )
    run_tasks()
    assert Item.objects.filter(pk=other.pk, status=Item.Status.READY).exists()
    assert not Fold.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_one_sites_paywall_stubs_do_not_fold(
    alice: AbstractBaseUser, run_tasks: Callable[[], int]
) -> None:
    wall = [
        "Subscribe to continue reading. Our journalism depends on readers like you, and a "
        "subscription gives you unlimited access to every story, the daily edition and the "
        "archive going back fifty years, on every device you own.",
        "Already a subscriber? Log in to read the rest of this story. Questions about your "
        "account, your delivery or your billing can be sent to our readers' desk at any time, "
        "and we answer within one working day of your message.",
        "Cancel at any time. Offer open to new subscribers only; the price after the first year "
        "is the standard monthly rate shown on the checkout page, taxes included where they "
        "apply in your country or region.",
    ]
    a = _save_page(alice, "https://daily.example/a", _page("Mayor resigns", wall))
    b = _save_page(alice, "https://daily.example/b", _page("Bridge closes for repairs", wall))
    run_tasks()
    assert Item.objects.filter(pk__in=[a.pk, b.pk], status=Item.Status.READY).count() == 2


@pytest.mark.django_db
def test_a_band_shared_by_many_stories_is_not_evidence(alice: AbstractBaseUser) -> None:
    text = "\n\n".join(PARAGRAPHS)
    items = []
    for n in range(copies.BOILERPLATE_BAND_ITEMS + 1):
        item = services.save_item(alice, f"https://site{n}.example/story")
        Item.objects.filter(pk=item.pk).update(
            status=Item.Status.READY, text=text, near_print=copies.compute(text)
        )
        item.refresh_from_db()
        copies.record_bands(item)
        items.append(item)
    assert copies.find_copy(items[0]) is None  # every band is in nine stories: boilerplate
    ItemBand.objects.filter(item__in=items[2:]).delete()
    assert copies.find_copy(items[0]) == items[1]


@pytest.mark.django_db
def test_stories_saved_before_fingerprints_are_backfilled(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://wire.example/old")
    Item.objects.filter(pk=item.pk).update(status=Item.Status.READY, text="\n\n".join(PARAGRAPHS))
    short = services.save_item(alice, "https://wire.example/short")
    Item.objects.filter(pk=short.pk).update(status=Item.Status.READY, text="Too short to fold.")
    assert copies.backfill() == 2
    assert ItemBand.objects.filter(item_id=item.pk).exists()
    assert Item.objects.get(pk=short.pk).near_print == b""
    assert copies.backfill() == 0  # done once
