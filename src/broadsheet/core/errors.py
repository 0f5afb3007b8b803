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
