"""The story images Broadsheet stores, served from our own origin (``/images/<item>/<digest>``).

The reader's session is the usual key. An API client has no session, so the route also takes the
API's bearer token, in the ``Authorization`` header only (never in the address, which ends up in
logs): the same lookup and the same bad-token limit as the API. Either way the item is loaded
through ``core.access``: another reader's image, or an image that is not this item's, is 404.
"""

from __future__ import annotations

from typing import IO

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_safe

from broadsheet.core import access, images, oauth, ratelimit, services
from broadsheet.core.errors import NotFound, RateLimited
from broadsheet.core.models import StoredImage

# The image answer is a file, never a document: it may not run or load anything.
IMAGE_HEADERS = {
    "Cache-Control": "private, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def _bearer_user(request: HttpRequest) -> access.User | None:
    """The user of a valid API token in the Authorization header; None without one. A bad
    token counts against the address's limit, as on the API."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = access.user_for_token(token.strip())
    if user is None:
        # A wallabag app's access token (core.oauth) opens the reader's images too.
        found = oauth.user_for_access_token(token.strip())
        user = found if not isinstance(found, str) else None
    if user is None:
        services.refuse_token(ratelimit.client_address(request))
    return user


def _not_found() -> HttpResponse:
    response = HttpResponse("Not found", status=404, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def item_image(request: HttpRequest, item_id: int, digest: str) -> HttpResponseBase:
    """One stored image of one of the reader's items (or of a signed address, `?s=`, that a
    reader's app was given with the story: `core.images.signed_url`)."""
    signature = request.GET.get("s")
    if signature is not None:
        try:
            stored, handle = images.open_signed(item_id, digest, signature)
        except NotFound:
            return _not_found()
        return _file(stored, handle)
    user: access.User = request.user
    if not user.is_authenticated:
        try:
            bearer = _bearer_user(request)
        except RateLimited as exc:
            return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
        if bearer is None:
            if "Authorization" in request.headers:
                response = HttpResponse(status=401)
                response["WWW-Authenticate"] = "Bearer"
                return response
            return redirect_to_login(request.get_full_path())
        user = bearer
    try:
        stored, handle = images.open_stored(user, item_id, digest)
    except NotFound:
        return _not_found()
    return _file(stored, handle)


def _file(stored: StoredImage, handle: IO[bytes]) -> FileResponse:
    served = FileResponse(handle, content_type=stored.content_type)
    if stored.size:
        served["Content-Length"] = str(stored.size)
    served["ETag"] = f'"{stored.digest}"'
    for name, value in IMAGE_HEADERS.items():
        served[name] = value
    return served
