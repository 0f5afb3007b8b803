"""Serving stored story images from our own origin: /images/<item>/<digest> (web.images), the
reader view and the API without an image of another site, the pages' CSP, and the store on a
real S3-compatible server (moto on loopback)."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from broadsheet.core import images, services
from broadsheet.core.models import Item, ItemImage
from broadsheet.extract import sanitize_html
from tests.conftest import ApiClient, Site
from tests.support.images import picture

PNG = picture("PNG", (40, 30))
JPEG = picture("JPEG", (50, 40), (0, 0, 200))
IMG_CSP = "img-src 'self' data:"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return tmp_path / "files"


@pytest.fixture
def stored_story(
    alice: AbstractBaseUser, media: Path, allow_loopback: None, site: Site
) -> Callable[[str], Item]:
    """A ready story of alice's whose two images are stored, and which also names an image
    that is not stored yet (added after the run, as a re-extraction would)."""

    def make(name: str) -> Item:
        png = site.add(f"/{name}/a.png", PNG, content_type="image/png")
        jpeg = site.add(f"/{name}/b.jpg", JPEG, content_type="image/jpeg")
        item = services.save_item(alice, f"https://news.example/{name}")
        html = sanitize_html(
            f'<p>Words of the story.</p><figure><img src="{png}" alt="A"><figcaption>Cap A'
            f'</figcaption></figure><p>More words.</p><img src="{jpeg}" alt="B">'
        )
        Item.objects.filter(pk=item.pk).update(status="ready", html=html, title=name, image=jpeg)
        images.store_item_images(item.pk)
        late = sanitize_html(f'<p>Late.</p><img src="{site.base_url}/{name}/late.png" alt="">')
        item = Item.objects.get(pk=item.pk)
        Item.objects.filter(pk=item.pk).update(html=item.html + late)
        return Item.objects.get(pk=item.pk)

    return make


def _srcs(html: str) -> list[str]:
    return re.findall(r'<img[^>]* src="([^"]*)"', html)


def _png_path(item: Item) -> str:
    row = ItemImage.objects.get(item=item, source_url__endswith="/a.png")
    assert row.image is not None
    return f"/images/{item.pk}/{row.image.digest}"


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db(transaction=True)
def test_the_owner_gets_the_bytes_with_strict_headers(
    stored_story: Callable[[str], Item], web: Client
) -> None:
    item = stored_story("serve")
    r = web.get(_png_path(item))
    assert r.status_code == 200
    assert _body(r) == PNG
    assert r["Content-Type"] == "image/png"
    assert r["Cache-Control"] == "private, max-age=31536000, immutable"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Security-Policy"] == "default-src 'none'"
    assert r["Content-Length"] == str(len(PNG))


@pytest.mark.django_db(transaction=True)
def test_another_reader_and_strangers_get_nothing(
    stored_story: Callable[[str], Item],
    bob: AbstractBaseUser,
    alice: AbstractBaseUser,
    api_for: Callable[[AbstractBaseUser | None], ApiClient],
) -> None:
    item = stored_story("private")
    path = _png_path(item)
    intruder = Client()
    intruder.force_login(bob)
    assert intruder.get(path).status_code == 404
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")

    # The API's bearer token opens the owner's images, and only hers.
    assert _body(api_for(alice).get(path)) == PNG
    assert api_for(bob).get(path).status_code == 404
    bad = Client().get(path, headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db(transaction=True)
def test_an_image_is_served_only_with_its_own_story(
    stored_story: Callable[[str], Item], web: Client, alice: AbstractBaseUser
) -> None:
    item = stored_story("own")
    other = stored_story("other")
    digest = _png_path(item).rsplit("/", 1)[1]
    # The same bytes belong to the other story too (stored once): but an image of one story
    # that is not the other's is not served under the other's id.
    only_here = ItemImage.objects.filter(item=item, source_url__endswith="/b.jpg").get()
    assert only_here.image is not None
    ItemImage.objects.filter(item=other, image=only_here.image).delete()
    assert web.get(f"/images/{other.pk}/{only_here.image.digest}").status_code == 404
    assert web.get(f"/images/{item.pk}/{only_here.image.digest}").status_code == 200
    assert web.get(f"/images/{item.pk}/{'0' * 64}").status_code == 404
    assert web.get(f"/images/{item.pk}/{digest.upper()}").status_code == 404
    assert web.get(f"/images/{item.pk}/..%2F..%2Fsecret_key").status_code == 404
    # A story in the trash shows nothing.
    Item.objects.filter(pk=item.pk).update(deleted_at=timezone.now())
    assert web.get(_png_path(item)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_reader_view_has_no_image_of_another_site(
    stored_story: Callable[[str], Item], web: Client, site: Site
) -> None:
    item = stored_story("reader")
    page = web.get(f"/items/{item.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    srcs = _srcs(html)
    story = [s for s in srcs if s.startswith("/images/")]
    assert len(story) == 2
    assert all(s.startswith(("/images/", "/static/", "data:")) for s in srcs), srcs
    assert site.base_url not in " ".join(srcs)
    assert 'class="img-missing"' in html  # the image not stored yet
    assert IMG_CSP in page["Content-Security-Policy"]
    assert "http:" not in page["Content-Security-Policy"]
    for path in ("/", "/archive/", "/settings/"):
        assert IMG_CSP in web.get(path)["Content-Security-Policy"], path


@pytest.mark.django_db(transaction=True)
def test_the_api_html_carries_our_addresses(
    stored_story: Callable[[str], Item], api: ApiClient, site: Site
) -> None:
    item = stored_story("api")
    data = api.get(f"/api/v1/items/{item.pk}").json()
    srcs = _srcs(data["html"])
    assert len(srcs) == 2 and all(s.startswith(f"/images/{item.pk}/") for s in srcs)
    assert site.base_url not in data["html"]
    assert _body(api.get(srcs[0])) in (PNG, JPEG)


@pytest.mark.django_db(transaction=True)
def test_thumbnail_url_is_the_stored_lead(stored_story: Callable[[str], Item]) -> None:
    item = stored_story("thumb")
    lead = ItemImage.objects.get(item=item, position=0)
    assert lead.source_url.endswith("/b.jpg") and lead.image is not None
    assert images.thumbnail_url(item) == f"/images/{item.pk}/{lead.image.digest}"
    bare = services.save_item(item.user, "https://news.example/bare")
    assert images.thumbnail_url(bare) == ""


# --- S3-compatible storage ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def s3(settings: Any) -> Iterator[str]:
    """A real S3-compatible server (moto) on loopback, a bucket in it, and the default storage
    pointed at it the way BROADSHEET_STORAGE=s3 does."""
    import boto3
    from moto.server import ThreadedMotoServer

    from broadsheet.environment import default_storage as storage_for
    from broadsheet.environment import load

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        config = load(
            {
                "BROADSHEET_STORAGE": "s3",
                "BROADSHEET_S3_BUCKET": "broadsheet-test",
                "BROADSHEET_S3_ENDPOINT_URL": endpoint,
                "BROADSHEET_S3_REGION": "us-east-1",
                "BROADSHEET_S3_ACCESS_KEY_ID": "testing",
                "BROADSHEET_S3_SECRET_ACCESS_KEY": "testing",
                "BROADSHEET_S3_PREFIX": "broadsheet",
            }
        )
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_bucket(Bucket="broadsheet-test")
        settings.STORAGES = {**settings.STORAGES, "default": storage_for(config)}
        yield endpoint
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_images_stored_and_served_through_s3(
    s3: str,
    alice: AbstractBaseUser,
    allow_loopback: None,
    site: Site,
    web: Client,
    tmp_path: Path,
    settings: Any,
) -> None:
    import boto3

    settings.MEDIA_ROOT = str(tmp_path / "not-used")
    png = site.add("/s3/a.png", PNG, content_type="image/png")
    item = services.save_item(alice, "https://news.example/s3")
    html = sanitize_html(f'<p>Stored far away.</p><img src="{png}" alt="">')
    Item.objects.filter(pk=item.pk).update(status="ready", html=html)
    done = images.store_item_images(item.pk)
    assert done.stored == 1

    row = ItemImage.objects.get(item=item)
    assert row.image is not None
    client = boto3.client(
        "s3",
        endpoint_url=s3,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="broadsheet-test")["Contents"]]
    assert keys == [f"broadsheet/{row.image.name}"]
    assert not (tmp_path / "not-used").exists()

    src = _srcs(Item.objects.get(pk=item.pk).html)[0]
    r = web.get(src)
    assert r.status_code == 200 and _body(r) == PNG and r["Content-Type"] == "image/png"

    # The orphan sweep deletes from the bucket too.
    Item.objects.filter(pk=item.pk).delete()
    assert images.delete_orphans(older_than=timedelta(0)) == 1
    assert client.list_objects_v2(Bucket="broadsheet-test").get("Contents", []) == []


def test_the_storage_settings() -> None:
    from broadsheet.environment import ConfigError, load
    from broadsheet.environment import default_storage as storage_for

    assert storage_for(load({}))["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = storage_for(
        load(
            {
                "BROADSHEET_STORAGE": "S3",
                "BROADSHEET_S3_BUCKET": "files",
                "BROADSHEET_S3_ENDPOINT_URL": "https://minio.example.org:9000/",
                "BROADSHEET_S3_REGION": "eu-central-1",
                "BROADSHEET_S3_PREFIX": "/broadsheet/",
            }
        )
    )
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "files"
    assert s3["OPTIONS"]["endpoint_url"] == "https://minio.example.org:9000"
    assert s3["OPTIONS"]["region_name"] == "eu-central-1"
    assert s3["OPTIONS"]["location"] == "broadsheet"
    assert s3["OPTIONS"]["default_acl"] is None  # private: served through the access check
    assert "access_key" not in s3["OPTIONS"]  # boto3's own sources
    for bad in (
        {"BROADSHEET_STORAGE": "s3"},  # no bucket
        {"BROADSHEET_STORAGE": "ftp"},
        {"BROADSHEET_S3_ENDPOINT_URL": "file:///etc"},
        {"BROADSHEET_IMAGE_MAX_BYTES": "0"},
    ):
        with pytest.raises(ConfigError):
            storage_for(load(bad))
