"""A JSON list read one element at a time, so a large export never sits in memory whole.

The text is read `limits.CHUNK_CHARS` at a time and each element decoded with the standard
decoder as soon as it is complete. One element larger than `limits.MAX_JSON_ENTRY_CHARS`, or
JSON that is broken, ends the reading with an Invalid for that element; the elements before it
have been yielded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from broadsheet.core.importers import Invalid, UnreadableFile, limits

_SPACE = " \t\r\n\ufeff"


class _Stop(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class JsonList:
    """(index, value) for each element of the list the text holds, index counting from 1;
    UnreadableFile when the text does not start with a list."""

    def __init__(self, text: TextIO, what: str) -> None:
        self._text = text
        self._what = what
        self._decoder = json.JSONDecoder(strict=False)
        self._buf = ""
        self._pos = 0
        self._eof = False

    def _fill(self, at_least: int) -> bool:
        if self._eof:
            return False
        if self._pos:
            self._buf = self._buf[self._pos :]
            self._pos = 0
        chunk = self._text.read(max(limits.CHUNK_CHARS, at_least))
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    def _next_char(self) -> str:
        """The next character that is not white space, not consumed; "" at the end."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _SPACE:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill(0):
                return ""

    def _grow(self) -> bool:
        pending = len(self._buf) - self._pos
        if pending > limits.MAX_JSON_ENTRY_CHARS:
            size = limits.MAX_JSON_ENTRY_CHARS
            raise _Stop(f"an entry longer than the limit of {size:,} characters; reading stopped")
        return self._fill(pending)

    def _decode(self) -> object:
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                near_end = exc.pos >= len(self._buf) - 12 or exc.msg.startswith("Unterminated")
                if near_end and self._grow():
                    continue
                if near_end:
                    raise _Stop("the file ends in the middle of this entry") from None
                raise _Stop(f"not valid JSON from here on ({exc.msg})") from None
            except RecursionError:
                raise _Stop("not valid JSON from here on (nested too deeply)") from None
            if end >= len(self._buf) and self._grow():
                continue  # a number at the end of the buffer may go on
            self._pos = end
            return value

    def __iter__(self) -> Iterator[tuple[int, object] | Invalid]:
        if self._next_char() != "[":
            raise UnreadableFile(f"not a {self._what}: the file is not a JSON list")
        self._pos += 1
        index = 0
        while True:
            char = self._next_char()
            if char == "]":
                return
            if index and char == ",":
                self._pos += 1
                char = self._next_char()
            elif index and char:
                yield Invalid(index + 1, "not valid JSON from here on (a comma is missing)")
                return
            if not char:
                yield Invalid(index + 1, "the file ends before the list does")
                return
            index += 1
            try:
                value = self._decode()
            except _Stop as stop:
                yield Invalid(index, stop.reason)
                return
            yield index, value
