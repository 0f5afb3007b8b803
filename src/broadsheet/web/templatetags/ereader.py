"""`{% load ereader %}`: what the settings page's app password section shows
(`broadsheet/_settings_app_passwords.html`), without the settings view knowing of it."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from broadsheet.core import app_passwords
from broadsheet.core.models import AppPassword

register = template.Library()


@register.simple_tag(takes_context=True)
def app_passwords_of_reader(context: dict[str, Any]) -> list[AppPassword]:
    """The signed-in reader's app passwords, newest first."""
    request = context.get("request")
    if request is None:
        return []
    return list(app_passwords.app_passwords_of(request.user))


@register.simple_tag(takes_context=True)
def opds_address(context: dict[str, Any]) -> str:
    """The catalog's address on this server, as a device reaches it."""
    request = context.get("request")
    path = reverse("web:opds")
    return request.build_absolute_uri(path) if request is not None else path
