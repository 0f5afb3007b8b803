"""The compiled walks (broadsheet.extract._walk, built from _walk.pyx), where this install has them.

They give the same results as the pure-Python walks beside which they are called, faster.

One switch decides which are used, for every module at once: ``walk`` is the compiled module or
None. BROADSHEET_PURE_PYTHON=1 in the environment sets it to None at import; ``use`` and
``pure_python`` change it later (the tests run both paths in one process). A module that calls the
walks, or binds objects made from them (the token judge, the prose weights, ``normalize_space``),
registers a hook with ``bind``: the hook runs at once and again at every switch, and rebinds
what the module holds. Nothing holds a compiled object except through a hook.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from types import ModuleType

Hook = Callable[[ModuleType | None], None]


def load() -> ModuleType | None:
    """The compiled module, or None where it was not built or is switched off."""
    if os.environ.get("BROADSHEET_PURE_PYTHON"):
        return None
    return built()


def built() -> ModuleType | None:
    """The compiled module where it was built, whatever the switch says."""
    try:
        from . import _walk
    except ImportError:
        return None
    return _walk


walk = load()
_hooks: list[Hook] = []


def bind(hook: Hook) -> Hook:
    """Run hook(walk) now and at every switch (in the order the hooks were bound: a module's
    hook runs after those of the modules it imports)."""
    _hooks.append(hook)
    hook(walk)
    return hook


def use(module: ModuleType | None) -> None:
    """Switch every user of the walks to `module` (the compiled module, or None: pure Python)."""
    global walk
    walk = module
    for hook in _hooks:
        hook(module)


@contextlib.contextmanager
def pure_python() -> Iterator[None]:
    """The pure-Python walks everywhere for the duration of a block."""
    saved = walk
    use(None)
    try:
        yield
    finally:
        use(saved)
