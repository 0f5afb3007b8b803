"""Bodies the cases name: compression bombs and binary files, built once per session.

The bombs inflate to 1 GiB of zeros but are built in a blink: after a full flush, every further
MiB of zeros compresses to the same bytes, so one block is repeated.
"""

from __future__ import annotations

import functools
import gzip
import struct
import zlib

import brotli
import zstandard

MIB = 1 << 20
GIB = 1 << 30
ARTICLE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>A small page</title></head><body>"
    b"<article><h1>A small page</h1>"
    + b"<p>The ferry crossing reopened on Monday after the winter repairs were finished early.</p>"
    * 20
    + b"</article></body></html>"
)


def _deflate_bomb(wbits: int) -> bytes:
    """1 GiB of zeros in a zlib (15), gzip (31) or raw deflate (-15) stream."""
    mib = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush()
    body = first + block * (GIB // MIB - 1)
    if wbits == 31:  # rebuild the trailer for the whole GiB
        crc = 0
        for _ in range(GIB // MIB):
            crc = zlib.crc32(mib, crc)
        return body + final[:-8] + struct.pack("<II", crc, GIB & 0xFFFFFFFF)
    if wbits == 15:
        adler = 1
        for _ in range(GIB // MIB):
            adler = zlib.adler32(mib, adler)
        return body + final[:-4] + struct.pack(">I", adler)
    return body + final


@functools.cache
def body(name: str) -> bytes:
    """The body a case names."""
    mib = bytes(MIB)
    if name == "gzip":
        return _deflate_bomb(31)
    if name == "zlib":
        return _deflate_bomb(15)
    if name == "raw-deflate":
        return _deflate_bomb(-15)
    if name == "brotli":
        compressor = brotli.Compressor(quality=1)
        return b"".join(
            [*(compressor.process(mib) for _ in range(GIB // MIB)), compressor.finish()]
        )
    if name == "zstd":
        zc = zstandard.ZstdCompressor(level=3).compressobj()
        return b"".join([*(zc.compress(mib) for _ in range(GIB // MIB)), zc.flush()])
    if name == "zstd-long":
        params = zstandard.ZstdCompressionParameters.from_level(3, window_log=30)
        zc = zstandard.ZstdCompressor(compression_params=params).compressobj()
        return b"".join([*(zc.compress(mib) for _ in range(64)), zc.flush()])
    if name == "gzip-gzip":
        return gzip.compress(body("gzip"), compresslevel=9)
    if name == "gzip-brotli":
        return bytes(brotli.compress(body("gzip"), quality=5))
    if name == "gzip-members":
        return gzip.compress(mib, compresslevel=9) * (GIB // MIB)
    if name == "gzip-truncated":
        whole = gzip.compress(ARTICLE)
        return whole[: len(whole) // 2]
    if name == "plain-12mib":
        para = b"<p>" + b"word " * 200 + b"</p>\n"
        return b"<html><body><article>" + para * (12 * MIB // len(para) + 1)
    if name in ("small", "html"):
        return ARTICLE
    if name == "pdf":
        return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(200)
    if name == "png":
        return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    if name == "jpeg":
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
    if name == "svg":
        return (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            b"<script>alert(2)</script></svg>"
        )
    if name == "json":
        return b'{"title": "<script>alert(1)</script>", "html": "<p>hi</p>"}'
    if name == "javascript":
        return b"document.title = 'pwned'; alert(1);"
    if name == "zip":
        return b"PK\x03\x04" + bytes(64)
    if name == "binary":
        return bytes((i * 37 + 11) % 256 for i in range(4096))
    raise KeyError(name)
