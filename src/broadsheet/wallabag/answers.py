"""What every answer of the wallabag door looks like.

The clients are strict about small things (../shared/contracts/wallabag-api.md §2): the
`wallabag` CLI parses a body only when `Content-Type` is exactly `application/json` (no
charset), KOReader wants the body to begin with `{`, the Android and iOS apps treat 201 and 204 as
failures, and dates are wallabag's `Y-m-d\\TH:i:sO` ("2016-04-05T09:07:54+0000").
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.http import HttpResponse

JSON = "application/json"

# The wallabag release these answers follow; the Android app compares versions as strings, so
# it must stay a 2.x.y with one-digit parts.
VERSION = "2.6.14"


def answer(data: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body.encode("utf-8"), status=status, content_type=JSON)


# The error each status names, for the `error` field of the superset body (§3.3).
ERRORS = {
    400: "invalid_request",
    401: "invalid_grant",
    403: "access_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
}


def problem(status: int, description: str, error: str = "") -> HttpResponse:
    """An error every client can read: OAuth's `error`/`error_description` (the CLI prints them,
    the iOS app requires both) and the older `code`/`message` pair."""
    return answer(
        {
            "error": error or ERRORS.get(status, "error"),
            "error_description": description,
            "code": status,
            "message": description,
        },
        status=status,
    )


def date(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S%z")
