"""SSRF: every private spelling, every scheme, redirects to them, lying DNS and environment
proxies are refused (cases in cases/ssrf/)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Iterator
from typing import Any

import httpcore
import pytest

from broadsheet.fetch import FetchError, FetchOptions, fetch, transport
from broadsheet.fetch.address import IPAddress
from tests.hostile.conftest import SECRET_BODY
from tests.hostile.corpus import Case, params
from tests.hostile.servers import ScriptServer, reply

pytestmark = pytest.mark.django_db(transaction=False)

DEADLINE = 5.0
NOT_ALLOWED = "The address is not allowed."


def _fill(text: str, **ports: int) -> str:
    for key, port in ports.items():
        text = text.replace("{" + key + "}", str(port))
    return text


def _refused(case: Case, call: Callable[[], Any]) -> FetchError:
    with pytest.raises(FetchError) as info:
        call()
    assert info.value.code in case.expect["error"], f"{info.value.code}: {info.value.reason}"
    if info.value.code == "address_not_allowed":
        assert info.value.reason == NOT_ALLOWED
    return info.value


# --- spellings --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params("ssrf", where="kind", equals="url"))
def test_spelling_is_refused(case: Case, secret: ScriptServer) -> None:
    url = _fill(case.get("url"), port=secret.port)
    before = len(secret.hits)
    _refused(case, lambda: fetch(url, options=FetchOptions(deadline=DEADLINE)))
    assert len(secret.hits) == before, "the internal server was reached"


# --- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params("ssrf", where="kind", equals="redirect"))
def test_redirect_to_private_is_refused_at_the_hop(
    case: Case, origin: ScriptServer, secret: ScriptServer
) -> None:
    location = _fill(case.get("location"), secret=secret.port, origin=origin.port)
    hops = int(case.get("hops", 0))
    for hop in range(hops):
        origin.routes[f"/{case.name}/{hop}"] = reply(
            302, [("Location", f"/{case.name}/{hop + 1}")], reason="Found"
        )
    origin.routes[f"/{case.name}/{hops}"] = reply(
        int(case.get("status")), [("Location", location)], reason="Redirect"
    )
    before = len(secret.hits)
    start = f"/{case.name}/0"
    options = FetchOptions(allow_private=frozenset({f"127.0.0.1:{origin.port}"}), deadline=DEADLINE)
    _refused(case, lambda: fetch(origin.url(start), options=options))
    assert origin.hits.count(f"/{case.name}/{hops}") >= 1, "the redirect was never served"
    assert len(secret.hits) == before, "the redirect reached the internal server"


# --- a resolver that lies ----------------------------------------------------------------------


class _NoSocketInfo(httpcore.NetworkStream):
    """A stream whose socket is hidden, so the peer check trusts the address passed in (the
    loopback server stands in for the public address: nothing public is reachable here)."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def get_extra_info(self, info: str) -> Any:
        return None


@pytest.mark.parametrize("case", params("ssrf", where="kind", equals="resolver"))
def test_lying_resolver_is_refused(
    case: Case, origin: ScriptServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: Iterator[list[str]] = iter(case.get("answers"))
    lookups: list[str] = []
    connects: list[str] = []

    def lying(host: str, port: int, timeout: float) -> list[IPAddress]:
        lookups.append(host)
        last = next(answers, None)
        return [ipaddress.ip_address(a) for a in (last if last is not None else ["127.0.0.1"])]

    real_connect = httpcore.SyncBackend.connect_tcp

    def stand_in(self: httpcore.SyncBackend, host: str, port: int, *args: Any, **kw: Any) -> Any:
        connects.append(host)
        return _NoSocketInfo(real_connect(self, "127.0.0.1", origin.port, *args, **kw))

    monkeypatch.setattr(transport, "resolve", lying)
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", stand_in)
    name = f"{case.name}.example"
    path = f"/{case.name}"
    if case.get("redirect"):
        origin.routes[path] = reply(302, [("Location", f"http://{name}:{origin.port}/next")])
    else:
        origin.routes[path] = reply(body=b"<html><body><p>public page</p></body></html>")
    url = f"http://{name}:{origin.port}{path}"
    if case.expect.get("ok"):
        page = fetch(url, options=FetchOptions(deadline=DEADLINE))
        assert page.content == b"<html><body><p>public page</p></body></html>"
        assert lookups == [name], "the name was resolved more than once"
    else:
        _refused(case, lambda: fetch(url, options=FetchOptions(deadline=DEADLINE)))
    assert connects == case.expect["connects"]


# --- environment proxies -----------------------------------------------------------------------


@pytest.fixture
def proxy() -> Iterator[ScriptServer]:
    """A 'proxy' that answers every request with a page of its own and records it."""
    body = b"<html><body><p>served by the proxy</p></body></html>"
    server = ScriptServer()
    server.routes = _AnyPath(reply(body=body))
    try:
        yield server
    finally:
        server.close()


class _AnyPath(dict[str, Any]):
    def __init__(self, route: Any) -> None:
        super().__init__()
        self.route = route

    def get(self, key: str, default: Any = None) -> Any:
        return self.route


@pytest.mark.parametrize("case", params("ssrf", where="kind", equals="proxy"))
def test_environment_proxy_is_ignored(
    case: Case, origin: ScriptServer, proxy: ScriptServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.lower().endswith("_proxy"):
            monkeypatch.delenv(key)
    for key, value in case.get("env").items():
        monkeypatch.setenv(key, _fill(value, proxy=proxy.port).replace("{proxy}", proxy.base_url))
    path = f"/{case.name}"
    body = b"<html><body><p>direct from the origin</p></body></html>"
    origin.routes[path] = reply(body=body)
    if case.expect.get("ok"):
        options = FetchOptions(allow_private=frozenset({f"127.0.0.1:{origin.port}"}))
        page = fetch(origin.url(path), options=options)
        assert page.content == body
        assert origin.hits.count(path) >= 1
    else:
        _refused(case, lambda: fetch(case.get("url"), options=FetchOptions(deadline=DEADLINE)))
    assert proxy.hits == [], "the environment proxy was used"


# --- the real save path ------------------------------------------------------------------------


@pytest.mark.parametrize("case", params("ssrf", where="save", equals="failed"))
def test_save_path_fails_with_the_reason(
    case: Case, save_and_run: Callable[[str], Any], origin: ScriptServer, secret: ScriptServer
) -> None:
    if case.get("kind") == "redirect":
        path = f"/save-{case.name}"
        location = _fill(case.get("location"), secret=secret.port, origin=origin.port)
        origin.routes[path] = reply(int(case.get("status")), [("Location", location)])
        url = origin.url(path)
    else:
        url = _fill(case.get("url"), port=secret.port)
    before = len(secret.hits)
    item = save_and_run(url)
    assert item.status == "failed"
    assert item.error_code == "address_not_allowed"
    assert item.error == NOT_ALLOWED
    assert item.html == "" and item.text == ""
    assert SECRET_BODY.decode() not in item.text
    assert len(secret.hits) == before


@pytest.mark.parametrize("case", params("ssrf", where="save", equals="refused"))
def test_save_path_refuses_other_schemes_at_once(
    case: Case, alice: Any, hostile_pipeline: ScriptServer
) -> None:
    from broadsheet.core import errors, services
    from broadsheet.core.models import Item

    with pytest.raises(errors.InvalidURL) as info:
        services.save_item(alice, case.get("url"))
    assert info.value.message in (
        "Only http and https addresses can be saved.",
        "That is not a web address.",
    )
    assert not Item.objects.filter(user=alice).exists()
