"""What a caller may tune about a fetch, and parsing of the operator's allow-list setting."""

from __future__ import annotations

from dataclasses import dataclass

from .address import normalize_allow_entry

__all__ = ["KINDS", "FetchOptions", "parse_allow_private"]

#: The kinds of content a caller can accept (see ``content.MEDIA_TYPES``).
KINDS = frozenset({"html", "feed", "image"})

_FALSE = frozenset({"false", "", "0", "no", "off"})
_TRUE = frozenset({"true", "1", "yes", "on"})


@dataclass(frozen=True)
class FetchOptions:
    """Limits and policy for one fetch. The defaults are the ones readers' saves use."""

    #: ``True``, or ``host`` / ``host:port`` entries allowed to resolve to non-public addresses.
    allow_private: bool | frozenset[str] = False
    #: Cap on the body AFTER decompression (and on the raw body).
    max_bytes: int = 10 * 1024 * 1024
    #: One wall-clock deadline, in seconds, for the whole fetch: DNS, connects, redirects, body.
    deadline: float = 20.0
    max_redirects: int = 5
    user_agent: str = "Broadsheet/0.1 (+https://github.com/broadsheet; read-later)"
    #: Kinds of content accepted: "html", "feed", "image".
    accept: frozenset[str] = frozenset({"html"})

    def __post_init__(self) -> None:
        if not isinstance(self.allow_private, bool):
            if isinstance(self.allow_private, str):
                raise TypeError(
                    "allow_private must be a bool or a frozenset; see parse_allow_private"
                )
            for entry in self.allow_private:
                normalize_allow_entry(entry)
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if self.deadline <= 0:
            raise ValueError("deadline must be positive")
        if self.max_redirects < 0:
            raise ValueError("max_redirects must not be negative")
        if not self.accept or not self.accept <= KINDS:
            raise ValueError(f"accept must be a non-empty subset of {sorted(KINDS)}")


def parse_allow_private(value: str) -> bool | frozenset[str]:
    """Parse ``BROADSHEET_FETCH_ALLOW_PRIVATE``.

    ``"false"``, ``""``, ``"0"``, ``"no"`` -> ``False``; ``"true"``, ``"1"``, ``"yes"`` -> ``True``;
    otherwise a comma-separated list of ``host`` / ``host:port`` entries -> a frozenset of their
    normalised forms. Raises ``ValueError`` for anything else.
    """
    text = value.strip()
    if text.lower() in _FALSE:
        return False
    if text.lower() in _TRUE:
        return True
    entries = [part.strip() for part in text.split(",")]
    if not any(entries):
        raise ValueError(f"BROADSHEET_FETCH_ALLOW_PRIVATE: no entries in {value!r}")
    return frozenset(normalize_allow_entry(entry) for entry in entries if entry)
