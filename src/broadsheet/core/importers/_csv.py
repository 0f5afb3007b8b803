"""CSV rows by header name, with the line each row starts on, surviving broken files.

What a damaged export does to the csv module, and what happens here:

- NUL bytes are dropped; a byte order mark is dropped; \\r\\n, \\n and \\r line endings may mix.
- A physical line longer than `limits.MAX_LINE_CHARS` is cut there, the rest of it skipped,
  and its row reported ("the line is too long").
- A row with more or fewer cells than the header is reported, not guessed at (empty cells at
  the end of a row, as spreadsheets write, are dropped first).
- A quote that is never closed swallows the lines after it into one cell. When a row that spans
  several lines has the wrong number of cells, or a cell whose later lines look like rows of
  their own (a web address and as many commas as a row has), it is reported on its first line
  and the lines after that are read again as rows, so one stray quote costs one row, not the
  rest of the file (up to `limits.MAX_CSV_REREAD_LINES` lines read again per file).
- A cell longer than the csv module's limit (131,072 characters), or a row over
  `limits.MAX_ROW_LINES` lines, is reported the same way.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

from broadsheet.core.importers import Entry, Invalid, Record, UnreadableFile, limits
from broadsheet.core.importers._fields import BadRow

_ADDRESS = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


class _RowTooLong(Exception):
    """A row ran over `limits.MAX_ROW_LINES` lines."""


class _Lines:
    """The physical lines of a text stream, numbered, with lines pushed back for re-reading."""

    def __init__(self, text: TextIO) -> None:
        self._text = text
        self._count = 0
        self._pending: deque[tuple[int, str, bool]] = deque()
        self.taken: list[tuple[int, str, bool]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.taken) >= limits.MAX_ROW_LINES:
            raise _RowTooLong
        if self._pending:
            item = self._pending.popleft()
        else:
            line = self._text.readline(limits.MAX_LINE_CHARS)
            if not line:
                raise StopIteration
            self._count += 1
            cut = len(line) >= limits.MAX_LINE_CHARS and not line.endswith(("\n", "\r"))
            if cut:
                rest = line
                while len(rest) >= limits.MAX_LINE_CHARS and not rest.endswith(("\n", "\r")):
                    rest = self._text.readline(limits.MAX_LINE_CHARS)
                line = "\n"
            item = (self._count, line.replace("\0", ""), cut)
        self.taken.append(item)
        return item[1]

    def push_back(self, lines: list[tuple[int, str, bool]]) -> None:
        self._pending.extendleft(reversed(lines))


class Table:
    """A CSV file's rows as `Row` (cells by lower-cased header name) or `Invalid`.

    The header is the first row that is not empty."""

    def __init__(self, text: TextIO) -> None:
        self._lines = _Lines(text)
        self._reader = csv.reader(self._lines)
        self.columns: list[str] = []
        self._reread_budget = limits.MAX_CSV_REREAD_LINES
        for cells in self._raw():
            if isinstance(cells, Invalid):
                raise UnreadableFile(f"the first row cannot be read as CSV: {cells.reason}")
            if any(cell.strip() for cell in cells):
                self.columns = [cell.strip().strip('"').strip().lower() for cell in cells]
                break
        self.width = len(self.columns)

    def _raw(self) -> Iterator[list[str] | Invalid]:
        while True:
            self._lines.taken.clear()
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield self._retry(f"cannot be read as CSV ({exc})")
                continue
            except _RowTooLong:
                yield self._retry(f"a row longer than {limits.MAX_ROW_LINES:,} lines")
                continue
            if any(cut for _, _, cut in self._lines.taken):
                yield self._retry("the line is too long")
                continue
            yield cells

    def _retry(self, reason: str) -> Invalid:
        taken = list(self._lines.taken)
        if not taken:
            return Invalid(0, reason)
        rest = taken[1:]
        if len(rest) <= self._reread_budget:
            self._reread_budget -= len(rest)
            self._lines.push_back(rest)
        elif rest:
            reason = f"{reason}; lines {rest[0][0]} to {rest[-1][0]} skipped with it"
        return Invalid(taken[0][0], reason)

    def has(self, *names: str) -> bool:
        return any(name in self.columns for name in names)

    def __iter__(self) -> Iterator[Row | Invalid]:
        for cells in self._raw():
            if isinstance(cells, Invalid):
                yield cells
                continue
            taken = self._lines.taken
            if not any(cell.strip() for cell in cells):
                continue
            line = taken[0][0]
            if len(cells) > self.width and not any(c.strip() for c in cells[self.width :]):
                cells = cells[: self.width]  # trailing commas, as spreadsheets write
            if len(cells) != self.width:
                if len(taken) > 1:
                    yield self._retry(
                        f"unbalanced quotes (the row has {len(cells)} cells, "
                        f"the header {self.width})"
                    )
                else:
                    yield Invalid(line, f"the row has {len(cells)} cells, the header {self.width}")
                continue
            if len(taken) > 1 and self._looks_swallowed(cells):
                yield self._retry("unbalanced quotes (a cell runs over the rows after it)")
                continue
            mapped: dict[str, str] = {}
            for name, cell in zip(self.columns, cells, strict=True):
                mapped.setdefault(name, cell)
            yield Row(line, mapped)

    def _looks_swallowed(self, cells: list[str]) -> bool:
        """Whether a cell with line breaks holds what looks like rows of their own: a line
        with a web address and as many commas as a row has."""
        commas = max(self.width - 1, 1)
        return any(
            part.count(",") >= commas and _ADDRESS.search(part) is not None
            for cell in cells
            if "\n" in cell or "\r" in cell
            for part in cell.splitlines()[1:]
        )

    def invalid(self, row: Row, reason: str) -> Invalid:
        """The Invalid for a row the reader could not use."""
        return Invalid(row.line, reason)


def records(
    text: TextIO, export: str, record: Callable[[Row], Record], *, column: str = "URL"
) -> Iterator[Entry]:
    """Every row of a CSV export as a Record (made by `record`) or an Invalid saying why;
    UnreadableFile when the file has no url column at all (`export` names the export, "a
    Pocket CSV export", and `column` its address column as the service spells it)."""
    table = Table(text)
    if not table.has("url"):
        found = ", ".join(table.columns) or "none"
        raise UnreadableFile(f"not {export}: it has no {column} column (columns: {found})")
    for row in table:
        if isinstance(row, Invalid):
            yield row
            continue
        try:
            yield record(row)
        except BadRow as exc:
            yield table.invalid(row, exc.reason)
