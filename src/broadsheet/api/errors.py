"""The API's error answers: one shape, `{"error": {"code": ..., "message": ...}}`, and one HTTP
status per code (the table in docs/api.md, which tests/test_docs.py compares with `codes()`).

Core's typed errors (`core.errors`) bring their own code and status. The API adds codes of its own
for what goes wrong around an operation rather than inside core: no valid token, a body that is not
JSON or is too large, an address or method the API does not have, a Host the server does not
answer to, a bug. routes.py's exception handlers and the middleware (api.middleware) answer all of
them through `error_response`, and every operation lists its statuses with `responses()`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from broadsheet.api.schemas import ErrorOut
from broadsheet.core import errors


@dataclass(frozen=True)
class Code:
    code: str
    status: int
    message: str


BAD_REQUEST = Code(
    "bad_request",
    400,
    "The request could not be read (is the Host header a name this server answers to?).",
)
UNAUTHORIZED = Code("unauthorized", 401, "A valid API token is required.")
NO_SUCH_ADDRESS = Code("not_found", 404, "There is no such address in the API.")
METHOD_NOT_ALLOWED = Code("method_not_allowed", 405, "This address does not take that method.")
TOO_LARGE = Code("too_large", 413, "The request body is too large.")
NOT_JSON = Code("invalid_input", 422, "The request body is not valid JSON.")
SERVER_ERROR = Code(
    "server_error", 500, "Something went wrong on the server. It was logged; try again later."
)

# The answer to an error response that some other layer made (Django's HTML pages), by status.
BY_STATUS: dict[int, Code] = {
    c.status: c for c in (BAD_REQUEST, NO_SUCH_ADDRESS, METHOD_NOT_ALLOWED, TOO_LARGE, SERVER_ERROR)
}

# Core's errors that never reach an API answer: sign-up is a web page, and a fetch fails in the
# background (the item keeps the reason in `error_code`).
NOT_API_ERRORS: frozenset[type[errors.BroadsheetError]] = frozenset(
    {errors.SignupClosed, errors.FetchFailed}
)

# What any operation can answer, whatever it does: a Host the server does not answer to (400), no
# valid token (401), a body over the size limit (413), too many bad tokens (429), a bug (500).
EVERY_OPERATION = (400, 401, 413, 429, 500)


def _subclasses(cls: type[errors.BroadsheetError]) -> list[type[errors.BroadsheetError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


def codes() -> dict[str, int]:
    """Every code an API answer can carry, with its one status."""
    table: dict[str, int] = {}
    own = [BAD_REQUEST, UNAUTHORIZED, NO_SUCH_ADDRESS, METHOD_NOT_ALLOWED, TOO_LARGE, NOT_JSON]
    pairs = [(c.code, c.status) for c in [*own, SERVER_ERROR]]
    pairs += [
        (cls.code, cls.status)
        for cls in _subclasses(errors.BroadsheetError)
        if cls is not errors.BroadsheetError and cls not in NOT_API_ERRORS
    ]
    for code, status in pairs:
        if table.setdefault(code, status) != status:
            raise AssertionError(f"the code {code} has two statuses: {table[code]} and {status}")
    return table


def for_status(status: int) -> Code:
    """The code for an error status that no handler of ours chose (a page Django made)."""
    if status in BY_STATUS:
        return BY_STATUS[status]
    # Not reached by anything Broadsheet serves today; the status's own name keeps one code per
    # status should a new one appear.
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "error"
    return Code(phrase.lower().replace(" ", "_").replace("-", "_"), status, phrase + ".")


def body_limit() -> int | None:
    """The largest request body the server reads, in bytes (Django's setting; None: no limit)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else int(limit)


# The one operation whose body may be larger than Django's limit: a save that brings the page's
# HTML (the browser extension).
SAVE_PATH = "/api/v1/items"
# Room in a save's body for the rest of it (the address, the tags) beside the HTML.
SAVE_BODY_SLACK = 64 * 1024


def save_body_limit() -> int:
    """The largest body of a save: the page's HTML may be BROADSHEET_SAVE_HTML_MAX_BYTES bytes,
    which JSON's escapes (`\\"`, `\\n`) make longer in the body: twice that, and the slack. The
    HTML's own size is then checked exactly (core.services.save_item)."""
    return 2 * int(settings.BROADSHEET_SAVE_HTML_MAX_BYTES) + SAVE_BODY_SLACK


def body_limit_for(request: HttpRequest) -> int | None:
    """The largest body this request may have: Django's limit, or a save's when larger."""
    limit = body_limit()
    if limit is not None and request.method == "POST" and request.path_info == SAVE_PATH:
        return max(limit, save_body_limit())
    return limit


def too_large_message(limit: int | None = None) -> str:
    limit = body_limit() if limit is None else limit
    return f"The request body is larger than {limit:,} bytes." if limit else TOO_LARGE.message


def error_response(status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    """The one shape of every error the API answers."""
    body = {"error": {"code": code, "message": message, **extra}}
    return HttpResponse(
        json.dumps(body), status=status, content_type="application/json; charset=utf-8"
    )


def answer(c: Code, message: str | None = None, **extra: Any) -> HttpResponse:
    return error_response(c.status, c.code, message or c.message, **extra)


def responses(success: dict[int, Any], *errors_: int) -> dict[int, Any]:
    """An operation's `response=`: its successes, the errors it answers itself (404 for an id,
    409, 422 for its parameters), and those of EVERY_OPERATION, all with the error shape."""
    out = dict(success)
    for status in sorted({*EVERY_OPERATION, *errors_}):
        out[status] = ErrorOut
    return out
