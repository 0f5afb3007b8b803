"""Bounded decompression of response bodies.

Every decoder is a generator that pulls compressed chunks and yields decompressed pieces of at
most about :data:`PIECE` bytes, asking the codec for no more than that at a time. The reader
(:func:`read_limited`) stops as soon as the total passes the cap, so a small "bomb" costs at most
the cap plus one piece of memory and the time to inflate that much, never its full size.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, cast

import brotli
import zstandard

from .errors import TooLarge

__all__ = [
    "ACCEPT_ENCODING",
    "PIECE",
    "DecodeError",
    "UnsupportedEncoding",
    "decoded",
    "parse_content_encoding",
    "read_limited",
]

#: Upper bound on what one decompression step may produce.
PIECE = 64 * 1024
#: RFC 9659: HTTP zstd senders keep the window at or below 8 MiB, so receivers may refuse more.
ZSTD_MAX_WINDOW = 8 * 1024 * 1024
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


class DecodeError(Exception):
    """The body is not valid data for its Content-Encoding."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding we do not decode."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        super().__init__(encoding)


Chunks = Iterator[bytes]


def parse_content_encoding(value: str | None) -> list[str]:
    """``"gzip, br"`` -> ``["gzip", "br"]`` (in the order they were applied); drops identity."""
    if not value:
        return []
    codings = [part.strip().lower() for part in value.split(",")]
    return [c for c in codings if c and c != "identity"]


def decoded(raw: Iterable[bytes], encodings: Sequence[str]) -> Chunks:
    """Undo ``encodings`` (as listed in Content-Encoding) on the ``raw`` chunks, lazily."""
    layers: list[Callable[[Chunks], Chunks]] = []
    for encoding in encodings:
        layer = _DECODERS.get(encoding)
        if layer is None:
            raise UnsupportedEncoding(encoding)
        layers.append(layer)
    stream: Chunks = iter(raw)
    for layer in reversed(layers):  # the last coding applied is the first to undo
        stream = layer(stream)
    return stream


def read_limited(chunks: Iterable[bytes], limit: int) -> bytes:
    """Join ``chunks``; raise :class:`TooLarge` as soon as they pass ``limit`` bytes."""
    body = bytearray()
    for chunk in chunks:
        if len(body) + len(chunk) > limit:
            raise TooLarge(limit)
        body += chunk
    return bytes(body)


def _zlib(chunks: Chunks, wbits: int) -> Chunks:
    gzip = wbits == 16 + zlib.MAX_WBITS
    decoder = zlib.decompressobj(wbits)
    try:
        for chunk in chunks:
            data = chunk
            while data:
                if decoder.eof:
                    # gzip allows several members one after another; any other trailing bytes
                    # are junk, which browsers ignore too.
                    if not (gzip and data.startswith(b"\x1f\x8b")):
                        return
                    decoder = zlib.decompressobj(wbits)
                out = decoder.decompress(data, PIECE)
                if out:
                    yield out
                data = decoder.unused_data if decoder.eof else decoder.unconsumed_tail
                while not data and not decoder.eof and len(out) == PIECE:
                    # the input is used up but zlib may still hold output for it
                    out = decoder.decompress(b"", PIECE)
                    if out:
                        yield out
        if not decoder.eof:
            # A truncated stream still yields what it had (browsers show truncated pages too).
            yield decoder.flush()
    except zlib.error as exc:
        raise DecodeError(str(exc)) from exc


def _gzip(chunks: Chunks) -> Chunks:
    return _zlib(chunks, 16 + zlib.MAX_WBITS)


def _deflate(chunks: Chunks) -> Chunks:
    """ "deflate" means zlib-wrapped deflate, but many servers send raw deflate (or even gzip)."""
    head = b""
    for data in chunks:
        head += data
        if len(head) >= 2:
            break
    if len(head) >= 2 and head[:2] == b"\x1f\x8b":
        wbits = 16 + zlib.MAX_WBITS
    elif len(head) >= 2 and head[0] & 0x0F == 8 and int.from_bytes(head[:2], "big") % 31 == 0:
        wbits = zlib.MAX_WBITS
    else:
        wbits = -zlib.MAX_WBITS

    def rest() -> Chunks:
        if head:
            yield head
        yield from chunks

    return _zlib(rest(), wbits)


def _brotli(chunks: Chunks) -> Chunks:
    decoder = brotli.Decompressor()
    try:
        for data in chunks:
            out = cast(bytes, decoder.process(data, output_buffer_limit=PIECE))
            if out:
                yield out
            while not decoder.can_accept_more_data():
                out = cast(bytes, decoder.process(b"", output_buffer_limit=PIECE))
                if out:
                    yield out
    except brotli.error as exc:
        raise DecodeError(str(exc)) from exc


class _ChunkReader(io.RawIOBase):
    """A file object over an iterator of chunks (zstandard's bounded reader pulls from it)."""

    def __init__(self, chunks: Chunks) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _zstd(chunks: Chunks) -> Chunks:
    decompressor = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
    reader = decompressor.stream_reader(
        cast(IO[bytes], _ChunkReader(chunks)),
        read_size=PIECE,
        read_across_frames=True,
        closefd=False,
    )
    try:
        while True:
            out = reader.read(PIECE)
            if not out:
                return
            yield out
    except zstandard.ZstdError as exc:
        raise DecodeError(str(exc)) from exc


_DECODERS: dict[str, Callable[[Chunks], Chunks]] = {
    "gzip": _gzip,
    "x-gzip": _gzip,
    "deflate": _deflate,
    "br": _brotli,
    "zstd": _zstd,
}
