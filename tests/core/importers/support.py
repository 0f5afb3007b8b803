"""Helpers for the reader tests: fixture files, ZIPs built in memory, entries split by kind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from broadsheet.core.importers import Entry, Invalid, Record, reader

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def read(fmt: str, data: bytes, name: str = "upload") -> list[Entry]:
    return list(reader(fmt).read(io.BytesIO(data), name))


def records(entries: list[Entry]) -> list[Record]:
    return [entry for entry in entries if isinstance(entry, Record)]


def invalids(entries: list[Entry]) -> list[tuple[int, str]]:
    return [(entry.line, entry.reason) for entry in entries if isinstance(entry, Invalid)]


def urls(entries: list[Entry]) -> list[str]:
    return [entry.url for entry in records(entries)]


def zip_of(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_of_folder(folder: str) -> bytes:
    root = FIXTURES / folder
    return zip_of(
        {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }
    )
