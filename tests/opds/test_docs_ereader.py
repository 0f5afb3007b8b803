"""docs/ereader.md, checked like tests/test_docs.py checks the API's manual: every route of the
e-reader catalog and of the app passwords' settings has a heading of its own (`### `METHOD
/path``), no heading names a route that does not exist, the index links the page, and the steps
a reader follows are there."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import get_resolver

from tests.opds.test_routes import _walk

DOCS = Path(__file__).resolve().parents[2] / "docs"
HEADING = re.compile(r"^#{1,6}\s+`(GET|POST) (/[^`]*)`\s*$", re.MULTILINE)
OURS = ("opds/", "settings/app-passwords/")


def _routes() -> set[str]:
    """Our routes as the manual writes them: `/opds/tags/{tag_id}/` (the key door is one
    section: every address also exists under /opds/k/APP-PASSWORD/)."""
    found = set()
    for route, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith(OURS) and not route.startswith("opds/k/"):
            found.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return found


def test_every_route_has_a_heading() -> None:
    text = (DOCS / "ereader.md").read_text("utf-8")
    documented = {path for _method, path in HEADING.findall(text)}
    routes = _routes()
    assert len(routes) >= 9
    assert routes - documented == set(), "docs/ereader.md has no heading for these"
    assert documented - routes == set(), "docs/ereader.md documents routes that do not exist"
    assert "/opds/k/APP-PASSWORD/" in text


def test_the_page_a_reader_follows() -> None:
    text = (DOCS / "ereader.md").read_text("utf-8")
    assert "## On a Kobo or KOReader" in text
    assert "**Search** menu" in text and "**OPDS catalog**" in text and "**+**" in text
    assert "### With KOReader's wallabag plugin" in text
    assert "](ereader.md)" in (DOCS / "index.md").read_text("utf-8")
