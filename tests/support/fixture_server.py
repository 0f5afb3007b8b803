"""A real HTTP server on 127.0.0.1 serving the fixture news pages, plus a few special routes.

Routes:
  /pages/NAME          tests/fixtures/pages/NAME (text/html)
  /status/CODE         answers CODE with a small HTML body
  /slow/SECONDS/NAME   waits SECONDS before answering with the page (first request only when
                       the query has ?once=1; later requests answer at once); NAME may be
                       article-SEED for the synthetic story SEED
  /redirect/NAME       302 to /pages/NAME
  /type/MIME           a body of that content type
  /empty               200 with no body
  /giant               a 12 MiB HTML page
  /raw?body=...        the given HTML (URL-encoded) as text/html
  /article/SEED        a synthetic news story, different for every SEED (its words, title and
                       fingerprint), so many saves of distinct stories never fold into one another

`FixtureServer.hits` counts requests per path (without the query); `wait_for_hit` polls it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from hashlib import sha256
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import lxml.html

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


@dataclass
class FixtureServer:
    base_url: str
    hits: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def page(self, name: str) -> str:
        return self.url(f"/pages/{name}")

    def article(self, seed: str | int) -> str:
        return self.url(f"/article/{seed}")

    def count(self, path: str) -> int:
        with self.lock:
            return self.hits.get(path, 0)

    def wait_for_hit(self, path: str, *, at_least: int = 1, timeout: float = 30.0) -> int:
        """Poll until `path` was requested `at_least` times; the count, or TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            n = self.count(path)
            if n >= at_least:
                return n
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} requested {n} time(s), wanted {at_least}")
            time.sleep(0.02)


_WORDS = [
    "council",
    "budget",
    "harbour",
    "river",
    "school",
    "vote",
    "mayor",
    "housing",
    "transit",
    "bridge",
    "election",
    "farmers",
    "storm",
    "museum",
    "library",
    "hospital",
    "nurses",
    "teachers",
    "market",
    "festival",
    "railway",
    "court",
    "inquiry",
    "report",
    "minister",
    "village",
    "coast",
    "forest",
    "energy",
    "climate",
    "water",
    "tenants",
    "workers",
    "union",
    "data",
]
SYNTHETIC_PREFIX = "article-"  # /slow/SECONDS/article-SEED serves the synthetic story SEED


def synthetic_title(seed: str) -> str:
    digest = sha256(seed.encode("utf-8")).digest()
    return f"Story {seed}: the {_WORDS[digest[0] % len(_WORDS)]} question"


def synthetic_sentences(seed: str) -> list[str]:
    """The 24 sentences of the synthetic story SEED, in order (what its extracted text holds)."""
    digest = sha256(seed.encode("utf-8")).digest() * 8
    out = []
    for i in range(24):
        picks = [_WORDS[digest[(i * 7 + k) % len(digest)] % len(_WORDS)] for k in range(9)]
        out.append(f"The {' '.join(picks)} story {seed} line {i} was confirmed on Tuesday.")
    return out


def synthetic_article(seed: str) -> bytes:
    """A small but complete news page whose words depend on `seed`."""
    sentences = synthetic_sentences(seed)
    paras = "".join(f"<p>{' '.join(sentences[p * 4 : p * 4 + 4])}</p>\n" for p in range(6))
    title = synthetic_title(seed)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} | Loopback Times</title>"
        f"<meta property='og:title' content='{title}'>"
        "<meta property='og:site_name' content='Loopback Times'></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
        f"<main><article><h1>{title}</h1><p class='byline'>By Ada Reporter</p>{paras}</article>"
        "</main><footer>Copyright Loopback Times</footer></body></html>"
    ).encode()


def _handler(state: FixtureServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _send(
            self,
            status: int,
            body: bytes,
            ctype: str = "text/html; charset=utf-8",
            extra: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            query = parse_qs(parts.query)
            with state.lock:
                state.hits[path] = state.hits.get(path, 0) + 1
                nth = state.hits[path]
            segs = [s for s in path.split("/") if s]
            try:
                if segs[:1] == ["pages"] and len(segs) == 2:
                    f = PAGES / segs[1]
                    if f.is_file() and f.parent == PAGES:
                        self._send(200, f.read_bytes())
                        return
                    self._send(404, b"<html><body>Not found</body></html>")
                elif segs[:1] == ["status"] and len(segs) == 2:
                    self._send(int(segs[1]), b"<html><body>status page</body></html>")
                elif segs[:1] == ["slow"] and len(segs) == 3:
                    once = query.get("once") == ["1"]
                    if not once or nth == 1:
                        time.sleep(float(segs[1]))
                    name = segs[2]
                    if name.startswith(SYNTHETIC_PREFIX):
                        self._send(200, synthetic_article(name[len(SYNTHETIC_PREFIX) :]))
                    elif (PAGES / name).is_file():
                        self._send(200, (PAGES / name).read_bytes())
                    else:  # an image the page names, say: not here
                        self._send(404, b"<html><body>Not found</body></html>")
                elif segs[:1] == ["redirect"] and len(segs) == 2:
                    self._send(302, b"", extra={"Location": f"/pages/{segs[1]}"})
                elif segs[:1] == ["type"]:
                    mime = "/".join(segs[1:])
                    self._send(200, b"%PDF-1.4 not html", ctype=mime)
                elif segs == ["empty"]:
                    self._send(200, b"")
                elif segs == ["giant"]:
                    para = b"<p>" + b"word " * 200 + b"</p>\n"
                    body = (
                        b"<html><body><article>"
                        + para * (12 * 1024 * 1024 // len(para) + 1)
                        + b"</article></body></html>"
                    )
                    self._send(200, body)
                elif segs[:1] == ["article"] and len(segs) == 2:
                    self._send(200, synthetic_article(segs[1]))
                elif segs == ["raw"]:
                    self._send(200, query.get("body", [""])[0].encode("utf-8"))
                else:
                    self._send(404, b"<html><body>Not found</body></html>")
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def serve_fixtures() -> Iterator[FixtureServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(FixtureServer("")))
    state = FixtureServer(f"http://127.0.0.1:{httpd.server_address[1]}")
    httpd.RequestHandlerClass = _handler(state)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def caption_sentences(name: str, sentences: Iterable[str]) -> set[str]:
    """Those of ``sentences`` that sit inside a <figcaption> of the fixture page ``name``: photo
    captions and credits, which Article.text leaves out (they stay in the blocks and the HTML)."""
    tree = lxml.html.fromstring((PAGES / f"{name}.html").read_bytes())
    captions = [" ".join(el.text_content().split()) for el in tree.iter("figcaption")]
    return {s for s in sentences if any(" ".join(s.split()) in c for c in captions)}
