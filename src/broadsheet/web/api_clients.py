"""The settings page's API clients (`core.oauth`): the client id and secret a wallabag app asks
for beside the user name and password. Made with a name, listed with their secrets (as wallabag's
own "API clients management" page does: the reader copies them into each app), deleted. Plain
POST forms with their CSRF token; no script."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from broadsheet.core import oauth
from broadsheet.core.errors import BroadsheetError, NotFound

SECTION = "#api-clients"


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("web:settings") + SECTION)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    try:
        client = oauth.create_client(request.user, request.POST.get("name", ""))  # type: ignore[arg-type]
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return _back()
    messages.success(request, f"API client “{client.name or oauth.public_id(client)}” made.")
    return _back()


@login_required
@require_POST
def delete(request: HttpRequest, client_id: int) -> HttpResponse:
    return delete_then(request, client_id, _back())


def delete_then(request: HttpRequest, client_id: int, back: HttpResponse) -> HttpResponse:
    """Delete one of the reader's clients and answer `back` with a message (404 for a client
    that is not theirs); also `/developer`'s delete."""
    try:
        oauth.delete_client(request.user, client_id)  # type: ignore[arg-type]
    except NotFound:
        return HttpResponse("Not found", status=404, content_type="text/plain; charset=utf-8")
    messages.success(request, "API client deleted: the apps that used it are signed out.")
    return back
