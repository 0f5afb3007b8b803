"""Typed extraction errors: a stable ``code`` for programs and a ``message`` for people."""

from __future__ import annotations


class ExtractError(Exception):
    """Base of every error the engine raises on purpose."""

    code: str = "extract_failed"
    default_message: str = "The article could not be extracted"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class EmptyDocument(ExtractError):
    code = "empty_document"
    default_message = "The page is empty"


class NotHTML(ExtractError):
    code = "not_html"
    default_message = "The page is not HTML"


class NoArticle(ExtractError):
    code = "no_article"
    default_message = "No article text was found on the page"


class InputTooLarge(ExtractError):
    code = "input_too_large"
    default_message = "The page is too large to extract"
