from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fixture_server import FixtureServer, serve_fixtures


@pytest.fixture(scope="module")
def news_site() -> Iterator[FixtureServer]:
    """The loopback news site the live server fetches from (real HTTP on 127.0.0.1)."""
    with serve_fixtures() as fx:
        yield fx
