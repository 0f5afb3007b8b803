"""Zip the browser extension for installing or publishing: `make extension`.

Writes dist/broadsheet-extension-VERSION.zip (VERSION from manifest.json) with every file of
extension/ but this tools/ folder, manifest.json at the top of the archive as both Chromium ("Load
unpacked" from the unzipped folder, or the Chrome Web Store) and Firefox (about:debugging, or
addons.mozilla.org for signing) want it. The archive is reproducible: files in name order, one
fixed timestamp, the same bytes for the same sources.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

EXTENSION = Path(__file__).resolve().parent.parent
ROOT = EXTENSION.parent
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def files() -> list[Path]:
    return sorted(
        p
        for p in EXTENSION.rglob("*")
        if p.is_file() and "tools" not in p.relative_to(EXTENSION).parts
    )


def main() -> int:
    version = json.loads((EXTENSION / "manifest.json").read_text("utf-8"))["version"]
    out = ROOT / "dist" / f"broadsheet-extension-{version}.zip"
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files():
            info = zipfile.ZipInfo(path.relative_to(EXTENSION).as_posix(), FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
