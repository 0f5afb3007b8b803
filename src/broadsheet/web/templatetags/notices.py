"""`{% load notices %}`: `message|notice` gives the Notice a Django message carries (or None)."""

from __future__ import annotations

from django import template

from broadsheet.web import notices

register = template.Library()
register.filter("notice", notices.of)
