"""Extractors the reference scorer has no `--anchor` for, as `--callable bench.anchors:NAME`.

Each takes (html, url=None) and returns the article text, like the scorer's own anchors.
"""

from __future__ import annotations

from typing import Any

_goose: Any = None


def goose3(html: str, url: str | None = None) -> str:
    global _goose
    if _goose is None:
        from goose3 import Goose

        # No network: goose3 only parses the HTML it is given; images are not fetched.
        _goose = Goose({"enable_image_fetching": False, "http_timeout": 0.001})
    article = _goose.extract(raw_html=html, url=url)
    return str(article.cleaned_text or "")
