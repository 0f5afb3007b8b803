"""`/login_check` and `/logout` as wallabag's web pages have them, for the wallabag Android app.

Before it will sync, the app checks a server by logging in to its web pages: it reads the login
form's `_csrf_token` (the marks are in an HTML comment of every page, see
`templatetags.wallabag_clients.wallabag_marks`), posts `_username`, `_password` and that token to
`/login_check`, and expects a signed-in page after the redirects. This is that form's other end:
the same CSRF check (the token is Django's), the same rate-limited password check as the login
page, the same session. It also takes an app password, as the wallabag API does: the session it
opens then counts only on the pages the app reads (`web.device_sessions`). `/logout` is where
the marks' logout link points: a page with the real, POST logout button.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from broadsheet.core import auth
from broadsheet.web import device_sessions


def _no_response(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the CSRF check never calls the view")


def csrf_refused(request: HttpRequest, field: str) -> HttpResponse | None:
    """Django's own CSRF check, with the token in the form field where wallabag's forms put it
    (for a view that is `csrf_exempt` because of that name): the 403 to answer, or None."""
    request.META["HTTP_X_CSRFTOKEN"] = request.POST.get(field, "")
    return CsrfViewMiddleware(_no_response).process_view(request, _no_response, (), {})


@csrf_exempt
@require_POST
def login_check(request: HttpRequest) -> HttpResponse:
    refused = csrf_refused(request, "_csrf_token")
    if refused is not None:
        return refused
    signed_in = auth.password_sign_in(
        request, request.POST.get("_username", ""), request.POST.get("_password", "")
    )
    limited = auth.limited(request)
    if limited is not None:
        response = render(
            request, "registration/rate_limited.html", {"limited": limited.message}, status=429
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    if signed_in is None or not signed_in.user.is_active:
        return HttpResponseRedirect(reverse("web:login"))
    login(request, signed_in.user, backend="broadsheet.core.auth.RateLimitedModelBackend")  # type: ignore[arg-type]
    if signed_in.app_password_id is not None:
        device_sessions.begin(request, signed_in.app_password_id)
    return HttpResponseRedirect("/")


@require_GET
def logout_page(request: HttpRequest) -> HttpResponse:
    """A GET never logs anyone out (a link scanner would): this page has the button that does."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("web:login"))
    return render(request, "broadsheet/logout.html")
