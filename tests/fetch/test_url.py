"""Addresses that are not http(s) web addresses never get near the network."""

from __future__ import annotations

import pytest

from broadsheet.fetch import FetchError, InvalidURL, UnsupportedScheme, fetch
from broadsheet.fetch.url import normalize_url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.com",
        "//example.com/",
        "http://",
        "http:///path",
        "http:example.com",
        "http://exa mple.com/",
        " http://example.com/",
        "http://example.com/a b",
        "http://example.com/\n",
        "http://example.com:99999/",
        "http://example.com:0/",
        "http://example.com:abc/",
        "http://example.com:-1/",
        "http://[::1/",
        "http://[not-v6]/",
        "http://[fe80::1%25eth0]/",
        "http://exa_mple..com/",
        "http://-bad-.com/",
        "http://%41.com/",
        "http://user:pw@example.com/",
        "http://example.com@127.0.0.1/",
        "http://a<b.com/",
        "http://" + "a" * 64 + ".com/",
    ],
)
def test_invalid_urls(url: str) -> None:
    with pytest.raises(InvalidURL) as info:
        fetch(url)
    assert info.value.code == "invalid_url"
    assert str(info.value) == "That is not a web address."


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "ftp://example.com/file",
        "javascript:alert(1)",
        "data:text/html,<h1>hi</h1>",
        "gopher://127.0.0.1:6379/_INFO",
        "mailto:someone@example.com",
        "ws://example.com/",
    ],
)
def test_unsupported_schemes(url: str) -> None:
    with pytest.raises(UnsupportedScheme) as info:
        fetch(url)
    assert info.value.code == "unsupported_scheme"
    assert str(info.value) == "Only http and https addresses can be saved."


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a?b=c#frag", "https://example.com/a?b=c"),
        ("http://bücher.de/straße", "http://xn--bcher-kva.de/stra%C3%9Fe"),
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://0x7f.1:8080/", "http://127.0.0.1:8080/"),
        ("http://[0:0::1]/", "http://[::1]/"),
        ("http://a_b.example.com./", "http://a_b.example.com./"),
    ],
)
def test_normalisation(url: str, expected: str) -> None:
    assert str(normalize_url(url)) == expected


def test_every_error_is_a_fetch_error() -> None:
    assert issubclass(InvalidURL, FetchError)
    with pytest.raises(FetchError):
        fetch("nonsense")
