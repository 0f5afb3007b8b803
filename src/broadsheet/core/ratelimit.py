"""The login rate limit: who is asking (account, client address) and whether they may try now.

Failures are rows of `LoginFailure` in the database, so every server process sharing the database
(several `broadsheet run` on one PostgreSQL) counts the same failures. The window slides: an
account is refused while it has `BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT` failures within the
last `BROADSHEET_LOGIN_WINDOW` seconds, and is free again when the oldest of those leaves the
window. Reads live here; the writes are in `core.services` (`begin_login_attempt`,
`login_attempt_succeeded`, `record_token_failure`, `clear_login_failures`).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from broadsheet.core.errors import RateLimited
from broadsheet.core.models import LoginFailure

Scope = LoginFailure.Scope
UNKNOWN_ADDRESS = "unknown"
TOKEN_WHAT = "requests with a bad API token"  # noqa: S105  (words, not a secret)


def window() -> timedelta:
    return timedelta(seconds=settings.BROADSHEET_LOGIN_WINDOW)


def maximum(scope: str) -> int:
    if scope == Scope.ACCOUNT:
        return int(settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT)
    return int(settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS)


# --- who is asking --------------------------------------------------------------------------------


def _parse(raw: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(raw.strip().split("%", 1)[0])
    except ValueError:
        return None


def _trusted(addr: IPv4Address | IPv6Address) -> bool:
    return any(addr in net for net in settings.BROADSHEET_TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR, unless that is a trusted proxy.

    Behind trusted proxies, X-Forwarded-For is read from the right (the entries the proxies
    appended themselves) and the first address that is not a trusted proxy is the client; what
    the client wrote further left is never believed.
    """
    remote = _parse(str(request.META.get("REMOTE_ADDR", "")))
    if remote is None:
        return UNKNOWN_ADDRESS
    client = remote
    if _trusted(remote):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        for raw in reversed([p for p in forwarded.split(",") if p.strip()]):
            hop = _parse(raw)
            if hop is None:
                break  # a malformed entry: believe nothing further left
            client = hop
            if not _trusted(hop):
                break
    if isinstance(client, IPv6Address) and client.ipv4_mapped is not None:
        client = client.ipv4_mapped
    return str(client)


def address_key(address: str) -> str:
    """IPv4 addresses count one by one; IPv6 by /64, the block one subscriber usually holds."""
    parsed = _parse(address)
    if isinstance(parsed, IPv6Address):
        return str(IPv6Network((parsed, 64), strict=False))
    return address[:200]


def account_key(username: str) -> str:
    return username.strip().lower()[:200]


# --- may they try? --------------------------------------------------------------------------------


def retry_after(scope: str, key: str, *, now: datetime | None = None) -> int | None:
    """Seconds until `key` may try again, or None when it is not limited now."""
    limit = maximum(scope)
    if limit <= 0:
        return None
    now = now or timezone.now()
    recent = list(
        LoginFailure.objects.filter(scope=scope, key=key, at__gte=now - window())
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    free_at = recent[-1] + window()
    return max(1, math.ceil((free_at - now).total_seconds()))


def login_keys(username: str, address: str) -> list[tuple[str, str]]:
    return [(Scope.ACCOUNT, account_key(username)), (Scope.ADDRESS, address_key(address))]


def check_login(username: str, address: str) -> None:
    """Raise RateLimited when the account or the address may not try to log in now."""
    waits = [w for scope, key in login_keys(username, address) if (w := retry_after(scope, key))]
    if waits:
        raise RateLimited(max(waits))


def check_token(address: str) -> None:
    """Raise RateLimited when the address sent too many bad API tokens lately."""
    wait = retry_after(Scope.TOKEN, address_key(address))
    if wait:
        raise RateLimited(wait, TOKEN_WHAT)
