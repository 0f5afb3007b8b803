"""Hostile titles, site names, bylines and summaries, escaped in every output that exists: the
web list, the reader view (its <title>, headings and attributes), the API JSON, and the CLI's
`list` and `list --json` (cases in cases/titles/)."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
from django.test import Client

from broadsheet.cli import main
from tests.hostile.corpus import Case, params
from tests.hostile.servers import ScriptServer, reply

STORY = "".join(
    f"<p>Paragraph {n}: the harbour council met on Tuesday evening to vote on the ferry budget,"
    " and residents queued to speak about the river crossing and the school buses.</p>"
    for n in range(1, 6)
)
UNPRINTABLE = {chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), *range(127, 160))}


def hostile_page(value: str) -> bytes:
    attr = html.escape(value, quote=True)
    text = html.escape(value, quote=False)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{text}</title>"
        f'<meta property="og:title" content="{attr}">'
        f'<meta property="og:site_name" content="{attr} Times">'
        f'<meta name="author" content="Jo {attr}">'
        f'<meta name="description" content="Summary {attr}">'
        f"</head><body><article><h1>{text}</h1>{STORY}</article></body></html>"
    ).encode()


def _no_script_anywhere(page: bytes) -> Any:
    doc = lxml.html.document_fromstring(page)
    # The reader view carries one script, ours, from our origin (highlights, progress), and the
    # unread list one (the offline worker's); no other script element, and none inline.
    scripts = [(el.get("src"), (el.text or "").strip()) for el in doc.xpath("//script")]
    ours = ("/static/broadsheet/reader.js", "")
    offline = ("/static/broadsheet/offline.js", "")
    assert scripts in ([], [ours], [offline]), f"a <script> element reached the page: {scripts}"
    assert doc.xpath("//svg | //img[@onerror] | //*[local-name()='svg']") == []
    handlers = [
        (el.tag, name)
        for el in doc.iter()
        if isinstance(el.tag, str)
        for name in el.attrib
        if name.lower().startswith("on")
    ]
    assert handlers == [], f"event handler attributes: {handlers}"
    return doc


def _run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("case", params("titles"))
def test_hostile_metadata_in_every_output(
    case: Case,
    save_and_run: Callable[[str], Any],
    hostile_pipeline: ScriptServer,
    alice: Any,
    api_for: Callable[[Any], Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = f"/titles-{case.name}"
    hostile_pipeline.routes[path] = reply(
        200, [("Content-Type", "text/html")], hostile_page(case.get("value"))
    )
    item = save_and_run(hostile_pipeline.url(path))
    assert item.status == "ready", f"{item.error_code}: {item.error}"
    expect = case.expect
    fields = {
        "title": item.title,
        "site_name": item.site_name,
        "byline": item.byline,
        "summary": item.summary,
    }
    for name, stored in fields.items():
        assert stored, f"{name} is empty"
        for piece in expect["stored_lacks"]:
            assert piece not in stored, f"{name} keeps {piece!r}"
        assert not UNPRINTABLE & set(stored), f"{name} keeps control characters"
    for piece in expect["stored_has"]:
        assert piece in item.title
    if "max_len" in expect:
        assert len(item.title) <= expect["max_len"]

    web = Client()
    web.force_login(alice)
    # The list: the title and the site name are text, never markup.
    listing = web.get("/")
    assert listing.status_code == 200
    doc = _no_script_anywhere(listing.content)
    row = doc.cssselect(f"li[data-item-id='{item.pk}']")[0]
    assert row.cssselect("a.item-title")[0].text_content() == item.title
    assert row.cssselect(".site")[0].text_content() == item.site_name
    assert doc.findtext(".//title") == "Saved items · Broadsheet"

    # The reader view: <title>, headings, byline, summary; attributes untouched.
    reader = web.get(f"/items/{item.pk}/")
    assert reader.status_code == 200
    doc = _no_script_anywhere(reader.content)
    assert len(doc.findall(".//title")) == 1
    assert doc.findtext(".//title") == f"{item.title} · Broadsheet"
    assert doc.cssselect("article.reader h1")[0].text_content() == item.title
    assert doc.cssselect(".kicker")[0].text_content() == item.site_name
    assert doc.cssselect(".author")[0].text_content() == item.byline
    assert doc.cssselect(".dek")[0].text_content() == item.summary
    original = doc.cssselect(".story-foot a")[0]
    assert original.get("href") == item.url
    assert set(original.attrib) == {"href", "rel", "referrerpolicy"}

    # The API: JSON, not HTML, and the values round-trip exactly.
    response = api_for(alice).get(f"/api/v1/items/{item.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    data = json.loads(response.content)
    assert {k: data[k] for k in fields} == fields

    # The CLI: one line per item, no control characters reach the terminal.
    out = _run_cli(capsys, "list", "--user", "alice")
    lines = out.splitlines()
    assert len(lines) == 2, lines
    assert not UNPRINTABLE & set(out)
    assert lines[1].split("\t")[3] == item.title
    listed = json.loads(_run_cli(capsys, "list", "--user", "alice", "--json"))
    assert listed[0]["title"] == item.title


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("case", params("titles"))
def test_hostile_metadata_in_exports_and_the_feed(
    case: Case, save_and_run: Callable[[str], Any], hostile_pipeline: ScriptServer, alice: Any
) -> None:
    """The CSV and JSON exports and the Atom feed (web routes)."""
    import csv
    import io

    import lxml.etree

    from broadsheet.web import feed

    path = f"/titles-export-{case.name}"
    hostile_pipeline.routes[path] = reply(
        200, [("Content-Type", "text/html")], hostile_page(case.get("value"))
    )
    item = save_and_run(hostile_pipeline.url(path))
    assert item.status == "ready", f"{item.error_code}: {item.error}"
    web = Client()
    web.force_login(alice)

    exported = web.get("/export/items.csv")
    assert exported.status_code == 200
    table = list(csv.DictReader(io.StringIO(exported.getvalue().decode("utf-8"))))
    assert len(table) == 1
    for name in ("title", "site_name", "byline"):
        cell = table[0][name]
        assert not cell.startswith(FORMULA_STARTS), f"{name} would run as a formula: {cell!r}"
        stored = getattr(item, name)
        assert cell == ("'" + stored if stored.startswith(FORMULA_STARTS) else stored)

    exported = web.get("/export/items.json")
    assert exported.status_code == 200
    assert json.loads(exported.getvalue())["items"][0]["title"] == item.title

    atom = Client().get(f"/feeds/{feed.key_for(alice)}/unread.atom")
    assert atom.status_code == 200
    root = lxml.etree.fromstring(atom.content)  # well-formed XML, or this raises
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.xpath("//a:entry/a:title/text()", namespaces=ns) == [item.title]
    assert root.xpath("//*[local-name()='script']") == []
