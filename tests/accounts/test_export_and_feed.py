"""Export (web, API, CLI: one function) and the private Atom feed, with hostile titles, site
names and bylines escaped for each output: HTML, attributes, JSON, CSV, Atom and the terminal."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import feedparser
import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.test import Client

from broadsheet import cli
from broadsheet.core import export
from broadsheet.web import feed
from tests.accounts.conftest import CONTROL, HOSTILE, item_with
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile_items(alice: AbstractBaseUser) -> list[Any]:
    """One item per hostile string, in title, site name, byline, agency and summary."""
    return [
        item_with(alice, n, title=s, site_name=s, byline=s, agency=s, summary=s)
        for n, s in enumerate(HOSTILE)
    ]


# --- the core function ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("A normal title", "A normal title"),
        ("1+1", "1+1"),
        ("nul\x00and\x1bescape", "nulandescape"),
        ("\x00=1", "'=1"),  # a control character cannot hide a formula
        (None, ""),
        (True, "true"),
        (42, "42"),
    ],
)
def test_csv_cells(value: Any, cell: str) -> None:
    assert export.csv_cell(value) == cell


def test_csv_round_trips_with_the_csv_module() -> None:
    rows = [
        {c: None for c in export.COLUMNS}
        | {"id": n, "title": s, "site_name": s, "byline": s, "archived": False}
        for n, s in enumerate([*HOSTILE, "nul \x00 inside", 'a "quoted", comma\nnewline'])
    ]
    text = export.to_csv(rows)
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back[0] == list(export.COLUMNS)
    assert len(back) == len(rows) + 1
    for row, parsed in zip(rows, back[1:], strict=True):
        assert parsed[export.COLUMNS.index("title")] == export.csv_cell(row["title"])
        for cell in parsed:
            assert not cell.startswith(export.FORMULA_STARTS), cell
            assert "\x00" not in cell
    # QUOTE_ALL: every field of every line is quoted.
    assert all(line.startswith('"') for line in text.split("\r\n") if line)


# --- web, API and CLI give the same file ----------------------------------------------------------


def _undated(content: bytes) -> Any:
    """The JSON export without the moment it was made (which differs from call to call)."""
    data = json.loads(content)
    assert data.pop("exported_at")
    return data


def test_web_export_csv(web: Client, hostile_items: list[Any]) -> None:
    r = web.get("/export/items.csv")
    assert r.status_code == 200
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert r["Content-Disposition"] == 'attachment; filename="broadsheet-items.csv"'
    rows = list(csv.DictReader(io.StringIO(r.getvalue().decode(), newline="")))
    assert len(rows) == len(HOSTILE)
    by_id = {int(row["id"]): row for row in rows}
    for item in hostile_items:
        row = by_id[item.pk]
        for column in ("title", "site_name", "byline", "agency"):
            assert row[column] == export.csv_cell(getattr(item, column))
            if not item.title.startswith(export.FORMULA_STARTS):
                assert row[column] == getattr(item, column)  # round-trips exactly
        assert row["status"] == "ready" and row["archived"] == "false"
        assert row["word_count"] == "120"
    assert set(rows[0]) == set(export.COLUMNS)


def test_web_export_json(web: Client, hostile_items: list[Any]) -> None:
    r = web.get("/export/items.json")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json; charset=utf-8"
    assert r["Content-Disposition"] == 'attachment; filename="broadsheet-items.json"'
    data = json.loads(r.getvalue())
    assert data["count"] == len(HOSTILE)
    titles = {i["id"]: i["title"] for i in data["items"]}
    assert titles == {item.pk: item.title for item in hostile_items}  # exact, unneutralised
    assert list(data["items"][0]) == list(export.JSON_FIELDS)  # the CSV columns come first
    assert list(export.JSON_FIELDS[: len(export.COLUMNS)]) == list(export.COLUMNS)
    assert (data["format"], data["version"]) == ("broadsheet", 1)


def test_web_export_includes_archived_and_only_own(
    web: Client, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    mine = item_with(alice, 1, title="Mine, archived", archived=True)
    item_with(bob, 2, title="Bob's secret")
    data = json.loads(web.get("/export/items.json").getvalue())
    assert [(i["id"], i["title"], i["archived"]) for i in data["items"]] == [
        (mine.pk, "Mine, archived", True)
    ]


def test_export_needs_login() -> None:
    for path in ("/export/items.csv", "/export/items.json"):
        r = Client().get(path)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_api_export(api: ApiClient, hostile_items: list[Any], web: Client) -> None:
    r = api.get("/api/v1/export", format="csv")
    assert r.status_code == 200 and r["Content-Type"] == "text/csv; charset=utf-8"
    assert r["Content-Disposition"] == 'attachment; filename="broadsheet-items.csv"'
    assert r.getvalue() == web.get("/export/items.csv").getvalue()
    j = api.get("/api/v1/export", format="json")
    assert j.status_code == 200 and j["Content-Type"] == "application/json; charset=utf-8"
    assert _undated(j.getvalue()) == _undated(web.get("/export/items.json").getvalue())
    assert json.loads(api.get("/api/v1/export").getvalue())["count"] == len(HOSTILE)  # default
    bad = api.get("/api/v1/export", format="xlsx")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    assert Client().get("/api/v1/export").status_code == 401


def test_cli_export(
    alice: AbstractBaseUser,
    hostile_items: list[Any],
    web: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    assert cli.main(["export", "--user", "alice", "--format", "csv"]) == 0
    assert capsys.readouterr().out == web.get("/export/items.csv").getvalue().decode()
    out = tmp_path / "items.json"
    assert cli.main(["export", "--user", "alice", "--format", "json", "--output", str(out)]) == 0
    assert _undated(out.read_bytes()) == _undated(web.get("/export/items.json").getvalue())
    csv_file = tmp_path / "items.csv"
    cli.main(["export", "--user", "alice", "--format", "csv", "--output", str(csv_file)])
    assert csv_file.read_bytes() == web.get("/export/items.csv").getvalue()


def test_control_characters_leave_every_output(
    alice: AbstractBaseUser, web: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    item = item_with(alice, 1, title=CONTROL, byline=CONTROL, site_name=CONTROL, summary=CONTROL)
    expected = "ctrl[31mend"
    assert json.loads(web.get("/export/items.json").getvalue())["items"][0]["title"] == expected
    row = next(csv.DictReader(io.StringIO(web.get("/export/items.csv").getvalue().decode())))
    assert row["title"] == expected
    atom = web.get(f"/feeds/{feed.key_for(alice)}/unread.atom").content
    entry = ET.fromstring(atom).find(f"{ATOM}entry")
    assert entry is not None and entry.findtext(f"{ATOM}title") == expected
    assert cli.main(["list", "--user", "alice"]) == 0
    listing = capsys.readouterr().out
    assert "\x1b" not in listing and "\x07" not in listing and expected in listing
    assert item.pk


# --- the feed -------------------------------------------------------------------------------------


def _feed(client: Client, user: AbstractBaseUser) -> Any:
    return client.get(f"/feeds/{feed.key_for(user)}/unread.atom")


def test_feed_is_atom_with_exact_plain_text(
    alice: AbstractBaseUser, hostile_items: list[Any]
) -> None:
    archived = item_with(alice, 99, title="Archived one", archived=True)
    r = _feed(Client(), alice)  # no session: the key is the login
    assert r.status_code == 200
    assert r["Content-Type"] == "application/atom+xml; charset=utf-8"
    body = r.content.decode()
    assert "<script" not in body and "<img" not in body and "<svg" not in body
    root = ET.fromstring(r.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    by_link = {e.find(f"{ATOM}link").get("href"): e for e in entries}  # type: ignore[union-attr]
    assert len(entries) == len(HOSTILE)
    for item in hostile_items:
        entry = by_link[f"http://testserver/items/{item.pk}/"]
        title = entry.find(f"{ATOM}title")
        # Exactly the stored text; titles and names are one line in a feed (whitespace runs
        # become one space), summaries keep their lines (a raw CR becomes LF, as XML would).
        one_line = " ".join(item.title.split())
        assert title is not None and title.text == one_line
        assert title.get("type") in (None, "text")
        summary = entry.find(f"{ATOM}summary")
        assert summary is not None and summary.get("type") == "text"
        assert summary.text == item.summary.replace("\r", "\n")
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == one_line
    assert f"/items/{archived.pk}/" not in body

    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.bozo_exception
    # feedparser reads a text construct as text: the hostile strings come back as they were.
    assert {e.title for e in parsed.entries} == {" ".join(s.split()) for s in HOSTILE}
    assert all(e.summary_detail.type == "text/plain" for e in parsed.entries)


def test_feed_keys_cannot_be_forged_or_swapped(
    alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    item_with(alice, 1, title="Alice's private story")
    item_with(bob, 2, title="Bob's story")
    client = Client()
    client.force_login(bob)
    assert "Bob's story" in _feed(client, bob).content.decode()
    assert "Alice" not in _feed(client, bob).content.decode()

    key = feed.key_for(alice)
    payload = signing.loads(key, salt="broadsheet.feed")
    forged = [
        key[:-1] + ("A" if key[-1] != "A" else "B"),  # altered signature
        signing.dumps({"u": alice.pk, "p": "0" * 24}, salt="broadsheet.feed", compress=True),
        signing.dumps({**payload, "u": bob.pk}, salt="broadsheet.feed", compress=True),
        signing.dumps(payload, salt="broadsheet.bookmarklet", compress=True),  # other purpose
        signing.dumps(payload, key="not the server's secret", salt="broadsheet.feed"),
        "nonsense",
        "",
    ]
    for bad in forged:
        r = client.get(f"/feeds/{bad}/unread.atom")
        assert r.status_code == 404, bad
        assert b"Alice" not in r.content


def test_feed_of_an_inactive_user_is_gone(alice: AbstractBaseUser) -> None:
    key = feed.key_for(alice)
    alice.is_active = False
    alice.save()
    assert Client().get(f"/feeds/{key}/unread.atom").status_code == 404


def test_feed_only_answers_get(alice: AbstractBaseUser) -> None:
    r = Client().post(f"/feeds/{feed.key_for(alice)}/unread.atom")
    assert r.status_code in (403, 405)


# --- HTML: list, reader view, <title>, attributes -------------------------------------------------


def test_hostile_text_is_escaped_in_every_page(web: Client, hostile_items: list[Any]) -> None:
    pages = [web.get("/").content.decode()]
    for item in hostile_items:
        pages.append(web.get(f"/items/{item.pk}/").content.decode())
    for page in pages:
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x onerror" not in page
        assert "<svg onload" not in page
        assert not re.search(r"<x>|<b>", page)
    for item in hostile_items:
        page = web.get(f"/items/{item.pk}/").content.decode()
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        assert title is not None
        assert html.unescape(title.group(1)) == f"{item.title} · Broadsheet"
        h1 = re.search(r"<h1>(.*?)</h1>", page, re.S)
        assert h1 is not None and html.unescape(h1.group(1)) == item.title
    # In an attribute: the list row's data attribute and the reader's lang stay well-formed.
    listing = web.get("/").content.decode()
    for item in hostile_items:
        assert f'data-item-id="{item.pk}"' in listing


def test_hostile_text_in_the_api_json(api: ApiClient, hostile_items: list[Any]) -> None:
    data = api.get("/api/v1/items", state="all", limit=100).json()
    assert {i["id"]: i["title"] for i in data["items"]} == {
        item.pk: item.title for item in hostile_items
    }
    for item in hostile_items:
        one = api.get(f"/api/v1/items/{item.pk}")
        assert one["Content-Type"].startswith("application/json")
        assert one.json()["byline"] == item.byline


def test_hostile_text_in_the_cli(
    alice: AbstractBaseUser, hostile_items: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["list", "--user", "alice"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert len(lines) == len(HOSTILE), lines  # no title broke a line
    assert all(len(line.split("\t")) == 4 for line in lines)
    assert cli.main(["list", "--user", "alice", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {i["title"] for i in data} == set(HOSTILE)
