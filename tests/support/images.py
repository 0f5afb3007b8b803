"""Real image bytes for the image tests (made with Pillow), hostile ones included, and a story
page that uses them, served by the suite's loopback `Site`."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image


def picture(
    fmt: str, size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (200, 40, 40)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def noise_png(size: tuple[int, int]) -> bytes:
    """A PNG that does not compress: about 3 bytes a pixel."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, format="PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A decompression bomb: a tiny file whose header claims a huge 1-bit image (its data, a
    few compressed zero rows, would inflate to over a gigabyte if anyone decoded it)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)
HTML_AS_PNG = b"<!doctype html><html><body><script>alert(1)</script>not a picture</body></html>"


def story_page(
    title: str, body_text: str, figures: list[tuple[str, str]], *, lead: str = ""
) -> str:
    """A news page whose story has these figures (src, caption) between its paragraphs."""
    head = f"<title>{title}</title><meta property='og:title' content='{title}'>"
    if lead:
        head += f"<meta property='og:image' content='{lead}'>"
    sentences = body_text.split(". ")
    parts = [f"<h1>{title}</h1>"]
    step = max(1, len(sentences) // (len(figures) + 1))
    for n, (src, caption) in enumerate(figures):
        chunk = ". ".join(sentences[n * step : (n + 1) * step])
        parts.append(f"<p>{chunk}.</p>")
        img = f'<img src="{src}" alt="Picture {n}">'
        parts.append(f"<figure>{img}<figcaption>{caption}</figcaption></figure>")
    parts.append(f"<p>{'. '.join(sentences[len(figures) * step :])}</p>")
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>"
        f"<main><article>{''.join(parts)}</article></main></body></html>"
    )
