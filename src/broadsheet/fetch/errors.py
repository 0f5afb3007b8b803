"""The errors a fetch can end in.

Every failure is a :class:`FetchError` with a stable ``code`` (for programs: logs, the API) and a
``reason`` (a sentence shown to readers, kept short and free of jargon). ``str(error)`` is the
reason.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AddressNotAllowed",
    "ConnectionFailed",
    "DNSFailure",
    "EmptyResponse",
    "FetchError",
    "HTTPStatus",
    "InvalidURL",
    "Timeout",
    "TooLarge",
    "TooManyRedirects",
    "UnsupportedContent",
    "UnsupportedScheme",
    "describe_size",
]

MIB = 1024 * 1024
KIB = 1024


class FetchError(Exception):
    """Base of every fetch failure. ``code`` is stable; ``reason`` is for readers."""

    code: ClassVar[str] = "fetch_error"
    default_reason: ClassVar[str] = "The page could not be fetched."

    def __init__(self, reason: str | None = None) -> None:
        self.reason: str = reason if reason is not None else self.default_reason
        super().__init__(self.reason)

    def __str__(self) -> str:
        return self.reason


class InvalidURL(FetchError):
    code = "invalid_url"
    default_reason = "That is not a web address."


class UnsupportedScheme(FetchError):
    code = "unsupported_scheme"
    default_reason = "Only http and https addresses can be saved."


class AddressNotAllowed(FetchError):
    code = "address_not_allowed"
    default_reason = "The address is not allowed."


class DNSFailure(FetchError):
    code = "dns_failure"
    default_reason = "The site's name could not be found."


class ConnectionFailed(FetchError):
    code = "connection_failed"
    default_reason = "The site could not be reached."


class Timeout(FetchError):
    code = "timeout"
    default_reason = "The page took too long."


class HTTPStatus(FetchError):
    """The final answer was not a success. ``retry_after`` is the server's Retry-After header,
    as sent (seconds or an HTTP date), when it sent one that is a clean line: mostly with 429
    and 503, so a poller can back off as asked."""

    code = "http_status"

    def __init__(self, status: int, retry_after: str | None = None) -> None:
        self.status: int = status
        self.retry_after: str | None = retry_after
        super().__init__(f"The site answered {status}")


class TooManyRedirects(FetchError):
    code = "too_many_redirects"
    default_reason = "The site redirected too many times."


class TooLarge(FetchError):
    code = "too_large"

    def __init__(self, limit: int) -> None:
        self.limit: int = limit
        super().__init__(f"The page is larger than {describe_size(limit)}.")


class UnsupportedContent(FetchError):
    code = "unsupported_content"

    def __init__(self, content_type: str) -> None:
        self.content_type: str = content_type
        super().__init__(f"The address is not a web page (it is {content_type}).")


class EmptyResponse(FetchError):
    code = "empty_response"
    default_reason = "The site sent an empty page."


def describe_size(size: int) -> str:
    """``10485760`` -> ``"10 MiB"``, ``1536`` -> ``"1.5 KiB"``, ``100`` -> ``"100 bytes"``."""
    for unit, name in ((MIB, "MiB"), (KIB, "KiB")):
        if size >= unit:
            return f"{round(size / unit, 1):g} {name}"
    return f"{size} bytes"
