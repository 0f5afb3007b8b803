"""Bytes to text for the readers: a byte-counting bound, and decoding with a fallback.

Exports are UTF-8 nearly always; a file whose first 64 KiB are not UTF-8 is decoded in the
encoding charset-normalizer guesses from them. Either way undecodable bytes become U+FFFD, so
decoding never fails, and a byte order mark is dropped.
"""

from __future__ import annotations

import codecs
import io
from typing import IO, TextIO

from charset_normalizer import from_bytes

from broadsheet.core.importers import limits


class StreamError(Exception):
    """A member of an archive cannot be read on; `reason` says why, in the reader's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooLarge(StreamError):
    """A bounded stream went past its limit."""


class Damaged(StreamError):
    """The stream under a bound failed (a corrupt compressed member)."""


def size_text(size: int) -> str:
    """A limit in words: "512 MB", or "200 bytes" below a megabyte."""
    return f"{size / limits.MIB:g} MB" if size >= limits.MIB else f"{size:,} bytes"


class Bounded(io.RawIOBase):
    """Reads `source` and stops with TooLarge past `limit` bytes, or when more than
    `max_ratio` times `packed` bytes came out of a compressed member (a ZIP bomb). Counts the
    bytes that really arrive; a size some header declares is not trusted. The source's own
    `failures` become Damaged."""

    def __init__(
        self,
        source: IO[bytes],
        limit: int,
        *,
        packed: int | None = None,
        max_ratio: int = 0,
        ratio_after: int = 0,
        failures: tuple[type[Exception], ...] = (),
    ) -> None:
        super().__init__()
        self._source = source
        self._failures = failures
        self._limit = limit
        self._packed = packed
        self._max_ratio = max_ratio
        self._ratio_after = ratio_after
        self.count = 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self._source.close()
        super().close()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._source.read(len(buffer))
        except self._failures as exc:
            raise Damaged(f"damaged ({exc})") from None
        size = len(data)
        self.count += size
        if self.count > self._limit:
            raise TooLarge(f"larger than the limit of {size_text(self._limit)}")
        if (
            self._packed is not None
            and self._max_ratio
            and self.count > self._ratio_after
            and self.count > self._max_ratio * max(self._packed, 1)
        ):
            raise TooLarge("unpacks to far more than its packed size (a ZIP bomb?)")
        buffer[:size] = data
        return size


class _Prefixed(io.RawIOBase):
    """`head` (already read) and then the rest of `source`."""

    def __init__(self, head: bytes, source: IO[bytes]) -> None:
        super().__init__()
        self._head = head
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def guess_encoding(head: bytes) -> str:
    """The encoding to read a file in, from its first bytes."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        best = from_bytes(head).best()
        if best is not None and best.encoding:
            return str(best.encoding)
        return "cp1252"
    return "utf-8-sig"


def decode(data: bytes) -> str:
    """A whole (bounded) byte string as text, by the same rules."""
    encoding = guess_encoding(data[: limits.HEAD_BYTES])
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff")


def text_stream(source: IO[bytes], *, newline: str | None = "") -> TextIO:
    """`source` as text, decoded as it is read. With the default `newline=""` line endings
    are kept as they are (what the csv module wants); with None they become "\\n"."""
    head = source.read(limits.HEAD_BYTES)
    encoding = guess_encoding(head)
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    raw = io.BufferedReader(_Prefixed(head, source), buffer_size=limits.HEAD_BYTES)
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=newline)


def is_html(text: str) -> bool:
    """Whether decoded text starts like an HTML document."""
    start = text.lstrip("\ufeff \t\r\n").lower()
    return start.startswith(("<!doctype", "<html", "<head", "<body", "<meta", "<title", "<h1"))


def header_cells(head: bytes) -> list[str]:
    """The first line of a CSV file's head, split on commas, lower-cased (for sniffing)."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff\r\n")
    line = text.splitlines()[0] if text else ""
    return [cell.strip().strip('"').strip().lower() for cell in line.split(",")]
