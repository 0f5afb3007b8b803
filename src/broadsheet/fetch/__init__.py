"""Broadsheet's one door out to the web: a safe HTTP client.

``fetch(url)`` returns a :class:`Page` or raises a :class:`FetchError` whose ``reason`` can be
shown to readers. ``fetch(url, headers={"If-None-Match": etag})`` makes a conditional GET
(only the headers in :data:`ALLOWED_REQUEST_HEADERS` may be added); a 304 answer to it is a
``Page`` whose ``not_modified`` is true. Addresses are checked at connect time (no private
networks unless allowed, no DNS rebinding), bodies are capped after decompression, and one
deadline covers the whole fetch.
See ``docs/fetching.md``.
"""

from __future__ import annotations

from .client import fetch
from .errors import (
    AddressNotAllowed,
    ConnectionFailed,
    DNSFailure,
    EmptyResponse,
    FetchError,
    HTTPStatus,
    InvalidURL,
    Timeout,
    TooLarge,
    TooManyRedirects,
    UnsupportedContent,
    UnsupportedScheme,
)
from .headers import ALLOWED_REQUEST_HEADERS, MAX_HEADER_CHARS
from .options import FetchOptions, parse_allow_private
from .page import Page

__all__ = [
    "ALLOWED_REQUEST_HEADERS",
    "MAX_HEADER_CHARS",
    "AddressNotAllowed",
    "ConnectionFailed",
    "DNSFailure",
    "EmptyResponse",
    "FetchError",
    "FetchOptions",
    "HTTPStatus",
    "InvalidURL",
    "Page",
    "Timeout",
    "TooLarge",
    "TooManyRedirects",
    "UnsupportedContent",
    "UnsupportedScheme",
    "fetch",
    "parse_allow_private",
]
