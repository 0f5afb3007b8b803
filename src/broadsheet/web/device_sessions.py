"""Web sessions opened with an app password: the wallabag Android app's.

Before it will sync, the Android app signs in to the web pages with the password it was given
(`web.wallabag_login`) and reads a few of them: the list (for the signed-in marks) and the API
client pages (`web.wallabag_developer`). A reader who gave the app an app password must not get
a whole web session from it: an app password opens the wallabag API and nothing else, and
cannot change the account password or make other app passwords. So a session opened with an app
password counts only on the pages the app reads; anywhere else the request is anonymous (a page
sends to the login page, the API answers 401, a bearer token still works as itself), and once
the app password is revoked the session is over.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseBase

from broadsheet.core import app_passwords

SESSION_KEY = "broadsheet_app_password"
# The only pages such a session opens: what the Android app reads, and the way out.
PAGES = frozenset({"/", "/developer", "/developer/client/create", "/logout", "/accounts/logout/"})


def begin(request: HttpRequest, app_password_id: int) -> None:
    """Mark the session just opened (`login`) as opened with this app password."""
    request.session[SESSION_KEY] = app_password_id


def forget_on_login(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """Any sign-in (`user_logged_in`) starts a whole session: a reader who signs in with the
    account password in a browser that held an app-password session gets the whole web. (The
    wallabag login marks its session again after this, `begin`.)"""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def opened_with(request: HttpRequest) -> int | None:
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, int) else None


class DeviceSessionMiddleware:
    """After AuthenticationMiddleware: a session opened with an app password is the reader only
    on PAGES, and only while the app password exists."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        app_password_id = opened_with(request)
        if app_password_id is not None:
            if not app_passwords.exists(app_password_id):
                logout(request)
            elif request.path_info not in PAGES:
                anonymous = AnonymousUser()
                request.user = anonymous

                async def auser() -> AnonymousUser:
                    return anonymous

                request.auser = auser
        return self.get_response(request)
