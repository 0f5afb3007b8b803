"""What a successful fetch returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["NOT_MODIFIED", "Page"]

#: The status of an answer to a conditional request saying the caller's copy is still current.
NOT_MODIFIED = 304


@dataclass(frozen=True)
class Page:
    """A fetched page, or (only when the request was conditional) the news that it has not
    changed: then :attr:`not_modified` is true, :attr:`status` is 304, :attr:`content` is empty
    and :attr:`content_type` is ``""``."""

    url: str  #: as requested
    final_url: str  #: after redirects
    status: int
    headers: Mapping[str, str]  #: lower-case names; repeated headers joined with ", "
    content: bytes  #: the decompressed body
    content_type: str  #: e.g. "text/html" (sniffed if the server sent none or a generic one)
    charset: str  #: a Python codec name, e.g. "utf-8", "cp1251"
    #: Validators and cache hints, as the server sent them (one clean line of at most 1,024
    #: characters, else None). Send ``etag`` back as If-None-Match and ``last_modified`` as
    #: If-Modified-Since. A 304 carries them when the server repeats them there.
    etag: str | None = None
    last_modified: str | None = None
    cache_control: str | None = None

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request: keep the copy you have."""
        return self.status == NOT_MODIFIED

    @property
    def text(self) -> str:
        """The body decoded with :attr:`charset` (bad bytes replaced, byte order mark dropped)."""
        try:
            text = self.content.decode(self.charset, errors="replace")
        except LookupError:
            text = self.content.decode("utf-8", errors="replace")
        return text.removeprefix("\ufeff")
