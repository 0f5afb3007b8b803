"""URL canonicalisation: the rules, and properties checked by Hypothesis."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.core.canonical import canonicalize, is_tracking, normalize_input
from broadsheet.core.errors import InvalidURL


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HTTPS://Example.COM/story", "https://example.com/story"),
        ("https://example.com:443/story", "https://example.com/story"),
        ("http://example.com:80/story", "http://example.com/story"),
        ("https://example.com/story#comments", "https://example.com/story"),
        ("https://example.com/story?utm_source=x&utm_medium=y", "https://example.com/story"),
        ("https://example.com/story?fbclid=abc", "https://example.com/story"),
        ("https://example.com/story?gclid=abc", "https://example.com/story"),
        ("https://example.com/story?mc_eid=abc", "https://example.com/story"),
        ("https://example.com/story?b=2&a=1", "https://example.com/story?a=1&b=2"),
        ("https://example.com/story?b=2&utm_x=1&a=1#top", "https://example.com/story?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
        ("example.com/story", "https://example.com/story"),
        ("//example.com/story", "https://example.com/story"),
        ("https://example.com/%7Estory", "https://example.com/~story"),
        ("https://EXAMPLE.com./story", "https://example.com/story"),
    ],
)
def test_same_story_same_key(a: str, b: str) -> None:
    assert canonicalize(a) == canonicalize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/story", "http://example.com/story"),
        ("https://example.com/story", "https://example.com/other"),
        ("https://example.com/story?id=1", "https://example.com/story?id=2"),
        ("https://example.com:8443/story", "https://example.com/story"),
        ("https://example.com/story", "https://www.example.com/story"),
    ],
)
def test_different_stories_different_keys(a: str, b: str) -> None:
    assert canonicalize(a) != canonicalize(b)


def test_canonical_form_is_explicit() -> None:
    assert (
        canonicalize("HTTPS://Example.COM:443/a?b=2&a=1&utm_source=x&fbclid=y#frag")
        == "https://example.com/a?a=1&b=2"
    )
    assert canonicalize("http://example.com:8080/x") == "http://example.com:8080/x"


@pytest.mark.parametrize("name", ["utm_source", "UTM_Campaign", "fbclid", "gclid", "mc_eid"])
def test_tracking_parameters(name: str) -> None:
    assert is_tracking(name)


@pytest.mark.parametrize("name", ["id", "page", "q", "article"])
def test_meaningful_parameters_are_kept(name: str) -> None:
    assert not is_tracking(name)
    assert canonicalize(f"https://example.com/?{name}=1") == f"https://example.com/?{name}=1"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter the address of a story to save."),
        ("   ", "Enter the address of a story to save."),
        ("ftp://example.com/file", "Only http and https addresses can be saved."),
        ("javascript:alert(1)", "Only http and https addresses can be saved."),
        ("file:///etc/passwd", "Only http and https addresses can be saved."),
        ("data:text/html,<p>hi</p>", "Only http and https addresses can be saved."),
        ("not a url", "That is not a web address."),
        ("http://", "That is not a web address."),
        ("https://ex..com/", "That is not a web address."),
        ("http://example.com:99999/", "That address has an invalid port."),
        ("https://example.com/" + "a" * 5000, "That address is too long."),
    ],
)
def test_invalid_input(raw: str, message: str) -> None:
    with pytest.raises(InvalidURL) as exc:
        normalize_input(raw)
    assert exc.value.message == message
    assert exc.value.code == "invalid_url"


# --- properties -----------------------------------------------------------------------------------

_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
_hosts = st.lists(_label, min_size=1, max_size=3).map(lambda ls: ".".join([*ls, "com"]))
# Path characters include reserved ones and percent signs so encoding is exercised.
_path_text = st.text(
    alphabet=st.sampled_from(list("abcEF0147-._~!$&'()*+,;=:@%% /?#é")), max_size=12
)
_segments = st.lists(_path_text.map(lambda s: quote(s, safe="")), max_size=4)
_param_name = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8).filter(
    lambda n: not is_tracking(n)
)
_param_value = st.text(alphabet=st.sampled_from(list("abc123 &=+%é/")), max_size=8)
_params = st.lists(st.tuples(_param_name, _param_value), max_size=4)
_tracking = st.lists(
    st.tuples(
        st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "fbclid", "gclid", "mc_eid"]),
        _param_value,
    ),
    min_size=1,
    max_size=4,
)


def _build(
    scheme: str,
    host: str,
    port: int | None,
    segments: list[str],
    params: list[tuple[str, str]],
    fragment: str = "",
) -> str:
    netloc = host if port is None else f"{host}:{port}"
    path = "/" + "/".join(segments)
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)
    url = f"{scheme}://{netloc}{path}"
    if query:
        url += "?" + query
    if fragment:
        url += "#" + quote(fragment, safe="")
    return url


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, str, int | None, list[str], list[tuple[str, str]]]:
    scheme = draw(st.sampled_from(["http", "https"]))
    host = draw(_hosts)
    port = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=65535)))
    return scheme, host, port, draw(_segments), draw(_params)


@settings(max_examples=300, deadline=None)
@given(urls())
def test_canonicalize_is_idempotent(parts: tuple) -> None:  # type: ignore[type-arg]
    url = _build(*parts)
    once = canonicalize(url)
    assert canonicalize(once) == once


@settings(max_examples=300, deadline=None)
@given(urls(), _tracking, st.text(max_size=10), st.randoms(use_true_random=False), st.data())
def test_canonicalize_ignores_what_does_not_change_the_story(
    parts: tuple,  # type: ignore[type-arg]
    tracking: list[tuple[str, str]],
    fragment: str,
    rnd: object,
    data: st.DataObject,
) -> None:
    scheme, host, port, segments, params = parts
    plain = canonicalize(_build(scheme, host, port, segments, params))

    # Tracking parameters anywhere in the query, a fragment, another parameter order.
    mixed = [*params, *tracking]
    shuffled = data.draw(st.permutations(mixed))
    # Only reorder parameters of different names: repeated names keep their relative order.
    names = [k for k, _ in params]
    if len(set(names)) == len(names):
        assert canonicalize(_build(scheme, host, port, segments, shuffled, fragment)) == plain

    # Host case and scheme case.
    upper_host = "".join(c.upper() if data.draw(st.booleans()) else c for c in host)
    assert canonicalize(_build(scheme.upper(), upper_host, port, segments, params)) == plain

    # The scheme's default port, written out.
    if port is None:
        default = {"http": 80, "https": 443}[scheme]
        assert canonicalize(_build(scheme, host, default, segments, params)) == plain


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_canonicalize_never_crashes(raw: str) -> None:
    """Any string either canonicalises to an http(s) URL or raises InvalidURL, nothing else."""
    try:
        result = canonicalize(raw)
    except InvalidURL:
        return
    assert result.startswith(("http://", "https://"))
    assert canonicalize(result) == result
