from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from broadsheet.extract import compiled

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
# The address each fixture is served from in these tests (the long read's og:url differs).
ADDRESSES = {
    "world-lavrov": "https://www.dailyledger.example/world/2024/03/12/lavrov-arctic-shipping-talks",
    "tech-sqlite-wal": "https://bytesandpieces.example/2024/02/sqlite-wal-checkpoints/",
    "local-library-flood": "https://www.rivertoncourier.example/news/local/flooded-library-reopens-volunteers?utm_source=rss",
    "longread-tidewater": "https://harbourhinterland.example/2023/11/18/tidewater-pilots?ref=home",
}
NAMES = sorted(p.name.removesuffix(".html") for p in PAGES.glob("*.html"))


def load_page(name: str) -> tuple[bytes, dict[str, Any]]:
    html = (PAGES / f"{name}.html").read_bytes()
    expected = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return html, expected


@pytest.fixture(params=NAMES)
def page(request: pytest.FixtureRequest) -> tuple[str, bytes, dict[str, Any]]:
    html, expected = load_page(request.param)
    return request.param, html, expected


@pytest.fixture
def compiled_walks() -> object:
    """The compiled walks module, for the tests that compare it with the pure-Python twins:
    skipped only when BROADSHEET_PURE_PYTHON=1 switched it off, failing when it is not built."""
    if os.environ.get("BROADSHEET_PURE_PYTHON"):
        pytest.skip("BROADSHEET_PURE_PYTHON=1 switches the compiled walks off")
    if compiled.walk is None:
        pytest.fail(
            "the compiled walks are not built: `pip install -e .` with a C compiler (make dev)",
            pytrace=False,
        )
    return compiled.walk
