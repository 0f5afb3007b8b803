"""The settings page's save-by-mail address: make one, make a new one (the old one stops
working at once), or stop taking mail. The section itself is `_settings_mail.html`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from broadsheet.core import mailkeys, services

SECTION = "#save-by-mail"


def _back() -> HttpResponse:
    return HttpResponseRedirect(reverse("web:settings") + SECTION)


@login_required
@require_POST
def mail_address_new(request: HttpRequest) -> HttpResponse:
    """A new address for the reader; the one they had (if any) names nobody from now on."""
    if not mailkeys.domain():
        messages.error(request, "This server does not take mail.")
        return _back()
    had = mailkeys.address_of(request.user) is not None
    services.new_mail_key(request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        "Your new address is below; the old one no longer works."
        if had
        else "Your address is below. Send or forward links and newsletters to it.",
    )
    return _back()


@login_required
@require_POST
def mail_address_remove(request: HttpRequest) -> HttpResponse:
    services.remove_mail_key(request.user)  # type: ignore[arg-type]
    messages.success(request, "Your save-by-mail address no longer works.")
    return _back()
