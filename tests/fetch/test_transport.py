"""The connect-time check: one resolution, checked, and the connect goes to what was checked."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import pytest

from broadsheet.fetch import (
    AddressNotAllowed,
    ConnectionFailed,
    DNSFailure,
    FetchOptions,
    Timeout,
    fetch,
    transport,
)
from broadsheet.fetch.address import AddressPolicy, IPAddress

from .conftest import Reply, RoutedServer


def test_every_connection_goes_through_the_guarded_backend(
    server: RoutedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails if an httpx/httpcore upgrade stops routing connects through our backend."""
    calls: list[tuple[str, int]] = []
    original = transport.GuardedBackend.connect_tcp

    def counting(
        self: transport.GuardedBackend, host: str, port: int, *args: Any, **kw: Any
    ) -> Any:
        calls.append((host, port))
        return original(self, host, port, *args, **kw)

    monkeypatch.setattr(transport.GuardedBackend, "connect_tcp", counting)
    assert fetch(server.url(), options=FetchOptions(allow_private=True)).status == 200
    assert calls == [("127.0.0.1", server.port)]
    # With the default policy the very same request is refused, by the backend, at connect.
    with pytest.raises(AddressNotAllowed):
        fetch(server.url())
    assert calls[-1] == ("127.0.0.1", server.port)
    assert len(calls) == 2
    assert server.requests[-1][0] == "/" and len(server.requests) == 1


def test_each_redirect_hop_connects_through_the_backend(
    server: RoutedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = RoutedServer()
    other.thread.start()
    try:
        server.routes["/go"] = Reply(status=302, headers=[("Location", other.url("/"))], body=b"")
        resolved: list[str] = []
        original = transport.resolve

        def spy(host: str, port: int, timeout: float) -> list[IPAddress]:
            resolved.append(f"{host}:{port}")
            return original(host, port, timeout)

        monkeypatch.setattr(transport, "resolve", spy)
        page = fetch(server.url("/go"), options=FetchOptions(allow_private=True))
        assert page.final_url == other.url("/")
        assert resolved == [f"127.0.0.1:{server.port}", f"127.0.0.1:{other.port}"]
    finally:
        other.httpd.shutdown()
        other.httpd.server_close()


class _NoSocketInfo(httpcore.NetworkStream):
    """Wraps a real stream but hides its socket (so the peer check cannot see the redirection
    the test makes below)."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, timeout)

    def close(self) -> None:
        self.inner.close()

    def get_extra_info(self, info: str) -> Any:
        return None


def test_rebinding_resolver_connect_uses_the_checked_answer(
    server: RoutedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resolver that answers public first and private afterwards (DNS rebinding): the check
    and the connect must use one resolution, so the connect goes to the public answer."""
    answers = iter([["8.8.8.8"], ["127.0.0.1"], ["127.0.0.1"]])
    lookups: list[str] = []

    def rebinding(host: str, port: int, timeout: float) -> list[IPAddress]:
        lookups.append(host)
        return [ipaddress.ip_address(a) for a in next(answers)]

    connects: list[str] = []
    real_connect = httpcore.SyncBackend.connect_tcp

    def recording(self: httpcore.SyncBackend, host: str, port: int, *args: Any, **kw: Any) -> Any:
        connects.append(host)
        # Nothing public is reachable from the test machine: stand our server in for 8.8.8.8.
        return _NoSocketInfo(real_connect(self, "127.0.0.1", server.port, *args, **kw))

    monkeypatch.setattr(transport, "resolve", rebinding)
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", recording)
    page = fetch(f"http://rebind.test:{server.port}/")
    assert page.status == 200
    assert lookups == ["rebind.test"]  # resolved once ...
    assert connects == ["8.8.8.8"]  # ... and connected to that checked address, not the name


def test_private_answer_is_refused_before_any_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    connects: list[str] = []
    monkeypatch.setattr(transport, "resolve", lambda h, p, t: [ipaddress.ip_address("10.0.0.7")])
    monkeypatch.setattr(
        httpcore.SyncBackend, "connect_tcp", lambda self, host, *a, **k: connects.append(host)
    )
    with pytest.raises(AddressNotAllowed):
        fetch("http://innocent-looking.example/")
    assert connects == []


def test_one_private_answer_among_public_ones_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [ipaddress.ip_address(a) for a in ("93.184.215.14", "2606:4700::1", "127.0.0.1")]
    monkeypatch.setattr(transport, "resolve", lambda h, p, t: answers)
    with pytest.raises(AddressNotAllowed):
        fetch("http://mixed.example/")


def test_peer_is_verified_after_connect(
    server: RoutedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If something below us connected elsewhere than the checked address, refuse."""
    monkeypatch.setattr(transport, "resolve", lambda h, p, t: [ipaddress.ip_address("8.8.8.8")])
    real_connect = httpcore.SyncBackend.connect_tcp

    def elsewhere(self: httpcore.SyncBackend, host: str, port: int, *args: Any, **kw: Any) -> Any:
        return real_connect(self, "127.0.0.1", server.port, *args, **kw)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", elsewhere)
    with pytest.raises(AddressNotAllowed):
        fetch(f"http://sneaky.test:{server.port}/")
    assert server.requests == []


def test_names_that_do_not_resolve() -> None:
    with pytest.raises(DNSFailure) as info:
        fetch("http://no-such-host.invalid/")
    assert str(info.value) == "The site's name could not be found."
    assert info.value.code == "dns_failure"


def test_slow_resolver_is_cut_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: release.wait(10) and [])
    try:
        with pytest.raises(Timeout):
            fetch("http://slow-dns.example/", options=FetchOptions(deadline=0.5))
    finally:
        release.set()


def test_refused_connection() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(ConnectionFailed) as info:
        fetch(f"http://127.0.0.1:{port}/", options=FetchOptions(allow_private=True))
    assert str(info.value) == "The site could not be reached."


def test_unix_sockets_are_never_opened() -> None:
    backend = transport.GuardedBackend(AddressPolicy(True), deadline=1e12)
    with pytest.raises(AddressNotAllowed):
        backend.connect_unix_socket("/var/run/docker.sock")


# --- TLS: connecting to the checked IP must still verify the host name and send it as SNI ---


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("openssl") is None:  # pragma: no cover
        pytest.fail("openssl is needed to make test certificates (apt-get install openssl)")
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    subprocess.run(
        ["openssl", "req", "-x509", *ec, "-keyout", d / "ca.key", "-out", d / "ca.pem",
         "-days", "2", "-subj", "/CN=Broadsheet test CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "req", *ec, "-keyout", d / "leaf.key", "-out", d / "leaf.csr",
         "-subj", "/CN=broadsheet.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    (d / "ext.cnf").write_text(
        "subjectAltName=DNS:broadsheet.test\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    subprocess.run(
        ["openssl", "x509", "-req", "-in", d / "leaf.csr", "-CA", d / "ca.pem",
         "-CAkey", d / "ca.key", "-CAcreateserial", "-out", d / "leaf.pem", "-days", "2",
         "-extfile", d / "ext.cnf"],
        check=True, capture_output=True,
    )  # fmt: skip
    return {"ca": d / "ca.pem", "cert": d / "leaf.pem", "key": d / "leaf.key"}


@pytest.fixture
def tls_server(tls_files: dict[str, Path]) -> Iterator[tuple[RoutedServer, list[str | None]]]:
    srv = RoutedServer()
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files["cert"], tls_files["key"])
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    srv.httpd.socket = context.wrap_socket(srv.httpd.socket, server_side=True)
    srv.thread.start()
    try:
        yield srv, names
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


def test_tls_verifies_the_name_while_connecting_to_the_checked_ip(
    tls_files: dict[str, Path],
    tls_server: tuple[RoutedServer, list[str | None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    srv, names = tls_server
    client_context = ssl.create_default_context(cafile=str(tls_files["ca"]))
    monkeypatch.setattr(transport, "default_ssl_context", lambda: client_context)
    monkeypatch.setattr(transport, "resolve", lambda h, p, t: [ipaddress.ip_address("127.0.0.1")])
    options = FetchOptions(allow_private=frozenset({"broadsheet.test", "impostor.test"}))

    page = fetch(f"https://broadsheet.test:{srv.port}/", options=options)
    assert page.status == 200
    assert names == ["broadsheet.test"]  # SNI is the name, not the IP we connected to

    # Same IP, same certificate, another name: verification must fail.
    with pytest.raises(ConnectionFailed):
        fetch(f"https://impostor.test:{srv.port}/", options=options)
    assert names[-1] == "impostor.test"


def test_tls_default_context_rejects_unknown_issuers(
    tls_server: tuple[RoutedServer, list[str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    srv, _names = tls_server
    monkeypatch.setattr(transport, "resolve", lambda h, p, t: [ipaddress.ip_address("127.0.0.1")])
    with pytest.raises(ConnectionFailed):
        fetch(
            f"https://broadsheet.test:{srv.port}/",
            options=FetchOptions(allow_private=frozenset({"broadsheet.test"})),
        )
