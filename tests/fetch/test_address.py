"""The address policy, the private spellings, the allow-list and its setting."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadsheet.fetch import (
    AddressNotAllowed,
    DNSFailure,
    FetchOptions,
    InvalidURL,
    fetch,
    parse_allow_private,
)
from broadsheet.fetch.address import AddressPolicy, check_host, is_public_address

from .conftest import RoutedServer

# The ranges ipaddress may call "global" that we refuse anyway, written out independently of
# the implementation so the property test is a real cross-check.
EXTRA = [
    ipaddress.ip_network(n)
    for n in (
        "100.64.0.0/10",
        "192.88.99.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "0.0.0.0/8",
        "::/96",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2002::/16",
        "2001::/32",
        "fec0::/10",
        "ff00::/8",
    )
]


def oracle_refuses(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if not ip.is_global:
        return True
    if any(ip in net for net in EXTRA if net.version == ip.version):
        return True
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_link_local:
        return True
    # (IPv4-mapped addresses lie in ::/8, which is reserved: all are refused, whatever the v4.)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return oracle_refuses(ip.ipv4_mapped)
    return False


@given(st.ip_addresses())
def test_policy_refuses_exactly_the_non_global(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    assert is_public_address(ip) is not oracle_refuses(ip)


@given(st.ip_addresses(v=4))
def test_mapped_ipv6_follows_its_ipv4_part(ip: ipaddress.IPv4Address) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
    if not is_public_address(ip):
        assert not is_public_address(mapped)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # CGNAT
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "ff0e::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b::808:808",
        "2002:7f00:1::1",
        "2002:808:808::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "2001:db8::1",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://127.0.1/",
        "http://[::1]/",
        "http://[::]/",
        "http://0.0.0.0/",
        "http://0/",
        "http://localhost/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[0:0:0:0:0:ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3:8080/",
        "https://192.168.0.1/",
        "http://[fe80::1]/",
    ],
)
def test_private_spellings_are_refused(url: str) -> None:
    with pytest.raises(AddressNotAllowed) as info:
        fetch(url, options=FetchOptions(deadline=5))
    assert info.value.code == "address_not_allowed"
    assert str(info.value) == "The address is not allowed."


def test_fully_qualified_localhost_is_refused() -> None:
    # Not in /etc/hosts with the dot on some systems: then the name does not resolve at all.
    with pytest.raises((AddressNotAllowed, DNSFailure)):
        fetch("http://LOCALHOST./", options=FetchOptions(deadline=5))


def test_bad_numeric_hosts_are_not_web_addresses() -> None:
    for url in (
        "http://256.0.0.1/",
        "http://1.2.3.4.5/",
        "http://0x100000000/",
        "http://08.0.0.1/",
    ):
        with pytest.raises(InvalidURL):
            fetch(url)


def test_mixed_answers_are_refused() -> None:
    public, private = ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("127.0.0.1")
    with pytest.raises(AddressNotAllowed):
        check_host("example.com", 80, [public, private], AddressPolicy(False))
    check_host("example.com", 80, [public], AddressPolicy(False))
    with pytest.raises(AddressNotAllowed):
        check_host("example.com", 80, [], AddressPolicy(True))


def test_allow_list_matches_host_or_host_and_port() -> None:
    private = [ipaddress.ip_address("127.0.0.1")]
    policy = AddressPolicy.from_option(frozenset({"fixtures.local", "LocalHost:8000", "[::1]:9"}))
    check_host("fixtures.local", 1234, private, policy)
    check_host("localhost", 8000, private, policy)
    check_host("::1", 9, [ipaddress.ip_address("::1")], policy)
    for host, port in (
        ("localhost", 8001),
        ("other.local", 8000),
        ("::1", 10),
        ("127.0.0.1", 8000),
    ):
        with pytest.raises(AddressNotAllowed):
            check_host(host, port, private, policy)
    check_host("anything", 1, private, AddressPolicy(True))
    with pytest.raises(AddressNotAllowed):
        check_host("anything", 1, private, AddressPolicy(False))


def test_allow_list_lets_only_the_listed_server_through(server: RoutedServer) -> None:
    page = fetch(server.url(), options=server.allow)
    assert page.status == 200
    by_host = FetchOptions(allow_private=frozenset({"127.0.0.1"}))
    assert fetch(server.url(), options=by_host).status == 200
    assert fetch(server.url(), options=FetchOptions(allow_private=True)).status == 200
    for allowed in ({f"127.0.0.1:{server.port + 1}"}, {f"localhost:{server.port}"}, {"10.0.0.1"}):
        with pytest.raises(AddressNotAllowed):
            fetch(server.url(), options=FetchOptions(allow_private=frozenset(allowed)))
    with pytest.raises(AddressNotAllowed):
        fetch(server.url())


def test_allow_list_entry_by_name_allows_that_name(server: RoutedServer) -> None:
    options = FetchOptions(allow_private=frozenset({f"localhost:{server.port}"}))
    try:
        page = fetch(server.url(host="localhost"), options=options)
    except AddressNotAllowed:  # pragma: no cover - only if localhost resolves to ::1 alone
        pytest.fail("localhost must resolve to 127.0.0.1 for this test (see /etc/hosts)")
    assert page.final_url == server.url(host="localhost")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("false", False),
        ("", False),
        ("0", False),
        ("no", False),
        (" FALSE ", False),
        ("true", True),
        ("1", True),
        ("yes", True),
        ("True", True),
        ("localhost", frozenset({"localhost"})),
        ("localhost:8000, fixtures.local", frozenset({"localhost:8000", "fixtures.local"})),
        ("127.0.0.1:8080,[::1]:8080,::1", frozenset({"127.0.0.1:8080", "[::1]:8080", "::1"})),
        ("LocalHost:08000,", frozenset({"localhost:8000"})),
    ],
)
def test_parse_allow_private(value: str, expected: bool | frozenset[str]) -> None:
    assert parse_allow_private(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "maybe so",
        ",",
        "http://localhost",
        "host:port",
        "host:0",
        "host:70000",
        "a b",
        "[::1",
        "x/y",
        "a@b",
    ],
)
def test_parse_allow_private_rejects_junk(value: str) -> None:
    with pytest.raises(ValueError):
        parse_allow_private(value)


def test_options_validate() -> None:
    with pytest.raises(ValueError):
        FetchOptions(allow_private=frozenset({"not a host"}))
    with pytest.raises(TypeError):
        FetchOptions(allow_private="true")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        FetchOptions(accept=frozenset({"pdf"}))
    with pytest.raises(ValueError):
        FetchOptions(max_bytes=0)
    with pytest.raises(ValueError):
        FetchOptions(deadline=0)
