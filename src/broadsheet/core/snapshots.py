"""Fetched pages are kept compressed (zstd) so items can be extracted again later."""

from __future__ import annotations

import zstandard

_LEVEL = 6
MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024


def compress(data: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=_LEVEL).compress(data)


def decompress(blob: bytes | memoryview) -> bytes:
    return zstandard.ZstdDecompressor().decompress(bytes(blob), max_output_size=MAX_SNAPSHOT_BYTES)
