"""Security headers on every response: a strict CSP with no inline script at all."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# No page runs script but the reader view (READER_CSP below). Stored article HTML is rendered
# under a policy without inline script, so even a sanitiser miss cannot run code of its own.
# Images come from our own origin only (core.images stores a story's images and serves them at
# /images/...): the reader's browser never contacts the story's site.
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        # The web app manifest and the service worker (web.offline) are files of this origin.
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
# The reader view runs one script of ours (static/broadsheet/reader.js: highlights, reading
# position), from this origin only: no inline script, no eval, no inline style or handler. The
# story's HTML is sanitised (no <script>, no on* attributes), so 'self' gives it nothing to run.
READER_CSP = CSP.replace("script-src 'none'", "script-src 'self'")
# The unread list runs one script of ours too (static/broadsheet/offline.js: registers the
# service worker, shows what waits to be sent); same policy, same reasons. See web.offline.
LIST_CSP = READER_CSP
# The API docs (Swagger UI, served from our own static files) and the Django admin need their
# own scripts and inline styles; they get a policy of their own, still same-origin only.
DOCS_PREFIXES = ("/api/v1/docs", "/admin/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(DOCS_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", CSP)
        else:
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response
