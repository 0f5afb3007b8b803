"""OAuth2 clients and tokens of the wallabag-compatible API (the `wallabag` door).

A client is an app or a device the reader set up (the wallabag app on a phone, KOReader's plugin,
the `wallabag` CLI). Its public id is ``f"{id}_{random_id}"`` and its secret is kept, as in
wallabag, so the settings page can show the pair again. The token endpoint accepts the password
grant (account password, or an app password) and the refresh grant; it issues an access token
that expires after an hour and a refresh token that expires after two weeks, and a refresh
revokes the refresh token it used. Only SHA-256 digests of the tokens are stored, so a copy of
the database gives nobody a working token, and tokens outlive a restart (the wallabag CLI keeps
using its token until its own clock says it expired).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from broadsheet.core import access
from broadsheet.core.errors import InvalidInput
from broadsheet.core.models import ApiClient, OAuthGrant

ACCESS_LIFETIME = timedelta(hours=1)
REFRESH_LIFETIME = timedelta(days=14)
CLIENT_NAME_MAX_CHARS = 100
# Longer than any id, secret or token we issue; longer input is refused before any lookup.
CREDENTIAL_MAX_CHARS = 200

User = AbstractBaseUser


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def public_id(client: ApiClient) -> str:
    """The client_id the reader types into an app: the row id and the random part."""
    return f"{client.pk}_{client.random_id}"


def create_client(user: User, name: object = "") -> ApiClient:
    """A new API client for the reader's app or device; its id and secret are shown on the
    settings page and printed by `broadsheet client create`."""
    label = name.strip() if isinstance(name, str) else ""
    if len(label) > CLIENT_NAME_MAX_CHARS:
        raise InvalidInput(f"A client's name is at most {CLIENT_NAME_MAX_CHARS} characters.")
    return ApiClient.objects.create(
        user_id=user.pk,
        name=label,
        random_id=secrets.token_urlsafe(36),
        secret=secrets.token_urlsafe(36),
    )


def delete_client(user: User, client_id: int | str) -> None:
    """Delete one of the reader's clients; its tokens stop working at once."""
    access.api_client_for(user, client_id).delete()


def find_client(client_id: str, secret: str) -> ApiClient | None:
    """The client with this public id and secret, or None (unknown id or wrong secret)."""
    if len(client_id) > CREDENTIAL_MAX_CHARS or len(secret) > CREDENTIAL_MAX_CHARS:
        return None
    row_id, _, random_id = client_id.partition("_")
    if not row_id.isdigit() or not random_id:
        return None
    client = ApiClient.objects.filter(pk=int(row_id), random_id=random_id).first()
    if client is None:
        return None
    if not hmac.compare_digest(client.secret.encode(), secret.encode()):
        return None
    return client


def client_serves(client: ApiClient, user: User) -> bool:
    """Whether the client may act for this reader. Wallabag lets any client act for any account
    (a client names an app, the password names the reader); BROADSHEET_WALLABAG_BIND_CLIENTS
    keeps each client to the reader who made it."""
    bound: bool = settings.BROADSHEET_WALLABAG_BIND_CLIENTS
    return not bound or client.user_id == user.pk


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int


def issue(client: ApiClient, user: User) -> Tokens:
    """A new access token and refresh token for the reader through this client."""
    now = timezone.now()
    access_token = secrets.token_urlsafe(32)
    refresh_token = secrets.token_urlsafe(32)
    OAuthGrant.objects.create(
        user_id=user.pk,
        client=client,
        access_digest=_digest(access_token),
        access_expires_at=now + ACCESS_LIFETIME,
        refresh_digest=_digest(refresh_token),
        refresh_expires_at=now + REFRESH_LIFETIME,
    )
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    # Expired grants go as new ones come: the table holds only tokens that can still refresh.
    OAuthGrant.objects.filter(refresh_expires_at__lt=now).delete()
    return Tokens(access_token, refresh_token, int(ACCESS_LIFETIME.total_seconds()))


RefreshProblem = Literal["invalid", "expired"]


def refresh(client: ApiClient, refresh_token: str) -> Tokens | RefreshProblem:
    """New tokens for a refresh token this client was given; the old pair stops working. Says
    "invalid" for a token it does not know (or another client's) and "expired" for one past its
    two weeks."""
    if not refresh_token or len(refresh_token) > CREDENTIAL_MAX_CHARS:
        return "invalid"
    with transaction.atomic():
        grant = (
            OAuthGrant.objects.select_for_update()
            .select_related("user")
            .filter(refresh_digest=_digest(refresh_token), client=client)
            .first()
        )
        if grant is None or not grant.user.is_active:
            return "invalid"
        if grant.refresh_expires_at <= timezone.now():
            grant.delete()
            return "expired"
        user = grant.user
        grant.delete()
        return issue(client, user)


AccessProblem = Literal["invalid", "expired"]


def user_for_access_token(token: str) -> AbstractBaseUser | AccessProblem:
    """The reader an access token acts for, or why not: "invalid" (unknown, revoked, its client
    deleted, the account disabled) or "expired"."""
    if not token or len(token) > CREDENTIAL_MAX_CHARS:
        return "invalid"
    grant = OAuthGrant.objects.select_related("user").filter(access_digest=_digest(token)).first()
    if grant is None or not grant.user.is_active:
        return "invalid"
    now = timezone.now()
    if grant.access_expires_at <= now:
        return "expired"
    if grant.last_used_at is None or now - grant.last_used_at > timedelta(minutes=1):
        OAuthGrant.objects.filter(pk=grant.pk).update(last_used_at=now)
    return grant.user


def revoke_all(user: User) -> int:
    """End every token of the reader's apps (their clients stay): a password change does it."""
    deleted, _ = OAuthGrant.objects.filter(user_id=user.pk).delete()
    return deleted
