"""Reading ZIP archives without trusting them.

- More than `limits.MAX_ZIP_MEMBERS` members: the archive is refused (UnreadableFile), and the
  count is taken from the end-of-archive record before zipfile reads the listing into memory.
- Members whose names climb out (`../`), are absolute (`/etc/x`, `C:\\x`), are symbolic links
  (by their Unix mode in external_attr) or are encrypted are never opened: each gives an
  Invalid naming it.
- A member is read through a counting bound: `limits.MAX_MEMBER_BYTES` unpacked bytes at most,
  and no more than `limits.MAX_COMPRESSION_RATIO` times its packed size once
  `limits.RATIO_CHECK_AFTER` bytes have come out, whatever its header declares.
"""

from __future__ import annotations

import io
import lzma
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, BinaryIO

from broadsheet.core.importers import Invalid, UnreadableFile, limits
from broadsheet.core.importers._streams import Bounded, Damaged, TooLarge, size_text

ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
# What zipfile raises on a damaged archive or member (a bad header, a corrupt stream, an
# unsupported compression or version, an encrypted member): all become UnreadableFile for the
# archive, or Damaged for a member.
ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    IndexError,
    KeyError,
    struct.error,
)


def looks_like_zip(head: bytes) -> bool:
    return head.startswith((ZIP_MAGIC, _EMPTY_ZIP_MAGIC))


def names_in_head(head: bytes) -> list[str]:
    """The member names whose local headers lie in the first bytes of an archive (for sniffing;
    a best effort, never the whole listing)."""
    names: list[str] = []
    at = head.find(ZIP_MAGIC)
    while at != -1 and at + 30 <= len(head):
        (length,) = struct.unpack_from("<H", head, at + 26)
        raw = head[at + 30 : at + 30 + length]
        names.append(raw.decode("utf-8", errors="replace"))
        at = head.find(ZIP_MAGIC, at + 4)
    return names


def _declared_count(fileobj: BinaryIO) -> int | None:
    """How many members the end-of-archive record declares; None when it cannot be found."""
    try:
        size = fileobj.seek(0, io.SEEK_END)
        tail_size = min(size, _EOCD.size + 65_535)
        fileobj.seek(size - tail_size)
        tail = fileobj.read(tail_size)
    except (OSError, ValueError):
        return None
    at = tail.rfind(_EMPTY_ZIP_MAGIC)
    if at == -1 or at + _EOCD.size > len(tail):
        return None
    fields = _EOCD.unpack_from(tail, at)
    count = int(fields[4])
    if count != 0xFFFF:
        return count
    locator_at = at - _ZIP64_LOCATOR.size
    if locator_at < 0:
        return None
    locator = _ZIP64_LOCATOR.unpack_from(tail, locator_at)
    if locator[0] != b"PK\x06\x07":
        return None
    try:
        fileobj.seek(int(locator[2]))
        record = fileobj.read(_ZIP64_EOCD.size)
    except (OSError, ValueError):
        return None
    if len(record) < _ZIP64_EOCD.size or not record.startswith(b"PK\x06\x06"):
        return None
    return int(_ZIP64_EOCD.unpack(record)[7])


def open_archive(fileobj: BinaryIO, what: str) -> zipfile.ZipFile:
    """The archive, or UnreadableFile: not a ZIP, or more members than the limit."""
    declared = _declared_count(fileobj)
    cap = limits.MAX_ZIP_MEMBERS
    if declared is not None and declared > cap:
        raise UnreadableFile(f"the ZIP file has {declared} files in it; at most {cap} are read")
    try:
        fileobj.seek(0)
        archive = zipfile.ZipFile(fileobj)
    except ZIP_ERRORS as exc:
        raise UnreadableFile(f"not a ZIP file ({what} exports are ZIP files): {exc}") from None
    count = len(archive.infolist())
    if count > cap:
        raise UnreadableFile(f"the ZIP file has {count} files in it; at most {cap} are read")
    return archive


def unsafe(info: zipfile.ZipInfo) -> str | None:
    """Why a member is not opened, or None when it can be."""
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in parts:
        return "a path that leads outside the archive"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link"
    if info.flag_bits & 0x1:
        return "encrypted"
    return None


def members(archive: zipfile.ZipFile) -> Iterator[zipfile.ZipInfo | Invalid]:
    """The archive's files (no directories) that are safe to open, and an Invalid for each one
    that is not."""
    for info in archive.infolist():
        if not info.filename:
            yield Invalid(1, "a file with no name: skipped")
            continue
        if info.is_dir():
            continue
        why = unsafe(info)
        if why is not None:
            yield Invalid(1, f"{info.filename}: skipped, {why}")
        else:
            yield info


def open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> IO[bytes]:
    """A member, read through the counting bound. Opening and reading raise StreamError
    (TooLarge, Damaged) and nothing else."""
    if info.file_size > limit:
        raise TooLarge(f"larger than the limit of {size_text(limit)}")
    try:
        source = archive.open(info)
    except ZIP_ERRORS as exc:
        raise Damaged(f"damaged ({exc})") from None
    bound = Bounded(
        source,
        limit,
        packed=info.compress_size,
        max_ratio=limits.MAX_COMPRESSION_RATIO,
        ratio_after=limits.RATIO_CHECK_AFTER,
        failures=ZIP_ERRORS,
    )
    return io.BufferedReader(bound)


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A whole (small) member. Raises StreamError (TooLarge, Damaged)."""
    with open_member(archive, info, limit) as stream:
        return stream.read()


def in_member(member: str, entry: Invalid, unit: str = "line") -> Invalid:
    """An Invalid from inside a member, saying which member ("part_000002.csv line 14: ...")."""
    return Invalid(entry.line, f"{member} {unit} {entry.line}: {entry.reason}")
