"""The access token on every protected wallabag route (contract §3.3).

`Authorization: Bearer TOKEN`, as every client sends it. No token is 401 `access_denied`; an
unknown token 401 `invalid_grant` "The access token provided is invalid."; an expired one says so
(the Android app refreshes on any 401). Bad tokens count against the address under the same limit
as the REST API's, so a token cannot be guessed from one address; past it, 429.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from broadsheet.core import oauth, ratelimit, services
from broadsheet.core.errors import RateLimited
from broadsheet.wallabag.answers import problem

View = Callable[..., HttpResponseBase]


def _unauthorised(description: str, error: str) -> HttpResponse:
    response = problem(401, description, error)
    response["WWW-Authenticate"] = (
        f'Bearer realm="Service", error="{error}", error_description="{description}"'
    )
    return response


def protected(view: View) -> View:
    """Run the view as the token's reader, or answer 401 (429 past the bad-token limit)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorised("OAuth2 authentication required", "access_denied")
        found = oauth.user_for_access_token(token.strip())
        if found == "expired":
            return _unauthorised("The access token provided has expired.", "invalid_grant")
        if isinstance(found, str):
            try:
                services.refuse_token(ratelimit.client_address(request))
            except RateLimited as exc:
                response = problem(429, exc.message, "rate_limited")
                response["Retry-After"] = str(exc.retry_after)
                return response
            return _unauthorised("The access token provided is invalid.", "invalid_grant")
        request.user = found  # type: ignore[assignment]
        return view(request, *args, **kwargs)

    return wrapper
