"""Every way in saves the same clean story: the web form (a real logged-in session with its CSRF
token), the API (a bearer token from the CLI) and the CLI, against the real server and its real
worker, fetching the fixture news pages over real HTTP on loopback. And bad input through the
same doors gives a clear error and leaves no broken row."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tests.e2e.api import Api, WebSession, create_user
from tests.support.fixture_server import PAGES, FixtureServer
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow

SAVED = "This item has been saved to read later from any device."
VIA = ("web", "api", "cli")


def expected_pages() -> list[str]:
    return sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))


def page_file(name: str) -> Path:
    for candidate in (PAGES / name, PAGES / f"{name}.html"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no HTML for {name} in {PAGES}")


def expected_of(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAGES / f"{name}.expected.json").read_text("utf-8"))
    return data


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def html_text(markup: str) -> str:
    """The words of stored HTML (tags dropped, entities decoded, spaces collapsed)."""
    return squash(htmllib.unescape(re.sub(r"<[^>]+>", " ", markup)))


def source_texts(name: str, xpath: str) -> list[str]:
    """Texts of the elements `xpath` selects in the fixture page as served."""
    tree = lxml.html.fromstring(page_file(name).read_bytes())
    return [squash(el.text_content()) for el in tree.xpath(xpath)]


def figure_strings(name: str, expected: dict[str, Any]) -> list[str]:
    """The expected sentences that are photo captions or credits in the page (inside a
    <figcaption>): these must survive into the stored HTML, with the figure."""
    captions = source_texts(name, "//figcaption")
    return [s for s in expected.get("must_contain", []) if any(squash(s) in c for c in captions)]


def contains_phrase(haystack: str, phrase: str) -> bool:
    """A chrome phrase as a reader would see it: single words match whole words only
    ("close" is the gallery button, not part of "closely")."""
    phrase = squash(phrase)
    if re.fullmatch(r"\w+", phrase):
        return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", haystack) is not None
    return phrase in haystack


@dataclass
class Saved:
    server: LiveServer
    tokens: dict[str, str]
    items: dict[tuple[str, str], dict[str, Any]]  # (page, via) -> the item once settled
    web_home: str


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, news_site: FixtureServer) -> Iterator[Saved]:
    """One live server; each fixture page saved by three users, one per door."""
    pages = expected_pages()
    with live_server(tmp_path_factory.mktemp("paths")) as server:
        tokens = {via: create_user(server, f"via-{via}") for via in VIA}
        ids: dict[tuple[str, str], int] = {}

        session = WebSession(server, "via-web")
        for name in pages:
            r = session.save(news_site.page(page_file(name).name))
            assert [h.status_code for h in r.history] == [303], r.text
            assert r.status_code == 200 and r.url.path == "/"
            assert SAVED in r.text
        with Api(server, tokens["web"]) as api:
            by_url = {i["url"]: i["id"] for i in api.all_items()[0]}
        for name in pages:
            ids[(name, "web")] = by_url[news_site.page(page_file(name).name)]

        with Api(server, tokens["api"]) as api:
            for name in pages:
                r = api.save(news_site.page(page_file(name).name))
                assert r.status_code == 201, r.text
                assert r.json()["status"] == "pending"
                ids[(name, "api")] = r.json()["id"]

        for name in pages:
            out = server.cli("save", news_site.page(page_file(name).name), "--user", "via-cli")
            assert SAVED in out.stdout
            m = re.search(r"Saved item (\d+):", out.stdout)
            assert m, out.stdout
            ids[(name, "cli")] = int(m.group(1))

        items: dict[tuple[str, str], dict[str, Any]] = {}
        for via in VIA:
            with Api(server, tokens[via]) as api:
                keys = [k for k in ids if k[1] == via]
                done = api.wait_settled([ids[k] for k in keys], deadline=30)
                items.update({k: done[ids[k]] for k in keys})
        home = session.get("/").text
        session.close()
        yield Saved(server, tokens, items, home)


def test_there_are_fixture_pages_to_save() -> None:
    assert expected_pages(), f"no *.expected.json in {PAGES}"


@pytest.mark.parametrize("via", VIA)
@pytest.mark.parametrize("name", expected_pages())
def test_saved_story_is_clean(saved: Saved, name: str, via: str) -> None:
    expected = expected_of(name)
    item = saved.items[(name, via)]
    assert item["status"] == "ready", (item["error_code"], item["error"])
    text = squash(item["text"])
    body = html_text(item["html"])

    figures = figure_strings(name, expected)
    for sentence in expected.get("must_contain", []):
        if sentence not in figures:  # captions are in the HTML with their photo, not the text
            assert squash(sentence) in text, f"missing from text: {sentence!r}"
    for figure in figures:
        assert squash(figure) in body, f"caption/credit missing from html: {figure!r}"
    if source_texts(name, "//figure//img"):
        assert "<figure" in item["html"] or "<img" in item["html"], "the photos were dropped"
    for chrome in expected.get("must_not_contain", []):
        assert not contains_phrase(text, chrome), f"chrome in text: {chrome!r}"
        assert not contains_phrase(body, chrome), f"chrome in html: {chrome!r}"
    # Widget labels of the page (a gallery's "close", toggles) never stand alone in the story.
    blocks = {squash(line) for line in re.split(r"\n+", item["text"])}
    for label in source_texts(name, "//button"):
        if label:
            assert label not in blocks, f"button label as a paragraph: {label!r}"
            assert f">{label}<" not in item["html"], f"button label in html: {label!r}"
    for key in ("title", "byline", "site_name"):
        if expected.get(key) is not None:
            assert squash(item[key]) == squash(expected[key]), key
    if expected.get("published"):
        assert item["published"], "no publication date"
        when = dt.datetime.fromisoformat(item["published"].replace("Z", "+00:00"))
        assert when == dt.datetime.fromisoformat(expected["published"])
    assert "<script" not in item["html"].lower()


def canonical_html(markup: str) -> str:
    """The stored HTML with each element's attributes sorted (the sanitizer's attribute order is
    not stable from one process to the next, which changes nothing for a reader)."""
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    for el in root.iter():
        if isinstance(el.tag, str):
            attrs = sorted(el.attrib.items())
            el.attrib.clear()
            el.attrib.update(attrs)
    return lxml.html.tostring(root, encoding="unicode")


def test_the_three_doors_store_the_same_story(saved: Saved) -> None:
    for name in expected_pages():
        web, api, cli = (saved.items[(name, via)] for via in VIA)
        for key in ("title", "byline", "site_name", "text", "word_count", "published"):
            assert web[key] == api[key] == cli[key], (name, key)
        assert (
            canonical_html(web["html"])
            == canonical_html(api["html"])
            == canonical_html(cli["html"])
        ), name


def test_web_counter_shows_the_saved_items(saved: Saved) -> None:
    n = len(expected_pages())
    assert f"Saved ({n} {'item' if n == 1 else 'items'})" in saved.web_home


# --- bad input ------------------------------------------------------------------------------------

MALFORMED = ["not a url", "http://", "http://a..b/story", "https://exa mple.com/", "   "]
UNSUPPORTED = [
    "ftp://example.com/story",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/html,<p>hi</p>",
    "mailto:desk@example.com",
]
# Address on the loopback site -> what the reader should be told (a word of the reason).
BAD_PAGES = {
    "/empty": "empty",
    "/type/application/pdf": "not a web page",
    "/giant": "larger",
    "/status/404": "404",
}


def assert_human(reason: str) -> None:
    assert reason and reason[0].isupper() and len(reason) < 300, reason
    for jargon in ("Traceback", "Exception", "Error(", "httpx", "errno", "None"):
        assert jargon not in reason, reason


def assert_consistent(api: Api) -> list[dict[str, Any]]:
    items, count = api.all_items()
    assert count == len(items) == api.me()["saved"]
    for i in items:
        assert api.item(i["id"])["id"] == i["id"]
    return items


def test_bad_addresses_are_refused_at_every_door(saved: Saved) -> None:
    server = saved.server
    token = create_user(server, "bad-doors")
    session = WebSession(server, "bad-doors")
    with Api(server, token) as api:
        for url in MALFORMED + UNSUPPORTED:
            r = api.save(url)
            assert r.status_code == 422, (url, r.status_code, r.text)
            err = r.json()["error"]
            assert err["code"] == "invalid_url", url
            assert_human(err["message"])
            if url in UNSUPPORTED:
                assert err["message"] == "Only http and https addresses can be saved."

            page = session.save(url)
            assert page.status_code == 422, (url, page.status_code)
            assert "Failed to save" in page.text

        for url in (MALFORMED[0], MALFORMED[2], UNSUPPORTED[0], UNSUPPORTED[1]):
            out = server.cli("save", url, "--user", "bad-doors", check=False)
            assert out.returncode == 1 and out.stderr.startswith("Failed to save: "), out
            assert "Traceback" not in out.stderr

        r = api.client.post("/items", content=b"", headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
        r = api.client.post("/items", json={"url": "https://example.com/", "user_id": 1})
        assert r.status_code == 422

        assert assert_consistent(api) == []
        assert api.me()["counter"] == "Saved (0 items)"
    session.close()


def test_pages_that_are_not_stories_fail_with_a_reason(
    saved: Saved, news_site: FixtureServer
) -> None:
    server = saved.server
    token = create_user(server, "bad-pages")
    with Api(server, token) as api:
        accepted: dict[int, str] = {}
        for path, word in BAD_PAGES.items():
            r = api.save(news_site.url(path))
            if r.status_code == 422:  # refused at once is fine too, with a reason
                assert_human(r.json()["error"]["message"])
                continue
            assert r.status_code == 201, (path, r.text)
            accepted[r.json()["id"]] = word
        settled = api.wait_settled(accepted, deadline=30)
        for item_id, word in accepted.items():
            item = settled[item_id]
            assert item["status"] == "failed", item
            assert item["error_code"], item
            assert_human(item["error"])
            assert word.lower() in item["error"].lower(), item["error"]
            assert item["text"] == "" and item["html"] == ""

        items = assert_consistent(api)
        assert {i["id"] for i in items} == set(accepted)
        assert api.me()["saved"] == len(accepted)
        # A failed item can be retried and still fails the same way, without a second row.
        some = next(iter(accepted))
        r = api.client.post(f"/items/{some}/retry")
        assert r.status_code == 202, r.text
        again = api.wait_settled([some], deadline=30)[some]
        assert again["status"] == "failed" and again["error"] == settled[some]["error"]
        assert len(assert_consistent(api)) == len(accepted)
