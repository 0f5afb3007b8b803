"""Hostile and damaged ZIP archives (Pocket's parts, Omnivore's export)."""

from __future__ import annotations

import io
import stat
import struct
import zipfile

import pytest

from broadsheet.core.importers import UnreadableFile, limits

from .support import invalids, read, records, urls, zip_of

HEADER = b"title,url,time_added,tags,status\n"


def part(*ns: int) -> bytes:
    return HEADER + b"".join(f"t,https://ok.example/{n},1,,unread\n".encode() for n in ns)


def test_not_a_zip_at_all() -> None:
    with pytest.raises(UnreadableFile, match=r"not a ZIP file \(Omnivore exports are ZIP files\)"):
        read("omnivore", b"PK\x03\x04 this is not really a zip")


def test_paths_outside_the_archive_are_never_opened() -> None:
    data = zip_of(
        {
            "../part_000000.csv": part(1),
            "/abs/part_000001.csv": part(2),
            "C:\\part_000002.csv": part(3),
            "dir/../../part_000003.csv": part(4),
            "part_000004.csv": part(5),
        }
    )
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/5"]
    assert invalids(entries) == [
        (1, "../part_000000.csv: skipped, a path that leads outside the archive"),
        (1, "/abs/part_000001.csv: skipped, an absolute path"),
        (1, "C:\\part_000002.csv: skipped, an absolute path"),
        (1, "dir/../../part_000003.csv: skipped, a path that leads outside the archive"),
    ]


def _with_infos(*members: tuple[zipfile.ZipInfo, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in members:
            archive.writestr(info, data)
    return buffer.getvalue()


def test_symlink_members_are_never_opened() -> None:
    link = zipfile.ZipInfo("part_000000.csv")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = _with_infos((link, b"/etc/passwd"), (zipfile.ZipInfo("part_000001.csv"), part(1)))
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/1"]
    assert invalids(entries) == [(1, "part_000000.csv: skipped, a symbolic link")]


def test_encrypted_flag_members_are_not_opened() -> None:
    info = zipfile.ZipInfo("part_000000.csv")
    data = bytearray(_with_infos((info, part(1)), (zipfile.ZipInfo("part_000001.csv"), part(2))))
    # set the encryption bit in the first member's central directory entry
    at = data.find(b"PK\x01\x02")
    (flags,) = struct.unpack_from("<H", data, at + 8)
    struct.pack_into("<H", data, at + 8, flags | 1)
    entries = read("pocket", bytes(data))
    assert urls(entries) == ["https://ok.example/2"]
    assert invalids(entries) == [(1, "part_000000.csv: skipped, encrypted")]


def test_too_many_members(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 3)
    data = zip_of({f"part_{n:06}.csv": part(n) for n in range(4)})
    with pytest.raises(UnreadableFile, match="the ZIP file has 4 files in it; at most 3 are read"):
        read("pocket", data)


def test_member_count_is_checked_before_the_listing_is_read() -> None:
    data = bytearray(zip_of({"part_000000.csv": part(1)}))
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, 60_000, 60_000)  # a lying end record
    with pytest.raises(UnreadableFile, match="has 60000 files in it; at most 10000"):
        read("pocket", bytes(data))


def test_member_over_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 200)
    data = zip_of({"part_000000.csv": part(*range(50)), "part_000001.csv": part(99)})
    entries = read("pocket", data)
    assert urls(entries) == ["https://ok.example/99"]
    assert invalids(entries) == [
        (1, "part_000000.csv: stopped reading after line 1: larger than the limit of 200 bytes")
    ]


def test_size_is_counted_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A member whose header declares a small size is still cut off by the bytes counted."""
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 2000)
    data = bytearray(zip_of({"part_000000.csv": part(*range(200))}))
    # declare 10 bytes in the central directory: zipfile then stops there and fails the CRC
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<L", data, at + 24, 10)
    entries = read("pocket", bytes(data))
    assert records(entries) == []
    ((_, reason),) = invalids(entries)
    assert reason.startswith("part_000000.csv: ")


def test_zip_bomb_ratio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "RATIO_CHECK_AFTER", 10_000)
    rows = b"t,https://ok.example/1,1,,unread\n" * 20_000  # packs about 600 to 1
    data = zip_of({"part_000000.csv": HEADER + rows, "part_000001.csv": part(7)})
    entries = read("pocket", data)
    assert "https://ok.example/7" in urls(entries)
    bad = [reason for _, reason in invalids(entries)]
    assert len(bad) == 1
    assert bad[0].startswith("part_000000.csv: stopped reading after line ")
    assert bad[0].endswith("unpacks to far more than its packed size (a ZIP bomb?)")


def test_damaged_member_data() -> None:
    data = bytearray(zip_of({"part_000000.csv": part(*range(100)), "part_000001.csv": part(7)}))
    start = data.find(b"part_000000.csv") + len("part_000000.csv")
    data[start + 40 : start + 80] = b"\x00" * 40  # corrupt the deflate stream
    entries = read("pocket", bytes(data))
    assert "https://ok.example/7" in urls(entries)
    assert any(reason.startswith("part_000000.csv: ") for _, reason in invalids(entries))


def test_directories_are_ignored() -> None:
    data = zip_of({"export/": b"", "export/part_000000.csv": part(1)})
    assert urls(read("pocket", data)) == ["https://ok.example/1"]


def test_omnivore_content_over_the_limit_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ARTICLE_BYTES", 100)
    data = zip_of(
        {
            "metadata_0_to_0.json": b'[{"url": "https://x.example/", "slug": "s"}]',
            "content/s.html": b"<p>" + b"x" * 1000 + b"</p>",
        }
    )
    (record,) = records(read("omnivore", data))
    assert record.html is None
