"""Story images from our own origin.

A story's images (its lead image, ``Item.image``, and every ``<img>`` of its sanitised HTML) are
fetched once, in the background, through ``broadsheet.fetch`` (image types only, a byte cap),
checked with Pillow (the bytes must really be a JPEG, PNG, GIF, WebP or AVIF, whatever the server
declared; the dimensions are read from the header, before any decoding, against a pixel cap),
kept in Django's default storage named by the SHA-256 of their bytes (one file however many
stories use it), and served by Broadsheet at ``/images/<item>/<digest>``. The story's stored
HTML is rewritten to point there, so the reader's browser never contacts the story's site, and
offline reading and exports have the images.

SVG is refused: it is a document that may carry script and load other resources, and sanitising
it safely is a project of its own. An image that cannot be stored (refused, too big, gone)
leaves a quiet placeholder, ``<span class="img-missing"></span>``, where its ``<img>`` was; a
figure keeps its caption. See ``docs/images.md``.

The order of work in ``store_item_images`` follows the task pattern: read the item, fetch
outside any transaction, then write the rows and the rewritten HTML in one short transaction.
It is idempotent: an address stored before (for this reader) is not fetched again.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape
from typing import IO

import lxml.html
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from broadsheet import fetch
from broadsheet.core import access, processing
from broadsheet.core.errors import NotFound
from broadsheet.core.models import Item, ItemImage, StoredImage
from broadsheet.extract import sanitize_html
from broadsheet.extract.sanitize import LOCAL_IMAGE_PATH

log = logging.getLogger("broadsheet.tasks")

# Pillow format -> (media type, file extension). Only these are kept; anything else (SVG, BMP,
# TIFF, ICO, HTML posing as an image) is refused.
FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
    "AVIF": ("image/avif", "avif"),
}
MEDIA_TYPES = frozenset(media_type for media_type, _ext in FORMATS.values())
# Declared types refused before the bytes are looked at.
REFUSED_TYPES = frozenset({"image/svg+xml", "image/svg"})
# One image's fetch takes this long at most (or the server's BROADSHEET_FETCH_DEADLINE, if
# shorter).
IMAGE_DEADLINE = 15.0
# Failures worth another try later.
TRANSIENT_CODES = frozenset({"timeout", "connection_failed", "dns_failure"})
# The longest error kept on an ItemImage row (the model's field).
_ERROR_CHARS = 200
# A stored image no story uses is deleted after this long (not at once: a task may be between
# storing the file and linking it).
ORPHAN_GRACE = timedelta(hours=1)
PLACEHOLDER_CLASS = "img-missing"
_DIGEST = re.compile(r"[0-9a-f]{64}")
# An <img> tag as the sanitiser (nh3) or lxml writes it: attribute values double-quoted.
_IMG_TAG = re.compile(r'<img(?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*\s*/?>')
_SRCSET_ENTRY = re.compile(r"\s*(\S+)(?:\s+([0-9.]+)([wx]))?\s*")


class Refused(Exception):
    """An image that is not stored: ``code`` is stable, ``reason`` is for the operator."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason

    @property
    def transient(self) -> bool:
        return self.code in TRANSIENT_CODES


@dataclass(frozen=True)
class Limits:
    """The caps of one story's images (BROADSHEET_IMAGE_* settings)."""

    max_bytes: int
    max_pixels: int
    per_story: int
    story_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.BROADSHEET_IMAGE_MAX_BYTES,
            max_pixels=settings.BROADSHEET_IMAGE_MAX_PIXELS,
            per_story=settings.BROADSHEET_IMAGES_PER_STORY,
            story_bytes=settings.BROADSHEET_IMAGES_STORY_MAX_BYTES,
        )


@dataclass(frozen=True)
class Checked:
    """Bytes that are really an image of a kept type, within the pixel cap."""

    content: bytes
    media_type: str
    extension: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class Stored:
    """What one run of ``store_item_images`` did."""

    stored: int = 0
    reused: int = 0
    failed: int = 0
    transient: list[str] = field(default_factory=list)
    skipped: bool = False

    @property
    def summary(self) -> str:
        if self.skipped:
            return "skipped"
        return f"{self.stored} stored, {self.reused} already stored, {self.failed} not stored" + (
            f", {len(self.transient)} to try again" if self.transient else ""
        )


# --- our addresses --------------------------------------------------------------------------------


def image_url(item_id: int, digest: str) -> str:
    """Our address (a path on our origin) of a stored image of this item."""
    return reverse("web:item-image", args=[item_id, digest])


def thumbnail_urls(items: Iterable[Item]) -> dict[int, str]:
    """Item id -> the path of its thumbnail, for a list of items in one query: the stored lead
    image, or else the first stored image of its body. Items with none are absent."""
    ids = [item.pk for item in items]
    if not ids:
        return {}
    found: dict[int, str] = {}
    rows = (
        ItemImage.objects.filter(item_id__in=ids, image__isnull=False)
        .order_by("item_id", "position", "id")
        .values_list("item_id", "image__digest")
    )
    for item_id, digest in rows:
        if item_id not in found:
            found[item_id] = image_url(item_id, digest)
    return found


def thumbnail_url(item: Item) -> str:
    """The path of the item's thumbnail on our origin, or "" when none is stored (the caller
    shows no image: never the story site's address)."""
    return thumbnail_urls([item]).get(item.pk, "")


# --- addresses for apps without a session ------------------------------------------------------

# An app that shows a story's HTML itself (the wallabag apps' web views) fetches its images with
# no session and no token. Its copy of the story carries each image's address with a signature of
# that address: a capability to that one image, given only to the reader's own app, as unguessable
# as the image's place on the story's site was public.
_SIGNER_SALT = "broadsheet.core.images.signed"
_OUR_SRC = re.compile(r'src="/images/([0-9]+)/([0-9a-f]{64})"')


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SIGNER_SALT)


def signed_url(item_id: int, digest: str) -> str:
    """Our path of the image with the signature that opens it without a session."""
    signature = _signer().signature(f"{item_id}/{digest}")
    return f"{image_url(item_id, digest)}?s={signature}"


def with_signed_urls(html: str, base: str) -> str:
    """The story's HTML with each of our image addresses absolute (``base`` is the server's
    address) and signed, for an app that fetches images on its own."""
    root = base.rstrip("/")

    def sign(found: re.Match[str]) -> str:
        return f'src="{root}{signed_url(int(found.group(1)), found.group(2))}"'

    return _OUR_SRC.sub(sign, html)


def with_source_urls(html: str, sources: Mapping[str, str]) -> str:
    """The story's HTML with each of our image addresses given back as the address the page had
    (``sources``: digest to source address), for a file that leaves this server (the JSON
    export): another Broadsheet that imports it fetches and stores the images itself. An image
    whose source is not known keeps our address."""

    def source(found: re.Match[str]) -> str:
        address = sources.get(found.group(2))
        return f'src="{escape(address)}"' if address else found.group(0)

    return _OUR_SRC.sub(source, html)


def open_signed(item_id: int, digest: str, signature: str) -> tuple[StoredImage, IO[bytes]]:
    """The stored image for a signed address (``signed_url``); NotFound for a bad signature or
    an image that is not that item's."""
    if not _DIGEST.fullmatch(digest):
        raise NotFound()
    expected = _signer().signature(f"{item_id}/{digest}")
    if not hmac.compare_digest(expected, signature):
        raise NotFound()
    row = (
        ItemImage.objects.filter(
            item_id=item_id, image__digest=digest, item__deleted_at__isnull=True
        )
        .select_related("image")
        .first()
    )
    if row is None or row.image is None:
        raise NotFound()
    try:
        handle = default_storage.open(row.image.name, "rb")
    except (FileNotFoundError, OSError):
        raise NotFound() from None
    return row.image, handle


# --- finding a story's images ---------------------------------------------------------------------


def _web_address(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value.lower().startswith(("http://", "https://")) or len(value) > 4096:
        return None
    return value


def best_candidate(srcset: str) -> str | None:
    """The largest candidate of a srcset (by its w or x descriptor; the first when none)."""
    best: tuple[float, str] | None = None
    for part in srcset.split(","):
        found = _SRCSET_ENTRY.fullmatch(part)
        if found is None:
            continue
        url, size = found.group(1), float(found.group(2) or 1)
        if _web_address(url) and (best is None or size > best[0]):
            best = (size, url)
    return best[1] if best else None


def _fragment(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def _img_address(img: lxml.html.HtmlElement) -> str | None:
    """The address to fetch for an <img>: its src, else its srcset's best candidate, else the
    best <source> of its <picture>."""
    address = _web_address(img.get("src"))
    if address is None and img.get("srcset"):
        address = best_candidate(img.get("srcset", ""))
    # libxml2 does not know <source> is empty: the <img> may come out inside it.
    picture = next((a for a in img.iterancestors() if a.tag == "picture"), None)
    if address is None and picture is not None:
        for source in picture.iter("source"):
            address = best_candidate(source.get("srcset", "")) or _web_address(source.get("src"))
            if address:
                break
    return address


def body_addresses(html: str) -> list[str]:
    """The image addresses of a story's HTML, in order, once each."""
    if "<img" not in html:
        return []
    seen: dict[str, None] = {}
    for img in _fragment(html).iter("img"):
        address = _img_address(img)
        if address:
            seen.setdefault(address, None)
    return list(seen)


def collect(item: Item) -> list[str]:
    """The story's image addresses: its lead image first, then its body's, once each."""
    addresses: dict[str, None] = {}
    lead = _web_address(item.image)
    if lead:
        addresses[lead] = None
    for address in body_addresses(item.html):
        addresses.setdefault(address, None)
    return list(addresses)


# --- fetching and checking one image --------------------------------------------------------------


def fetch_options(limits: Limits) -> fetch.FetchOptions:
    base = processing.fetch_options()
    return fetch.FetchOptions(
        allow_private=base.allow_private,
        deadline=min(base.deadline, IMAGE_DEADLINE),
        max_bytes=limits.max_bytes,
        accept=frozenset({"image"}),
    )


def check(content: bytes, *, max_pixels: int) -> Checked:
    """The image these bytes are, told by Pillow from the bytes themselves (the declared type
    is not believed); Refused when they are not one of FORMATS, or exceed the pixel cap. Only
    the header is read for the size (no decoding), then the file's structure is verified."""
    if not content:
        raise Refused("empty", "The image was empty.")
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit and raises past twice it (DecompressionBombError,
            # caught below); our own cap, checked below, is the one that decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=list(FORMATS)) as image:
                kind = image.format or ""
                width, height = image.size
                if width * height > max_pixels:
                    raise Refused("too_many_pixels", f"The image is {width} by {height} pixels.")
                image.verify()
    except Image.DecompressionBombError:
        raise Refused("too_many_pixels", "The image has too many pixels.") from None
    except UnidentifiedImageError:
        raise Refused("not_an_image", "The file is not an image of a kept type.") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Refused("broken_image", f"The image is damaged ({type(exc).__name__}).") from None
    if kind not in FORMATS or width <= 0 or height <= 0:
        raise Refused("not_an_image", "The file is not an image of a kept type.")
    media_type, extension = FORMATS[kind]
    return Checked(content, media_type, extension, width, height)


def fetch_image(address: str, limits: Limits) -> Checked:
    """Fetch one image through the safe client and check it; Refused on any failure."""
    try:
        page = fetch.fetch(address, options=fetch_options(limits))
    except fetch.FetchError as exc:
        raise Refused(exc.code, exc.reason) from None
    if page.content_type.lower() in REFUSED_TYPES:
        raise Refused("svg_refused", "SVG images are not stored.")
    return check(page.content, max_pixels=limits.max_pixels)


# --- the store ------------------------------------------------------------------------------------


def storage_name(digest: str, extension: str) -> str:
    return f"images/{digest[:2]}/{digest[2:4]}/{digest}.{extension}"


def store(checked: Checked) -> StoredImage:
    """Keep the image (once: the name is its digest) and return its row."""
    digest = checked.digest
    name = storage_name(digest, checked.extension)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(checked.content))
        if saved != name:
            # Another task wrote the same bytes under this name in the meantime.
            default_storage.delete(saved)
    defaults = {
        "content_type": checked.media_type,
        "size": len(checked.content),
        "width": checked.width,
        "height": checked.height,
        "name": name,
    }
    try:
        with transaction.atomic():
            row, _ = StoredImage.objects.get_or_create(digest=digest, defaults=defaults)
    except IntegrityError:
        row = StoredImage.objects.get(digest=digest)
    return row


def _stored_before(item: Item, addresses: list[str]) -> dict[str, StoredImage]:
    """Addresses of this reader's stories already stored (no second fetch)."""
    rows = (
        ItemImage.objects.filter(
            item__user_id=item.user_id, source_url__in=addresses, image__isnull=False
        )
        .select_related("image")
        .order_by("-id")
    )
    found: dict[str, StoredImage] = {}
    for row in rows:
        if row.image is not None:
            found.setdefault(row.source_url, row.image)
    return found


# --- one story ------------------------------------------------------------------------------------


def store_item_images(item_id: int, *, final: bool = True) -> Stored:
    """Fetch, check and store a ready story's images, then point its HTML at them.

    With ``final`` false, an image that failed for a reason that may pass (a timeout, the site
    away) keeps its address for now and is listed in ``transient`` (the task tries again);
    otherwise every image that could not be stored becomes a placeholder.
    """
    result = Stored()
    item = Item.objects.filter(pk=item_id, status=Item.Status.READY).first()
    if item is None or item.deleted_at is not None:
        result.skipped = True
        return result
    limits = Limits.from_settings()
    addresses = collect(item)
    # The story's caps count what earlier runs stored too (its body images, once rewritten, are
    # no longer among the addresses).
    earlier = ItemImage.objects.filter(item=item).exclude(source_url__in=addresses)
    wanted = addresses[: max(0, limits.per_story - earlier.count())]
    known = {
        row.source_url: row
        for row in ItemImage.objects.filter(item=item, source_url__in=wanted).select_related(
            "image"
        )
    }
    before = _stored_before(item, [a for a in wanted if a not in known or not known[a].image_id])
    spent = sum(
        ItemImage.objects.filter(item=item, image__isnull=False).values_list(
            "image__size", flat=True
        )
    )
    outcome: dict[str, StoredImage | Refused] = {}
    for address in wanted:
        row = known.get(address)
        if row is not None and row.image is not None:
            outcome[address] = row.image
            continue
        if row is not None and row.error and not _is_transient(row.error):
            outcome[address] = Refused(*_split_error(row.error))
            continue
        if address in before:
            outcome[address] = before[address]
            spent += before[address].size
            result.reused += 1
            continue
        if spent >= limits.story_bytes:
            outcome[address] = Refused("story_budget", "The story's images reached their cap.")
            continue
        try:
            checked = fetch_image(address, limits)
            if spent + len(checked.content) > limits.story_bytes:
                raise Refused("story_budget", "The story's images reached their cap.")
            outcome[address] = store(checked)
            spent += len(checked.content)
            result.stored += 1
        except Refused as refused:
            outcome[address] = refused
    for address in addresses[len(wanted) :]:
        outcome[address] = Refused("story_cap", "The story's images reached their count cap.")
    for address, value in outcome.items():
        if isinstance(value, Refused):
            if value.transient and not final:
                result.transient.append(address)
            else:
                result.failed += 1
    given_up = {a for a in outcome if a not in result.transient}
    _write(item_id, addresses, outcome, drop=given_up)
    return result


def _is_transient(error: str) -> bool:
    return _split_error(error)[0] in TRANSIENT_CODES


def _split_error(error: str) -> tuple[str, str]:
    code, _, reason = error.partition(": ")
    return code, reason


def _write(
    item_id: int,
    addresses: list[str],
    outcome: dict[str, StoredImage | Refused],
    *,
    drop: set[str],
) -> None:
    """Record each image and rewrite the story's HTML, in one transaction, on the item as it is
    now (it may have changed while the images were fetched: what is new waits for the next
    run)."""
    with transaction.atomic():
        item = Item.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            return
        lead = _web_address(item.image)
        position = {a: n for n, a in enumerate(addresses, start=0 if lead else 1)}
        for address, value in outcome.items():
            if isinstance(value, StoredImage):
                stored, error = value, ""
            else:
                stored, error = None, f"{value.code}: {value.reason}"[:_ERROR_CHARS]
            ItemImage.objects.update_or_create(
                item_id=item_id,
                source_url=address,
                defaults={
                    "image": stored,
                    "error": error,
                    "position": position.get(address, len(addresses)),
                },
            )
        digests = dict(
            ItemImage.objects.filter(item_id=item_id, image__isnull=False).values_list(
                "source_url", "image__digest"
            )
        )
        html = rewrite(item.html, item_id, digests, drop=drop)
        if html != item.html:
            Item.objects.filter(pk=item_id).update(html=html, updated_at=timezone.now())


def rewrite(html: str, item_id: int, digests: dict[str, str], *, drop: Iterable[str] = ()) -> str:
    """The story's HTML with every <img> whose address is in ``digests`` pointing at our stored
    copy, and every one whose address is in ``drop`` (not stored, given up) replaced by the
    placeholder; any other is left as it is (the next run decides). The original address is
    not kept (the sanitiser allows no data attribute); the result is sanitised again here."""
    if "<img" not in html:
        return html
    dropped = set(drop)
    root = _fragment(html)
    changed = False
    ours = set(digests.values())
    for img in list(root.iter("img")):
        src = img.get("src", "")
        if LOCAL_IMAGE_PATH.fullmatch(src):
            if not (_is_ours(src, item_id) and src.rsplit("/", 1)[1] in ours):
                _to_placeholder(img)  # written by the page itself, not by us
                changed = True
            continue
        address = _img_address(img) or ""
        digest = digests.get(address)
        if digest:
            img.set("src", image_url(item_id, digest))
            for attribute in ("srcset", "sizes", "data-src"):
                img.attrib.pop(attribute, None)
            changed = True
        elif address in dropped or not address:  # not stored, or no address we could fetch
            _to_placeholder(img)
            changed = True
    if not changed:
        return html
    text = (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root
    )
    return sanitize_html(text)


def _is_ours(src: str, item_id: int) -> bool:
    prefix = image_url(item_id, "0" * 64)[:-64]
    return src.startswith(prefix) and bool(_DIGEST.fullmatch(src[len(prefix) :]))


def _to_placeholder(img: lxml.html.HtmlElement) -> None:
    """Put the quiet placeholder where the <img> was (its tail text stays)."""
    span = lxml.html.Element("span")
    span.set("class", PLACEHOLDER_CLASS)
    span.tail = img.tail
    parent = img.getparent()
    if parent is None:
        return
    parent.replace(img, span)


def _placeholder_tag(found: re.Match[str]) -> str:
    tag = found.group(0)
    return f'<span class="{PLACEHOLDER_CLASS}"></span>' if ' src="http' in tag else tag


def local_only(html: str) -> str:
    """Sanitised story HTML with no image from another origin: an <img> not yet pointed at our
    copy (its images are still being stored) shows the placeholder. For pages and API answers:
    cheap when there is none."""
    if ' src="http' not in html:
        return html
    return _IMG_TAG.sub(_placeholder_tag, html)


# --- serving and exports --------------------------------------------------------------------------


def open_stored(
    user: access.User, item_id: int | str, digest: str
) -> tuple[StoredImage, IO[bytes]]:
    """The stored image ``digest`` of the user's item, and its file opened for reading; NotFound
    for another reader's item, an image that is not this item's, or a file gone from storage."""
    if not _DIGEST.fullmatch(digest):
        raise NotFound()
    item = access.item_for(user, item_id)
    stored = StoredImage.objects.filter(digest=digest).first()
    if stored is None or not ItemImage.objects.filter(item=item, image=stored).exists():
        raise NotFound()
    try:
        handle = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise NotFound() from None
    return stored, handle


def read_stored(item: Item, address: str) -> tuple[str, bytes] | None:
    """The stored bytes of one of the item's images, by our address (``/images/...``) or by its
    source address: (media type, bytes); None when it is not stored."""
    rows = ItemImage.objects.filter(item_id=item.pk, image__isnull=False).select_related("image")
    if _is_ours(address, item.pk):
        rows = rows.filter(image__digest=address.rsplit("/", 1)[1])
    else:
        rows = rows.filter(source_url=address)
    row = rows.first()
    if row is None or row.image is None:
        return None
    try:
        with default_storage.open(row.image.name, "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        return None
    return row.image.content_type, content


# --- sweeps ---------------------------------------------------------------------------------------


def needing_images(limit: int | None = None, *, user_id: int | None = None) -> list[int]:
    """Ready stories whose images were never stored: an image address of another site in their
    HTML, or a lead image with no row. Stories saved before images were stored, and stories
    whose task died, are found here."""
    if settings.BROADSHEET_IMAGES_PER_STORY <= 0:
        return []
    lead_done = ItemImage.objects.filter(item_id=OuterRef("pk"), source_url=OuterRef("image"))
    qs = (
        Item.objects.filter(status=Item.Status.READY, deleted_at__isnull=True)
        .filter(Q(html__contains=' src="http') | (Q(image__startswith="http") & ~Exists(lead_done)))
        .order_by("-id")
        .values_list("id", flat=True)
    )
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    return list(qs[:limit] if limit is not None else qs)


def delete_orphans(*, older_than: timedelta = ORPHAN_GRACE) -> int:
    """Delete the stored images no story uses any more (their stories were deleted), files and
    rows; how many."""
    used = ItemImage.objects.filter(image_id=OuterRef("pk"))
    cutoff = timezone.now() - older_than
    orphans = StoredImage.objects.filter(created_at__lt=cutoff).filter(~Exists(used))
    count = 0
    for pk in list(orphans.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            row = StoredImage.objects.select_for_update().filter(pk=pk).first()
            if row is None or ItemImage.objects.filter(image_id=pk).exists():
                continue
            name = row.name
            row.delete()
            transaction.on_commit(lambda name=name: _delete_file(name))  # type: ignore[misc]
        count += 1
    return count


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError as exc:
        log.warning("stored image %s: could not delete its file: %s", name, exc)
