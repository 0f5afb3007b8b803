"""The OpenAPI document as a client reads it: JSON without a repeated key, valid OpenAPI 3.1; and
the one limit on an address's length that the schema, the server, the web form and the docs share.

The rendered docs page (/api/v1/docs) refuses a document with a repeated key ("duplicated mapping
key"); so the document is checked here as text, not only as the dict the server built.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from broadsheet.core.canonical import MAX_URL_LENGTH
from broadsheet.core.models import Item
from tests.conftest import ApiClient

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


# --- one limit on the length of an address --------------------------------------------------------


def _url_schema() -> dict[str, Any]:
    doc = _document()
    body = doc["paths"]["/api/v1/items"]["post"]["requestBody"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[1]
    url: dict[str, Any] = doc["components"]["schemas"][ref]["properties"]["url"]
    return url


def test_the_schema_web_form_and_docs_give_the_servers_url_limit() -> None:
    from pathlib import Path

    from broadsheet.web.forms import SaveForm

    assert _url_schema()["maxLength"] == MAX_URL_LENGTH
    assert SaveForm.base_fields["url"].max_length == MAX_URL_LENGTH  # type: ignore[attr-defined]
    api_md = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    lengths = {int(n) for n in re.findall(r"at most (\d+) characters", api_md)}
    assert lengths == {MAX_URL_LENGTH}, lengths


def _url_of_length(n: int) -> str:
    base = "https://news.example/"
    return base + "a" * (n - len(base))


@pytest.mark.django_db
def test_one_character_over_the_limit_is_the_schemas_error(api: ApiClient) -> None:
    r = api.post("/api/v1/items", {"url": _url_of_length(MAX_URL_LENGTH + 1)})
    assert r.status_code == 422, r.content
    error = r.json()["error"]
    assert error["code"] == "invalid_input"  # the schema's error, not the server's invalid_url
    assert error["message"].startswith("url: ")
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_an_address_at_the_limit_is_saved(api: ApiClient) -> None:
    url = _url_of_length(MAX_URL_LENGTH)
    r = api.post("/api/v1/items", {"url": url})
    assert r.status_code == 201, r.content
    assert r.json()["url"] == url
