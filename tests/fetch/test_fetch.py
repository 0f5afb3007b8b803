"""fetch() against real servers on 127.0.0.1: encodings, redirects, statuses, content types."""

from __future__ import annotations

import gzip
import http.server
import socket
import threading
import zlib

import brotli
import pytest
import zstandard

from broadsheet.fetch import (
    AddressNotAllowed,
    ConnectionFailed,
    EmptyResponse,
    FetchOptions,
    HTTPStatus,
    TooManyRedirects,
    UnsupportedContent,
    UnsupportedScheme,
    fetch,
)

from .conftest import RawServer, Reply, RoutedServer, read_request

HTML = (
    "<!doctype html><html><head><title>Story</title></head><body>"
    + "<p>Words.</p>" * 200
    + "</body></html>"
).encode()
HTML_HEADERS = [("Content-Type", "text/html; charset=utf-8")]


def test_plain_success(server: RoutedServer) -> None:
    server.routes["/story"] = Reply(
        headers=[*HTML_HEADERS, ("X-Thing", "a"), ("X-Thing", "b")], body=HTML
    )
    page = fetch(server.url("/story"), options=server.allow)
    assert page.url == server.url("/story")
    assert page.final_url == server.url("/story")
    assert page.status == 200
    assert page.content == HTML
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert page.text == HTML.decode()
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["x-thing"] == "a, b"
    assert all(k == k.lower() for k in page.headers)


def test_request_headers(server: RoutedServer) -> None:
    fetch(server.url(), options=server.allow)
    _path, headers = server.requests[0]
    assert headers["accept-encoding"] == "gzip, deflate, br, zstd"
    assert headers["user-agent"].startswith("Broadsheet/")
    assert "text/html" in headers["accept"]
    custom = FetchOptions(allow_private=True, user_agent="Test/1")
    fetch(server.url(), options=custom)
    assert server.requests[1][1]["user-agent"] == "Test/1"


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _raw_deflate),
        ("br", brotli.compress),
        ("zstd", lambda data: zstandard.ZstdCompressor().compress(data)),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
        ("identity", lambda data: data),
    ],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "br", "zstd", "gzip+br", "identity"],
)
def test_content_encodings(server: RoutedServer, encoding: str, compress: object) -> None:
    body = compress(HTML)  # type: ignore[operator]
    server.routes["/"] = Reply(headers=[*HTML_HEADERS, ("Content-Encoding", encoding)], body=body)
    page = fetch(server.url(), options=server.allow)
    assert page.content == HTML
    assert page.text.endswith("</body></html>")


def test_multi_member_gzip(server: RoutedServer) -> None:
    body = gzip.compress(HTML[:100]) + gzip.compress(HTML[100:])
    server.routes["/"] = Reply(headers=[*HTML_HEADERS, ("Content-Encoding", "gzip")], body=body)
    assert fetch(server.url(), options=server.allow).content == HTML


def test_body_without_content_length(server: RoutedServer) -> None:
    server.routes["/"] = Reply(headers=HTML_HEADERS, body=HTML, content_length=False)
    assert fetch(server.url(), options=server.allow).content == HTML


def test_corrupt_compressed_body(server: RoutedServer) -> None:
    server.routes["/"] = Reply(
        headers=[*HTML_HEADERS, ("Content-Encoding", "gzip")], body=b"\x1f\x8bnot gzip at all"
    )
    with pytest.raises(ConnectionFailed):
        fetch(server.url(), options=server.allow)


def test_unknown_content_encoding(server: RoutedServer) -> None:
    server.routes["/"] = Reply(
        headers=[*HTML_HEADERS, ("Content-Encoding", "compress")], body=b"xx"
    )
    with pytest.raises(UnsupportedContent) as info:
        fetch(server.url(), options=server.allow)
    assert (
        str(info.value)
        == "The address is not a web page (it is text/html compressed with compress)."
    )


# --- redirects -------------------------------------------------------------------------------


def test_redirect_chain(server: RoutedServer) -> None:
    server.routes["/a"] = Reply(status=301, headers=[("Location", "/b")], body=b"")
    server.routes["/b"] = Reply(status=302, headers=[("Location", server.url("/c?x=1"))], body=b"")
    server.routes["/c"] = Reply(status=307, headers=[("Location", "d")], body=b"moved")
    server.routes["/d"] = Reply(status=308, headers=[("Location", "/story#frag")], body=b"")
    server.routes["/story"] = Reply(headers=HTML_HEADERS, body=HTML)
    page = fetch(server.url("/a"), options=server.allow)
    assert page.url == server.url("/a")
    assert page.final_url == server.url("/story")
    assert page.content == HTML
    assert [p for p, _h in server.requests] == ["/a", "/b", "/c?x=1", "/d", "/story"]


def test_redirect_limits(server: RoutedServer) -> None:
    for i in range(10):
        server.routes[f"/r{i}"] = Reply(status=302, headers=[("Location", f"/r{i + 1}")], body=b"")
    server.routes["/r10"] = Reply(headers=HTML_HEADERS, body=HTML)
    # 5 redirects are followed ...
    assert fetch(server.url("/r5"), options=server.allow).final_url == server.url("/r10")
    # ... a 6th is one too many.
    with pytest.raises(TooManyRedirects) as info:
        fetch(server.url("/r4"), options=server.allow)
    assert str(info.value) == "The site redirected too many times."
    assert info.value.code == "too_many_redirects"
    tight = FetchOptions(allow_private=True, max_redirects=0)
    with pytest.raises(TooManyRedirects):
        fetch(server.url("/r9"), options=tight)


def test_redirect_loop(server: RoutedServer) -> None:
    server.routes["/loop"] = Reply(status=302, headers=[("Location", "/loop")], body=b"")
    with pytest.raises(TooManyRedirects):
        fetch(server.url("/loop"), options=server.allow)
    assert len(server.requests) == 6


def test_redirect_to_a_private_address_is_refused_despite_allowed_first_hop(
    server: RoutedServer,
) -> None:
    """The allow-list entry is for 127.0.0.1:<port> only; other private places stay closed."""
    other = RoutedServer()
    other.thread.start()
    try:
        server.routes["/to-other-port"] = Reply(
            status=302, headers=[("Location", other.url())], body=b""
        )
        server.routes["/to-localhost"] = Reply(
            status=302, headers=[("Location", server.url(host="localhost"))], body=b""
        )
        server.routes["/to-metadata"] = Reply(
            status=302, headers=[("Location", "http://169.254.169.254/latest/")], body=b""
        )
        server.routes["/to-decimal"] = Reply(
            status=302, headers=[("Location", f"http://2130706433:{other.port}/")], body=b""
        )
        for path in ("/to-other-port", "/to-localhost", "/to-metadata", "/to-decimal"):
            with pytest.raises(AddressNotAllowed):
                fetch(server.url(path), options=server.allow)
        assert other.requests == []
    finally:
        other.httpd.shutdown()
        other.httpd.server_close()


def test_redirect_to_another_scheme_is_refused(server: RoutedServer) -> None:
    server.routes["/"] = Reply(status=302, headers=[("Location", "file:///etc/passwd")], body=b"")
    with pytest.raises(UnsupportedScheme):
        fetch(server.url(), options=server.allow)


def test_redirect_without_location_is_a_status(server: RoutedServer) -> None:
    server.routes["/"] = Reply(status=302, headers=[], body=b"")
    with pytest.raises(HTTPStatus) as info:
        fetch(server.url(), options=server.allow)
    assert info.value.status == 302


# --- statuses, types, empty ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 429, 500, 502, 503])
def test_error_statuses(server: RoutedServer, status: int) -> None:
    server.routes["/"] = Reply(status=status, headers=HTML_HEADERS, body=HTML)
    with pytest.raises(HTTPStatus) as info:
        fetch(server.url(), options=server.allow)
    assert info.value.status == status
    assert info.value.code == "http_status"
    assert str(info.value) == f"The site answered {status}"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/pdf",
        "application/json",
        "text/plain",
        "image/png",
        "application/octet-stream",
        "video/mp4",
    ],
)
def test_non_html_types_are_refused(server: RoutedServer, content_type: str) -> None:
    server.routes["/"] = Reply(headers=[("Content-Type", content_type)], body=b"%PDF-1.4 ...")
    with pytest.raises(UnsupportedContent) as info:
        fetch(server.url(), options=server.allow)
    assert str(info.value) == f"The address is not a web page (it is {content_type})."
    assert info.value.code == "unsupported_content"


def test_xhtml_is_html(server: RoutedServer) -> None:
    server.routes["/"] = Reply(
        headers=[("Content-Type", "Application/XHTML+XML; charset=utf-8")], body=HTML
    )
    assert fetch(server.url(), options=server.allow).content_type == "application/xhtml+xml"


def test_other_kinds_when_asked(server: RoutedServer) -> None:
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    server.routes["/feed"] = Reply(headers=[("Content-Type", "application/rss+xml")], body=feed)
    server.routes["/img"] = Reply(headers=[("Content-Type", "image/png")], body=png)
    both = FetchOptions(allow_private=True, accept=frozenset({"feed", "image"}))
    assert fetch(server.url("/feed"), options=both).content == feed
    image = fetch(server.url("/img"), options=both)
    assert image.content == png and image.content_type == "image/png"
    with pytest.raises(UnsupportedContent):
        fetch(server.url("/feed"), options=server.allow)
    assert "application/rss+xml" in server.requests[0][1]["accept"]


@pytest.mark.parametrize(
    ("body", "sniffed"),
    [
        (b"<!DOCTYPE html><title>x</title><p>Hi", "text/html"),
        (b"  \n<html><p>Hi</p></html>", "text/html"),
        (b"<div>stuff</div><body><p>Hi</p></body>", "text/html"),
    ],
)
def test_missing_content_type_is_sniffed(server: RoutedServer, body: bytes, sniffed: str) -> None:
    server.routes["/"] = Reply(headers=[], body=body)
    page = fetch(server.url(), options=server.allow)
    assert page.content_type == sniffed
    assert page.content == body


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"%PDF-1.7 binary", "The address is not a web page (it is of an unknown type)."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "The address is not a web page (it is image/png)."),
        (
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>',
            "The address is not a web page (it is application/xml).",
        ),
    ],
)
def test_missing_content_type_not_html(server: RoutedServer, body: bytes, reason: str) -> None:
    server.routes["/"] = Reply(headers=[], body=body)
    with pytest.raises(UnsupportedContent) as info:
        fetch(server.url(), options=server.allow)
    assert str(info.value) == reason


@pytest.mark.parametrize("body", [b"", b"  \r\n\t "])
def test_empty_body(server: RoutedServer, body: bytes) -> None:
    server.routes["/"] = Reply(headers=HTML_HEADERS, body=body)
    with pytest.raises(EmptyResponse) as info:
        fetch(server.url(), options=server.allow)
    assert str(info.value) == "The site sent an empty page."
    assert info.value.code == "empty_response"


def test_empty_after_decompression(server: RoutedServer) -> None:
    server.routes["/"] = Reply(
        headers=[*HTML_HEADERS, ("Content-Encoding", "gzip")], body=gzip.compress(b"")
    )
    with pytest.raises(EmptyResponse):
        fetch(server.url(), options=server.allow)


def test_no_content_status(server: RoutedServer) -> None:
    server.routes["/"] = Reply(status=204, headers=[], body=b"")
    with pytest.raises(EmptyResponse):
        fetch(server.url(), options=server.allow)


def test_malformed_response(raw_server: object) -> None:
    def garbage(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"SPEAKING GIBBERISH\r\n\r\n")

    srv: RawServer = raw_server(garbage)  # type: ignore[operator]
    with pytest.raises(ConnectionFailed):
        fetch(srv.url(), options=srv.allow)


def test_connection_closed_without_answer(raw_server: object) -> None:
    def hang_up(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)

    srv: RawServer = raw_server(hang_up)  # type: ignore[operator]
    with pytest.raises(ConnectionFailed):
        fetch(srv.url(), options=srv.allow)


def test_environment_proxies_are_ignored(
    server: RoutedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.9.9.9:3128")
    assert fetch(server.url(), options=server.allow).status == 200


def test_handler_type_is_http_server() -> None:
    # Guard for the fixtures themselves: they serve HTTP/1.0 and close after each reply.
    assert http.server.BaseHTTPRequestHandler.protocol_version == "HTTP/1.0"
