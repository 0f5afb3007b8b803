"""The connect-time address check: an httpcore network backend and the httpx transport using it.

httpx resolves nothing itself: httpcore asks its network backend to ``connect_tcp(host, port)``.
:class:`GuardedBackend` is that backend. For every connection it resolves the host ONCE, refuses
unless every answer passes the address policy, and then connects to one of those very addresses
(never to the name, which could resolve differently a second time: DNS rebinding). TLS is started
by httpcore afterwards on that socket with the URL's host name as SNI and for certificate
verification, so HTTPS keeps checking the name.

The backend also enforces the fetch's single deadline: name resolution, connects, TLS handshakes,
reads and writes are all given at most the time that is left.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import queue
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from .address import AddressPolicy, IPAddress, check_host
from .errors import AddressNotAllowed, ConnectionFailed, DNSFailure, Timeout

__all__ = ["GuardedBackend", "GuardedTransport", "default_ssl_context", "resolve"]

SocketOption = Any  # httpcore's SOCKET_OPTION union; only passed through


def resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """All addresses ``host`` resolves to (IP literals resolve to themselves), within ``timeout``.

    Raises :class:`DNSFailure` if the name does not resolve and :class:`Timeout` if the resolver
    does not answer in time. This is the only name lookup a fetch does.
    """
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    answers: queue.SimpleQueue[list[Any] | BaseException] = queue.SimpleQueue()

    def lookup() -> None:
        try:
            answers.put(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as exc:  # handed to the waiting thread, not swallowed
            answers.put(exc)

    # getaddrinfo has no timeout of its own; a daemon thread lets us stop waiting for it.
    threading.Thread(target=lookup, name=f"resolve {host}", daemon=True).start()
    try:
        result = answers.get(timeout=max(timeout, 0.0))
    except queue.Empty:
        raise Timeout() from None
    if isinstance(result, UnicodeError):
        raise DNSFailure() from result
    if isinstance(result, OSError):
        raise DNSFailure() from result
    if isinstance(result, BaseException):
        raise result
    addresses: list[IPAddress] = []
    for family, _type, _proto, _canon, sockaddr in result:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        text = str(sockaddr[0])
        if family == socket.AF_INET6 and len(sockaddr) >= 4 and sockaddr[3]:
            text = f"{text.split('%')[0]}%{sockaddr[3]}"  # keep the scope id: it is never public
        ip = ipaddress.ip_address(text)
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise DNSFailure()
    return addresses


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation is bounded by the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def _time_left(self, timeout: float | None, exc: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise exc("the fetch deadline has passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = self._time_left(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Resolve once, check every answer, connect to a checked address, keep the deadline."""

    def __init__(
        self,
        policy: AddressPolicy,
        deadline: float,
        inner: httpcore.NetworkBackend | None = None,
    ) -> None:
        self.policy = policy
        self.deadline = deadline
        self._inner = inner if inner is not None else httpcore.SyncBackend()

    def _time_left(self, timeout: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Timeout()
        return left if timeout is None else min(timeout, left)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port, self._time_left(timeout))
        check_host(host, port, addresses, self.policy)
        options = list(socket_options or ())
        failure: Exception | None = None
        for index, ip in enumerate(addresses):
            # Leave later addresses a fair share of the time, so one black hole cannot use it up.
            share = self._time_left(timeout) / (len(addresses) - index)
            try:
                stream = self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=share,
                    local_address=local_address,
                    socket_options=options,
                )
            except httpcore.ConnectTimeout as exc:
                if index == len(addresses) - 1:
                    raise
                failure = exc
                continue
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            _verify_peer(stream, ip)
            return DeadlineStream(stream, self.deadline)
        raise ConnectionFailed() from failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        raise AddressNotAllowed()

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, max(self.deadline - time.monotonic(), 0.0)))


def _verify_peer(stream: httpcore.NetworkStream, expected: IPAddress) -> None:
    """Belt and braces: the socket must really be connected to the address that was checked."""
    sock = stream.get_extra_info("socket")
    if not isinstance(sock, socket.socket):
        return  # not a socket-backed stream (test doubles); the address passed in was checked
    try:
        peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%")[0])
    except OSError as exc:
        stream.close()
        raise ConnectionFailed() from exc
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    if peer != ipaddress.ip_address(str(expected).split("%")[0]):
        stream.close()
        raise AddressNotAllowed()


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """Certificate-verifying TLS (certifi's roots), host names checked. Built once."""
    return httpx.create_ssl_context(trust_env=False)


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, inner: Iterable[bytes]) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        with _map_errors():
            yield from self._inner

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            with _map_errors():
                close()


@contextlib.contextmanager
def _map_errors() -> Iterator[None]:
    try:
        yield
    except httpcore.TimeoutException as exc:
        raise Timeout() from exc
    except httpcore.UnsupportedProtocol as exc:  # pragma: no cover - URLs are checked first
        raise ConnectionFailed() from exc
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError) as exc:
        raise ConnectionFailed() from exc


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore pool that connects only through ``backend``.

    Transport failures come out as :class:`~broadsheet.fetch.errors.FetchError` subclasses.
    """

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext | None = None) -> None:
        self.backend = backend
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context if ssl_context is not None else default_ssl_context(),
            max_connections=4,
            http1=True,
            http2=False,
            retries=0,
            network_backend=backend,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _map_errors():
            response = self._pool.handle_request(core_request)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()
