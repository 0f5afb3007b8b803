"""The errors of broadsheet.feeds: each has a stable ``code`` and a ``message`` fit for readers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .discover import FeedLink

__all__ = ["FeedError", "NotAFeed", "OpmlError"]


class FeedError(Exception):
    """A feed that cannot be used. ``str(error)`` is the message."""

    #: "feed_empty", "feed_too_large", "feed_unreadable", "feed_unsupported" or "not_a_feed".
    code: str

    def __init__(self, message: str, *, code: str = "feed_unreadable") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotAFeed(FeedError):
    """The address gave a web page, not a feed. ``links`` are the feeds the page names
    (autodiscovery), in the page's order; empty if it names none. The caller may follow one."""

    def __init__(self, message: str, links: Sequence[FeedLink]) -> None:
        super().__init__(message, code="not_a_feed")
        self.links: tuple[FeedLink, ...] = tuple(links)


class OpmlError(FeedError):
    """An OPML file that cannot be read at all (a single bad outline is skipped instead)."""

    def __init__(self, message: str, *, code: str = "opml_invalid") -> None:
        super().__init__(message, code=code)
