"""The OpenAPI document as a client reads it: JSON without a repeated key, valid OpenAPI 3.1, every
status that each operation can answer listed, errors with the error shape (ErrorOut); and the one
limit on an address's length that the schema, the server, the web form and the docs share.

The rendered docs page (/api/v1/docs) refuses a document with a repeated key ("duplicated mapping
key"), and a generated client or a fuzzer trusts the listed statuses; so the document is checked
here as text, not only as the dict the server built.
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
ERROR_REF = "#/components/schemas/ErrorOut"
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


def test_the_export_documents_every_file() -> None:
    op = _document()["paths"]["/api/v1/export"]["get"]
    content = op["responses"]["200"]["content"]
    assert set(content) == {
        "application/json",
        "text/csv",
        "text/html",
        "application/zip",
        "application/epub+zip",
    }


# --- every status each operation can answer -------------------------------------------------------


def _params(op: dict[str, Any], where: str) -> list[dict[str, Any]]:
    return [p for p in op.get("parameters", []) if p["in"] == where]


def _must_answer(path: str, op: dict[str, Any]) -> set[str]:
    """The statuses an operation can answer whatever it does, from what the document says of it."""
    statuses = {"400", "401", "413", "429", "500"}  # bad Host; token; body size; throttle; a bug
    if op.get("requestBody") or _params(op, "query") or _params(op, "path"):
        statuses.add("422")
    if "{item_id}" in path:
        statuses.add("404")
    return statuses


def test_every_operation_lists_every_status_it_can_answer() -> None:
    doc = _document()
    operations = _operations(doc)
    assert len(operations) >= 8
    for method, path, op in operations:
        listed = set(op["responses"])
        missing = _must_answer(path, op) - listed
        assert not missing, f"{method.upper()} {path} does not list {sorted(missing)}"
        assert "405" not in listed, "405 answers a method that is not an operation"


def test_every_error_status_has_the_error_shape() -> None:
    for method, path, op in _operations(_document()):
        for status, response in op["responses"].items():
            if int(status) < 400:
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            assert schema.get("$ref") == ERROR_REF, f"{method.upper()} {path} {status}: {response}"


def test_the_error_shape_documents_its_fields() -> None:
    schemas = _document()["components"]["schemas"]
    body = schemas[schemas["ErrorOut"]["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    assert {"code", "message", "item_id", "details"} <= set(body["properties"])
    assert set(body["required"]) == {"code", "message"}


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
