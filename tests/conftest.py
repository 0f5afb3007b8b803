"""Root fixtures: users, API clients with tokens, the fixture HTTP server and a real task runner.

`run_tasks()` executes the queued django-tasks-db tasks with the library's own `Worker` in batch
mode, exactly as `broadsheet worker` does, so the background pipeline is exercised for real.
Tests that use it need a transactional database (`transaction.on_commit` enqueues the tasks), so
the fixture asks for `transactional_db` itself.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from hypothesis import settings as hypothesis_settings

from tests.support.fixture_server import PAGES, FixtureServer, serve_fixtures

PASSWORD = "correct horse battery staple"

# CI runs the property tests on a fixed sequence of examples (HYPOTHESIS_PROFILE=ci, set by
# .ci/run), so a red build always reproduces; a developer's runs keep exploring new examples.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# --- what the suite needs, and what happens when it is missing ------------------------------------
#
# One rule for the whole suite: a marker selects, nothing skips. Whatever a test needs (the
# benchmark data in ../shared/bench, Debian's Chromium, PostgreSQL for a `postgres` test) is
# either there or the test FAILS, saying what is missing and how to get it; leaving a group out
# is the runner's explicit choice (`-m "not browser"`), never a silent skip. The one opt-out that
# is not a marker is BROADSHEET_PURE_PYTHON=1, which switches the compiled walks off on purpose
# and so skips the tests that compare them with their pure-Python twins.

ROOT = Path(__file__).resolve().parents[1]


def bench_data() -> Path:
    """The public benchmark sets (../shared/bench/extraction beside the checkout, or
    BROADSHEET_BENCH_DATA); fails the calling test when they are not there."""
    env = os.environ.get("BROADSHEET_BENCH_DATA")
    data = Path(env) if env else ROOT.parent / "shared" / "bench" / "extraction"
    if not (data / "scrapinghub").is_dir():
        pytest.fail(
            f"the benchmark data is missing at {data}: put the shared bench beside the checkout "
            "(../shared/bench) or set BROADSHEET_BENCH_DATA",
            pytrace=False,
        )
    return data


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A `postgres` test fails, rather than skips, when the database is not PostgreSQL."""
    if item.get_closest_marker("postgres") is None:
        return
    from django.conf import settings as django_settings

    engine = django_settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.fail(
            "this test needs PostgreSQL: run it in the PostgreSQL pass "
            "(BROADSHEET_TEST_POSTGRES=postgresql://postgres@127.0.0.1:5432/postgres make test, "
            "or make test-postgres)",
            pytrace=False,
        )


# --- the fixture HTTP server ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def fixtures() -> Iterator[FixtureServer]:
    """The fixture news pages on a real HTTP server on 127.0.0.1, for the whole session."""
    with serve_fixtures() as server:
        yield server


@pytest.fixture
def allow_loopback(settings: Any) -> None:
    """Let the fetcher reach the loopback fixture server (off by default, as in production)."""
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "true"


def fixture_pages() -> list[str]:
    """Names of the fixture pages that come with an expected.json."""
    return sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))


def expected_of(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAGES / f"{name}.expected.json").read_text("utf-8"))
    return data


def page_file(name: str) -> Path:
    """The HTML file of a fixture page (NAME or NAME.html)."""
    for candidate in (PAGES / name, PAGES / f"{name}.html"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(name)


class Site:
    """A tiny HTTP server on 127.0.0.1 whose pages a test writes itself."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                site.hits[path] = site.hits.get(path, 0) + 1
                status, ctype, body = site.pages.get(path, (404, "text/html", b"<p>gone</p>"))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add(
        self,
        path: str,
        html: str | bytes,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
    ) -> str:
        body = html.encode("utf-8") if isinstance(html, str) else html
        self.pages[path] = (status, content_type, body)
        return self.base_url + path


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    server = Site()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


# --- users ----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow on purpose; tests hash passwords with a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractBaseUser]:
    from broadsheet.core import services

    counter = {"n": 0}

    def make(username: str | None = None, **kwargs: Any) -> AbstractBaseUser:
        counter["n"] += 1
        name = username or f"reader{counter['n']}"
        return services.create_user(name, PASSWORD, **kwargs)

    return make


@pytest.fixture
def alice(make_user: Callable[..., AbstractBaseUser]) -> AbstractBaseUser:
    return make_user("alice")


@pytest.fixture
def bob(make_user: Callable[..., AbstractBaseUser]) -> AbstractBaseUser:
    return make_user("bob")


@pytest.fixture
def admin_user(make_user: Callable[..., AbstractBaseUser]) -> AbstractBaseUser:
    return make_user("chief", admin=True)


@pytest.fixture
def web(alice: AbstractBaseUser) -> Client:
    """A browser session logged in as alice."""
    client = Client()
    client.force_login(alice)
    return client


# --- API clients ----------------------------------------------------------------------------------


@dataclass
class ApiClient:
    """A Django test client that sends `Authorization: Bearer <token>` on every request."""

    client: Client
    token: str
    user: AbstractBaseUser | None = None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params or None, headers=self._headers())

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = "" if body is None else (body if isinstance(body, str) else json.dumps(body))
        return self.client.generic(
            method, path, data, content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def api_for(db: None) -> Callable[[AbstractBaseUser | None], ApiClient]:
    from broadsheet.core import services

    def make(user: AbstractBaseUser | None) -> ApiClient:
        token = services.create_token(user, "tests").secret if user is not None else ""
        return ApiClient(Client(), token, user)

    return make


@pytest.fixture
def api(alice: AbstractBaseUser, api_for: Callable[[AbstractBaseUser], ApiClient]) -> ApiClient:
    return api_for(alice)


# --- background tasks -----------------------------------------------------------------------------


def _run_queued_tasks(max_rounds: int = 50) -> int:
    """Run every task that is ready now with django-tasks-db's Worker; return how many ran."""
    from django.db import transaction
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("run_tasks needs @pytest.mark.django_db(transaction=True)")
    before = DBTaskResult.objects.exclude(status="READY").count()
    for _ in range(max_rounds):
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.run()  # not configure_signals(): pytest keeps its own Ctrl-C
        if not DBTaskResult.objects.ready().exists():
            break
    return DBTaskResult.objects.exclude(status="READY").count() - before


@pytest.fixture
def run_tasks(transactional_db: None) -> Callable[[], int]:
    return _run_queued_tasks


@pytest.fixture
def pipeline(transactional_db: None, settings: Any, fixtures: FixtureServer) -> FixtureServer:
    """Fetching may reach the fixture server; one attempt per fetch, short deadline."""
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "true"
    settings.BROADSHEET_FETCH_RETRIES = 0
    settings.BROADSHEET_FETCH_DEADLINE = 2
    return fixtures


# --- pages ----------------------------------------------------------------------------------------

_WORDS = [
    *("council", "harbour", "budget", "ferry", "schedule", "residents", "evening", "meeting"),
    *("vote", "record", "river", "bridge", "engineers", "winter", "repairs", "funding"),
    *("district", "mayor", "library", "school", "weather", "market", "trains"),
]


def story_text(seed: int, words: int = 120) -> str:
    """Deterministic prose, different for each seed, split into sentences."""
    out = []
    for i in range(words):
        out.append(_WORDS[(seed * 7 + i * (seed % 5 + 3)) % len(_WORDS)] + f"{(seed + i) % 97}")
    sentences = [" ".join(out[i : i + 12]).capitalize() + "." for i in range(0, len(out), 12)]
    return " ".join(sentences)


def article_html(
    *,
    title: str = "Harbour ferry returns after winter repairs",
    byline: str = "Jo Reporter",
    agency: str = "",
    seed: int = 1,
    canonical: str | None = None,
    og_url: str | None = None,
    summary: str = "The crossing reopens on Monday with a new timetable.",
) -> str:
    """A news page with the chrome a reader does not want around the story; ``agency`` is
    credited after the byline's name ("By Jo Reporter, Reuters")."""
    head = [f"<title>{title} | The Daily Example</title>"]
    head.append(f'<meta property="og:title" content="{title}">')
    head.append('<meta property="og:site_name" content="The Daily Example">')
    head.append(f'<meta name="description" content="{summary}">')
    head.append('<meta property="article:published_time" content="2024-03-05T08:30:00Z">')
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    if og_url:
        head.append(f'<meta property="og:url" content="{og_url}">')
    credited = f", {agency}" if agency else ""
    text = story_text(seed)
    half = len(text) // 2
    cut = text.index(". ", half) + 1
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">{"".join(head)}</head>
<body>
<nav class="site-nav"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<main><article>
<h1>{title}</h1>
<p class="byline">By <a rel="author" href="/staff/jo">{byline}</a>{credited}</p>
<p>{text[:cut]}</p>
<figure><img src="/img/ferry.jpg" alt="The ferry at the quay">
<figcaption>The ferry at the quay on Sunday.
<span class="credit">Photo: Sam Lens</span></figcaption>
</figure>
<h2>A new timetable</h2>
<p>{text[cut:].strip()}</p>
<aside class="newsletter"><p>Sign up for our newsletter</p></aside>
<div class="recommended"><p>Recommended: Ten things to do this weekend</p></div>
</article></main>
<footer class="site-footer"><p>Copyright The Daily Example. All rights reserved.</p></footer>
<script>window.tracker = 1;</script>
</body></html>"""
