"""The same story under another address: a copy with small edits (another headline, a trimmed
last paragraph, an inserted promo, a caption added), found by its near-duplicate fingerprint.

The fingerprint is pure (`broadsheet.similar.fingerprint`); here its LSH bands are rows of
`ItemBand`, looked up through the (user, band) index, so finding a copy reads the few items that
share a band with the new one whatever the size of the library. A candidate folds when the
fingerprints say near-duplicate and none of these guards holds:

- both items come from the same site: a site's paywall, cookie-wall or "subscribe" stubs share
  their boilerplate and differ only in a headline, which is exactly what a syndicated copy
  looks like from its text (the same story from the same site is caught by its address, or by
  the same text under the same title: `processing._same_story`);
- the band they share is shared by BOILERPLATE_BAND_ITEMS or more of the reader's stories: a
  footer or a template, not a story.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db.models import Count

from broadsheet.core.models import Item, ItemBand
from broadsheet.similar.fingerprint import Fingerprint, fingerprint, is_near_duplicate

# A band found in this many of a reader's stories is boilerplate, not evidence.
BOILERPLATE_BAND_ITEMS = 8
# At most this many candidates are compared, those sharing the most bands first.
MAX_CANDIDATES = 20


def compute(text: str) -> bytes:
    """The fingerprint to keep on an item: b"" for a text too short to fold (NULL is kept for
    "not computed yet", which `backfill` looks for)."""
    found = fingerprint(text)
    return found.signature if found is not None else b""


def _load(signature: bytes | memoryview | None) -> Fingerprint | None:
    if not signature:
        return None
    try:
        return Fingerprint.from_bytes(bytes(signature))
    except ValueError:
        return None  # an older version: compared again once the item is extracted again


def _site(item: Item) -> str:
    host = (urlsplit(item.final_url or item.url).hostname or "").lower()
    return host.removeprefix("www.").removeprefix("m.").removeprefix("amp.")


def same_site(a: Item, b: Item) -> bool:
    site = _site(a)
    return bool(site) and site == _site(b)


def find_copy(item: Item) -> Item | None:
    """Another of the reader's stories (not in the trash) that this one is a copy of."""
    mine = _load(item.near_print)
    if mine is None:
        return None
    shared = (
        ItemBand.objects.filter(user_id=item.user_id, band__in=list(mine.bands))
        .exclude(item_id=item.pk)
        .values("band")
        .annotate(n=Count("item_id", distinct=True))
    )
    common = [row["band"] for row in shared if row["n"] < BOILERPLATE_BAND_ITEMS]
    if not common:
        return None
    ranked = (
        ItemBand.objects.filter(user_id=item.user_id, band__in=common)
        .exclude(item_id=item.pk)
        .values("item_id")
        .annotate(n=Count("band"))
        .order_by("-n", "item_id")[:MAX_CANDIDATES]
    )
    ids = [row["item_id"] for row in ranked]
    candidates = Item.objects.filter(pk__in=ids, deleted_at__isnull=True).only(
        "id", "url", "final_url", "near_print", "user_id", "status"
    )
    by_id = {c.pk: c for c in candidates}
    site = _site(item)
    for pk in ids:
        other = by_id.get(pk)
        if other is None or (site and _site(other) == site):
            continue
        theirs = _load(other.near_print)
        if theirs is not None and is_near_duplicate(mine, theirs):
            return Item.objects.filter(pk=pk).first()
    return None


def record_bands(item: Item) -> None:
    """Keep the item's band rows true to its fingerprint (after it is extracted)."""
    ItemBand.objects.filter(item_id=item.pk).delete()
    mine = _load(item.near_print)
    if mine is None:
        return
    ItemBand.objects.bulk_create(
        ItemBand(user_id=item.user_id, item_id=item.pk, band=band) for band in set(mine.bands)
    )


def backfill(limit: int = 200) -> int:
    """Fingerprint ready stories saved before fingerprints existed (a few at a time, by the
    worker's sweeper); how many were done."""
    todo = Item.objects.filter(status=Item.Status.READY, near_print__isnull=True).only(
        "id", "user_id", "text"
    )[:limit]
    done = 0
    for item in todo:
        item.near_print = compute(item.text)
        Item.objects.filter(pk=item.pk, near_print__isnull=True).update(near_print=item.near_print)
        record_bands(item)
        done += 1
    return done
