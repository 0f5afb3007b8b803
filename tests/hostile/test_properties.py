"""Properties the corpus cannot enumerate: every numeric spelling of an IPv4 address, IPv6
wrappers around IPv4, and generated HTML through the sanitizer."""

from __future__ import annotations

import ipaddress

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.extract import sanitize_html
from broadsheet.fetch import AddressNotAllowed, FetchOptions, fetch
from broadsheet.fetch.address import is_public_address
from broadsheet.fetch.url import normalize_host
from tests.hostile.pages import stored_html_problems

# --- the address guard --------------------------------------------------------------------------


def _part(value: int, style: str) -> str:
    if style == "hex":
        return hex(value)
    if style == "HEX":
        return "0X" + format(value, "X")
    if style == "octal":
        return "0" + format(value, "o")
    return str(value)


@st.composite
def ipv4_spellings(draw: st.DrawFn) -> tuple[int, str]:
    """(the address as a number, one way browsers accept to write it)."""
    number = draw(st.integers(min_value=0, max_value=2**32 - 1))
    parts = draw(st.integers(min_value=1, max_value=4))
    octets = list(number.to_bytes(4, "big"))
    # 1 part: all 32 bits; 2 parts: a.(24 bits); 3 parts: a.b.(16 bits); 4 parts: a.b.c.d
    values = [*octets[: parts - 1], int.from_bytes(bytes(octets[parts - 1 :]), "big")]
    styles = draw(
        st.lists(st.sampled_from(["dec", "hex", "HEX", "octal"]), min_size=parts, max_size=parts)
    )
    text = ".".join(_part(v, s) for v, s in zip(values, styles, strict=True))
    if draw(st.booleans()):
        text += "."  # a trailing dot
    return number, text


@settings(max_examples=400, deadline=None)
@given(ipv4_spellings())
def test_every_ipv4_spelling_means_one_address(spelled: tuple[int, str]) -> None:
    number, text = spelled
    assert normalize_host(text) == str(ipaddress.IPv4Address(number))


@settings(max_examples=150, deadline=None)
@given(ipv4_spellings())
def test_every_spelling_of_a_non_public_address_is_refused(spelled: tuple[int, str]) -> None:
    number, text = spelled
    if is_public_address(ipaddress.IPv4Address(number)):
        return  # never fetched: tests do not reach the internet
    with pytest.raises(AddressNotAllowed):
        fetch(f"http://{text}:9/", options=FetchOptions(deadline=2))


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses(v=4), st.sampled_from(["::ffff:{}", "64:ff9b::{}", "::{}"]))
def test_ipv6_wrappers_never_launder_an_ipv4(ip: ipaddress.IPv4Address, wrapper: str) -> None:
    wrapped = ipaddress.IPv6Address(wrapper.format(ip))
    if not is_public_address(ip):
        assert not is_public_address(wrapped)
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (int(ip) << 80))
    assert not is_public_address(sixtofour)  # 6to4 embeds any IPv4: always refused


# --- the sanitizer ------------------------------------------------------------------------------

TAGS = st.sampled_from(
    [
        "a",
        "p",
        "div",
        "span",
        "img",
        "svg",
        "math",
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "form",
        "input",
        "button",
        "base",
        "meta",
        "link",
        "template",
        "noscript",
        "textarea",
        "table",
        "td",
        "video",
        "source",
        "details",
        "body",
        "html",
        "title",
        "xmp",
        "noembed",
        "mglyph",
        "malignmark",
        "foreignObject",
        "annotation-xml",
        "select",
        "option",
        "frameset",
        "b",
        "i",
        "h2",
        "li",
    ]
)
ATTRIBUTES = st.sampled_from(
    [
        "href",
        "src",
        "srcset",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "style",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "background",
        "poster",
        "srcdoc",
        "class",
        "id",
        "rel",
        "target",
        "ping",
        "width",
        "height",
        "alt",
    ]
)
SCHEMES = st.sampled_from(
    ["javascript:", "JaVaScRiPt:", "java\tscript:", " javascript:", "jav&#x09;ascript:",
     "&#106;avascript:", "vbscript:", "data:text/html,", "data:image/svg+xml,", "//", "http://",
     "https://", "", "livescript:", "javascript&colon;", "\x01javascript:"]
)  # fmt: skip
VALUES = st.builds(lambda s, v: s + v, SCHEMES, st.sampled_from(["alert(1)", "x", "/p.png", 'a"b']))


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def make(tag: str, attrs: list[tuple[str, str]], inner: list[str]) -> str:
        rendered = "".join(f' {name}="{value}"' for name, value in attrs)
        return f"<{tag}{rendered}>{''.join(inner)}</{tag}>"

    return st.builds(
        make,
        TAGS,
        st.lists(st.tuples(ATTRIBUTES, VALUES), max_size=3),
        st.lists(children, max_size=3),
    )


HTML = st.recursive(
    st.one_of(st.text(alphabet="ab <>&\"'=/", max_size=8), st.just("text")), _element, max_leaves=25
)


@settings(max_examples=300, deadline=None)
@given(st.lists(HTML, min_size=1, max_size=4))
def test_generated_html_never_keeps_an_executable_vector(parts: list[str]) -> None:
    out = sanitize_html("".join(parts), base_url="https://news.example/story")
    assert stored_html_problems(out) == []
    # Sanitizing what is stored again finds nothing more to remove. (Not byte-equality: the
    # serialiser may keep a nesting, like <h2> inside <h2>, that a second parse splits.)
    again = sanitize_html(out, base_url="https://news.example/story")
    assert stored_html_problems(again) == []
    assert (
        lxml.html.fromstring(f"<div>{again}</div>").text_content()
        == lxml.html.fromstring(f"<div>{out}</div>").text_content()
    )
