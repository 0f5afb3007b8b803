"""Which charset a page is read with: header, BOM, meta, detection, default."""

# ruff: noqa: RUF001  (the sample texts are Russian and Japanese on purpose)

from __future__ import annotations

import codecs

import pytest

from broadsheet.fetch import fetch
from broadsheet.fetch.charset import find_charset, normalize_charset

from .conftest import Reply, RoutedServer

RUSSIAN = (
    "Министерство финансов сообщило во вторник, что бюджет страны по итогам года будет исполнен "
    "с небольшим профицитом. По словам министра, доходы от налогов выросли сильнее, чем ожидалось, "
    "а расходы на оборону и социальные программы остались на прежнем уровне. Экономисты считают, "
    "что такой прогноз слишком оптимистичен."
)
JAPANESE = (
    "政府は火曜日、来年度の予算案を閣議決定した。一般会計の総額は過去最大となり、社会保障費と防衛費が"
    "大きく伸びた。財務大臣は記者会見で、財政の健全化に向けた努力を続けると述べたが、専門家からは"
    "国債への依存が続くことへの懸念の声も上がっている。"
)


def html(body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"
    )


def serve(server: RoutedServer, body: bytes, content_type: str = "text/html") -> None:
    server.routes["/"] = Reply(headers=[("Content-Type", content_type)], body=body)


def test_charset_from_header(server: RoutedServer) -> None:
    serve(server, html(RUSSIAN).encode("koi8-r"), "text/html; charset=KOI8-R")
    page = fetch(server.url(), options=server.allow)
    assert page.charset == "koi8-r"
    assert RUSSIAN in page.text


def test_header_wins_over_meta(server: RoutedServer) -> None:
    body = html(RUSSIAN, '<meta charset="utf-8">').encode("cp1251")
    serve(server, body, 'text/html; charset="windows-1251"')
    page = fetch(server.url(), options=server.allow)
    assert page.charset == "cp1251"
    assert RUSSIAN in page.text


@pytest.mark.parametrize(
    ("bom", "encoding", "expected"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_charset_from_bom(server: RoutedServer, bom: bytes, encoding: str, expected: str) -> None:
    serve(server, bom + html(JAPANESE).encode(encoding))
    page = fetch(server.url(), options=server.allow)
    assert page.charset == expected
    assert JAPANESE in page.text
    assert not page.text.startswith("\ufeff")


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="windows-1251">',
        "<meta charset=windows-1251>",
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1251">',
        "<meta content='text/html; charset=cp1251' http-equiv='content-type'>",
    ],
)
def test_charset_from_meta(server: RoutedServer, head: str) -> None:
    serve(server, html(RUSSIAN, head).encode("cp1251"))
    page = fetch(server.url(), options=server.allow)
    assert page.charset == "cp1251"
    assert RUSSIAN in page.text


def test_meta_after_the_first_4_kib_is_ignored() -> None:
    body = (
        "<!doctype html><html><head>" + " " * 5000 + '<meta charset="koi8-r">'
    ).encode() + RUSSIAN.encode()
    assert find_charset(body, None) == "utf-8"


def test_meta_claiming_utf16_means_utf8() -> None:
    assert find_charset(html("é", '<meta charset="utf-16">').encode(), None) == "utf-8"


def test_xml_declaration() -> None:
    body = (
        f'<?xml version="1.0" encoding="windows-1251"?><rss><title>{RUSSIAN}</title></rss>'.encode(
            "cp1251"
        )
    )
    assert find_charset(body, None) == "cp1251"


@pytest.mark.parametrize(
    ("text", "encoding", "accepted"),
    [(RUSSIAN, "cp1251", {"cp1251"}), (JAPANESE, "shift_jis", {"shift_jis", "cp932"})],
)
def test_charset_detected_without_declaration(
    server: RoutedServer, text: str, encoding: str, accepted: set[str]
) -> None:
    serve(server, html(text).encode(encoding))
    page = fetch(server.url(), options=server.allow)
    assert page.charset in accepted  # cp932 is Microsoft's superset of Shift_JIS
    assert text in page.text


def test_undeclared_utf8_is_utf8(server: RoutedServer) -> None:
    serve(server, html(RUSSIAN + JAPANESE).encode("utf-8"))
    page = fetch(server.url(), options=server.allow)
    assert page.charset == "utf-8"
    assert JAPANESE in page.text


def test_plain_ascii_defaults_to_utf8() -> None:
    assert find_charset(html("plain").encode(), None) == "utf-8"


def test_unknown_charset_names_fall_back(server: RoutedServer) -> None:
    body = html(RUSSIAN, '<meta charset="x-no-such-thing"><meta charset="windows-1251">').encode(
        "cp1251"
    )
    serve(server, body, "text/html; charset=x-made-up-9")
    page = fetch(server.url(), options=server.allow)
    assert page.charset == "cp1251"
    assert RUSSIAN in page.text


def test_latin1_labels_mean_windows_1252(server: RoutedServer) -> None:
    serve(server, html("It\x92s \x93quoted\x94").encode("latin-1"), "text/html; charset=ISO-8859-1")
    page = fetch(server.url(), options=server.allow)
    assert page.charset == "cp1252"
    assert "It’s “quoted”" in page.text


def test_undecodable_bytes_are_replaced(server: RoutedServer) -> None:
    serve(server, html("ok").encode() + b"\xff\xfe\xfa", "text/html; charset=utf-8")
    assert fetch(server.url(), options=server.allow).text.endswith("\ufffd\ufffd\ufffd")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("Shift_JIS", "shift_jis"),
        ("windows-1251", "cp1251"),
        ("us-ascii", "cp1252"),
        ("bogus", None),
        ("", None),
    ],
)
def test_normalize_charset(label: str, expected: str | None) -> None:
    assert normalize_charset(label) == expected
