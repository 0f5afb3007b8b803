"""Oversized and deep documents: `extract` and `sanitize_html` each return (an Article, a typed
ExtractError, or safe HTML) within the hang guard, and a sample does so through the real save
path (cases in cases/dom/)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from broadsheet.extract import Article, ExtractError, extract, sanitize_html
from tests.hostile.corpus import Case, params
from tests.hostile.pages import build_dom_page as build
from tests.hostile.pages import stored_html_problems
from tests.hostile.servers import ScriptServer, reply


@pytest.mark.parametrize("case", params("dom"))
def test_extract_is_bounded(case: Case) -> None:
    html = build(case)
    start = time.perf_counter()
    try:
        result: Article | ExtractError = extract(html, url="https://news.example/story")
    except ExtractError as exc:
        result = exc
    elapsed = time.perf_counter() - start
    assert elapsed < case.expect["within"], f"extract took {elapsed:.2f}s"
    if isinstance(result, ExtractError):
        assert result.code and result.message
    else:
        assert stored_html_problems(result.html) == []


@pytest.mark.parametrize("case", params("dom"))
def test_sanitize_is_bounded(case: Case) -> None:
    html = build(case)
    start = time.perf_counter()
    try:
        out = sanitize_html(html, base_url="https://news.example/story")
    except ExtractError as exc:
        assert exc.code == "input_too_large"
        out = ""
    elapsed = time.perf_counter() - start
    assert elapsed < case.expect["within"], f"sanitize_html took {elapsed:.2f}s"
    assert stored_html_problems(out) == []


@pytest.mark.parametrize("case", params("dom", where="save"))
def test_save_path_is_bounded(
    case: Case, save_and_run: Callable[[str], Any], hostile_pipeline: ScriptServer
) -> None:
    path = f"/dom-{case.name}"
    hostile_pipeline.routes[path] = reply(
        200, [("Content-Type", "text/html")], build(case).encode()
    )
    start = time.perf_counter()
    item = save_and_run(hostile_pipeline.url(path))
    elapsed = time.perf_counter() - start
    assert elapsed < 10, f"the save path took {elapsed:.2f}s"
    assert item.status in ("ready", "failed")
    if item.status == "failed":
        assert item.error_code in ("no_article", "input_too_large", "empty_document", "not_html")
    else:
        assert stored_html_problems(item.html) == []
