"""``fetch``: one GET, redirects followed by hand, one deadline, every limit enforced.

Each hop's URL is checked (scheme, host); each connection is checked at connect time by the
transport's backend; the body is read raw and decompressed under the size cap; the type is
checked before the body is read when the server names one (except a generic type that may hide
a feed, when feeds are accepted: then the body is read under the same limits and sniffed).

A caller may add the validators of a conditional GET (see ``headers``); they are sent on every
hop, and a 304 answer to them is a :class:`Page` whose ``not_modified`` is true.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from types import MappingProxyType

import httpx

from . import transport
from .address import AddressPolicy
from .charset import DEFAULT as DEFAULT_CHARSET
from .charset import find_charset
from .content import (
    accept_header,
    is_accepted,
    parse_content_type,
    sniff,
    sniff_feed,
    sniffs_as_feed,
)
from .decode import (
    ACCEPT_ENCODING,
    DecodeError,
    UnsupportedEncoding,
    decoded,
    parse_content_encoding,
    read_limited,
)
from .errors import (
    ConnectionFailed,
    EmptyResponse,
    FetchError,
    HTTPStatus,
    Timeout,
    TooLarge,
    TooManyRedirects,
    UnsupportedContent,
)
from .headers import CONDITIONAL_HEADERS, check_request_headers, response_value
from .options import FetchOptions
from .page import NOT_MODIFIED, Page
from .url import normalize_url, redirect_target

__all__ = ["fetch"]

REDIRECTS = frozenset({301, 302, 303, 307, 308})
UNKNOWN_TYPE = "of an unknown type"


def fetch(
    url: str, *, options: FetchOptions | None = None, headers: Mapping[str, str] | None = None
) -> Page:
    """Fetch ``url`` and return the page, or raise a :class:`FetchError` saying why not.

    ``headers``: request headers to add, only those in ``ALLOWED_REQUEST_HEADERS``
    (If-None-Match, If-Modified-Since; names in any case). Anything else, or a value that is not
    one line of printable ASCII of at most 1,024 characters, raises ``ValueError`` before any
    network activity. When one of them was sent and the server answers 304, the result is a
    :class:`Page` with ``not_modified`` true, status 304 and no content.
    """
    extra = check_request_headers(headers)
    options = options if options is not None else FetchOptions()
    deadline = time.monotonic() + options.deadline
    target = normalize_url(url)
    backend = transport.GuardedBackend(AddressPolicy.from_option(options.allow_private), deadline)
    request_headers = {
        **extra,
        "User-Agent": options.user_agent,
        "Accept": accept_header(options.accept),
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    conditional = not CONDITIONAL_HEADERS.isdisjoint(extra)
    # No httpx.Client: requests go straight to the guarded transport, so nothing consults the
    # environment (proxies, netrc: an environment proxy would move resolution out of reach) and
    # httpx never parses a Location header itself (it raises on spellings such as 0177.0.0.1
    # or data: URLs); redirect_target checks every hop instead.
    guarded = transport.GuardedTransport(backend, transport.default_ssl_context())
    try:
        for _hop in range(options.max_redirects + 1):
            request = httpx.Request(
                "GET",
                target,
                headers=request_headers,  # the same on every hop
                extensions={"timeout": _timeout(deadline).as_dict()},
            )
            response = guarded.handle_request(request)
            response.request = request
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    target = redirect_target(target, location)
                    continue
                return _page(url, response, options, deadline, conditional=conditional)
            finally:
                response.close()
        raise TooManyRedirects()
    except FetchError:
        raise
    except httpx.TimeoutException as exc:  # pragma: no cover - the transport maps these
        raise Timeout() from exc
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        raise ConnectionFailed() from exc
    finally:
        guarded.close()


def _timeout(deadline: float) -> httpx.Timeout:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Timeout()
    return httpx.Timeout(left)


def _page(
    url: str,
    response: httpx.Response,
    options: FetchOptions,
    deadline: float,
    *,
    conditional: bool = False,
) -> Page:
    status = response.status_code
    if status == NOT_MODIFIED and conditional:
        return _not_modified(url, response)  # the body of a 304 is empty by definition: unread
    if not 200 <= status < 300:
        raise HTTPStatus(status, retry_after=response_value(response.headers, "retry-after"))
    media_type, header_charset = parse_content_type(response.headers.get("content-type"))
    sniff_for_feed = bool(media_type) and sniffs_as_feed(media_type, options.accept)
    if media_type and not sniff_for_feed and not is_accepted(media_type, options.accept):
        raise UnsupportedContent(media_type)
    length = response.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > options.max_bytes:
        raise TooLarge(options.max_bytes)
    encodings = parse_content_encoding(response.headers.get("content-encoding"))
    raw = _raw_chunks(response, options.max_bytes, deadline)
    try:
        content = read_limited(decoded(raw, encodings), options.max_bytes)
    except UnsupportedEncoding as exc:
        raise UnsupportedContent(
            f"{media_type or UNKNOWN_TYPE} compressed with {exc.encoding}"
        ) from exc
    except DecodeError as exc:
        raise ConnectionFailed() from exc
    if not content.strip():
        raise EmptyResponse()
    if sniff_for_feed:
        # Served under a type that says little (text/plain, octet-stream, or HTML to a caller
        # that wants feeds only): kept only if the document is plainly a feed.
        sniffed = sniff_feed(content)
        if sniffed is None:
            raise UnsupportedContent(media_type)
        media_type = sniffed
    if not media_type:
        feed = sniff_feed(content) if "feed" in options.accept else None
        media_type = feed or sniff(content) or UNKNOWN_TYPE
        if not is_accepted(media_type, options.accept):
            raise UnsupportedContent(media_type)
    charset = (
        DEFAULT_CHARSET
        if media_type.startswith("image/")
        else find_charset(content, header_charset)
    )
    return Page(
        url=url,
        final_url=str(response.url),
        status=status,
        headers=_joined_headers(response),
        content=content,
        content_type=media_type,
        charset=charset,
        etag=response_value(response.headers, "etag"),
        last_modified=response_value(response.headers, "last-modified"),
        cache_control=response_value(response.headers, "cache-control", repeatable=True),
    )


def _not_modified(url: str, response: httpx.Response) -> Page:
    return Page(
        url=url,
        final_url=str(response.url),
        status=NOT_MODIFIED,
        headers=_joined_headers(response),
        content=b"",
        content_type="",
        charset=DEFAULT_CHARSET,
        etag=response_value(response.headers, "etag"),
        last_modified=response_value(response.headers, "last-modified"),
        cache_control=response_value(response.headers, "cache-control", repeatable=True),
    )


def _joined_headers(response: httpx.Response) -> MappingProxyType[str, str]:
    headers: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return MappingProxyType(headers)


def _raw_chunks(response: httpx.Response, limit: int, deadline: float) -> Iterator[bytes]:
    """The body as sent (still compressed), cut at the deadline and at ``limit`` bytes."""
    received = 0
    for chunk in response.iter_raw():
        if time.monotonic() > deadline:
            raise Timeout()
        received += len(chunk)
        if received > limit:
            raise TooLarge(limit)
        yield chunk
