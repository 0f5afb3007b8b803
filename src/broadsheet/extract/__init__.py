"""broadsheet.extract: the article engine. HTML (or flattened text) in, Article out.

Pure: imports no Django, no HTTP client and nothing else of broadsheet.
"""

from __future__ import annotations

from .article import Article, Block, ExtractOptions
from .engine import extract
from .errors import EmptyDocument, ExtractError, InputTooLarge, NoArticle, NotHTML
from .flat_text import clean_text
from .render import render
from .sanitize import sanitize_html

__all__ = [
    "Article",
    "Block",
    "EmptyDocument",
    "ExtractError",
    "ExtractOptions",
    "InputTooLarge",
    "NoArticle",
    "NotHTML",
    "clean_text",
    "extract",
    "render",
    "sanitize_html",
]
