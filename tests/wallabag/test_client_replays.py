"""The exact requests of the other wallabag clients, replayed over real HTTP against a live
server (../shared/contracts/wallabag-api.md §1.2 to §1.6): KOReader's wallabag plugin, the Android
app (through wallabag-api-wrapper), the iOS app, Miniflux's integration and Readeck's importer.
Each test sends what that client sends (method, path with or without `.json`, headers, body
encoding) and checks what that client needs of the answer."""

from __future__ import annotations

import hashlib
import http.client
import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from tests.conftest import Site, article_html
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow

PASSWORD = "replay password 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("wallabag-replays")) as live:
        live.cli("user", "create", "reader", "--password", PASSWORD, "--quota", "none")
        yield live


@pytest.fixture(scope="module")
def pair(server: LiveServer) -> dict[str, str]:
    out = server.cli("client", "create", "--user", "reader", "--name", "apps").stdout.splitlines()
    return {
        "client_id": out[0].removeprefix("client_id: "),
        "client_secret": out[1].removeprefix("client_secret: "),
    }


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    server: LiveServer,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
) -> Answer:
    """One request, the path sent exactly as given (`//api/...` included)."""
    where = urlsplit(server.base_url)
    conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)
    data = body.encode() if isinstance(body, str) else body
    try:
        conn.request(method, path, body=data, headers=headers or {})
        r = conn.getresponse()
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


def _exact_json(answer: Answer) -> Any:
    assert answer.headers["content-type"] == "application/json"
    return answer.json()


def _bearer(token: str, **more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **more}


def _story(site: Site, name: str, seed: int) -> str:
    return site.add(f"/replay/{name}", article_html(seed=seed, title=f"Replay {name}"))


# --- KOReader ----------------------------------------------------------------------------------


def test_koreader(server: LiveServer, pair: dict[str, str], site: Site) -> None:
    token = send(
        server,
        "POST",
        "/oauth/v2/token",
        headers={"Content-type": "application/json", "Accept": "application/json, */*"},
        body=json.dumps(
            {"grant_type": "password", "username": "reader", "password": PASSWORD} | pair
        ),
    )
    assert token.status == 200 and token.body.startswith(b"{")
    access = token.json()["access_token"]
    assert isinstance(token.json()["expires_in"], int)
    # The reader's server setting ends in "/": KOReader concatenates, and sends //api/...
    base = "/"
    urls = [_story(site, f"ko-{n}", 200 + n) for n in range(3)]
    ids = []
    for url in urls:
        added = send(
            server,
            "POST",
            base + "/api/entries.json",
            headers=_bearer(access, **{"Content-type": "application/json"}),
            body=json.dumps({"url": url, "tags": ""}),
        )
        assert added.status == 200 and added.body.startswith(b"{")
        ids.append(added.json()["id"])
    # Sync: page by page while page < pages, then a page past the end is 404.
    seen: list[int] = []
    page = 1
    while True:
        listed = send(
            server,
            "GET",
            base + f"/api/entries.json?archive=0&page={page}&perPage=2",
            headers=_bearer(access),
        )
        if listed.status == 404:
            break
        assert listed.status == 200 and listed.body.startswith(b"{")
        result = listed.json()
        for item in result["_embedded"]["items"]:
            assert isinstance(item["title"], str) and isinstance(item["tags"], list)
            assert item["mimetype"] is None or isinstance(item["mimetype"], str)
            assert isinstance(item["updated_at"], str)
            seen.append(item["id"])
        if page >= result["pages"]:
            past = send(
                server,
                "GET",
                base + f"/api/entries.json?archive=0&page={page + 1}&perPage=2",
                headers=_bearer(access),
            )
            assert past.status == 404
            break
        page += 1
    assert sorted(seen) == sorted(ids)
    epub = send(server, "GET", base + f"/api/entries/{ids[0]}/export.epub", headers=_bearer(access))
    assert epub.status == 200 and epub.body.startswith(b"PK")
    tagged = send(
        server,
        "POST",
        base + f"/api/entries/{ids[0]}/tags.json",
        headers=_bearer(access, **{"Content-type": "application/json"}),
        body=json.dumps({"tags": "read,kobo"}),
    )
    assert tagged.status == 200
    archived = send(
        server,
        "PATCH",
        base + f"/api/entries/{ids[0]}.json",
        headers=_bearer(access, **{"Content-type": "application/json"}),
        body=json.dumps({"archive": 1}),
    )
    assert archived.status == 200 and archived.json()["is_archived"] == 1
    deleted = send(server, "DELETE", base + f"/api/entries/{ids[1]}.json", headers=_bearer(access))
    assert deleted.status == 200 and deleted.body.startswith(b"{")


# --- the Android app (wallabag-api-wrapper) ---------------------------------------------------


def _form(**fields: str) -> dict[str, Any]:
    return {
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "body": urlencode(fields),
    }


def test_android(server: LiveServer, pair: dict[str, str], site: Site) -> None:
    version = send(server, "GET", "/api/version.json")
    assert version.status == 200 and isinstance(_exact_json(version), str)
    assert version.json() >= "2.4.0"  # compared as strings
    # It tries a refresh first; only a 400 makes it fall back to the password.
    refresh = send(
        server,
        "POST",
        "/oauth/v2/token",
        **_form(grant_type="refresh_token", refresh_token="stale", **pair),
    )
    assert refresh.status == 400
    token = send(
        server,
        "POST",
        "/oauth/v2/token",
        **_form(grant_type="password", username="reader", password=PASSWORD, **pair),
    )
    assert token.status == 200
    tokens = token.json()
    access = tokens["access_token"]
    star = {"Accept": "*/*"}
    probe = send(
        server,
        "GET",
        "/api/entries/exists.json?url=wallabag-apiwrapper-test.example.com",
        headers=_bearer(access, **star),
    )
    assert probe.json() == {"exists": False}
    url = _story(site, "android", 300)
    added = send(
        server,
        "POST",
        "/api/entries.json",
        headers=_bearer(access, **star, **{"Content-Type": "application/x-www-form-urlencoded"}),
        body=urlencode(
            {"url": url, "origin_url": "", "archive": "0", "starred": "1", "tags": "a,b"}
        ),
    )
    assert added.status == 200
    entry = added.json()
    assert entry["is_starred"] == 1 and type(entry["is_starred"]) is int
    assert isinstance(entry["reading_time"], int) and entry["created_at"] and entry["updated_at"]
    again = send(
        server,
        "POST",
        "/api/entries.json",
        headers=_bearer(access, **star, **{"Content-Type": "application/x-www-form-urlencoded"}),
        body=urlencode({"url": url}),
    )
    assert again.json()["id"] == entry["id"]  # the existing article
    # Full sync, ascending, until page == pages.
    full = send(
        server,
        "GET",
        "/api/entries.json?page=1&perPage=30&sort=created&order=asc&detail=full&since=0",
        headers=_bearer(access, **star),
    ).json()
    assert all(isinstance(full[k], int) for k in ("page", "limit", "pages", "total"))
    assert entry["id"] in [e["id"] for e in full["_embedded"]["items"]]
    since = send(
        server,
        "GET",
        "/api/entries.json?page=1&perPage=30&sort=updated&order=asc&detail=full&since=4102444800",
        headers=_bearer(access, **star),
    ).json()
    assert since["total"] == 0
    tags = send(server, "GET", "/api/tags.json", headers=_bearer(access, **star)).json()
    assert {t["label"] for t in tags} >= {"a", "b"}
    # The deleted-article sweep: hashes of the raw addresses, and the per-id probe.
    h = hashlib.sha1(url.encode()).hexdigest()
    missing = hashlib.sha1(b"https://gone.example/x").hexdigest()
    swept = send(
        server,
        "GET",
        f"/api/entries/exists.json?hashed_urls[]={h}&hashed_urls[]={missing}",
        headers=_bearer(access, **star),
    ).json()
    assert swept == {h: True, missing: False}
    assert (
        send(server, "GET", "/api/entries/999999/tags.json", headers=_bearer(access)).status == 404
    )
    # Tags replaced by PATCH, one removed by id.
    patched = send(
        server,
        "PATCH",
        f"/api/entries/{entry['id']}.json",
        headers=_bearer(access, **star, **{"Content-Type": "application/x-www-form-urlencoded"}),
        body=urlencode({"tags": "b,c", "archive": "1"}),
    ).json()
    assert sorted(t["label"] for t in patched["tags"]) == ["b", "c"]
    c = next(t for t in patched["tags"] if t["label"] == "c")
    removed = send(
        server, "DELETE", f"/api/entries/{entry['id']}/tags/{c['id']}.json", headers=_bearer(access)
    )
    assert removed.status == 200, removed.body
    assert [t["label"] for t in removed.json()["tags"]] == ["b"]
    # Annotations are JSON bodies, on words of the story (once the worker has fetched it).
    content = ""
    for _ in range(120):
        content = send(
            server, "GET", f"/api/entries/{entry['id']}.json", headers=_bearer(access)
        ).json()["content"]
        if "<p>" in content:
            break
        time.sleep(0.5)
    quote = " ".join(content.split("<p>")[1].split()[2:6])
    note = send(
        server,
        "POST",
        f"/api/annotations/{entry['id']}.json",
        headers=_bearer(access, **{"Content-Type": "application/json"}),
        body=json.dumps({"text": "hm", "quote": quote, "ranges": []}),
    )
    assert note.status == 200, note.body
    note_id = note.json()["id"]
    put = send(
        server,
        "PUT",
        f"/api/annotations/{note_id}.json",
        headers=_bearer(access, **{"Content-Type": "application/json"}),
        body=json.dumps({"text": "changed"}),
    )
    assert put.json()["text"] == "changed"
    assert (
        send(server, "DELETE", f"/api/annotations/{note_id}.json", headers=_bearer(access)).status
        == 200
    )
    gone = send(
        server, "DELETE", f"/api/entries/{entry['id']}.json?expect=id", headers=_bearer(access)
    )
    assert gone.json() == {"id": entry["id"]}
    assert (
        send(
            server, "DELETE", f"/api/entries/{entry['id']}.json?expect=id", headers=_bearer(access)
        ).status
        == 404
    )
    # A 401 makes it refresh; the refresh grant gives a working token.
    renewed = send(
        server,
        "POST",
        "/oauth/v2/token",
        **_form(grant_type="refresh_token", refresh_token=tokens["refresh_token"], **pair),
    )
    assert renewed.status == 200
    assert (
        send(
            server, "GET", "/api/entries.json", headers=_bearer(renewed.json()["access_token"])
        ).status
        == 200
    )


# --- the iOS app --------------------------------------------------------------------------------


def test_ios(server: LiveServer, pair: dict[str, str], site: Site) -> None:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    token = send(
        server,
        "POST",
        "/oauth/v2/token",
        headers=headers,
        body=json.dumps(
            {"grant_type": "password", "username": "reader", "password": PASSWORD} | pair
        ),
    ).json()
    for key, kind in (
        ("access_token", str),
        ("expires_in", int),
        ("token_type", str),
        ("refresh_token", str),
    ):
        assert isinstance(token[key], kind), key
    auth = _bearer(token["access_token"], **headers)
    url = _story(site, "ios", 400)
    added = send(
        server,
        "POST",
        "/api/entries",
        headers=auth,
        body=json.dumps({"url": url, "title": None, "content": None}, indent=2),
    )
    assert added.status == 200
    entry_id = added.json()["id"]
    # Sync until the body is no longer a collection: the page past the end is an error object.
    page, seen = 1, []
    while True:
        r = send(server, "GET", f"/api/entries.json?page={page}&perPage=1&order=desc", headers=auth)
        body = r.json()
        if "_embedded" not in body:
            assert r.status == 404 and set(body) >= {"error", "error_description"}
            break
        for item in body["_embedded"]["items"]:
            for key in ("id", "is_archived", "is_starred"):
                assert type(item[key]) is int
            assert isinstance(item["created_at"], str) and isinstance(item["updated_at"], str)
            seen.append(item["id"])
        page += 1
        assert page < 50
    assert entry_id in seen
    both = send(
        server,
        "PATCH",
        f"/api/entries/{entry_id}.json",
        headers=auth,
        body=json.dumps({"archive": 1, "starred": 1}),
    ).json()
    assert (both["is_archived"], both["is_starred"]) == (1, 1)
    tagged = send(
        server,
        "POST",
        f"/api/entries/{entry_id}/tags",
        headers=auth,
        body=json.dumps({"tags": "x"}),
    ).json()
    x = next(t for t in tagged["tags"] if t["label"] == "x")
    assert isinstance(x["id"], int) and x["slug"] == "x"
    untagged = send(server, "DELETE", f"/api/entries/{entry_id}/tags/{x['id']}", headers=auth)
    assert untagged.json()["tags"] == []
    assert send(server, "PATCH", f"/api/entries/{entry_id}/reload", headers=auth).status == 200
    config = send(server, "GET", "/api/config", headers=auth).json()
    assert isinstance(config["feed_limit"], int) and isinstance(config["reading_speed"], float)
    tags = send(server, "GET", "/api/tags", headers=auth)
    assert isinstance(tags.json(), list)
    deleted = send(server, "DELETE", f"/api/entries/{entry_id}", headers=auth)
    assert deleted.json()["id"] == entry_id
    bad = send(server, "GET", "/api/entries", headers=_bearer("bogus", **headers))
    assert bad.status == 401 and set(bad.json()) >= {"error", "error_description"}


# --- Miniflux and Readeck ------------------------------------------------------------------------


def test_miniflux(server: LiveServer, pair: dict[str, str], site: Site) -> None:
    token = send(
        server,
        "POST",
        "/oauth/v2/token",
        headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(
            {"grant_type": "password", "username": "reader", "password": PASSWORD} | pair
        ),
    )
    assert token.status < 400 and isinstance(token.json()["expires_in"], int)
    saved = send(
        server,
        "POST",
        "/api/entries.json",
        headers=_bearer(
            token.json()["access_token"],
            **{"Content-Type": "application/json", "Accept": "application/json"},
        ),
        body=json.dumps({"url": _story(site, "miniflux", 500), "title": "From Miniflux"}),
    )
    assert saved.status < 400 and saved.json()["title"] == "From Miniflux"


def test_readeck(server: LiveServer, pair: dict[str, str], site: Site) -> None:
    token = send(
        server,
        "POST",
        "/oauth/v2/token",
        headers={"Content-Type": "application/json"},
        body=json.dumps(
            {"grant_type": "password", "username": "reader", "password": PASSWORD} | pair
        ),
    )
    assert token.status == 200
    access = token.json()["access_token"]
    for n in range(12):
        send(
            server,
            "POST",
            "/api/entries",
            headers=_bearer(access, **{"Content-Type": "application/json"}),
            body=json.dumps({"url": _story(site, f"readeck-{n}", 600 + n)}),
        )
    # Follow _links.next.href (absolute) until it is absent.
    href: str | None = server.url("/api/entries?sort=created&order=desc&perPage=10&page=1")
    items: list[dict[str, Any]] = []
    pages = 0
    while href:
        where = urlsplit(href)
        assert where.scheme == "http" and where.netloc == urlsplit(server.base_url).netloc
        r = send(server, "GET", f"{where.path}?{where.query}", headers=_bearer(access))
        assert r.status == 200
        body = r.json()
        items += body["_embedded"]["items"]
        href = body["_links"].get("next", {}).get("href")
        pages += 1
        assert pages < 20
    assert len(items) == body["total"] >= 12
    for item in items:
        assert type(item["is_archived"]) is int and type(item["is_starred"]) is int
        assert item["headers"] is None or isinstance(item["headers"], dict)
        assert all(isinstance(t["label"], str) for t in item["tags"])
        assert item["published_by"] is None or all(isinstance(a, str) for a in item["published_by"])


# --- the Android app's check of the web pages ----------------------------------------------------

# The app's patterns (contract §1.3), compiled with DOTALL as it does.
LOGGED_IN = (re.compile(r'/logout"?>', re.S), re.compile(r'alt="wallabag logo" ?/?>', re.S))
LOGIN_FORM = re.compile(r'/login_check"? method="?post"? name="?loginform"?>', re.S)
CSRF = re.compile(r'<input type="hidden" name="_csrf_token" value="(.*?)" />', re.S)


def _regular(body: str) -> bool:
    return all(p.search(body) for p in LOGGED_IN)


def test_android_web_login_check(server: LiveServer) -> None:
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    first = browser.open(server.url("/"), timeout=60).read().decode()
    assert not _regular(first)
    assert LOGIN_FORM.search(first) and LOGGED_IN[1].search(first)
    token = CSRF.search(first)
    assert token is not None
    # A wrong password ends on the login page again.
    wrong = (
        browser.open(
            server.url("/login_check"),
            urlencode(
                {"_username": "reader", "_password": "nope", "_csrf_token": token.group(1)}
            ).encode(),
            timeout=60,
        )
        .read()
        .decode()
    )
    assert not _regular(wrong) and LOGIN_FORM.search(wrong)
    token = CSRF.search(wrong)
    assert token is not None
    done = (
        browser.open(
            server.url("/login_check"),
            urlencode(
                {"_username": "reader", "_password": PASSWORD, "_csrf_token": token.group(1)}
            ).encode(),
            timeout=60,
        )
        .read()
        .decode()
    )
    assert _regular(done)
    again = browser.open(server.url("/"), timeout=60).read().decode()
    assert _regular(again) and not LOGIN_FORM.search(again)
    # The marks' logout link is a page with the real (POST) button; a GET logs nobody out.
    assert "Log out" in browser.open(server.url("/logout"), timeout=60).read().decode()
    assert _regular(browser.open(server.url("/"), timeout=60).read().decode())


def test_android_login_check_without_the_token_is_refused(server: LiveServer) -> None:
    r = send(
        server,
        "POST",
        "/login_check",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"_username": "reader", "_password": PASSWORD}),
    )
    assert r.status == 403


# --- the Android app's connection wizard: its client from /developer -----------------------------

# The app's pattern for one client on /developer (contract §1.3), with DOTALL as it compiles it:
# the name, then id, secret, redirect addresses and grants, then the client's delete action.
CLIENT = re.compile(
    r'<div class="collapsible-header">([^<]+?)</div>'
    + r".*?<td><strong><code>([^<]+?)</code></strong></td>" * 4
    + r".*?/developer/client/delete/",
    re.S,
)
CREATE_TOKEN = ('<input type="hidden" id="client__token" name="client[_token]" value="', '" />')


def _between(body: str, start: str, end: str) -> str | None:
    at = body.find(start)
    if at < 0:
        return None
    at += len(start)
    stop = body.find(end, at)
    return body[at:stop] if stop >= 0 else None


class _AndroidWeb:
    """The app's web session: every page it reads, signing in again when it meets the login
    page (its `executeRequestForResult`)."""

    def __init__(self, server: LiveServer, password: str = PASSWORD) -> None:
        self.server = server
        self.password = password
        self.browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.logins = 0

    def _open(self, path: str, form: dict[str, str] | None = None) -> str:
        data = urlencode(form).encode() if form is not None else None
        with self.browser.open(self.server.url(path), data, timeout=60) as r:
            assert r.status == 200
            return str(r.read().decode())

    def page(self, path: str, form: dict[str, str] | None = None) -> str:
        body = self._open(path, form)
        if not (LOGIN_FORM.search(body) and LOGGED_IN[1].search(body)):
            return body
        token = CSRF.search(self._open("/"))
        assert token is not None
        login = {"_username": "reader", "_password": self.password, "_csrf_token": token.group(1)}
        assert not LOGIN_FORM.search(self._open("/login_check", login))
        self.logins += 1
        body = self._open(path, form)
        assert not LOGIN_FORM.search(body)
        return body

    def credentials(self, *, desperate: bool) -> tuple[str, str] | None:
        last = None
        for match in CLIENT.finditer(self.page("/developer")):
            last = (match.group(2), match.group(3))
            if match.group(1).startswith("Android app - #"):
                return last
        return last if desperate else None

    def connect(self) -> tuple[str, str]:
        found = self.credentials(desperate=False)
        if found is None:
            form = self.page("/developer/client/create")
            token = _between(form, *CREATE_TOKEN)
            assert token
            self.page(
                "/developer/client/create",
                {
                    "client[name]": "Android app",
                    "client[redirect_uris]": "",
                    "client[save]": "",
                    "client[_token]": token,
                },
            )
            found = self.credentials(desperate=True)
        assert found is not None
        return found


def _password_grant(server: LiveServer, password: str, client_id: str, secret: str) -> Answer:
    fields = {"grant_type": "password", "username": "reader", "password": password}
    return send(
        server,
        "POST",
        "/oauth/v2/token",
        **_form(**fields, client_id=client_id, client_secret=secret),
    )


def test_android_connection_wizard(server: LiveServer, pair: dict[str, str]) -> None:
    """Given the server, user name and password only, the app signs in, finds no client of its
    own among the reader's (the `pair` client is "apps"), makes one, reads its id and secret,
    and gets a token with them. Connecting again finds that client; nothing new is made."""
    app = _AndroidWeb(server)
    client_id, secret = app.connect()
    assert app.logins == 1
    assert client_id != pair["client_id"]
    token = _password_grant(server, PASSWORD, client_id, secret)
    assert token.status == 200 and token.json()["access_token"]
    again = _AndroidWeb(server)
    assert again.connect() == (client_id, secret)
    names = [m.group(1) for m in CLIENT.finditer(again.page("/developer"))]
    assert sum(n.startswith("Android app - #") for n in names) == 1
    assert any(n.startswith("apps - #") for n in names)


def test_android_wizard_token_is_checked(server: LiveServer) -> None:
    """The create form's `client[_token]` is Django's CSRF token under wallabag's name: a post
    without the session's token makes nothing."""
    app = _AndroidWeb(server)
    before = app.page("/developer")
    with pytest.raises(urllib.error.HTTPError) as refused:
        app.page(
            "/developer/client/create",
            {"client[name]": "Forged", "client[save]": "", "client[_token]": "x" * 64},
        )
    assert refused.value.code == 403
    assert app.page("/developer").count("collapsible-header") == before.count("collapsible-header")


def _app_password(server: LiveServer) -> str:
    """An app password made on the settings page, as the reader makes one."""
    app = _AndroidWeb(server)
    settings = app.page("/settings/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', settings)
    assert token is not None
    shown = app.page(
        "/settings/app-passwords/", {"label": "Phone", "csrfmiddlewaretoken": token.group(1)}
    )
    secret = re.search(r'id="app-password-secret">([^<]+)<', shown)
    assert secret is not None
    return secret.group(1)


def test_android_connection_wizard_with_an_app_password(server: LiveServer) -> None:
    """Given an app password, the app's web check and wizard pass and its token works; the web
    session that password opened reaches nothing else (the settings page sends to the login)."""
    secret = _app_password(server)
    app = _AndroidWeb(server, password=secret)
    client_id, client_secret = app.connect()
    assert app.logins == 1
    token = _password_grant(server, secret, client_id, client_secret)
    assert token.status == 200
    settings = app._open("/settings/")
    assert LOGIN_FORM.search(settings) and "app-password-secret" not in settings
