"""Reading a request's parameters the way wallabag does.

Clients send the same fields in different places (contract §2.3, §2.12): the CLI puts the token
request in a GET query string and everything else in form bodies; KOReader, the iOS app and
Readeck send JSON bodies (the iOS app even with `null` for "not given"); the Android app sends
forms. Values come as strings ("1"), numbers (1) or booleans (true). `Params` merges query and body
into one mapping of present, non-null values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, QueryDict

# A wallabag body is a URL, a few flags and maybe the page's HTML.
BODY_MAX_BYTES = 10 * 1024 * 1024


class BadParameter(ValueError):
    """A parameter has a value the endpoint cannot use: answered with 400."""


class Params:
    def __init__(self, values: Mapping[str, Any], lists: Mapping[str, list[Any]]) -> None:
        self._values = values
        self._lists = lists

    def __contains__(self, name: str) -> bool:
        return self._values.get(name) is not None

    def text(self, name: str, default: str = "") -> str:
        value = self._values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, int | float | str):
            return str(value)
        raise BadParameter(f"{name} must be text.")

    def flag(self, name: str) -> bool | None:
        """A 0/1 flag (also "true"/"false", JSON booleans); None when absent."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise BadParameter(f"{name} must be 0 or 1.")

    def number(self, name: str, default: int, *, minimum: int = 1) -> int:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        try:
            number = int(str(value).strip())
        except ValueError:
            raise BadParameter(f"{name} must be a whole number.") from None
        if number < minimum:
            raise BadParameter(f"{name} must be at least {minimum}.")
        return number

    def labels(self, name: str) -> list[str] | None:
        """Tags: a comma-separated string or a JSON array; None when absent."""
        value = self._values.get(name)
        if value is None:
            return None
        parts: list[Any] = value if isinstance(value, list) else str(value).split(",")
        labels = []
        for part in parts:
            if isinstance(part, dict):
                part = part.get("label", "")
            label = str(part).strip()
            if label:
                labels.append(label)
        return labels

    def many(self, name: str) -> list[str]:
        """A repeated parameter (`urls[]=a&urls[]=b`)."""
        return [str(v) for v in self._lists.get(name, []) if v is not None]


def _body(request: HttpRequest) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    if request.method in {"GET", "HEAD", "DELETE", "OPTIONS"} and not request.body:
        return {}, {}
    kind = request.content_type or ""
    if kind == "application/json" or (kind != "multipart/form-data" and _looks_json(request)):
        if not request.body.strip():
            return {}, {}
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise BadParameter("The body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise BadParameter("The body must be a JSON object.")
        return data, {k: v if isinstance(v, list) else [v] for k, v in data.items()}
    form: QueryDict
    if kind == "application/x-www-form-urlencoded" or kind == "multipart/form-data":
        form = request.POST if request.method == "POST" else QueryDict(request.body)
    else:
        form = QueryDict(request.body)
    return {k: form.get(k) for k in form}, {k: form.getlist(k) for k in form}


def _looks_json(request: HttpRequest) -> bool:
    return request.body[:1] in (b"{", b"[") or request.body.lstrip()[:1] == b"{"


def of(request: HttpRequest) -> Params:
    """The query string and the body together; the body wins where both give a field."""
    values: dict[str, Any] = {k: request.GET.get(k) for k in request.GET}
    lists: dict[str, list[Any]] = {k: request.GET.getlist(k) for k in request.GET}
    body_values, body_lists = _body(request)
    values.update(body_values)
    lists.update(body_lists)
    return Params(values, lists)
