# ruff: noqa: E501
"""Hostile input is bounded: an Article or a typed ExtractError, quickly, never a hang."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from broadsheet.extract import (
    Article,
    EmptyDocument,
    ExtractError,
    ExtractOptions,
    InputTooLarge,
    NoArticle,
    NotHTML,
    extract,
)

# Only a hang guard: the real figures are in docs/extraction.md.
HANG_GUARD_S = 5.0
PROSE = "<p>" + "A sentence of real prose, long enough to count as running text. " * 4 + "</p>"


def _timed(make: Callable[[], str | bytes]) -> Article | ExtractError:
    data = make()
    start = time.perf_counter()
    try:
        result: Article | ExtractError = extract(data)
    except ExtractError as exc:
        result = exc
    assert time.perf_counter() - start < HANG_GUARD_S
    return result


HOSTILE: dict[str, Callable[[], str | bytes]] = {
    "deep-nesting": lambda: "<div>" * 100_000 + PROSE + "</div>" * 100_000,
    "deep-nesting-mixed": lambda: "<span><b><i>" * 40_000 + PROSE,
    "ten-mb-text-node": lambda: "<html><body><p>" + "word " * 2_000_000 + "</p></body></html>",
    "million-siblings": lambda: "<html><body>" + "<p>x</p>" * 1_000_000 + "</body></html>",
    "million-empty-siblings": lambda: "<br>" * 1_000_000 + PROSE,
    "many-attributes": lambda: "<p " + " ".join(f"a{i}=x" for i in range(200_000)) + ">x</p>",
    "broken-utf8": lambda: b"<html><body><p>" + bytes(range(256)) * 2000 + b"</p>" + PROSE.encode(),
    "wrong-declared-charset": lambda: (
        b'<meta charset="utf-16"><p>' + "Caf\u00e9 ".encode("utf-8") * 50 + b"</p>"
    ),
    "unknown-charset": lambda: b'<meta charset="x-no-such"><body>' + PROSE.encode(),
    "null-bytes": lambda: "<p>\x00\x00</p>\x00" * 10_000 + PROSE,
    "unclosed-tags": lambda: "<table><tr><td><p><ul><li><a>" * 20_000,
    "json-ld-bomb": lambda: (
        '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>" + PROSE
    ),
    "huge-comment": lambda: "<!--" + "x" * 5_000_000 + PROSE,
    "long-attribute": lambda: '<a href="' + "h" * 5_000_000 + '">' + PROSE,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_bounded(name: str) -> None:
    result = _timed(HOSTILE[name])
    assert isinstance(result, (Article, ExtractError))
    if isinstance(result, ExtractError):
        assert result.code and result.message


def test_deep_nesting_still_finds_text_before_the_cut() -> None:
    result = _timed(lambda: PROSE + "<div>" * 100_000 + "</div>" * 100_000)
    assert isinstance(result, Article)
    assert result.text.startswith("A sentence of real prose")


def test_nine_mb_text_node_gives_bounded_text() -> None:
    # libxml2 refuses a single text node of 10,000,000 characters or more (NoArticle then);
    # just under that the text is kept and cut to max_text_chars.
    result = _timed(lambda: "<html><body><p>" + "word. " * 1_600_000 + "</p></body></html>")
    assert isinstance(result, Article)
    assert 0 < len(result.text) <= ExtractOptions().max_text_chars


@pytest.mark.parametrize(
    ("data", "error", "code", "message"),
    [
        ("", EmptyDocument, "empty_document", "The page is empty"),
        (b"", EmptyDocument, "empty_document", "The page is empty"),
        ("   \n\t ", EmptyDocument, "empty_document", "The page is empty"),
        ("\ufeff", EmptyDocument, "empty_document", "The page is empty"),
        ('{"json": true}', NotHTML, "not_html", "The page is not HTML"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", NotHTML, "not_html", "The page is not HTML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", NotHTML, "not_html", "The page is not HTML"),
        ("just some plain text, no markup at all", NotHTML, "not_html", "The page is not HTML"),
        ("<html><body></body></html>", NoArticle, "no_article", "No article text was found on the page"),
        ("<html><body><nav><a href=/>Home</a></nav></body></html>", NoArticle, "no_article",
         "No article text was found on the page"),
    ],
)  # fmt: skip
def test_typed_errors(
    data: str | bytes, error: type[ExtractError], code: str, message: str
) -> None:
    with pytest.raises(error) as info:
        extract(data)
    assert info.value.code == code
    assert info.value.message == message
    assert isinstance(info.value, ExtractError)


def test_input_too_large() -> None:
    with pytest.raises(InputTooLarge) as info:
        extract(b"<p>" + b"x" * 100, options=ExtractOptions(max_input_bytes=50))
    assert info.value.code == "input_too_large"
    with pytest.raises(InputTooLarge):
        extract("<p>" + "x" * (10 * 1024 * 1024 + 1))


def test_bytes_are_decoded_with_the_declared_charset() -> None:
    text = "<html><head><meta charset='windows-1251'></head><body><p>{}</p></body></html>"
    prose = "Москва — столица России, крупнейший по численности населения город страны. " * 3
    article = extract(text.format(prose).encode("cp1251"))
    assert article.text.startswith("Москва — столица России")


def test_bytes_with_bom_and_no_declaration() -> None:
    prose = "Ünïcödé prose with accents, long enough to be a paragraph of running text here. " * 2
    data = b"\xef\xbb\xbf<html><body><p>" + prose.encode("utf-8") + b"</p></body></html>"
    assert extract(data).text.startswith("Ünïcödé prose")


def test_bytes_without_declaration_are_detected() -> None:
    prose = (
        "Déjà vu: le café était fermé, et la pâtisserie aussi, à cause de la grève générale. " * 3
    )
    data = ("<html><body><p>" + prose + "</p></body></html>").encode("latin-1")
    assert "café était fermé" in extract(data).text


def test_options_are_frozen() -> None:
    options = ExtractOptions()
    with pytest.raises(AttributeError):
        options.max_depth = 1  # type: ignore[misc]
    assert options.max_input_bytes == 10 * 1024 * 1024
    assert options.max_depth == 512
