"""Installing Broadsheet as an app and reading offline: the web app manifest, the service worker,
the list of what to keep offline, the offline page, and a logout that forgets it all.

The service worker (static/broadsheet/sw.js) is served from `/sw.js` so that its scope is the
whole site; the pages register it from static/broadsheet/offline.js (the unread list only; see
docs/decisions.md). Everything here is same-origin: no script, style or image from elsewhere.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_GET

from broadsheet.core import images, queries
from broadsheet.core.models import ItemImage

SW_FILE = Path(__file__).resolve().parent / "static" / "broadsheet" / "sw.js"
# The colours of app.css: --accent (the title bar of the installed app) and --bg (its splash).
THEME_COLOR = "#9c2b1e"
BACKGROUND_COLOR = "#fbfaf7"
# Stories kept offline at most (the newest unread ones): a phone's storage for one site is
# limited, and a reader with more unread stories than this reads the newest first anyway.
OFFLINE_MAX_STORIES = 500
# The static files a page kept offline may need: our stylesheet, scripts, fonts and the images
# the stylesheet names; every such file of static/broadsheet, so a new one is kept without
# anyone remembering to list it. Not the worker itself, nor the PNG icons (the installed app
# keeps those), nor licences and read-mes.
STATIC_DIR = SW_FILE.parent
OFFLINE_ASSET_TYPES = (".css", ".js", ".svg", ".woff2")


@cache
def offline_assets() -> tuple[str, ...]:
    found = sorted(
        path.relative_to(STATIC_DIR.parent).as_posix()
        for path in STATIC_DIR.rglob("*")
        if path.is_file() and path.suffix in OFFLINE_ASSET_TYPES and path != SW_FILE
    )
    return tuple(found)


# What the worker itself may do: fetch from this origin; nothing else (no importScripts).
SW_CSP = "default-src 'none'; connect-src 'self'"
# On logout: the browser drops this site's caches, service worker and IndexedDB, so the next
# reader on the device does not find the last one's stories offline.
CLEAR_SITE_DATA = '"cache", "storage"'
# Sent by the worker when it fetches a page to keep (see `keeps_messages`).
COPY_HEADER = "X-Broadsheet-Copy"

View = Callable[..., HttpResponseBase]


def _icons() -> list[dict[str, str]]:
    return [
        {"src": static("broadsheet/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("broadsheet/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("broadsheet/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("broadsheet/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]


def web_manifest_data() -> dict[str, Any]:
    """The web app manifest: what makes Broadsheet installable, and `Share → Broadsheet`."""
    return {
        "id": "/",
        "name": "Broadsheet",
        "short_name": "Broadsheet",
        "description": "Save news stories and read them later, clean, on any device.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": _icons(),
        "share_target": {
            "action": reverse("web:share"),
            "method": "GET",
            "params": {"title": "title", "text": "text", "url": "url"},
        },
    }


@require_GET
def web_manifest(request: HttpRequest) -> HttpResponse:
    """`/manifest.webmanifest`, for everyone (browsers fetch it without cookies)."""
    body = json.dumps(web_manifest_data(), indent=2)
    response = HttpResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@cache
def _sw_source() -> bytes:
    return SW_FILE.read_bytes()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """`/sw.js`: our own worker, from the site's root so that it may serve every page. Never
    cached by the HTTP cache, so a new version is found at the next visit."""
    response = HttpResponse(_sw_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    response["Content-Security-Policy"] = SW_CSP
    return response


def reader_key(user: Any) -> str:
    """An opaque name for the reader (not their id): the worker keeps each reader's pages apart
    and drops the last reader's when another logs in."""
    return salted_hmac("broadsheet.offline.reader", str(user.pk)).hexdigest()[:20]


def offline_data(user: Any) -> dict[str, Any]:
    """What the worker keeps offline for `user`: the unread list's pages, every unread story
    (the newest OFFLINE_MAX_STORIES) with its stored images, and the files they need."""
    unread = queries.items(user, "unread")
    total = unread.count()
    ids = list(unread.values_list("pk", flat=True)[:OFFLINE_MAX_STORIES])
    pictures: dict[int, list[str]] = {pk: [] for pk in ids}
    rows = (
        ItemImage.objects.filter(item_id__in=ids, image__isnull=False)
        .order_by("item_id", "position", "id")
        .values_list("item_id", "image__digest")
    )
    for item_id, digest in rows:
        url = images.image_url(item_id, digest)
        if url not in pictures[item_id]:
            pictures[item_id].append(url)
    unread_list = reverse("web:unread")
    pages = max(1, math.ceil(total / queries.PAGE_SIZE))
    return {
        "reader": reader_key(user),
        "pages": [unread_list] + [f"{unread_list}?page={n}" for n in range(2, pages + 1)],
        "stories": [{"url": reverse("web:item", args=[pk]), "images": pictures[pk]} for pk in ids],
        "assets": [static(name) for name in offline_assets()],
        "offline_page": reverse("web:offline"),
    }


@require_GET
def offline_manifest(request: HttpRequest) -> HttpResponse:
    """`/offline/manifest.json`: the logged-in reader's `offline_data`; 401 without a session
    (the worker asks in the background: a redirect to the login page would mean nothing)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": {"code": "unauthorized"}}, status=401)
    response = JsonResponse(offline_data(request.user))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """`/offline/`: what the worker shows for a page it has not kept. The same for everyone (no
    reader's name or data in it), so it can be kept once."""
    return render(request, "broadsheet/offline.html")


class _NoMessages(BaseStorage):
    """A message store that shows nothing and keeps nothing."""

    def _get(self, *args: Any, **kwargs: Any) -> tuple[list[Any], bool]:
        return [], True

    def _store(
        self, messages: list[Any], response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> list[Any]:
        return []


def keeps_messages(view: View) -> View:
    """For the worker's own copies of a page (`COPY_HEADER`): render it without the reader's
    pending messages ("Saved", "Moved to the archive"), and leave them for the page the reader
    is about to see: the copy is fetched in the background, maybe between a save and the page
    that reports it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.headers.get(COPY_HEADER) == "offline":
            request._messages = _NoMessages(request)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


_logout_view = auth_views.LogoutView.as_view()


def logout(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """Django's logout, plus `Clear-Site-Data` on the way out (see CLEAR_SITE_DATA)."""
    response: HttpResponseBase = _logout_view(request, *args, **kwargs)
    if request.method == "POST":
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
