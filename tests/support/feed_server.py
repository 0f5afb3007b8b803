"""A real HTTP server on 127.0.0.1 serving feeds that a test can change, for polling tests.

    with serve_feeds() as server:
        server.set_rss("news", "Loopback News", [FeedItem("a", "First story")])
        url = server.feed_url("news")          # http://127.0.0.1:PORT/feeds/news
        ...                                    # poll it
        server.set_rss("news", "Loopback News", [FeedItem("b", "Second"), FeedItem("a", "First")])
        server.requests("/feeds/news")[-1].if_none_match   # what the poller sent

Routes:
  /feeds/NAME                 the feed NAME with ETag and Last-Modified; 304 (no body) when
                              If-None-Match matches its ETag (weak comparison, "*" too) or,
                              with no If-None-Match, when If-Modified-Since is not older than
                              its Last-Modified; 404 for a feed never set
  /slow/SECONDS/feeds/NAME    waits SECONDS, then answers as /feeds/NAME
  /redirect?to=LOCATION       answers 302 (or ?status=301/303/307/308) with Location: LOCATION,
                              whatever it is (e.g. a private address): the server never follows
  /status/CODE                answers CODE (500, 429, 503, ...) with a small body; with
                              ?retry_after=VALUE also the header Retry-After: VALUE
  /site                       an HTML page whose <link rel="alternate"> elements name every feed
                              set so far (RSS ones by a relative href, Atom ones by an absolute)
  /html/NAME                  an HTML page set with ``set_html``

Every request is counted per path (without the query: ``count``) and recorded with the
conditional headers it carried (``requests``). Validators are deterministic: the ETag is a hash
of the body, and each change of a feed moves its Last-Modified one minute on from a fixed start.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
# Last-Modified of the first version of every feed; each change adds a minute.
CLOCK_START = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a served feed. ``link`` defaults to a page on the server itself."""

    guid: str
    title: str
    link: str | None = None
    published: datetime | None = None
    summary: str = ""


@dataclass(frozen=True)
class Resource:
    body: bytes
    content_type: str
    etag: str
    last_modified: datetime
    cache_control: str | None = None
    kind: str = "rss"  # "rss" or "atom": how /site links to it


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None
    headers: dict[str, str]


def rss_feed(
    title: str, items: Sequence[FeedItem], *, base_url: str, ttl: int | None = None
) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{xml_escape(title)}</title><link>{xml_escape(base_url)}/</link>",
        f"<ttl>{ttl}</ttl>" if ttl is not None else "",
    ]
    for item in items:
        link = item.link if item.link is not None else f"{base_url}/story/{item.guid}"
        parts.append(
            f"<item><title>{xml_escape(item.title)}</title><link>{xml_escape(link)}</link>"
            f'<guid isPermaLink="false">{xml_escape(item.guid)}</guid>'
            f"<description>{xml_escape(item.summary)}</description>"
            + (
                f"<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>"
                if item.published is not None
                else ""
            )
            + "</item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def atom_feed(title: str, items: Sequence[FeedItem], *, base_url: str) -> bytes:
    updated = max((i.published for i in items if i.published), default=CLOCK_START)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{xml_escape(title)}</title><id>{xml_escape(base_url)}/</id>",
        f'<link href="{xml_escape(base_url)}/"/><updated>{updated.isoformat()}</updated>',
    ]
    for item in items:
        link = item.link if item.link is not None else f"{base_url}/story/{item.guid}"
        when = (item.published or CLOCK_START).isoformat()
        parts.append(
            f"<entry><id>{xml_escape(item.guid)}</id><title>{xml_escape(item.title)}</title>"
            f'<link rel="alternate" href="{xml_escape(link, {chr(34): "&quot;"})}"/>'
            f"<updated>{when}</updated><summary>{xml_escape(item.summary)}</summary></entry>"
        )
    parts.append("</feed>\n")
    return "".join(parts).encode("utf-8")


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in header.split(","))


@dataclass
class FeedServer:
    base_url: str
    resources: dict[str, Resource] = field(default_factory=dict)
    html_pages: dict[str, bytes] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    recorded: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _changes: int = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def feed_url(self, name: str) -> str:
        return self.url(f"/feeds/{name}")

    # -- what is served ------------------------------------------------------------------

    def set_feed(
        self,
        name: str,
        body: bytes,
        content_type: str = RSS_TYPE,
        *,
        etag: str | None = None,
        last_modified: datetime | None = None,
        cache_control: str | None = None,
        kind: str = "rss",
    ) -> Resource:
        """Serve ``body`` at /feeds/NAME from now on (a new ETag and Last-Modified unless given)."""
        with self.lock:
            self._changes += 1
            resource = Resource(
                body=body,
                content_type=content_type,
                etag=etag or f'"{hashlib.sha256(body).hexdigest()[:20]}"',
                last_modified=last_modified or CLOCK_START + timedelta(minutes=self._changes),
                cache_control=cache_control,
                kind=kind,
            )
            self.resources[name] = resource
            return resource

    def set_rss(
        self, name: str, title: str, items: Sequence[FeedItem], *, ttl: int | None = None
    ) -> Resource:
        return self.set_feed(name, rss_feed(title, items, base_url=self.base_url, ttl=ttl))

    def set_atom(self, name: str, title: str, items: Sequence[FeedItem]) -> Resource:
        body = atom_feed(title, items, base_url=self.base_url)
        return self.set_feed(name, body, ATOM_TYPE, kind="atom")

    def set_html(self, name: str, html: str | bytes) -> None:
        with self.lock:
            self.html_pages[name] = html.encode("utf-8") if isinstance(html, str) else html

    # -- what was asked ------------------------------------------------------------------

    def count(self, path: str) -> int:
        with self.lock:
            return self.hits.get(path, 0)

    def requests(self, path: str | None = None) -> list[RecordedRequest]:
        with self.lock:
            return [r for r in self.recorded if path is None or r.path == path]

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

    def site_page(self) -> bytes:
        with self.lock:
            resources = dict(self.resources)
        links = []
        for name, resource in resources.items():
            mime = "application/atom+xml" if resource.kind == "atom" else "application/rss+xml"
            href = self.feed_url(name) if resource.kind == "atom" else f"/feeds/{name}"
            links.append(
                f'<link rel="alternate" type="{mime}" title="{escape(name)}" href="{escape(href)}">'
            )
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>Loopback News</title>"
            + "".join(links)
            + "</head><body><h1>Loopback News</h1><p>Stories.</p></body></html>"
        ).encode()


def _handler(state: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _send(
            self,
            status: int,
            body: bytes = b"",
            ctype: str | None = "text/html; charset=utf-8",
            extra: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            if status != 304:
                if ctype:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD" and status != 304:
                self.wfile.write(body)

        def _serve_feed(self, name: str) -> None:
            with state.lock:
                resource = state.resources.get(name)
            if resource is None:
                self._send(404, b"<html><body>No such feed</body></html>")
                return
            validators = {
                "ETag": resource.etag,
                "Last-Modified": format_datetime(resource.last_modified, usegmt=True),
            }
            if resource.cache_control:
                validators["Cache-Control"] = resource.cache_control
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if inm is not None:
                fresh = _etag_matches(inm, resource.etag)
            elif ims is not None:
                try:
                    since = parsedate_to_datetime(ims)
                except (TypeError, ValueError):
                    since = None
                if since is not None and since.tzinfo is None:
                    since = since.replace(tzinfo=UTC)
                fresh = since is not None and resource.last_modified.replace(microsecond=0) <= since
            else:
                fresh = False
            if fresh:
                self._send(304, extra=validators)
            else:
                self._send(200, resource.body, resource.content_type, validators)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            query = parse_qs(parts.query)
            with state.lock:
                state.hits[path] = state.hits.get(path, 0) + 1
                state.recorded.append(
                    RecordedRequest(
                        method=self.command,
                        path=path,
                        query=parts.query,
                        if_none_match=self.headers.get("If-None-Match"),
                        if_modified_since=self.headers.get("If-Modified-Since"),
                        user_agent=self.headers.get("User-Agent"),
                        headers={k.lower(): v for k, v in self.headers.items()},
                    )
                )
            segs = [s for s in path.split("/") if s]
            try:
                if segs[:1] == ["feeds"] and len(segs) == 2:
                    self._serve_feed(segs[1])
                elif segs[:1] == ["slow"] and len(segs) == 4 and segs[2] == "feeds":
                    time.sleep(float(segs[1]))
                    self._serve_feed(segs[3])
                elif segs == ["redirect"]:
                    status = int(query.get("status", ["302"])[0])
                    location = query.get("to", ["/"])[0]
                    self._send(status, b"", extra={"Location": location})
                elif segs[:1] == ["status"] and len(segs) == 2:
                    extra = {}
                    if "retry_after" in query:
                        extra["Retry-After"] = query["retry_after"][0]
                    self._send(int(segs[1]), b"<html><body>status page</body></html>", extra=extra)
                elif segs == ["site"]:
                    self._send(200, state.site_page())
                elif segs[:1] == ["html"] and len(segs) == 2 and segs[1] in state.html_pages:
                    self._send(200, state.html_pages[segs[1]])
                else:
                    self._send(404, b"<html><body>Not found</body></html>")
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def serve_feeds() -> Iterator[FeedServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(FeedServer("")))
    state = FeedServer(f"http://127.0.0.1:{httpd.server_address[1]}")
    httpd.RequestHandlerClass = _handler(state)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
