"""`{% load mail_address %}`: `{% mail_address request.user as mail %}` gives the settings page's
save-by-mail section what it shows (the reader's address, or why there is none), without the
settings view knowing about it."""

from __future__ import annotations

from typing import Any

from django import template

from broadsheet.core import mailkeys

register = template.Library()


@register.simple_tag
def mail_address(user: Any) -> dict[str, Any]:
    return {
        "enabled": bool(mailkeys.domain()),
        "address": mailkeys.address_of(user),
        "rate": mailkeys.allowance(),
    }
