"""`{% load reading %}`: what the pages need to look like a reading app.

- `{% reader_classes %}`: the classes on `<html>` that apply the reader's settings (this device's
  cookie over the account's), e.g. `theme-dark face-sans size-110 width-38`.
- `{% reader_in_force as rs %}`: the same, with where it came from, for the settings form.
- `{% thumbnail item as src %}`: the path of the item's thumbnail on our origin, or "". On a list
  page the thumbnails of the whole page are read in one query, the first time one is asked for.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from broadsheet.core import images, reader_settings
from broadsheet.core.models import Item, Profile

register = template.Library()

_IN_FORCE = "broadsheet_reader_in_force"
_THUMBS = "broadsheet_thumbnails"
_CACHE = "_broadsheet_reading"


def _cache(context: template.Context) -> dict[str, Any]:
    """One dict for the whole response (an included template gets a render_context of its own,
    so it cannot hold what the rows of a list share): kept on the request, or on the context
    when rendering without one."""
    holder: Any = context.get("request") or context.dicts[0]
    if isinstance(holder, dict):
        found = holder.setdefault(_CACHE, {})
    else:
        found = getattr(holder, _CACHE, None)
        if found is None:
            found = {}
            setattr(holder, _CACHE, found)
    cache: dict[str, Any] = found
    return cache


def _in_force(context: template.Context) -> reader_settings.InForce:
    request: HttpRequest | None = context.get("request")
    cache = _cache(context)
    if _IN_FORCE not in cache:
        if request is None:
            account = reader_settings.DEFAULT
            cache[_IN_FORCE] = reader_settings.InForce(account, account, None)
        else:
            cookie = request.COOKIES.get(reader_settings.COOKIE_NAME)
            cache[_IN_FORCE] = reader_settings.in_force(request.user, cookie)
    found: reader_settings.InForce = cache[_IN_FORCE]
    return found


@register.simple_tag(takes_context=True)
def reader_classes(context: template.Context) -> str:
    return _in_force(context).settings.classes()


@register.simple_tag(takes_context=True)
def reader_in_force(context: template.Context) -> dict[str, Any]:
    found = _in_force(context)
    return {
        "settings": found.settings,
        "account": found.account,
        "device": found.device,
        "font_sizes": reader_settings.FONT_SIZES,
        "widths": reader_settings.WIDTHS,
        "themes": Profile.Theme.choices,
    }


@register.simple_tag(takes_context=True)
def thumbnail(context: template.Context, item: Item) -> str:
    cache = _cache(context)
    known: dict[int, str] = cache.get(_THUMBS) or {}
    if item.pk not in known:
        page = context.get("page")
        batch = [item]
        rows = getattr(page, "object_list", None)
        if rows is not None:
            batch += [row for row in rows if isinstance(row, Item) and row.pk not in known]
        found = images.thumbnail_urls(batch)
        known.update({row.pk: found.get(row.pk, "") for row in batch})
        cache[_THUMBS] = known
    return known[item.pk]
