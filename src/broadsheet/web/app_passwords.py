"""The settings page's app passwords (`core.app_passwords`): make one with a label, see it once
with the addresses a device needs, revoke one. Plain POST forms with their CSRF token; no
script."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from broadsheet.core import app_passwords
from broadsheet.core.errors import BroadsheetError, NotFound

# The new secret waits in the session for the one page that shows it, then it is gone.
_SESSION_KEY = "new_app_password"
SECTION = "#app-passwords"


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("web:settings") + SECTION)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    try:
        new = app_passwords.create_app_password(
            request.user,  # type: ignore[arg-type]
            request.POST.get("label", ""),
        )
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return _back()
    request.session[_SESSION_KEY] = {"secret": new.secret, "label": new.app_password.name}
    return HttpResponseRedirect(reverse("web:app-password-new"))


@login_required
@require_GET
def show_new(request: HttpRequest) -> HttpResponse:
    """The app password just made, with the catalog's addresses: shown once (the server keeps
    only its digest). Opened again, it sends the reader back to the settings page."""
    new = request.session.pop(_SESSION_KEY, None)
    if not isinstance(new, dict) or not isinstance(new.get("secret"), str):
        return _back()
    secret = new["secret"]
    response = render(
        request,
        "broadsheet/app_password_new.html",
        {
            "secret": secret,
            "label": new.get("label", ""),
            "opds_url": request.build_absolute_uri(reverse("web:opds")),
            "key_url": request.build_absolute_uri(reverse("web:opds-key", args=[secret])),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, app_password_id: int) -> HttpResponse:
    try:
        app_passwords.revoke_app_password(request.user, app_password_id)
    except NotFound:
        return render(request, "broadsheet/not_found.html", {"reason": ""}, status=404)
    messages.success(request, "App password revoked.")
    return _back()
