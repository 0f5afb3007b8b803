"""wallabag's "API clients management" pages (`/developer`), for the wallabag Android app's
connection wizard.

Given only a server, a user name and a password, the app signs in through the web pages
(`web.wallabag_login`), opens `/developer` and reads each client's name, id and secret from the
page's markup with a regular expression (contract §1.3, §3.16); when it finds none named
"Android app - #N" it opens `/developer/client/create`, takes the form's `client[_token]`,
posts a client named "Android app" and reads `/developer` again. So these pages keep wallabag's
markup where the app looks: the name in a `collapsible-header`, then four cells of
`<td><strong><code>` (id, secret, redirect addresses, grant types), then the client's
`/developer/client/delete/N` form. They are also ordinary pages a reader can use: the same
clients as the settings page, made and deleted through `core.oauth`. No script.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from broadsheet.core import access, oauth
from broadsheet.core.errors import BroadsheetError
from broadsheet.web import api_clients
from broadsheet.web.wallabag_login import csrf_refused

# What the listing says of each client's grants and redirect addresses, as wallabag's JSON.
GRANTS = '["password","refresh_token"]'
REDIRECTS = "[]"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"  # the page shows secrets
    return response


def _listing() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("web:developer"), status=303)


@login_required
@require_GET
def developer(request: HttpRequest) -> HttpResponse:
    clients = [(c, oauth.public_id(c)) for c in access.api_clients_of(request.user)]
    context = {"clients": clients, "grants": GRANTS, "redirects": REDIRECTS}
    return _private(render(request, "broadsheet/developer.html", context))


@csrf_exempt  # the token arrives as `client[_token]`; checked below, as Django checks it
@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _private(render(request, "broadsheet/developer_create.html"))
    refused = csrf_refused(request, "client[_token]")
    if refused is not None:
        return refused
    try:
        client = oauth.create_client(request.user, request.POST.get("client[name]", ""))  # type: ignore[arg-type]
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("web:developer-create"), status=303)
    messages.success(request, f"API client “{client.name or oauth.public_id(client)}” made.")
    return _listing()


@login_required
@require_POST
def delete(request: HttpRequest, client_id: int) -> HttpResponse:
    return api_clients.delete_then(request, client_id, _listing())
