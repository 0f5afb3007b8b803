"""The sanitizer's shortcuts give what the steps they skip give: join_url is urljoin, safe_url
answers as before for URLs it no longer parses, and defuse_script_schemes looks at colons only
where the regex could match."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.extract import sanitize
from broadsheet.extract.sanitize import (
    _CONTROL_OR_SPACE,
    _SCRIPT_SCHEME,
    URL_SCHEMES,
    defuse_script_schemes,
    join_url,
    safe_url,
)

BASES = [
    None,
    "",
    "https://news.example/a/b.html?x=1#top",
    "http://news.example",
    "https://news.example/a;p/",
    "http://[::1",  # urlsplit raises on it: so must urljoin
    "http://[::1]:8080/x",
    "ftp://files.example/",
    "news.example/relative",
    "https://\u2100.example/",  # a netloc NFKC turns into one with a "/"
]
# The corner cases: empty query and fragment, params, brackets, case, spaces and controls,
# no host, non-ASCII, a scheme-relative and a relative URL.
URLS = [
    "https://cdn.example/i/p.jpg",
    "https://cdn.example/i/p.jpg?w=800&h=600",
    "https://cdn.example/i/p.jpg?",
    "https://cdn.example/i/p.jpg#",
    "https://cdn.example/i/p.jpg#frag",
    "https://cdn.example/i/p;v=2.jpg",
    "https://cdn.example/i/p.jpg?a;b",
    "https://cdn.example?q",
    "https://cdn.example",
    "https://cdn.example/",
    "https://cdn.example//double//slash/./..",
    "http:///no-host",
    "http://",
    "HTTPS://CDN.example/P.JPG",
    "https://[::1]/x",
    "https://[::1/x",
    "https://c\u00e9dn.example/x",
    "https://cdn.example/\u00e9",
    " https://cdn.example/x",
    "https://cdn.example/x y",
    "https://cdn.ex\tample/x\n",
    "https://cdn.example/x\x7f",
    "//cdn.example/x.jpg",
    "/i/p.jpg",
    "p.jpg",
    "javascript:alert(1)",
    "https:cdn.example",
    "https://u:p@cdn.example:8080/x",
    "https://\u2100.example/x",
]


def _reference_safe_url(value: str, base_url: str | None) -> str | None:
    """safe_url as it was before its shortcut."""
    value = _CONTROL_OR_SPACE.sub("", value)
    if not value:
        return None
    if base_url:
        try:
            value = urljoin(base_url, value)
        except ValueError:
            return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in URL_SCHEMES or not parts.netloc:
        return None
    return value


def _joined(base: str | None, url: str) -> str:
    try:
        return urljoin(base, url) if base else url
    except ValueError as exc:
        return repr(exc)


def _join_url(base: str | None, url: str) -> str:
    try:
        return join_url(base, url)
    except ValueError as exc:
        return repr(exc)


def test_join_url_and_safe_url_on_the_corner_cases() -> None:
    for base in BASES:
        for url in URLS:
            assert _join_url(base, url) == _joined(base, url), (base, url)
            assert safe_url(url, base) == _reference_safe_url(url, base), (base, url)


def test_the_shortcut_is_taken() -> None:
    assert sanitize._PLAIN_ABSOLUTE.fullmatch("https://cdn.example/i/p.jpg?w=800") is not None
    assert sanitize._PLAIN_ABSOLUTE.fullmatch("https://cdn.example/i/p.jpg?") is None


_URLS = st.builds(
    str.__add__,
    st.sampled_from(["http://", "https://", "HTTP://", "http:", "//", "/", "", "https://a"]),
    st.text(st.sampled_from("ab:/.?#;[]@%=&~ \t\n\x00\x7f\u00e9\u2100\U0001f600"), max_size=12),
)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(BASES), _URLS)
def test_join_url_is_urljoin(base: str | None, url: str) -> None:
    assert _join_url(base, url) == _joined(base, url)
    assert safe_url(url, base) == _reference_safe_url(url, base)


# -- defusing script: schemes -------------------------------------------------------------------


def _defused(text: str) -> str:
    return _SCRIPT_SCHEME.sub(r"\1&#58;", text)


def test_every_character_the_regex_reads_as_a_letter_of_script_casefolds_to_it() -> None:
    # but the dotted and dotless i, which send a text to the regex whatever
    odd = {
        chr(c)
        for letter in "script"
        for c in range(0x110000)
        if re.fullmatch(letter, chr(c), re.IGNORECASE) and chr(c).casefold() != letter
    }
    assert odd == set(sanitize._DOTTED_I)


_SCRIPTY = st.text(st.sampled_from("javscriptlbeJAVSCRIPTLBE:: <>\u017f\u0130\u0131\u212a\u00df"))


@settings(max_examples=500, deadline=None)
@given(_SCRIPTY, st.integers(1, 20))
def test_defuse_script_schemes_is_the_regex(text: str, times: int) -> None:
    assert defuse_script_schemes(text) == _defused(text)
    # past the colons looked at one by one, the whole text is casefolded
    long_text = text * times + ":" * (sanitize._COLONS_LOOKED_AT * (times % 3))
    assert defuse_script_schemes(long_text) == _defused(long_text)


def test_defuse_script_schemes_at_the_colon_limit() -> None:
    for colons in (0, 1, sanitize._COLONS_LOOKED_AT, sanitize._COLONS_LOOKED_AT + 1):
        for text in ("a" * 6 + ":" * colons, "JavaScript:" + ":" * colons, "x:" * colons):
            assert defuse_script_schemes(text) == _defused(text)
        assert defuse_script_schemes(":" * colons + "vbscript:x") == _defused(
            ":" * colons + "vbscript:x"
        )
