"""Access control, generated from the URL configuration itself.

Every route of the web and the API that takes a row id is found by walking Django's resolver, so a
new route is covered without anyone remembering to add it here. For each such route and each
method it accepts, another reader gets 404 (exactly what a missing id gets) and nothing changes;
an anonymous request is sent to the login page (web) or answered 401 (API).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import PIL.Image
import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from broadsheet.core import (
    access,
    app_passwords,
    highlighting,
    images,
    oauth,
    services,
    tagging,
)
from broadsheet.core.models import (
    ActionLink,
    ApiClient,
    ApiToken,
    AppPassword,
    Feed,
    FeedEntry,
    Fold,
    Highlight,
    ImportJob,
    Item,
    ItemImage,
    ItemTag,
    Note,
    Tag,
    Topic,
)

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# What each row-id parameter names. A new kind of parameter must be added here, or the test fails.
PARAMETERS = {
    "item_id": "item",
    "token_id": "token",
    "note_id": "note",
    "topic_id": "topic",
    "action_id": "action",
    "feed_id": "feed",
    "entry_id": "entry",
    "tag_id": "tag",
    "highlight_id": "highlight",
    "job_id": "import_job",
    "app_password_id": "app_password",
    "client_id": "api_client",
    # Not a row id: the stored image of an item (/images/<item_id>/<digest>), which must be
    # that item's.
    "digest": "image_digest",
}
# Django's admin: staff only, and its own permission system. The e-reader catalog signs in with
# HTTP Basic and an app password (or the app password in the address), never a session:
# tests/opds/test_routes.py walks its routes the same way (anonymous 401, another reader 404).
# The wallabag door's routes are regular expressions mounted behind `^/*` (any extra leading
# slashes): tests/wallabag/test_access.py walks them the same way (anonymous 401, another reader
# 404).
# `^/+(?P<rest>.*)$` only sends an address with extra leading slashes to its one-slash address
# (tests/web/test_extra_slashes.py): it reads nothing and shows nothing.
SKIP_PREFIXES = ("admin/", "opds/", "^/*", "^/+")
# The JSON body an API route needs to do its work (the others take {}): the owner's request must
# succeed for the test to mean anything.
API_BODIES: dict[str, dict[str, Any]] = {
    "api/v1/items/<item_id>/rating": {"stars": 3},
    "api/v1/items/<item_id>/notes": {"text": "A note"},
    "api/v1/notes/<note_id>": {"text": "Another note"},
    "api/v1/topics/<topic_id>": {"name": "Renamed"},
    "api/v1/topics/<topic_id>/actions": {"url": "https://act.example/petition", "title": "Sign"},
    "api/v1/topics/<topic_id>/actions/<action_id>": {"state": "dismissed"},
    "api/v1/feeds/<feed_id>": {"category": "Science"},
    "api/v1/tags/<tag_id>": {"name": "Rivers"},
    "api/v1/items/<item_id>/highlights": {"quote": "farmers downstream"},
    "api/v1/highlights/<highlight_id>": {"note": "Another note"},
}
# And the form fields a web route needs, beside `next`.
WEB_BODIES: dict[str, str] = {
    "items/<int:item_id>/notes/": "&text=A+note",
    "notes/<int:note_id>/": "&text=Another+note",
    "topics/<int:topic_id>/": "&name=Renamed&query=dam%2C+river",
    "topics/<int:topic_id>/actions/": "&url=https%3A%2F%2Fact.example%2Fjoin&title=Join",
    "topics/<int:topic_id>/actions/<int:action_id>/": "&state=kept",
    "feeds/<int:feed_id>/": "&title=Renamed&category=Science",
    "tags/<int:tag_id>/": "&name=Rivers",
    "items/<int:item_id>/tags/": "&tags=rivers%2C+dams",
    "items/<int:item_id>/highlights/": "&quote=farmers+downstream&note=Why",
    "items/<int:item_id>/progress/": "&progress=0.5",
    "highlights/<int:highlight_id>/": "&note=Another+note",
}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def _row_routes() -> list[str]:
    routes: set[str] = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES):
            continue
        converters = getattr(pattern.pattern, "converters", {})
        names = [n for n in converters if n.endswith("_id") or n == "pk" or n == "id"]
        if names:
            routes.add(route)
    return sorted(routes)


ROUTES = _row_routes()


def test_the_walk_finds_the_known_routes() -> None:
    assert "items/<int:item_id>/" in ROUTES
    assert "items/<int:item_id>/delete/" in ROUTES
    assert "settings/tokens/<int:token_id>/revoke/" in ROUTES
    assert "api/v1/items/<item_id>" in ROUTES
    assert "api/v1/items/<item_id>/retry" in ROUTES


def _fill(route: str, rows: dict[str, Any]) -> str:
    path = route
    for name, pattern_kind in PARAMETERS.items():
        for conv in ("int:", "str:", ""):
            path = path.replace(f"<{conv}{name}>", str(rows[pattern_kind]))
    assert "<" not in path, f"the access test does not know the parameter in {route!r}"
    return "/" + path


def _request(
    client: Client, method: str, path: str, token: str | None = None, route: str = ""
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if path.startswith("/api/"):
        body = json.dumps(API_BODIES.get(route, {}))
        return client.generic(method, path, body, "application/json", headers=headers)
    return client.generic(
        method,
        path,
        "next=/" + WEB_BODIES.get(route, ""),
        "application/x-www-form-urlencoded",
        headers=headers,
    )


def _rows_of(user: AbstractBaseUser) -> dict[str, Any]:
    item = services.save_item(user, "https://news.example/private-story")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.FAILED,
        error="The site answered 500",
        html="<p>What the farmers downstream say.</p>",  # kept from an earlier fetch
    )
    token = services.create_token(user, "laptop")
    note = services.add_note(user, item.pk, "What the farmers downstream say")
    topic = services.create_topic(user, "Dams", "dam, river")
    action = services.add_action(
        user, topic.pk, url="https://act.example/donate", title="Give to the river trust"
    )
    feed = services.subscribe(user, "https://news.example/feed.xml")
    entry = FeedEntry.objects.create(
        feed=feed, user=user, guid="g1", url="https://news.example/entry", title="An entry"
    )
    tagging.set_tags(user, item.pk, ["Dams"])
    highlight = highlighting.add_highlight(user, item.pk, "farmers downstream", note="Ask")
    job = ImportJob.objects.create(user=user, format="pocket", filename="ril_export.csv")
    stored = images.store(images.check(_png(), max_pixels=100))
    ItemImage.objects.create(item=item, source_url="https://news.example/a.png", image=stored)
    return {
        "image_digest": stored.digest,
        "tag": access.tags_of(user).get().pk,
        "item": item.pk,
        "token": token.token.pk,
        "note": note.pk,
        "topic": topic.pk,
        "action": action.pk,
        "feed": feed.pk,
        "entry": entry.pk,
        "highlight": highlight.pk,
        "import_job": job.pk,
        "app_password": app_passwords.create_app_password(user, "Kobo").app_password.pk,
        "api_client": oauth.create_client(user, "phone").pk,
    }


def _png() -> bytes:
    out = io.BytesIO()
    PIL.Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _snapshot(user: AbstractBaseUser) -> list[Any]:
    items = list(Item.objects.filter(user=user).order_by("pk").values())
    tokens = list(ApiToken.objects.filter(user=user).order_by("pk").values("pk", "name"))
    notes = list(Note.objects.filter(user=user).order_by("pk").values("pk", "text"))
    topics = list(Topic.objects.filter(user=user).order_by("pk").values("pk", "name", "query"))
    actions = list(
        ActionLink.objects.filter(topic__user=user).order_by("pk").values("pk", "url", "state")
    )
    feeds = list(Feed.objects.filter(user=user).order_by("pk").values("pk", "title", "category"))
    entries = list(FeedEntry.objects.filter(user=user).order_by("pk").values("pk", "item_id"))
    tags = list(Tag.objects.filter(user=user).order_by("pk").values("pk", "name"))
    item_tags = list(
        ItemTag.objects.filter(item__user=user).order_by("pk").values("item_id", "tag_id")
    )
    highlights = list(
        Highlight.objects.filter(user=user).order_by("pk").values("pk", "quote", "note")
    )
    devices = list(AppPassword.objects.filter(user=user).order_by("pk").values("pk", "name"))
    clients = list(ApiClient.objects.filter(user=user).order_by("pk").values("pk", "name"))
    return [
        *(items, tokens, notes, topics, actions, feeds, entries, tags, item_tags, highlights),
        devices,
        clients,
    ]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", METHODS)
def test_another_reader_gets_404(
    route: str, method: str, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    rows = _rows_of(alice)
    path = _fill(route, rows)
    before = _snapshot(alice)

    intruder = Client()
    intruder.force_login(bob)
    bob_token = services.create_token(bob).secret
    r = _request(intruder, method, path, bob_token if path.startswith("/api/") else None, route)

    # Does the route accept this method at all? Ask as the owner (after the intruder).
    owner = Client()
    owner.force_login(alice)
    alice_token = services.create_token(alice).secret
    assert _snapshot(alice)[0] == before[0], f"{method} {path} changed alice's item for bob"
    assert _snapshot(alice)[2:] == before[2:], f"{method} {path} changed alice's rows for bob"
    assert [t for t in _snapshot(alice)[1] if t in before[1]] == before[1]
    own = _request(owner, method, path, alice_token if path.startswith("/api/") else None, route)

    if own.status_code == 405:
        assert r.status_code == 405, (method, path, r.status_code)
        return
    assert own.status_code < 400 or own.status_code == 409, (method, path, own.status_code)
    assert r.status_code == 404, (method, path, r.status_code)
    if path.startswith("/api/"):
        assert r.json()["error"]["code"] == "not_found"
        # Indistinguishable from an id that does not exist.
        missing = _fill(route, dict.fromkeys(PARAMETERS.values(), 10**9))
        other = _request(intruder, method, missing, bob_token, route)
        assert (other.status_code, other.json()) == (r.status_code, r.json())


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", METHODS)
def test_anonymous_is_refused(route: str, method: str, alice: AbstractBaseUser) -> None:
    path = _fill(route, _rows_of(alice))
    before = _snapshot(alice)
    r = _request(Client(), method, path)
    assert _snapshot(alice) == before
    if r.status_code == 405:
        return
    if path.startswith("/api/"):
        assert r.status_code == 401, (method, path, r.status_code)
        assert r.json()["error"]["code"] == "unauthorized"
    else:
        assert r.status_code == 302, (method, path, r.status_code)
        assert r["Location"].startswith("/accounts/login/")


def test_another_readers_fold_is_not_followed(
    alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    """A folded id of alice's leads bob nowhere: not to her item, not even to a 'folded' hint."""
    item = services.save_item(alice, "https://news.example/kept")
    Fold.objects.create(user=alice, old_item_id=10**8, into=item, url="https://news.example/b")
    client = Client()
    client.force_login(bob)
    assert client.get(f"/items/{10**8}/").status_code == 404
    token = services.create_token(bob).secret
    r = client.get(f"/api/v1/items/{10**8}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"

    owner = Client()
    owner.force_login(alice)
    r = owner.get(f"/items/{10**8}/")
    assert r.status_code == 302 and r["Location"] == f"/items/{item.pk}/"


# --- every other route: logged-in only, unless public on purpose ----------------------------------

# Routes anyone may open. A new route is logged-in only unless it is added here, on purpose.
PUBLIC = {
    "accounts/login/",
    "accounts/logout/",
    "accounts/signup/",
    "healthz",
    "favicon.ico",  # the app's icon, for browsers that ask before reading the page's <link>
    "api/v1/",  # django-ninja's root: a redirect to the docs
    "api/v1/openapi.json",
    "api/v1/docs",
    # The installable app's files and its offline page name nobody and show nothing of anyone.
    "manifest.webmanifest",
    "sw.js",
    "offline/",
    # wallabag's web login (the Android app's server check) is a login form's other end.
    "login_check",
}
# Web routes that programs read (the offline worker's list): 401 like the API, not a redirect.
PROGRAM_ROUTES = {"offline/manifest.json"}
# Routes whose parameter is a signed key that stands in for the login: the key's maker.
KEY_ROUTES = {"feeds/<str:key>/unread.atom": "broadsheet.web.feed.key_for"}
# Routes whose signed key does one thing for its owner and nothing else, tested where they live.
ACTION_KEY_ROUTES = {
    # One-click unsubscribe: tests/core/test_newsletter.py (a forged key is 404, GET changes
    # nothing, POST only turns the newsletter off).
    "newsletter/unsubscribe/<str:token>/",
}


def _all_routes() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES):
            continue
        out.append((route, dict(getattr(pattern.pattern, "converters", {}))))
    return sorted(out, key=lambda r: r[0])


PLAIN_ROUTES = [route for route, converters in _all_routes() if not converters]
PARAM_ROUTES = [route for route, converters in _all_routes() if converters]


def test_every_parameter_is_known() -> None:
    """A route with a parameter is either a row route (walked above) or a key route."""
    for route in PARAM_ROUTES:
        known = route in ROUTES or route in KEY_ROUTES or route in ACTION_KEY_ROUTES
        assert known, f"the access tests do not know {route!r}"


def test_the_walk_finds_the_new_routes() -> None:
    assert {"export/items.csv", "export/items.json", "accounts/password/"} <= set(PLAIN_ROUTES)
    assert "api/v1/export" in PLAIN_ROUTES
    assert set(KEY_ROUTES) <= set(PARAM_ROUTES)


@pytest.mark.parametrize("route", [r for r in PLAIN_ROUTES if r not in PUBLIC])
@pytest.mark.parametrize("method", ("GET", "POST"))
def test_anonymous_is_refused_everywhere(route: str, method: str, alice: AbstractBaseUser) -> None:
    services.save_item(alice, "https://news.example/private-story")
    before = _snapshot(alice)
    r = _request(Client(), method, "/" + route)
    assert _snapshot(alice) == before
    if r.status_code == 405:
        return
    if route.startswith("api/") or route in PROGRAM_ROUTES:
        # JSON for programs (the API, the offline worker's list): 401, not a login page.
        assert r.status_code == 401, (method, route, r.status_code)
    else:
        assert r.status_code == 302, (method, route, r.status_code)
        assert r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("route", sorted(KEY_ROUTES))
def test_a_key_opens_only_its_owners_rows(
    route: str, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    from django.core import signing
    from django.utils.module_loading import import_string

    key_for = import_string(KEY_ROUTES[route])
    item = services.save_item(alice, "https://news.example/alices-secret-story")
    Item.objects.filter(pk=item.pk).update(title="Alice's secret story")
    bob_key, alice_key = key_for(bob), key_for(alice)
    path = "/" + route.replace("<str:key>", "{}")

    intruder = Client()
    intruder.force_login(bob)
    own = intruder.get(path.format(bob_key))
    assert own.status_code == 200 and b"secret story" not in own.content
    assert intruder.get(path.format(alice_key)).status_code == 200  # the real key is the login
    forged = [
        alice_key[:-2] + ("xy" if not alice_key.endswith("xy") else "zz"),
        _swap_user(bob_key, bob.pk, alice.pk),  # alice's id under bob's signature
        signing.dumps({"u": alice.pk, "p": "0" * 24}, salt="broadsheet.feed", compress=True),
        signing.dumps({"u": alice.pk}, key="guessed", salt="broadsheet.feed"),
        "x",
    ]
    for key in forged:
        r = intruder.get(path.format(key))
        assert r.status_code == 404, key
        assert b"secret story" not in r.content


def _swap_user(key: str, old: int, new: int) -> str:
    """The key with its payload's user id changed and the signature left as it was."""
    import base64

    payload, rest = key.split(":", 1)
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    if compressed:
        import zlib

        raw = zlib.decompress(raw)
    swapped = raw.replace(f'"u":{old}'.encode(), f'"u":{new}'.encode())
    assert swapped != raw
    encoded = base64.urlsafe_b64encode(swapped).decode().rstrip("=")
    return f"{encoded}:{rest}"
