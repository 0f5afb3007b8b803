"""The OpenAPI document as a client reads it: JSON without a repeated key, valid OpenAPI 3.1.

The rendered docs page (/api/v1/docs) refuses a document with a repeated key ("duplicated mapping
key"); so the document is checked here as text, not only as the dict the server built.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

OPENAPI = "/api/v1/openapi.json"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


class RepeatedKey(ValueError):
    pass


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise RepeatedKey(
                f"repeated key {key!r} in an object with keys {[k for k, _ in pairs]}"
            )
        seen[key] = value
    return seen


def _document() -> dict[str, Any]:
    r = Client().get(OPENAPI)
    assert r.status_code == 200
    doc: dict[str, Any] = json.loads(
        r.content.decode("utf-8"), object_pairs_hook=_refuse_repeated_keys
    )
    return doc


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_the_document_has_no_repeated_keys() -> None:
    _document()


def test_the_hook_does_find_a_repeated_key() -> None:
    with pytest.raises(RepeatedKey):
        json.loads(
            '{"responses": {"200": {}, "401": {}, "200": {}}}',
            object_pairs_hook=_refuse_repeated_keys,
        )


def test_the_document_is_valid_openapi_3_1() -> None:
    doc = _document()
    assert doc["openapi"].startswith("3.1")
    validate(doc, cls=OpenAPIV31SpecValidator)


def test_the_export_documents_both_files() -> None:
    op = _document()["paths"]["/api/v1/export"]["get"]
    content = op["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/csv"}
