"""`broadsheet feeds` and `broadsheet topics`, called in-process like tests/cli/test_cli.py.

Feeds are fetched from the real loopback feed server (tests/support/feed_server.py), never the
internet; stories for topics come through the real pipeline from the loopback `site`.
"""

from __future__ import annotations

import io
import socketserver
import sys
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from broadsheet import feeds
from broadsheet.core import polling, services
from broadsheet.core.errors import InvalidQuery
from broadsheet.core.models import Feed, FeedEntry, Item, Topic
from tests.cli.test_cli import run
from tests.conftest import Site
from tests.support.feed_server import FeedItem, FeedServer, serve_feeds

pytestmark = pytest.mark.django_db

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def feed_server(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    real = socketserver.BaseServer.handle_error

    def handle_error(self: Any, request: Any, client_address: Any) -> None:
        # The fetcher closes a connection it has no more use for (after an error status): not
        # worth a traceback on standard error, where the commands under test write theirs.
        if not isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError):
            real(self, request, client_address)

    monkeypatch.setattr(ThreadingHTTPServer, "handle_error", handle_error)
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "true"
    settings.BROADSHEET_FETCH_RETRIES = 0
    settings.BROADSHEET_FETCH_DEADLINE = 3
    with serve_feeds() as server:
        yield server


def _rows(out: str) -> list[list[str]]:
    """The tab-separated lines of a listing, after its first line."""
    return [line.split("\t") for line in out.splitlines()[1:]]


# --- feeds: add, list, remove ---------------------------------------------------------------------


def test_feeds_add_list_and_remove(
    capsys: Capture, feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    code, out, _ = run(capsys, "feeds", "list", "--user", "alice")
    assert code == 0
    assert out.strip() == (
        "alice follows no feeds. Follow one with: broadsheet feeds add URL --user alice"
    )

    feed_server.set_rss(
        "news", "Loopback News", [FeedItem("b", "Second story"), FeedItem("a", "First story")]
    )
    url = feed_server.feed_url("news")
    code, out, err = run(capsys, "feeds", "add", url, "--user", "alice", "--category", "Local")
    assert (code, err.splitlines()) == (0, [])
    feed = Feed.objects.get(user_id=alice.pk)
    assert out.splitlines() == [
        f"Following feed {feed.pk}: Loopback News <{url}>",
        "2 entries so far; the worker checks it for new ones from now on.",
    ]
    # Checked once, here: the entries are stored and the feed is no longer pending.
    assert feed_server.count("/feeds/news") == 1
    assert feed.status == Feed.Status.OK and feed.category == "Local"
    assert FeedEntry.objects.filter(feed=feed).count() == 2

    code, out, _ = run(capsys, "feeds", "list", "--user", "alice")
    assert code == 0
    assert out.splitlines()[0] == "alice follows 1 feed."
    [row] = _rows(out)
    assert row[:3] == [str(feed.pk), "Loopback News", url]
    assert row[3].startswith("2 entries, checked ") and row[3].endswith(" UTC")
    assert row[4] == "Local"

    code, out, _ = run(capsys, "feeds", "remove", str(feed.pk), "--user", "alice")
    assert code == 0
    assert out.strip() == (
        f"No longer following feed {feed.pk}: Loopback News. Stories you saved stay."
    )
    assert not Feed.objects.filter(pk=feed.pk).exists()
    assert not FeedEntry.objects.exists()
    assert run(capsys, "feeds", "list", "--user", "alice")[1].startswith("alice follows no feeds.")

    code, out, err = run(capsys, "feeds", "remove", str(feed.pk), "--user", "alice")
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"broadsheet: no feed {feed.pk} for alice"]


def test_feeds_add_by_a_sites_address(
    capsys: Capture, feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    feed_server.set_atom("world", "World Desk", [FeedItem("w1", "A world story")])
    site = feed_server.url("/site")
    code, out, _ = run(capsys, "feeds", "add", site, "--user", "alice")
    assert code == 0
    feed = Feed.objects.get(user_id=alice.pk)
    assert feed.url == feed_server.feed_url("world") and feed.given_url == site
    assert out.splitlines()[0] == (
        f"Following feed {feed.pk}: World Desk <{feed_server.feed_url('world')}> (found on {site})"
    )
    assert out.splitlines()[1].startswith("1 entry so far;")


def test_feeds_add_twice_is_refused(
    capsys: Capture, feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    feed_server.set_rss("news", "Loopback News", [FeedItem("a", "First story")])
    url = feed_server.feed_url("news")
    assert run(capsys, "feeds", "add", url, "--user", "alice")[0] == 0
    feed = Feed.objects.get(user_id=alice.pk)

    code, out, err = run(capsys, "feeds", "add", url, "--user", "alice")
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"Failed to follow: You already follow this feed. (feed {feed.pk})"]
    assert Feed.objects.filter(user_id=alice.pk).count() == 1
    assert feed_server.count("/feeds/news") == 1  # refused before any fetch

    # A site whose feed is followed already: found when the page is followed to its feed.
    code, _, err = run(capsys, "feeds", "add", feed_server.url("/site"), "--user", "alice")
    assert code == 1
    assert (
        err.splitlines()[0] == "Failed to follow: You already follow the feed this page links to."
    )


def test_feeds_add_a_page_without_a_feed(
    capsys: Capture, feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    feed_server.set_html("plain", "<html><head><title>No feed</title></head><body>Hi</body></html>")
    url = feed_server.url("/html/plain")
    code, out, err = run(capsys, "feeds", "add", url, "--user", "alice")
    assert (code, out) == (1, "")
    feed = Feed.objects.get(user_id=alice.pk)
    lines = err.splitlines()
    assert lines[0] == f"Failed to follow: {polling.NOT_A_FEED}"
    assert lines[0] == (
        "Failed to follow: This address is a web page without a feed "
        "(no RSS, Atom or JSON feed is linked)."
    )
    assert lines[1].endswith(f"remove it with: broadsheet feeds remove {feed.pk} --user alice")
    # Kept, marked failed, as the feeds page shows it.
    assert feed.status == Feed.Status.FAILED and feed.error == polling.NOT_A_FEED
    [row] = _rows(run(capsys, "feeds", "list", "--user", "alice")[1])
    assert row == [str(feed.pk), url, url, f"failed: {polling.NOT_A_FEED}"]


def test_feeds_add_failures(
    capsys: Capture, feed_server: FeedServer, alice: AbstractBaseUser, settings: Any
) -> None:
    code, _, err = run(capsys, "feeds", "add", feed_server.url("/status/404"), "--user", "alice")
    assert code == 1
    assert err.splitlines()[0].startswith("Failed to follow: ") and "404" in err.splitlines()[0]

    code, _, err = run(capsys, "feeds", "add", "ftp://news.example/feed", "--user", "alice")
    assert code == 1
    assert err.splitlines() == ["Failed to follow: Only http and https addresses can be saved."]

    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "false"
    feed_server.set_rss("news", "Loopback News", [FeedItem("a", "First story")])
    code, _, err = run(capsys, "feeds", "add", feed_server.feed_url("news"), "--user", "alice")
    assert code == 1 and err.splitlines()[0] == "Failed to follow: The address is not allowed."
    assert feed_server.count("/feeds/news") == 0

    code, _, err = run(capsys, "feeds", "add", feed_server.feed_url("x"), "--user", "ghost")
    assert code == 1 and err.splitlines() == ["broadsheet: no user named 'ghost'"]
    assert Feed.objects.count() == 2  # the 404 and the private one, both failed
    assert set(Feed.objects.values_list("status", flat=True)) == {Feed.Status.FAILED}


# --- feeds: poll ----------------------------------------------------------------------------------


def test_feeds_poll_asks_the_worker_and_now_checks_here(
    capsys: Capture, feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    assert run(capsys, "feeds", "poll", "--user", "alice")[1].strip() == (
        "alice follows no feeds: nothing to check."
    )
    feed_server.set_rss("news", "Loopback News", [FeedItem("a", "First story")])
    assert run(capsys, "feeds", "add", feed_server.feed_url("news"), "--user", "alice")[0] == 0
    feed = Feed.objects.get(user_id=alice.pk)
    assert feed.next_poll_at is not None and feed.next_poll_at > timezone.now()

    code, out, _ = run(capsys, "feeds", "poll", str(feed.pk), "--user", "alice")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Feed {feed.pk} (Loopback News): a check is due now."
    assert lines[1].startswith("This command fetches nothing: a running worker")
    assert "within 30 seconds" in lines[1]  # BROADSHEET_TASK_LEASE 120 / 2
    feed.refresh_from_db()
    assert feed.next_poll_at is not None and feed.next_poll_at <= timezone.now()
    assert feed_server.count("/feeds/news") == 1  # nothing fetched...
    assert polling.claim_due() == [feed.pk]  # ...but the worker's sweep now takes it

    feed_server.set_rss(
        "news", "Loopback News", [FeedItem("b", "Second story"), FeedItem("a", "First story")]
    )
    code, out, _ = run(capsys, "feeds", "poll", "--now", "--user", "alice")
    assert code == 0
    assert out.strip() == f"Feed {feed.pk} (Loopback News): 1 new entry."
    assert FeedEntry.objects.filter(feed=feed).count() == 2
    code, out, _ = run(capsys, "feeds", "poll", str(feed.pk), "--now", "--user", "alice")
    assert (code, out.strip()) == (0, f"Feed {feed.pk} (Loopback News): nothing new.")
    assert feed_server.requests("/feeds/news")[-1].if_none_match  # a conditional GET: 304

    broken = services.subscribe(alice, feed_server.url("/status/500"))
    code, out, err = run(capsys, "feeds", "poll", "--now", "--user", "alice")
    assert code == 1
    assert out.strip() == f"Feed {feed.pk} (Loopback News): nothing new."
    [failed] = err.splitlines()
    assert failed.startswith(f"Feed {broken.pk} (") and "): failed: " in failed and "500" in failed

    code, _, err = run(capsys, "feeds", "poll", "424242", "--user", "alice")
    assert code == 1 and err.splitlines() == ["broadsheet: no feed 424242 for alice"]


# --- feeds: OPML ----------------------------------------------------------------------------------

OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="News"><outline type="rss" text="Loopback &amp; Co" xmlUrl="https://a.example/feed"/>
  <outline type="rss" text="Evil" xmlUrl="javascript:alert(1)"/></outline>
  <outline type="rss" text="Other" xmlUrl="https://b.example/rss"/></body></opml>"""


def test_feeds_import_and_export_round_trip(
    capsys: Capture,
    tmp_path: Path,
    alice: AbstractBaseUser,
    bob: AbstractBaseUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "mine.opml"
    path.write_bytes(OPML)
    code, out, err = run(capsys, "feeds", "import", str(path), "--user", "alice")
    assert (code, err) == (0, "")
    a = Feed.objects.get(user_id=alice.pk, url="https://a.example/feed")
    b = Feed.objects.get(user_id=alice.pk, url="https://b.example/rss")
    assert out.splitlines() == [
        f"Added feed {a.pk}: Loopback & Co <https://a.example/feed> (News)",
        f"Added feed {b.pk}: Other <https://b.example/rss>",
        "Skipped Evil: Not a web address (javascript: addresses are not followed).",
        "Imported 2 feeds, 1 skipped.",
        "Their first check is the worker's (broadsheet run, or broadsheet worker).",
    ]
    assert a.status == Feed.Status.PENDING  # imported feeds are checked by the worker

    # Again, from standard input: nothing new.
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(OPML)))
    code, out, _ = run(capsys, "feeds", "import", "-", "--user", "alice")
    assert code == 0
    assert out.splitlines()[-1] == "Imported 0 feeds, 2 already followed, 1 skipped."
    assert Feed.objects.filter(user_id=alice.pk).count() == 2

    code, printed, _ = run(capsys, "feeds", "export", "--user", "alice")
    assert code == 0 and printed.startswith("<?xml")
    exported = tmp_path / "export.opml"
    code, out, err = run(capsys, "feeds", "export", "--user", "alice", "--output", str(exported))
    assert (code, out, err.strip()) == (0, "", f"Wrote {exported}")
    assert exported.read_bytes().decode("utf-8") == printed
    assert "javascript" not in printed and "Loopback &amp; Co" in printed

    # The export, imported by another reader, gives the same feeds, titles and categories.
    code, out, _ = run(capsys, "feeds", "import", str(exported), "--user", "bob")
    assert code == 0 and out.splitlines()[-2] == "Imported 2 feeds."

    def feeds_of(user: AbstractBaseUser) -> list[tuple[str, str, str]]:
        return sorted(Feed.objects.filter(user_id=user.pk).values_list("url", "title", "category"))

    assert (
        feeds_of(bob)
        == feeds_of(alice)
        == [
            ("https://a.example/feed", "Loopback & Co", "News"),
            ("https://b.example/rss", "Other", ""),
        ]
    )


def test_feeds_import_refuses_what_is_not_opml(
    capsys: Capture, tmp_path: Path, alice: AbstractBaseUser
) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<html><body>not opml</body></html>")
    with pytest.raises(feeds.FeedError) as refused:
        feeds.parse_opml(page.read_bytes())
    code, out, err = run(capsys, "feeds", "import", str(page), "--user", "alice")
    assert (code, out) == (1, "")
    assert err.strip() == f"Failed to import: {refused.value.message}"

    empty = tmp_path / "empty.opml"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "feeds", "import", str(empty), "--user", "alice")
    assert (code, err.strip()) == (1, "Failed to import: The file is empty.")

    too_big = tmp_path / "big.opml"
    too_big.write_bytes(OPML + b" " * feeds.MAX_OPML_BYTES)
    code, _, err = run(capsys, "feeds", "import", str(too_big), "--user", "alice")
    assert code == 1 and "larger than 5 MiB" in err

    missing = tmp_path / "missing.opml"
    code, _, err = run(capsys, "feeds", "import", str(missing), "--user", "alice")
    assert (code, err.strip()) == (2, f"broadsheet: no such file: {missing}")
    assert not Feed.objects.exists()


# --- topics ---------------------------------------------------------------------------------------

SUMMIT = [
    "Negotiators at the COP29 climate summit in Baku agreed on Sunday to a new climate finance "
    "goal after talks ran two days past their deadline.",
    "Mukhtar Babayev, the summit's president, said the deal on climate finance was the best "
    "that could be reached. António Guterres, the UN secretary-general, said he had hoped for "
    "more ambition on emissions.",
    "Babayev told delegates in Baku that the Paris Agreement remained the frame for every "
    "country's emissions plans. Guterres urged rich countries to honour the climate finance "
    "pledge.",
]
FERRY = [
    "The harbour ferry returned to service on Monday after three months of winter repairs, "
    "and the first crossing of the morning was full of commuters and cyclists.",
    "Engineers replaced both engines and the passenger deck over the winter. The operator said "
    "the ferry would run every twenty minutes on weekdays from now on.",
    "Residents on the far side of the harbour had waited for the crossing since November, when "
    "a storm damaged the landing stage and the old engines failed for good.",
]
BUDGET = [
    "The council postponed its vote on next year's budget on Tuesday evening after members "
    "asked for more time to study the cuts proposed for libraries and schools.",
    "The mayor said the delay would not affect services, but the finance committee warned that "
    "every week without a budget made the spring spending round harder to plan.",
    "A new date for the vote will be set at the next meeting of the council, which opens its "
    "doors to residents who want to speak about the proposals.",
]


def _page(title: str, paragraphs: list[str], site_name: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} | {site_name}</title>"
        f"<meta property='og:site_name' content='{site_name}'></head><body><article>"
        f"<h1>{title}</h1>{body}</article></body></html>"
    )


@pytest.mark.django_db(transaction=True)
def test_topics_add_by_query_list_show_and_remove(
    capsys: Capture,
    make_user: Callable[..., AbstractBaseUser],
    site: Site,
    pipeline: Any,
    run_tasks: Callable[[], int],
) -> None:
    reader = make_user("alice")
    code, out, _ = run(capsys, "topics", "list", "--user", "alice")
    assert code == 0 and out.startswith("alice follows no topics. Follow one with: ")
    ferry_page = _page("Harbour ferry returns after winter repairs", FERRY, "The Daily Example")
    ferry = services.save_item(reader, site.add("/cli-topics/ferry", ferry_page))
    budget_page = _page("Council budget vote delayed", BUDGET, "The Daily Example")
    services.save_item(reader, site.add("/cli-topics/budget", budget_page))
    run_tasks()
    assert set(Item.objects.values_list("status", flat=True)) == {Item.Status.READY}

    capsys.readouterr()  # the worker's log lines
    code, out, _ = run(
        capsys, "topics", "add", "--user", "alice", "--name", "Harbour", "--query", "ferry;harbour"
    )
    assert code == 0
    topic = Topic.objects.get(user_id=reader.pk)
    assert out.splitlines()[:2] == [f"Following topic {topic.pk}: Harbour", "Terms: ferry, harbour"]
    assert topic.query == "ferry, harbour"  # stored in its tidy form

    # The worker has not looked yet: the topic says so.
    code, out, _ = run(capsys, "topics", "show", str(topic.pk), "--user", "alice")
    assert code == 0
    assert out.splitlines() == [
        f"Topic {topic.pk}: Harbour",
        "Query: ferry, harbour",
        "0 stories on it, 0 new",
        "No stories on it yet. New ones from your saves and feeds will show here.",
    ]

    run_tasks()  # the topic's rematch finds the ferry story, not the budget one
    code, out, _ = run(capsys, "topics", "show", str(topic.pk), "--user", "alice")
    assert out.splitlines() == [
        f"Topic {topic.pk}: Harbour",
        "Query: ferry, harbour",
        "1 story on it, 1 new",
        f"item {ferry.pk}\tHarbour ferry returns after winter repairs\tThe Daily Example",
    ]
    code, out, _ = run(capsys, "topics", "list", "--user", "alice")
    assert out.splitlines()[0] == "alice follows 1 topic."
    assert _rows(out) == [[str(topic.pk), "Harbour", "ferry, harbour", "1 story, 1 new"]]

    code, out, _ = run(capsys, "topics", "remove", str(topic.pk), "--user", "alice")
    assert code == 0
    assert out.strip() == (
        f"No longer following topic {topic.pk}: Harbour. Its stories stay in your list."
    )
    assert not Topic.objects.exists() and Item.objects.count() == 2
    code, _, err = run(capsys, "topics", "show", str(topic.pk), "--user", "alice")
    assert (code, err.strip()) == (1, f"broadsheet: no topic {topic.pk} for alice")
    code, _, err = run(capsys, "topics", "remove", str(topic.pk), "--user", "alice")
    assert (code, err.strip()) == (1, f"broadsheet: no topic {topic.pk} for alice")


@pytest.mark.django_db(transaction=True)
def test_topics_add_from_a_saved_story(
    capsys: Capture,
    make_user: Callable[..., AbstractBaseUser],
    site: Site,
    pipeline: Any,
    run_tasks: Callable[[], int],
) -> None:
    reader = make_user("alice")
    summit_page = _page("COP29 deal in Baku on climate finance", SUMMIT, "World Desk")
    story = services.save_item(reader, site.add("/cli-topics/summit", summit_page))
    run_tasks()
    story.refresh_from_db()
    assert story.status == Item.Status.READY, story.error

    capsys.readouterr()  # the worker's log lines
    code, out, _ = run(capsys, "topics", "add", "--user", "alice", "--item", str(story.pk))
    assert code == 0
    topic = Topic.objects.get(user_id=reader.pk)
    assert topic.from_item_id == story.pk
    lines = out.splitlines()
    assert lines[0] == f"Following topic {topic.pk}: {topic.name}"
    terms = [t.casefold() for t in lines[1].removeprefix("Terms: ").split(", ")]
    assert "baku" in terms and any("cop" in t for t in terms)
    assert lines[2] == f"Made from item {story.pk}'s key terms; that story is on it."

    code, out, _ = run(capsys, "topics", "show", str(topic.pk), "--user", "alice")
    assert code == 0
    assert f"item {story.pk}\tCOP29 deal in Baku on climate finance\tWorld Desk" in out.splitlines()

    # A story not fetched yet has no key terms: the reader is told to write the topic.
    pending = services.save_item(reader, site.base_url + "/cli-topics/not-yet")
    code, out, err = run(capsys, "topics", "add", "--user", "alice", "--item", str(pending.pk))
    assert (code, out) == (1, "")
    assert err.strip() == (
        "Failed to follow: This story has no key terms to follow yet; write the topic yourself."
    )
    code, _, err = run(capsys, "topics", "add", "--user", "alice", "--item", "424242")
    assert (code, err.strip()) == (1, "broadsheet: no item 424242 for alice")
    assert Topic.objects.count() == 1


@pytest.mark.parametrize(
    "query",
    ["", " , ,", "-football", "coal, -coal", "x" * 81, ", ".join(f"t{n}" for n in range(21))],
)
def test_topics_add_refuses_an_invalid_query(
    capsys: Capture, alice: AbstractBaseUser, query: str
) -> None:
    with pytest.raises(InvalidQuery) as refused:
        services.create_topic(alice, "Mine", query)
    # --query=VALUE: a query may start with "-" (an exclusion), which would read as an option.
    code, out, err = run(
        capsys, "topics", "add", "--user", "alice", "--name", "Mine", f"--query={query}"
    )
    assert (code, out) == (1, "")
    assert err.strip() == f"Failed to follow: {refused.value.message}"
    assert not Topic.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "Mine"], "--name needs --query"),
        (["--item", "1", "--query", "a, b"], "--query goes with --name"),
        (["--item", "1", "--name", "Mine"], "not allowed with argument"),
        (["--query", "a, b"], "one of the arguments --item --name is required"),
        (["--item", "first"], "invalid int value"),
    ],
)
def test_topics_add_usage_errors(
    capsys: Capture, alice: AbstractBaseUser, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "topics", "add", "--user", "alice", *args)
    assert (code, out) == (2, "")
    assert message in err
    assert not Topic.objects.exists()


# --- another reader's rows ------------------------------------------------------------------------


def test_another_readers_feeds_topics_and_items_are_not_found(
    capsys: Capture, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    feed = services.subscribe(bob, "https://news.example/feed.xml")
    topic = services.create_topic(bob, "Harbour", "harbour, ferry")
    item = services.save_item(bob, "https://news.example/story")

    for args, what in [
        (["feeds", "remove", str(feed.pk)], f"feed {feed.pk}"),
        (["feeds", "poll", str(feed.pk)], f"feed {feed.pk}"),
        (["feeds", "poll", str(feed.pk), "--now"], f"feed {feed.pk}"),
        (["topics", "show", str(topic.pk)], f"topic {topic.pk}"),
        (["topics", "remove", str(topic.pk)], f"topic {topic.pk}"),
        (["topics", "add", "--item", str(item.pk)], f"item {item.pk}"),
    ]:
        code, out, err = run(capsys, *args, "--user", "alice")
        assert (code, out) == (1, ""), args
        assert err.strip() == f"broadsheet: no {what} for alice", args

    # Nothing of bob's moved, and alice's lists stay empty.
    feed_after = Feed.objects.get(pk=feed.pk)
    assert feed_after.next_poll_at == feed.next_poll_at and feed_after.status == "pending"
    assert Topic.objects.filter(user_id=bob.pk).count() == 1 and not Topic.objects.filter(
        user_id=alice.pk
    )
    assert run(capsys, "feeds", "list", "--user", "alice")[1].startswith("alice follows no feeds")
    assert run(capsys, "topics", "list", "--user", "alice")[1].startswith("alice follows no topics")
    # bob sees his own.
    [row] = _rows(run(capsys, "feeds", "list", "--user", "bob")[1])
    url = "https://news.example/feed.xml"
    assert row == [str(feed.pk), url, url, "checking"]  # no title before its first check
    [row] = _rows(run(capsys, "topics", "list", "--user", "bob")[1])
    assert row[:3] == [str(topic.pk), "Harbour", "harbour, ferry"]
