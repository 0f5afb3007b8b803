"""Running extraction code on the compiled walks and on their pure-Python twins.

Every module that calls a compiled walk holds it as ``_compiled``; ``pure_python()`` sets each of
those to None for the duration of a block, which is what an install without the extension runs.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TypeVar

import pytest

from broadsheet.extract import chrome as chrome_mod

T = TypeVar("T")

# The suite's rule (tests/conftest.py): nothing skips for something missing. A test of the compiled
# walks is skipped only when BROADSHEET_PURE_PYTHON=1 switched them off on purpose; when they are
# simply not built, it fails and says how to build them.
needs_compiled = pytest.mark.usefixtures("compiled_walks")


def compiled_users() -> list[ModuleType]:
    """The extraction modules that call compiled walks."""
    return [
        module
        for name, module in sorted(sys.modules.items())
        if name.startswith("broadsheet.extract.") and hasattr(module, "_compiled")
    ]


@contextlib.contextmanager
def pure_python() -> Iterator[None]:
    """The pure-Python walks everywhere, as an install without the extension runs them."""
    users = compiled_users()
    assert chrome_mod in users
    saved = [module._compiled for module in users]
    for module in users:
        module._compiled = None
    try:
        yield
    finally:
        for module, walk in zip(users, saved, strict=True):
            module._compiled = walk


def both(call: Callable[[], T]) -> tuple[T, T]:
    """call() on the compiled walks, then on the pure-Python ones."""
    fast = call()
    with pure_python():
        slow = call()
    return fast, slow
