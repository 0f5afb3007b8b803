"""The reader settings form (text size, line width, typeface, theme): for the account, or for
this device only, which is a cookie the page reads before the account's settings. No script: a
POST that saves or sets the cookie and comes back to the settings page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from broadsheet.core import reader_settings
from broadsheet.core.errors import InvalidInput

SCOPES = ("account", "device", "forget")


@login_required
@require_POST
def reader_settings_form(request: HttpRequest) -> HttpResponse:
    """`scope=account` keeps the settings with the account (and drops this device's own, so the
    change shows here at once); `scope=device` keeps them in this browser only; `scope=forget`
    drops this browser's own settings, back to the account's."""
    back = HttpResponseRedirect(reverse("web:settings") + "#reader", status=303)
    scope = request.POST.get("scope", "account")
    if scope not in SCOPES:
        scope = "account"
    if scope == "forget":
        back.delete_cookie(reader_settings.COOKIE_NAME, samesite="Lax")
        messages.success(request, "This device follows your account's reader settings again.")
        return back
    try:
        chosen = reader_settings.parse(
            request.POST.get("font_size", ""),
            request.POST.get("width", ""),
            request.POST.get("face", ""),
            request.POST.get("theme", ""),
        )
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return back
    if scope == "device":
        back.set_cookie(
            reader_settings.COOKIE_NAME,
            chosen.cookie_value(),
            max_age=reader_settings.COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        messages.success(request, "Saved for this device only.")
        return back
    reader_settings.save_for_account(request.user, chosen)
    back.delete_cookie(reader_settings.COOKIE_NAME, samesite="Lax")
    messages.success(request, "Saved for your account: every device without its own settings.")
    return back
