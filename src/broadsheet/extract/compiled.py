"""The compiled walks (broadsheet.extract._walk, built from _walk.pyx), where this install has them.

They give the same results as the pure-Python walks beside which they are called, faster.
BROADSHEET_PURE_PYTHON=1 in the environment makes the extractor ignore them.
"""

from __future__ import annotations

import os
from types import ModuleType


def load() -> ModuleType | None:
    """The compiled module, or None where it was not built or is switched off."""
    if os.environ.get("BROADSHEET_PURE_PYTHON"):
        return None
    try:
        from . import _walk
    except ImportError:
        return None
    return _walk


walk = load()
