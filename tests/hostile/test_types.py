"""Content that is not a web page is refused with a reason naming its type (cases in
cases/types/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from broadsheet.fetch import FetchOptions, UnsupportedContent, fetch
from tests.hostile import payloads
from tests.hostile.corpus import Case, params
from tests.hostile.servers import ScriptServer, reply


def _serve(case: Case, origin: ScriptServer, prefix: str = "") -> str:
    headers = [("Content-Type", case.get("content_type"))] if case.get("content_type") else []
    path = f"/types-{prefix}{case.name}"
    origin.routes[path] = reply(200, headers, payloads.body(case.get("body")))
    return origin.url(path)


@pytest.mark.parametrize("case", params("types"))
def test_type_is_refused_with_a_reason(case: Case, origin: ScriptServer) -> None:
    url = _serve(case, origin)
    options = FetchOptions(allow_private=frozenset({f"127.0.0.1:{origin.port}"}), deadline=5)
    if case.expect.get("ok"):
        page = fetch(url, options=options)
        assert page.content_type in ("text/html", "application/xhtml+xml")
        assert page.content == payloads.body(case.get("body"))
        return
    with pytest.raises(UnsupportedContent) as info:
        fetch(url, options=options)
    assert info.value.code == "unsupported_content"
    assert info.value.reason == case.expect["reason"]


@pytest.mark.parametrize("case", params("types", where="save"))
def test_type_through_the_save_path(
    case: Case, save_and_run: Callable[[str], Any], hostile_pipeline: ScriptServer
) -> None:
    item = save_and_run(_serve(case, hostile_pipeline, prefix="save-"))
    assert item.status == "failed"
    assert item.error_code == "unsupported_content"
    assert item.error == case.expect["reason"]
