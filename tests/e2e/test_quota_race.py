"""The limit holds under real concurrency: 30 saves racing over HTTP against the real server
(SQLite in the default pass, PostgreSQL when DATABASE_URL is set), with its worker running."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.api import Api, create_user
from tests.support.fixture_server import FixtureServer
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow

RACERS = 30
QUOTA_MESSAGE = "You reached the limit of 20 saved items."
ALREADY_MESSAGE = "You have already saved this item."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("race")) as srv:
        yield srv


def race(server: LiveServer, token: str, urls: list[str]) -> list[httpx.Response]:
    """POST every URL at once: one thread and one connection each, released by a barrier."""
    barrier = threading.Barrier(len(urls))
    results: list[httpx.Response | BaseException | None] = [None] * len(urls)

    def fire(i: int) -> None:
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            client.get("/healthz")  # connect first, so the barrier releases ready sockets
            barrier.wait(timeout=30)
            try:
                results[i] = client.post("/api/v1/items", json={"url": urls[i]})
            except BaseException as exc:
                results[i] = exc

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(len(urls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a racing request hung"
    errors = [r for r in results if not isinstance(r, httpx.Response)]
    assert not errors, f"requests failed: {errors!r}\n{server.log()[-3000:]}"
    return [r for r in results if isinstance(r, httpx.Response)]


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


def test_thirty_saves_racing_at_19_of_20_give_exactly_one_success(
    server: LiveServer, news_site: FixtureServer
) -> None:
    token = create_user(server, "racer", quota="20")
    with Api(server, token) as api:
        for i in range(19):
            r = api.save(news_site.article(f"racer-before-{i}"))
            assert r.status_code == 201, r.text
        assert api.me()["counter"] == "Saved (19 of 20 items)"

        responses = race(
            server, token, [news_site.article(f"racer-race-{i}") for i in range(RACERS)]
        )

        assert statuses(responses) == {201: 1, 409: RACERS - 1}, (
            [(r.status_code, r.text[:200]) for r in responses if r.status_code not in (201, 409)],
            server.log()[-3000:],
        )
        for r in responses:
            if r.status_code == 409:
                assert r.json() == {"error": {"code": "quota_exceeded", "message": QUOTA_MESSAGE}}
        winner = next(r.json() for r in responses if r.status_code == 201)
        assert winner["status"] == "pending"

        items, count = api.all_items()
        assert count == 20 == len(items)
        assert len({i["canonical_url"] for i in items}) == 20
        assert winner["id"] in {i["id"] for i in items}
        assert api.me()["saved"] == 20
        assert api.me()["counter"] == "Saved (20 of 20 items)"
        # And the limit still holds afterwards, one at a time.
        late = api.save(news_site.article("racer-late"))
        assert late.status_code == 409 and late.json()["error"]["code"] == "quota_exceeded"


def test_thirty_saves_of_the_same_story_give_one_item(
    server: LiveServer, news_site: FixtureServer
) -> None:
    token = create_user(server, "twin", quota="20")
    url = news_site.article("twin-story")

    responses = race(server, token, [url] * RACERS)

    assert statuses(responses) == {201: 1, 409: RACERS - 1}, server.log()[-3000:]
    created = next(r.json() for r in responses if r.status_code == 201)
    for r in responses:
        if r.status_code == 409:
            assert r.json() == {
                "error": {
                    "code": "already_saved",
                    "message": ALREADY_MESSAGE,
                    "item_id": created["id"],
                }
            }
    with Api(server, token) as api:
        items, count = api.all_items()
        assert count == 1 and [i["id"] for i in items] == [created["id"]]


def test_thirty_spellings_of_one_story_racing_give_one_item(
    server: LiveServer, news_site: FixtureServer
) -> None:
    """Tracking parameters, host case, fragments: the same story after canonicalisation."""
    token = create_user(server, "spellings", quota="20")
    base = news_site.article("spelled-story")
    host_upper = base.replace("http://127.0.0.1", "HTTP://127.0.0.1")
    urls = [
        [
            f"{base}?utm_source=s{i}",
            f"{base}#part-{i}",
            f"{host_upper}?fbclid=f{i}&utm_medium=m",
        ][i % 3]
        for i in range(RACERS)
    ]

    responses = race(server, token, urls)

    assert statuses(responses) == {201: 1, 409: RACERS - 1}, server.log()[-3000:]
    created = next(r.json() for r in responses if r.status_code == 201)
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "already_saved"
    }
    with Api(server, token) as api:
        items, count = api.all_items()
        assert count == 1 and items[0]["id"] == created["id"]
