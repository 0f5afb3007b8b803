"""Typed errors of the domain. Each has a stable `code`; web and API map them once.

Messages are the user-facing contract of DESIGN.md; keep their wording.
"""

from __future__ import annotations


class BroadsheetError(Exception):
    code: str = "error"
    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(BroadsheetError):
    code = "not_found"
    status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class InvalidURL(BroadsheetError):
    code = "invalid_url"
    status = 422


class QuotaExceeded(BroadsheetError):
    code = "quota_exceeded"
    status = 409

    def __init__(self, limit: int) -> None:
        super().__init__(f"You reached the limit of {limit} saved items.")
        self.limit = limit


class AlreadySaved(BroadsheetError):
    code = "already_saved"
    status = 409

    def __init__(self, item_id: int) -> None:
        super().__init__("You have already saved this item.")
        self.item_id = item_id


class AlreadySubscribed(BroadsheetError):
    code = "already_subscribed"
    status = 409

    def __init__(self, feed_id: int) -> None:
        super().__init__("You already follow this feed.")
        self.feed_id = feed_id


class LimitReached(BroadsheetError):
    """A per-reader limit that is not the saved-item limit: topics, feeds, a topic's action
    links, a story's notes."""

    code = "limit_reached"
    status = 409


class Conflict(BroadsheetError):
    """The request is fine but the reader's rows say no: the address is on the topic already,
    the story has no key terms yet, the newsletter has no address to go to."""

    code = "conflict"
    status = 409


class InvalidQuery(BroadsheetError):
    """A topic's query that the query syntax refuses (docs/topics.md)."""

    code = "invalid_query"
    status = 422


class InvalidEmail(BroadsheetError):
    code = "invalid_email"
    status = 422


class InvalidOpml(BroadsheetError):
    code = "invalid_opml"
    status = 422


class Folded(NotFound):
    """The item was the same story as an earlier one and was folded into it."""

    code = "folded"

    def __init__(self, into: int) -> None:
        super().__init__(f"This story was already saved; it was folded into item {into}.")
        self.item_id = into


class SignupClosed(BroadsheetError):
    code = "signup_closed"
    status = 403

    def __init__(self) -> None:
        super().__init__("Sign-up is closed on this server.")


class InvalidInput(BroadsheetError):
    code = "invalid_input"
    status = 422


class NothingToRetry(BroadsheetError):
    code = "not_failed"
    status = 409

    def __init__(self) -> None:
        super().__init__("Only an item that failed can be retried.")


class FetchFailed(BroadsheetError):
    """The page could not be fetched; `message` is the reader-facing reason."""

    code = "fetch_failed"
    status = 502

    def __init__(self, reason_code: str, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code


class RateLimited(BroadsheetError):
    """Too many failed logins (or bad API tokens) from this account or address."""

    code = "rate_limited"
    status = 429

    def __init__(self, retry_after: int, what: str = "failed logins") -> None:
        minutes = max(1, -(-retry_after // 60))
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(f"Too many {what}. Try again in {minutes} {unit}.")
        self.retry_after = retry_after


class ImportFormatUnknown(BroadsheetError):
    """An import file whose format was not recognised (or a format name we do not have)."""

    code = "unknown_format"
    status = 422

    def __init__(self, formats: tuple[str, ...] | list[str], given: str | None = None) -> None:
        names = ", ".join(formats)
        if given:
            message = f"“{given}” is not a format Broadsheet imports. Choose one of: {names}."
        else:
            message = (
                "Broadsheet cannot tell which service this file comes from. "
                f"Choose its format: {names}."
            )
        super().__init__(message)
        self.formats = tuple(formats)


class UnreadableImport(BroadsheetError):
    """The import file cannot be read in its format (not a ZIP, no header the format has)."""

    code = "unreadable_file"
    status = 422


def _size(n: int) -> str:
    """Bytes in words a reader reads at a glance: "1 GB", "200 MB", "512 KB", "900 bytes"."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= factor:
            value = n / factor
            return (
                f"{value:,.0f} {unit}"
                if value >= 10 or value.is_integer()
                else f"{value:.1f} {unit}"
            )
    return f"{n:,} bytes"


class ImportTooLarge(BroadsheetError):
    """An import file over BROADSHEET_IMPORT_MAX_BYTES."""

    code = "too_large"
    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"An import file is at most {_size(limit)}; this one is larger.")
        self.limit = limit


class PageTooLarge(BroadsheetError):
    """A save that brings the page's HTML (the browser extension) over
    BROADSHEET_SAVE_HTML_MAX_BYTES: refused whole, as a fetch of so large a page fails."""

    code = "too_large"
    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"A page sent with a save is at most {_size(limit)}; this one is larger.")
        self.limit = limit


class TokenInURL(BroadsheetError):
    """An API token sent in the address, where logs and browser history keep it."""

    code = "token_in_url"
    status = 401

    def __init__(self) -> None:
        super().__init__(
            "API tokens are never accepted in the address. Send the token in the Authorization "
            "header: Authorization: Bearer <token>. Revoke this one: it may now be in logs."
        )
