"""An address with extra leading slashes (`//login_check`), as an app builds it from a server
address that ends in `/` and a path that starts with one. The wallabag API answers such paths
itself (`^/*`); every other page is sent to the same path with one slash, by a 308, which keeps
the method and the body (a POSTed login form arrives whole). The target is always a path on this
site: `//evil.example/x` goes to `/evil.example/x`, never to another host."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # nothing is done here; the page it sends to checks its form
def one_slash(request: HttpRequest, rest: str) -> HttpResponse:
    target = "/" + rest.lstrip("/")
    query = request.META.get("QUERY_STRING", "")
    response = HttpResponse(status=308)
    response["Location"] = target + (f"?{query}" if query else "")
    return response
