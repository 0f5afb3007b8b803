"""Bearer-token authentication for the API.

A token is accepted only in the `Authorization` header: one in the address (`?token=`,
`?access_token=`, ...) is refused, since addresses end up in logs, proxies and browser history.
Requests with a bad token are counted per client address with the failed logins' limit; past it
the address's bad tokens get 429 instead of 401. A valid token is served whatever its address did:
the token is looked up first, so one misconfigured client behind an office's NAT cannot lock the
whole office out. (The lookup is one index probe, and a token's 256 random bits, not the limit,
are what make guessing hopeless.) The header is never logged.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from broadsheet.core import access, ratelimit, services
from broadsheet.core.errors import TokenInURL

# Query parameters that look like a credential; any of them makes the request 401.
TOKEN_PARAMETERS = frozenset({"token", "access_token", "api_key", "apikey", "bearer"})


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens are made on the settings page or by the CLI."""

    def __call__(self, request: HttpRequest) -> Any:
        if TOKEN_PARAMETERS & {name.lower() for name in request.GET}:
            raise TokenInURL()
        # Not HttpBearer.__call__: in DEBUG it logs an unexpected header, secret and all.
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if not scheme:
            return None
        if scheme.lower() != self.openapi_scheme:
            token = scheme + " " + token  # a wrong scheme is a bad token
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = access.user_for_token(token)
        if user is not None:
            request.user = user  # type: ignore[assignment]
            return user
        services.refuse_token(ratelimit.client_address(request))  # past the limit: 429
        return None
