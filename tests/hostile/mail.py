"""Hostile mail for the save-by-mail door (cases in cases/mail/): each case is built here from
its JSON (a raw message with placeholders, or a generator's name and sizes) and sent over real
SMTP to the mail-in server by test_mail.py."""

from __future__ import annotations

import base64
from typing import Any

from tests.conftest import story_text
from tests.hostile.corpus import Case

LINK = "https://news.example.org/2024/harbour-ferry"


def story_html() -> str:
    """Enough prose for the engine to find a story, in paragraphs."""
    return "".join(f"<p>{story_text(40 + i, 50)}</p>" for i in range(4))


def _fill(text: str) -> str:
    return text.replace("{story}", story_html()).replace("{link}", LINK)


def _nested(depth: int, inner: str) -> str:
    head = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth)
    )
    tail = "".join(f"\n--b{i}--\n" for i in reversed(range(depth)))
    return (
        "From: Nest <nest@example.org>\nSubject: nested\nMIME-Version: 1.0\n" + head + inner + tail
    )


def _html_part(body: str) -> str:
    return f'Content-Type: text/html; charset="utf-8"\n\n<html><body>{body}</body></html>\n'


def _many_parts(count: int) -> str:
    parts = "".join(f"--zz\nContent-Type: text/plain\n\npart {i}\n" for i in range(count))
    return (
        "From: a@example.org\nSubject: parts\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="zz"\n\n' + parts + "--zz--\n"
    )


def _attachment(size: int, garbage: bool, kind: str) -> str:
    if garbage:
        line = "!!not*base64@@" * 5 + "\n"
        blob = (line * (size // len(line) + 1))[:size]
    else:
        blob = base64.encodebytes(bytes(range(256)) * (size // 256 + 1))[:size].decode("ascii")
    return (
        "From: a@example.org\nSubject: with attachment\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="zz"\n\n'
        f"--zz\nContent-Type: text/plain\n\nSaw this: {LINK}\n"
        f'--zz\nContent-Type: {kind}; name="big.bin"\nContent-Transfer-Encoding: base64\n'
        'Content-Disposition: attachment; filename="big.bin"\n\n'
        f"{blob}\n--zz--\n"
    )


def _long_header(name: str, unit: str, count: int, body: str) -> str:
    value = "\n ".join(unit * 60 for _ in range(count // 60)) + unit * (count % 60)
    return f"{name}: {value}\nFrom: a@example.org\nMIME-Version: 1.0\n" + _fill(body)


def build(case: Case) -> bytes:
    kind = case.get("build", "raw")
    args: dict[str, Any] = case.get("args", {})
    if kind == "raw":
        text = _fill(case.get("message"))
    elif kind == "nested":
        text = _nested(int(args["depth"]), _html_part(story_html()))
    elif kind == "many_parts":
        text = _many_parts(int(args["count"]))
    elif kind == "attachment":
        text = _attachment(
            int(args["size"]),
            bool(args.get("garbage")),
            args.get("type", "application/octet-stream"),
        )
    elif kind == "long_header":
        text = _long_header(args["name"], args["unit"], int(args["count"]), args["body"])
    else:
        raise ValueError(f"{case.name}: unknown build {kind!r}")
    return text.encode("utf-8")
