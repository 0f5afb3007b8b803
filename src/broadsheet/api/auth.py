from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from broadsheet.core import access


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens are made on the settings page or by the CLI."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = access.user_for_token(token)
        if user is None:
            return None
        request.user = user  # type: ignore[assignment]
        return user
