"""Header values crossing the fetch's border: the few a caller may add, the few read back.

A caller may add only the headers named in :data:`ALLOWED_REQUEST_HEADERS` (the validators of a
conditional GET). Everything else a request carries is set by the fetch itself, so no caller can
change the User-Agent, the accepted types or encodings, or smuggle in ``Host``, ``Cookie``,
``Authorization`` or a second request. Values must be one line of printable ASCII of at most
:data:`MAX_HEADER_CHARS` characters.

Values read back from a response (``ETag``, ``Last-Modified``, ``Cache-Control``,
``Retry-After``) pass the same test, else they are reported as missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import httpx

__all__ = [
    "ALLOWED_REQUEST_HEADERS",
    "CONDITIONAL_HEADERS",
    "MAX_HEADER_CHARS",
    "check_request_headers",
    "response_value",
]

#: The longest header value a caller may send, or that is read back from a response.
MAX_HEADER_CHARS = 1024
#: The request headers that make a GET conditional (a 304 answer is then expected).
CONDITIONAL_HEADERS = frozenset({"If-None-Match", "If-Modified-Since"})
#: Every header a caller may add to a fetch, in its canonical spelling (names match in any case).
ALLOWED_REQUEST_HEADERS = CONDITIONAL_HEADERS
_CANONICAL = {name.lower(): name for name in ALLOWED_REQUEST_HEADERS}
# Visible ASCII and the space: no CR, LF, NUL, TAB, DEL, nothing beyond ASCII.
_VALUE = re.compile(r"[\x20-\x7e]+")


def _is_clean(value: str) -> bool:
    return (
        0 < len(value) <= MAX_HEADER_CHARS
        and _VALUE.fullmatch(value) is not None
        and value == value.strip(" ")
    )


def check_request_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The caller's extra request headers with canonical names, or ``ValueError`` saying why not.

    Refused: a name not in :data:`ALLOWED_REQUEST_HEADERS`, the same name twice (in two
    spellings), a value that is empty, longer than :data:`MAX_HEADER_CHARS`, holds anything but
    printable ASCII (a CR or LF would start a header of its own) or starts or ends with a space.
    Names and values that are not strings raise ``TypeError``.
    """
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("header names and values must be strings")
        canonical = _CANONICAL.get(name.lower())
        if canonical is None:
            allowed = ", ".join(sorted(ALLOWED_REQUEST_HEADERS))
            raise ValueError(f"header {name!r} may not be set by a caller (allowed: {allowed})")
        if canonical in checked:
            raise ValueError(f"header {canonical!r} given twice")
        if not _is_clean(value):
            raise ValueError(
                f"bad value for header {canonical!r}: it must be one line of printable ASCII, "
                f"without surrounding spaces, of 1 to {MAX_HEADER_CHARS} characters"
            )
        checked[canonical] = value
    return checked


def response_value(headers: httpx.Headers, name: str, *, repeatable: bool = False) -> str | None:
    """The value of the response header ``name`` if it is one clean line, else None.

    A header sent more than once is None unless ``repeatable`` (a list-valued header such as
    Cache-Control, whose values are then joined with ", ").
    """
    values = headers.get_list(name)
    if not values or (len(values) > 1 and not repeatable):
        return None
    value = ", ".join(v.strip() for v in values)
    return value if _is_clean(value) else None
