"""Messages that carry more than a line of text: the outcomes of a save (DESIGN.md's contract,
with their links) and "Deleted. Undo" (with its button, a form that posts the restore).

They travel as Django messages, so they survive the redirect after a POST and show once on the
page the reader lands on. `extra_tags` names the kind and the item; the template
`broadsheet/_messages.html` draws each kind, with the contract's wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest

KINDS = frozenset({"saved", "quota", "already", "deleted", "deleted_many"})
_KIND = "notice-"
_ITEM = "item-"
_ITEMS = "items-"


@dataclass(frozen=True)
class Notice:
    kind: str
    item_id: int | None = None
    item_ids: tuple[int, ...] = ()


def add(
    request: HttpRequest,
    level: int,
    kind: str,
    text: str,
    *,
    item_id: int | None = None,
    item_ids: tuple[int, ...] = (),
) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown notice {kind!r}")
    tags = [_KIND + kind] + ([f"{_ITEM}{item_id}"] if item_id is not None else [])
    if item_ids:
        tags.append(_ITEMS + ",".join(str(i) for i in item_ids))
    messages.add_message(request, level, text, extra_tags=" ".join(tags))


def of(message: Message) -> Notice | None:
    """The notice a message carries, or None for a plain one-line message."""
    kind, item_id = "", None
    item_ids: tuple[int, ...] = ()
    for tag in (message.extra_tags or "").split():
        if tag.startswith(_ITEMS):
            item_ids = tuple(int(i) for i in tag.removeprefix(_ITEMS).split(",") if i.isdigit())
        elif tag.startswith(_KIND):
            kind = tag.removeprefix(_KIND)
        elif tag.startswith(_ITEM) and tag.removeprefix(_ITEM).isdigit():
            item_id = int(tag.removeprefix(_ITEM))
    if kind not in KINDS:
        return None
    return Notice(kind, item_id, item_ids)
