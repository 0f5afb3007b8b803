"""Render the extension's PNG icons from the web app's icon (web/static/broadsheet/icon.svg).

Browsers want the toolbar and extension-page icons as PNGs of 16, 32, 48 and 128 pixels. They
are drawn from the one SVG with Debian's Chromium (Pillow cannot read SVG), so the icon is drawn
once: run `.venv/bin/python extension/tools/make_icons.py` after changing the SVG, then commit
the PNGs in extension/icons/.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SVG = ROOT / "src" / "broadsheet" / "web" / "static" / "broadsheet" / "icon.svg"
OUT = ROOT / "extension" / "icons"
SIZES = (16, 32, 48, 128)
CHROMIUM = "/usr/bin/chromium"


def page(svg: str, size: int) -> str:
    sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
    return (
        "<!doctype html><html><head><style>html,body{margin:0;background:transparent}"
        "svg{display:block}</style></head><body>" + sized + "</body></html>"
    )


def main() -> int:
    from playwright.sync_api import sync_playwright

    svg = SVG.read_text(encoding="utf-8").strip()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for size in SIZES:
                context = browser.new_context(
                    viewport={"width": size, "height": size}, device_scale_factor=1
                )
                tab = context.new_page()
                tab.set_content(page(svg, size))
                target = OUT / f"icon-{size}.png"
                tab.screenshot(path=str(target), omit_background=True)
                context.close()
                print(f"wrote {target.relative_to(ROOT)}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
