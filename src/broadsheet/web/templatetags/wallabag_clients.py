"""`{% load wallabag_clients %}`: what the settings page's API clients section shows
(`broadsheet/_settings_api_clients.html`), without the settings view knowing of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.safestring import mark_safe

from broadsheet.core import access, oauth
from broadsheet.core.models import ApiClient

register = template.Library()


@dataclass(frozen=True)
class Shown:
    client: ApiClient
    client_id: str


@register.simple_tag(takes_context=True)
def api_clients_of_reader(context: dict[str, Any]) -> list[Shown]:
    """The signed-in reader's API clients, oldest first, with their public ids."""
    request = context.get("request")
    if request is None:
        return []
    return [Shown(c, oauth.public_id(c)) for c in access.api_clients_of(request.user)]


@register.simple_tag(takes_context=True)
def server_address(context: dict[str, Any]) -> str:
    """The address an app is given as its server: this site's root, without the final slash
    (KOReader and the iOS app add paths to it as typed)."""
    request = context.get("request")
    return request.build_absolute_uri("/").rstrip("/") if request is not None else ""


@register.simple_tag(takes_context=True)
def wallabag_marks(context: dict[str, Any]) -> str:
    """An HTML comment with the marks the wallabag Android app looks for before it will sync
    (contract §1.3): it checks a server by scraping wallabag's web pages with regular
    expressions, for a logout link and the logo when signed in, and for the login form and its
    CSRF token when not. The comment carries them and shows nothing; `/login_check`
    (web.wallabag_login) takes that form. The token is the page's own CSRF token."""
    request = context.get("request")
    if request is None:
        return ""
    if request.user.is_authenticated:
        marks = '<a href="/logout"> <img alt="wallabag logo" />'
    else:
        token = escape(get_token(request))
        marks = (
            '<form action="/login_check" method="post" name="loginform"> '
            f'<input type="hidden" name="_csrf_token" value="{token}" /> '
            '<img alt="wallabag logo" />'
        )
    return mark_safe(f"<!-- For the wallabag Android app, which looks for: {marks} -->")  # noqa: S308
