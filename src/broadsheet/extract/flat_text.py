"""clean_text: chrome out of already-flattened text (one block a line), the story kept."""

from __future__ import annotations


def clean_text(text: str) -> str:
    return text
