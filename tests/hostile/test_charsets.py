"""Wrong and conflicting character sets: through the real save path, a readable story, never a
crash (cases in cases/charsets/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.hostile.corpus import Case, params
from tests.hostile.servers import ScriptServer, reply


def page_bytes(case: Case) -> bytes:
    meta = f'<meta charset="{case.get("meta")}">' if case.get("meta") else ""
    if case.get("pad_before_meta"):
        meta = f"<!-- {'pad ' * (int(case.get('pad_before_meta')) // 4)} -->" + meta
    text = case.get("text")
    paras = "".join(f"<p>{text} Paragraph {n} of the story.</p>" for n in range(1, 5))
    head = f"<!doctype html><html><head>{meta}<title>Charset case</title></head><body>"
    story = f"<article><h1>Charset case</h1>{paras}"
    if case.get("inject_text"):
        story += f"<p>{case.get('inject_text')}</p>"
    tail = f"<p>{text} The last paragraph.</p></article></body></html>"
    encoding = case.get("encode_as")
    data = (head + story).encode(encoding)
    if case.get("inject_hex"):
        data += b"<p>" + bytes.fromhex(case.get("inject_hex")) + b"</p>"
    data += tail.encode(encoding)
    return bytes.fromhex(case.get("prefix_hex") or "") + data


@pytest.mark.parametrize("case", params("charsets"))
def test_charset_gives_a_readable_story(
    case: Case, save_and_run: Callable[[str], Any], hostile_pipeline: ScriptServer
) -> None:
    path = f"/charsets-{case.name}"
    hostile_pipeline.routes[path] = reply(200, [("Content-Type", case.get("content_type"))],
                                          page_bytes(case))  # fmt: skip
    item = save_and_run(hostile_pipeline.url(path))
    assert item.status == "ready", f"{item.error_code}: {item.error}"
    assert case.expect["phrase"] in item.text, item.text[:300]
    assert "\ufffd" not in item.text.split("The last paragraph")[0].split("Paragraph 4")[0][:200]
    if case.get("no_script"):
        assert "<script" not in item.html.lower()
        assert "alert(1)</" not in item.html
