"""Running extraction code on the compiled walks and on their pure-Python twins.

``pure_python()`` switches every module that calls a compiled walk, or holds an object made from
one, to the pure-Python twins for the duration of a block (``compiled.use``; each module rebinds
through its ``compiled.bind`` hook), which is what an install without the extension runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from broadsheet.extract import compiled

T = TypeVar("T")

# The suite's rule (tests/conftest.py): nothing skips for something missing. A test of the compiled
# walks is skipped only when BROADSHEET_PURE_PYTHON=1 switched them off on purpose; when they are
# simply not built, it fails and says how to build them.
needs_compiled = pytest.mark.usefixtures("compiled_walks")


@contextlib.contextmanager
def pure_python() -> Iterator[None]:
    """The pure-Python walks everywhere, as an install without the extension runs them: the
    switch every user of the compiled walks follows (compiled.pure_python)."""
    with compiled.pure_python():
        yield


def both(call: Callable[[], T]) -> tuple[T, T]:
    """call() on the compiled walks, then on the pure-Python ones."""
    fast = call()
    with pure_python():
        slow = call()
    return fast, slow
