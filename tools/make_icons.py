"""Render every PNG icon from web/static/broadsheet/icon.svg with Debian's Chromium: the web
app's and the browser extension's (Pillow cannot read SVG).

The web app manifest needs PNGs (192 and 512 pixels, and a "maskable" one whose artwork keeps
inside the central 80% circle that Android's launchers cut out), and iOS wants a 180-pixel
apple-touch-icon without transparency. They are made from the one SVG, so the icon is drawn
once: `make icons` (or `.venv/bin/python tools/make_icons.py`), then commit the PNGs.

- `icon-192.png`, `icon-512.png`: the SVG as it is (rounded corners, transparent outside).
- `icon-maskable-512.png`, `icon-180.png`: full-bleed square background, the letter at 80%.
- `extension/icons/icon-{16,32,48,128}.png`: the toolbar and extension-page icons, as they are.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "broadsheet" / "web" / "static"
SVG = STATIC / "broadsheet" / "icon.svg"
EXTENSION_ICONS = ROOT / "extension" / "icons"
CHROMIUM = "/usr/bin/chromium"


def full_bleed(svg: str) -> str:
    """The same icon on a square background, its letter scaled to 80% about the centre."""
    svg = re.sub(r'\s+rx="[^"]*"', "", svg, count=1)
    return re.sub(
        r"(<path [^>]*/>)",
        r'<g transform="translate(16 16) scale(.8) translate(-16 -16)">\1</g>',
        svg,
        count=1,
    )


def page(svg: str, size: int) -> str:
    sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
    return (
        "<!doctype html><html><head><style>html,body{margin:0;background:transparent}"
        "svg{display:block}</style></head><body>" + sized + "</body></html>"
    )


def main() -> int:
    from playwright.sync_api import sync_playwright

    svg = SVG.read_text(encoding="utf-8").strip()
    wanted = {
        SVG.parent / "icon-192.png": (svg, 192),
        SVG.parent / "icon-512.png": (svg, 512),
        SVG.parent / "icon-maskable-512.png": (full_bleed(svg), 512),
        SVG.parent / "icon-180.png": (full_bleed(svg), 180),
    }
    for size in (16, 32, 48, 128):
        wanted[EXTENSION_ICONS / f"icon-{size}.png"] = (svg, size)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for target, (art, size) in wanted.items():
                context = browser.new_context(
                    viewport={"width": size, "height": size}, device_scale_factor=1
                )
                tab = context.new_page()
                tab.set_content(page(art, size))
                tab.screenshot(path=str(target), omit_background=True)
                context.close()
                print(f"wrote {target.relative_to(ROOT)}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
