"""The authentication backend: Django's model backend behind the login rate limit.

It sits under every `django.contrib.auth.authenticate()` call, so our login page, the admin's
login page and anything later that checks a password are all limited the same way, and a limited
account or address is refused before its password is even looked at (no oracle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from broadsheet.core import app_passwords, ratelimit, services
from broadsheet.core.errors import RateLimited

# Set on the request when the limit refused a login, for the page to answer 429.
LIMITED_ATTRIBUTE = "broadsheet_rate_limited"


def limited(request: HttpRequest) -> RateLimited | None:
    value = getattr(request, LIMITED_ATTRIBUTE, None)
    return value if isinstance(value, RateLimited) else None


class RateLimitedModelBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = (
            ratelimit.client_address(request) if request is not None else ratelimit.UNKNOWN_ADDRESS
        )
        try:
            attempt = services.begin_login_attempt(str(username), address)
        except RateLimited as exc:
            if request is not None:
                setattr(request, LIMITED_ATTRIBUTE, exc)
            # Stops authenticate() at once: no other backend, no password check.
            raise PermissionDenied(exc.message) from None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            services.login_attempt_succeeded(attempt)
        return user


@dataclass(frozen=True)
class SignIn:
    user: AbstractBaseUser
    # The app password it was given, or None for the account password.
    app_password_id: int | None


def password_sign_in(request: HttpRequest, username: str, password: str) -> SignIn | None:
    """The reader for an account password or one of their app passwords (what the wallabag
    doors take), or None. Either way the attempt is counted by the login rate limit; past it,
    `limited(request)` says so."""
    if app_passwords.shaped_like_one(password):
        address = ratelimit.client_address(request)
        try:
            row = app_passwords.find_app_password(username, password, address=address)
        except RateLimited as exc:
            setattr(request, LIMITED_ATTRIBUTE, exc)
            return None
        if row is not None:
            return SignIn(row.user, row.pk)
    user: AbstractBaseUser | None = authenticate(request, username=username, password=password)
    return SignIn(user, None) if user is not None else None
