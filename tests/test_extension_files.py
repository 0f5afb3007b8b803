"""The browser extension's files (extension/), read as the stores and the browsers read them: one
Manifest V3 for Chromium and Firefox, the permissions it needs and no more, no remote code, no
eval, no inline script, and every file the manifest names present (icons of their sizes).
tests/browser/test_extension.py runs it in Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from PIL import Image

EXTENSION = Path(__file__).resolve().parent.parent / "extension"


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXTENSION / "manifest.json").read_text("utf-8"))
    return data


def _shipped(suffix: str) -> list[Path]:
    return sorted(p for p in EXTENSION.glob(f"*{suffix}") if p.is_file())


def test_one_manifest_v3_for_chromium_and_firefox() -> None:
    m = _manifest()
    assert m["manifest_version"] == 3
    assert len(m["description"]) <= 132  # the Chrome Web Store's limit
    # Chromium runs the service worker, Firefox the same file as an event page.
    # Chromium runs the service worker (which loads address.js itself); Firefox the scripts, in
    # order.
    assert m["background"] == {
        "service_worker": "background.js",
        "scripts": ["address.js", "background.js"],
    }
    gecko = m["browser_specific_settings"]["gecko"]
    assert re.fullmatch(r"[\w.-]+@[\w.-]+", gecko["id"])
    assert m["action"]["default_popup"] == "popup.html"
    assert m["options_ui"]["page"] == "options.html"


def test_it_asks_for_what_it_needs_and_no_more() -> None:
    m = _manifest()
    assert sorted(m["permissions"]) == ["activeTab", "scripting", "storage"]
    # The server's address is the reader's: asked for on the options page, never at install.
    assert "host_permissions" not in m
    assert sorted(m["optional_host_permissions"]) == ["http://*/*", "https://*/*"]
    assert "content_scripts" not in m and "web_accessible_resources" not in m
    assert "content_security_policy" not in m  # the browsers' strict default for MV3


def test_every_file_named_is_there_and_the_icons_have_their_sizes() -> None:
    m = _manifest()
    icons = {**m["icons"], **m["action"]["default_icon"]}
    for size, name in icons.items():
        with Image.open(EXTENSION / name) as image:
            assert image.size == (int(size), int(size)), name
    for name in ("background.js", "popup.html", "options.html"):
        assert (EXTENSION / name).is_file()


def test_no_remote_code_no_eval_no_inline_script() -> None:
    for page in _shipped(".html"):
        html = page.read_text("utf-8")
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I)
        assert scripts, page.name
        for attributes, body in scripts:
            src = re.search(r'src="([^"]+)"', attributes)
            assert src and body.strip() == "", f"{page.name}: inline script"
            assert (EXTENSION / src.group(1)).is_file(), f"{page.name}: {src.group(1)}"
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), f"{page.name}: an on* handler"
        assert not re.search(r'(src|href)="(https?:)?//', html), f"{page.name}: a remote file"
    for script in _shipped(".js"):
        code = script.read_text("utf-8")
        for banned in ("eval(", "new Function", "innerHTML", "document.write"):
            assert banned not in code, f"{script.name}: {banned}"
        # importScripts only of the extension's own files, named as they are.
        for call in re.findall(r"importScripts\(([^)]*)\)", code):
            local = re.fullmatch(r'"([a-z]+\.js)"', call.strip())
            assert local and (EXTENSION / local.group(1)).is_file(), f"{script.name}: {call}"
        assert not re.search(r"\bimport\s*\(", code), f"{script.name}: a dynamic import"
