from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from broadsheet.core import queries


def saved_counter(request: HttpRequest) -> dict[str, Any]:
    """`Saved (3 of 20 items)` under the user's name at the top of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"saved_counter": queries.counter(user)}
