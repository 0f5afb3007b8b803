"""atheris target: the sanitizer.

Run with `make fuzz` (not part of `make test`). Invariant: whatever goes in, the output has no
script-capable tag, no event handler or style attribute, only absolute http(s) URLs, and
sanitizing it again changes nothing.
"""

from __future__ import annotations

import re
import sys

import atheris

with atheris.instrument_imports():
    import lxml.html

    from broadsheet.extract import ExtractError, sanitize_html

BASE = "https://news.example/story"
SAFE_ATTRIBUTES = {"href", "src", "alt", "width", "height", "colspan", "rowspan", "class", "rel",
                   "referrerpolicy"}  # fmt: skip
BAD_TAGS = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|svg|math|form|base|meta|link)\b", re.I
)


def test_one_input(data: bytes) -> None:
    html = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(4096)
    try:
        out = sanitize_html(html, base_url=BASE)
    except ExtractError:
        return
    low = out.lower()
    assert "javascript:" not in low and "vbscript:" not in low and "data:" not in low, out
    assert not BAD_TAGS.search(out), out
    if out.strip():
        for fragment in lxml.html.fragments_fromstring(out):
            if isinstance(fragment, str):
                continue
            for el in fragment.iter():
                for name, value in el.attrib.items():
                    assert name in SAFE_ATTRIBUTES, (name, out)
                    if name in ("href", "src"):
                        assert value.startswith(("http://", "https://")), (value, out)
    assert sanitize_html(out, base_url=BASE) == out, (html, out)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
