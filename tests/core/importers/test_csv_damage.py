"""Broken CSV files: each bad row is one Invalid with its line, and the rows around it flow."""

from __future__ import annotations

import pytest

from broadsheet.core import canonical
from broadsheet.core.importers import limits

from .support import invalids, read, records, urls

HEADER = b"title,url,time_added,tags,status\n"


def row(n: int, *, title: str = "t", end: bytes = b"\n") -> bytes:
    return f"{title},https://ok.example/{n},1500000000,,unread".encode() + end


def test_byte_order_mark_and_mixed_line_endings() -> None:
    data = b"\xef\xbb\xbf" + HEADER.replace(b"\n", b"\r\n") + row(1, end=b"\r") + row(2, end=b"\n")
    data += row(3, end=b"\r\n") + row(4, end=b"")
    entries = read("pocket", data)
    assert invalids(entries) == []
    assert [(r.line, r.url) for r in records(entries)] == [
        (2, "https://ok.example/1"),
        (3, "https://ok.example/2"),
        (4, "https://ok.example/3"),
        (5, "https://ok.example/4"),
    ]


def test_nul_bytes_are_dropped() -> None:
    data = HEADER + b"ti\x00tle,https://ok.example/\x001,1500000000,,unread\n" + row(2)
    entries = read("pocket", data)
    assert [(r.title, r.url) for r in records(entries)] == [
        ("title", "https://ok.example/1"),
        ("t", "https://ok.example/2"),
    ]


def test_rows_with_too_many_or_too_few_cells() -> None:
    data = HEADER + row(1) + b"a, comma,https://x.example/,1,,unread\n" + b"short,row\n" + row(4)
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/1", "https://ok.example/4"]
    assert invalids(entries) == [
        (3, "the row has 6 cells, the header 5"),
        (4, "the row has 2 cells, the header 5"),
    ]


def test_blank_lines_are_skipped_and_counted() -> None:
    data = HEADER + b"\n" + row(1) + b"\r\n,,,,\n" + row(2)
    assert [r.line for r in records(read("pocket", data))] == [3, 6]


def test_unbalanced_quote_costs_one_row() -> None:
    data = HEADER + row(1) + b'"Unclosed title,https://x.example/,1,,unread\n' + row(3) + row(4)
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/1", "https://ok.example/3", "https://ok.example/4"]
    assert [r.line for r in records(entries)] == [2, 4, 5]
    assert invalids(entries) == [(3, "unbalanced quotes (the row has 1 cells, the header 5)")]


def test_quote_that_closes_later_with_the_right_cell_count() -> None:
    # the stray quote is closed by the quoted title two lines down: one row swallows two
    data = (
        HEADER
        + b'"Stray,https://x.example/,1,,unread\n'
        + row(2)
        + b'"Quoted",https://ok.example/3,1,,unread\n'
        + row(4)
    )
    entries = read("pocket", data)
    assert [r.line for r in records(entries)] == [3, 4, 5]
    assert invalids(entries) == [(2, "unbalanced quotes (a cell runs over the rows after it)")]


def test_quoted_line_breaks_in_a_good_row_are_kept() -> None:
    data = HEADER + b'"Two\nlines",https://ok.example/1,1,,unread\n' + row(2)
    entries = read("pocket", data)
    assert [(r.line, r.title) for r in records(entries)] == [(2, "Two\nlines"), (4, "t")]


def test_invalid_utf8_is_decoded_with_a_fallback() -> None:
    # Latin-1 bytes, not UTF-8
    data = HEADER + "Café au lait,https://ok.example/1,1,,unread\n".encode("latin-1") + row(2)
    entries = read("pocket", data)
    assert [r.title for r in records(entries)] == ["Café au lait", "t"]


def test_stray_invalid_byte_in_utf8_file() -> None:
    data = HEADER + "Déjà vu".encode() + b"\xff,https://ok.example/1,1,,unread\n"
    data += ("x" * 70_000).encode() + b",https://ok.example/2,1,,unread\n"
    titles = [r.title for r in records(read("pocket", data))]
    assert len(titles) == 2 and titles[0].startswith("D")


def test_utf16_with_bom() -> None:
    text = "title,url,time_added,tags,status\r\nÜber,https://ok.example/1,1,,unread\r\n"
    entries = read("pocket", text.encode("utf-16"))
    assert [r.title for r in records(entries)] == ["Über"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "not an http or https address: javascript:alert(1)"),
        ("data:text/html;base64,AAAA", "not an http or https address: data:text/html;base64,AAAA"),
        ("/relative/path", "not a web address: /relative/path"),
        ("relative/path", "not a web address: relative/path"),
        ("//example.com/no-scheme", "not a web address: //example.com/no-scheme"),
        ("", "no web address"),
        ("   ", "no web address"),
        ("https://", "not a web address: https://"),
        ("https://exa mple.com/", "not a web address: https://exa mple.com/"),
        (
            "https://example.com:99999/",
            "the web address has an invalid port: https://example.com:99999/",
        ),
        ("https://example.com/" + "a" * canonical.MAX_URL_LENGTH, "the web address is too long"),
        ("ftp://example.com/file", "not an http or https address: ftp://example.com/file"),
    ],
)
def test_addresses_that_are_not_kept(url: str, reason: str) -> None:
    data = HEADER + row(1) + f't,"{url}",1,,unread\n'.encode() + row(3)
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/1", "https://ok.example/3"]
    assert invalids(entries) == [(3, reason)]


def test_long_value_is_cut_in_the_reason() -> None:
    data = HEADER + f"t,{'q' * 200},1,,unread\n".encode()
    ((_, reason),) = invalids(read("pocket", data))
    assert reason == "not a web address: " + "q" * 79 + "…"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("yesterday", "not a date: yesterday"),
        ("-5", "not a date: -5"),
        ("1e30", "not a date: 1e30"),
        ("nan", "not a date: nan"),
        ("inf", "not a date: inf"),
    ],
)
def test_dates_that_are_not_dates(raw: str, reason: str) -> None:
    data = HEADER + f"t,https://x.example/,{raw},,unread\n".encode() + row(3)
    entries = read("pocket", data)
    assert invalids(entries) == [(2, reason)]
    assert urls(entries) == ["https://ok.example/3"]


def test_fractional_and_empty_dates() -> None:
    data = HEADER + b"t,https://x.example/1,1500000000.5,,\nt,https://x.example/2,,,\n"
    first, second = records(read("pocket", data))
    assert first.saved_at is not None and first.saved_at.microsecond == 500_000
    assert second.saved_at is None


def test_overlong_line_is_reported_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_LINE_CHARS", 100)
    data = HEADER + row(1) + b"t,https://x.example/" + b"a" * 500 + b",1,,unread\n" + row(3)
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/1", "https://ok.example/3"]
    assert invalids(entries) == [(3, "the line is too long")]


def test_cell_over_the_csv_module_limit() -> None:
    huge = b'"' + b"x" * 140_000 + b'"'
    data = HEADER + row(1) + huge + b",https://x.example/,1,,unread\n" + row(3)
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/1", "https://ok.example/3"]
    assert invalids(entries) == [
        (3, "cannot be read as CSV (field larger than field limit (131072))")
    ]


def test_header_only_and_whitespace_headers() -> None:
    assert read("pocket", HEADER) == []
    data = b'\n\n " Title ", URL ,time_added\nt,https://x.example/,1\n'
    (record,) = records(read("pocket", data))
    assert (record.line, record.title) == (4, "t")


def test_empty_trailing_cells_are_not_an_error() -> None:
    data = (
        HEADER + b"t,https://ok.example/1,1,,unread,,\n" + b"t,https://ok.example/2,1,,unread,x\n"
    )
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/1"]
    assert invalids(entries) == [(3, "the row has 6 cells, the header 5")]


def test_rereading_swallowed_lines_has_a_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CSV_REREAD_LINES", 3)
    stray = b'"Unclosed,https://x.example/,1,,unread\n'
    data = HEADER + stray + row(3) + row(4) + stray + row(6) + row(7)
    entries = read("pocket", data)
    # the first stray quote runs to the second (lines 2 to 5): lines 3 to 5 are read again,
    # which spends the budget; the second one's lines are skipped with it
    assert urls(entries) == ["https://ok.example/3", "https://ok.example/4"]
    assert invalids(entries) == [
        (2, "unbalanced quotes (a cell runs over the rows after it)"),
        (5, "unbalanced quotes (the row has 1 cells, the header 5); lines 6 to 7 skipped with it"),
    ]


def test_a_file_of_stray_quotes_gives_one_invalid_a_line() -> None:
    data = HEADER + b'"x\n' * 50_000 + b"x" * 200_000 + b"\n" + row(1)
    entries = read("pocket", data)
    assert [r.line for r in records(entries)] == [50_003]
    found = invalids(entries)
    assert len(found) == 50_001  # one for each line 2 to 50,002
    assert found[0] == (2, "unbalanced quotes (the row has 1 cells, the header 5)")
    assert found[-1] == (50_002, "cannot be read as CSV (field larger than field limit (131072))")


def test_row_over_too_many_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROW_LINES", 5)
    cells = b",".join(b'"a\n"' for _ in range(10))
    data = HEADER + cells + b"\n" + row(12)
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/12"]
    assert invalids(entries)[0] == (2, "a row longer than 5 lines")
