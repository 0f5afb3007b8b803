"""What a successful fetch returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Page"]


@dataclass(frozen=True)
class Page:
    url: str  #: as requested
    final_url: str  #: after redirects
    status: int
    headers: Mapping[str, str]  #: lower-case names; repeated headers joined with ", "
    content: bytes  #: the decompressed body
    content_type: str  #: e.g. "text/html" (sniffed if the server sent none)
    charset: str  #: a Python codec name, e.g. "utf-8", "cp1251"

    @property
    def text(self) -> str:
        """The body decoded with :attr:`charset` (bad bytes replaced, byte order mark dropped)."""
        try:
            text = self.content.decode(self.charset, errors="replace")
        except LookupError:
            text = self.content.decode("utf-8", errors="replace")
        return text.removeprefix("\ufeff")
