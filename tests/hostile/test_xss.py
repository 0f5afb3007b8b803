"""Script in the article: each payload is served inside a real story from a loopback server,
saved through core.services and processed by the real task; the stored HTML must carry no
executable vector and still carry the story (cases in cases/xss/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from broadsheet.extract import sanitize_html
from tests.hostile.corpus import Case, params
from tests.hostile.pages import AFTER, BEFORE, MIDDLE, stored_html_problems, xss_page
from tests.hostile.servers import ScriptServer, reply


@pytest.mark.parametrize("case", params("xss"))
def test_payload_never_reaches_stored_html(
    case: Case, save_and_run: Callable[[str], Any], hostile_pipeline: ScriptServer
) -> None:
    path = f"/xss-{case.name}"
    page = xss_page(f"XSS case {case.name}", case.get("payload"))
    hostile_pipeline.routes[path] = reply(200, [("Content-Type", "text/html")], page)
    item = save_and_run(hostile_pipeline.url(path))
    assert item.status == "ready", f"{item.error_code}: {item.error}"
    assert stored_html_problems(item.html) == []
    low = item.html.lower()
    for absent in case.expect["absent"]:
        assert absent.lower() not in low, f"{absent!r} survived"
    for sentence in (BEFORE, MIDDLE, AFTER):
        assert sentence in item.text, f"the story lost {sentence[:30]!r}"
        assert sentence in item.html
    assert "pwned" not in item.title.lower()
    # The item's stored HTML is a fixed point of the sanitizer (sanitizing again changes nothing).
    assert sanitize_html(item.html, base_url=item.final_url) == item.html


@pytest.mark.parametrize("case", params("xss"))
def test_payload_through_the_sanitizer_alone(case: Case) -> None:
    """The sanitizer on the raw payload, without the engine in front of it."""
    out = sanitize_html(case.get("payload"), base_url="http://127.0.0.1:9/story")
    assert stored_html_problems(out) == []
    low = out.lower()
    for absent in case.expect["absent"]:
        assert absent.lower() not in low, f"{absent!r} survived"
