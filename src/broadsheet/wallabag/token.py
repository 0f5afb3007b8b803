"""`/oauth/v2/token`: the password and refresh grants, as wallabag's FOSOAuthServerBundle answers
them (contract §3.2).

The same request arrives three ways: a GET with a query string (the `wallabag` CLI), a POST form
(the Android app, Miniflux) and a POST JSON body (KOReader, the iOS app, Readeck). Errors are
always 400 with the `error` strings the clients act on: the CLI asks again for the client pair on
`invalid_client` and for the password on `invalid_grant`, and the Android app falls back from a
refresh to the password only when the refresh answers 400.

The password is checked by Django's `authenticate`, under the login rate limit like every other
password check; past the limit the answer is 429 with Retry-After. An app password (made on the
settings page for one device) works in place of the account password.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from broadsheet.core import auth, oauth
from broadsheet.wallabag import params
from broadsheet.wallabag.answers import answer, problem


def _tokens(tokens: oauth.Tokens) -> HttpResponse:
    response = answer(
        {
            "access_token": tokens.access_token,
            "expires_in": tokens.expires_in,
            "token_type": "bearer",
            "scope": None,
            "refresh_token": tokens.refresh_token,
        }
    )
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def token(request: HttpRequest) -> HttpResponse:
    try:
        given = params.of(request)
        grant_type = given.text("grant_type")
        client_id = given.text("client_id")
        secret = given.text("client_secret")
    except params.BadParameter as exc:
        return problem(400, str(exc), "invalid_request")
    if grant_type not in {"password", "refresh_token"}:
        return problem(400, "Invalid grant_type parameter or parameter missing", "invalid_request")
    if not client_id:
        return problem(400, "Client id was not found in the headers or body", "invalid_client")
    client = oauth.find_client(client_id, secret)
    if client is None:
        return problem(400, "The client credentials are invalid", "invalid_client")
    if grant_type == "refresh_token":
        result = oauth.refresh(client, given.text("refresh_token"))
        if result == "invalid":
            return problem(400, "Invalid refresh token", "invalid_grant")
        if result == "expired":
            return problem(400, "Refresh token has expired", "invalid_grant")
        assert isinstance(result, oauth.Tokens)
        return _tokens(result)
    username, password = given.text("username"), given.text("password")
    if not username or not password:
        return problem(400, 'Missing parameters. "username" and "password" required')
    signed_in = auth.password_sign_in(request, username, password)
    user = signed_in.user if signed_in is not None else None
    limited = auth.limited(request)
    if limited is not None:
        response = problem(429, limited.message, "rate_limited")
        response["Retry-After"] = str(limited.retry_after)
        return response
    if user is None or not user.is_active:
        return problem(400, "Invalid username and password combination", "invalid_grant")
    if not oauth.client_serves(client, user):
        return problem(400, "The client credentials are invalid", "invalid_client")
    return _tokens(oauth.issue(client, user))
