"""Every answer under /api/ is JSON in the error shape, including the ones no API code made.

Django answers some requests before or after the API's own views and handlers run, with its HTML
pages: an address no route matches (404), a Host not in ALLOWED_HOSTS (400), a bug (500); ninja
answers a method an address does not have with a bare 405. A client of the API cannot read those,
so this middleware turns each into the error shape with the code docs/api.md gives its status,
keeping the headers that matter (Allow, Retry-After).

It also refuses a body larger than Django will read (DATA_UPLOAD_MAX_MEMORY_SIZE) with 413
`too_large` from its Content-Length, before anything reads it: otherwise Django raises while a
view reads the body and answers 400 with its HTML page. A save (`POST /api/v1/items`) may be
larger, since it may bring the page's HTML (BROADSHEET_SAVE_HTML_MAX_BYTES): its body, within
that operation's own limit, is read here.

It sits in settings.MIDDLEWARE after the security-header middleware (so its answers get those
headers too) and before CommonMiddleware (which is where a bad Host is found).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from broadsheet.api import errors

PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _content_length(request: HttpRequest) -> int | None:
    raw = str(request.META.get("CONTENT_LENGTH") or "0").strip()
    return int(raw) if raw.isdigit() else None


def _is_json(response: HttpResponseBase) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


def _as_json(request: HttpRequest, response: HttpResponseBase) -> HttpResponse:
    code = errors.for_status(response.status_code)
    message = code.message
    allowed = ""
    if code is errors.METHOD_NOT_ALLOWED:
        allowed = ", ".join(sorted(m.strip() for m in str(response.get("Allow", "")).split(",")))
        message = f"{request.method} is not one of this address's methods: {allowed}."
    answer = errors.answer(code, message)
    for header in KEPT_HEADERS:
        if header in response:
            answer[header] = response[header]
    if allowed:
        answer["Allow"] = allowed
    return answer


def _read_larger_body(request: HttpRequest) -> None:
    """Read a body that is larger than Django's limit but within its operation's (a save with
    the page's HTML, see errors.body_limit_for), as HttpRequest.body reads one: Django itself
    would refuse it with its 400 page."""
    request._body = request.read()


class ApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        length = _content_length(request)
        if length is None:
            return errors.answer(errors.BAD_REQUEST, "The Content-Length header is not a number.")
        limit = errors.body_limit_for(request)
        if limit is not None and length > limit:
            return errors.answer(errors.TOO_LARGE, errors.too_large_message(limit))
        django_limit = errors.body_limit()
        if django_limit is not None and length > django_limit:
            try:
                _read_larger_body(request)
            except OSError:
                return errors.answer(errors.BAD_REQUEST, "The request body could not be read.")
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            return _as_json(request, response)
        return response
