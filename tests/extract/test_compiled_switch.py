"""One switch for the compiled walks: under compiled.pure_python() no compiled object is called,
however a module got hold of it (late lookups, or objects bound at import: normalize_space, the
token judge, the phrase set, the prose weights)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from broadsheet.extract import ExtractOptions, clean_text, compiled, extract
from broadsheet.extract.errors import ExtractError

from .compiled_paths import needs_compiled
from .conftest import ADDRESSES, NAMES, load_page
from .story_sentences import STORY_SENTENCES, article_page, story

pytestmark = needs_compiled


def _from_walk(value: object, walk: ModuleType) -> bool:
    """Whether value is the compiled module, one of its functions or an object of its types."""
    if value is walk:
        return True
    owners = (
        getattr(value, "__module__", None),
        type(value).__module__,
        type(getattr(value, "__self__", None)).__module__,
    )
    return walk.__name__ in owners


def _held(walk: ModuleType) -> list[str]:
    """Every global of an extraction module (but the switch's own) that holds a compiled object."""
    return [
        f"{name}.{attr}"
        for name, module in sorted(sys.modules.items())
        if name.startswith("broadsheet.extract.")
        and name not in ("broadsheet.extract._walk", "broadsheet.extract.compiled")
        for attr, value in vars(module).items()
        if _from_walk(value, walk)
    ]


def _raiser(name: str) -> Callable[..., Any]:
    def called(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError(f"compiled {name} called under the pure-Python switch")

    return called


def _every_path() -> list[str]:
    """Extraction over the fixture pages, a page of our own, a flattened text and a page cut by
    the markup bounds: what the engine does, in every module."""
    seen = []
    for name in NAMES:
        html, _ = load_page(name)
        seen.append(repr(extract(html, url=ADDRESSES[name])))
    seen.append(repr(extract(article_page(story()), url="https://news.example/a")))
    seen.append(clean_text("Home\nNews\n" + "\n".join(STORY_SENTENCES) + "\nShare this\n"))
    try:
        seen.append(repr(extract("<p>word word</p>" * 50, options=ExtractOptions(max_nodes=20))))
    except ExtractError as exc:
        seen.append(type(exc).__name__)
    return seen


def test_the_modules_hold_compiled_objects_when_switched_on() -> None:
    walk = compiled.built()
    assert walk is not None
    held = _held(walk)
    # The objects made at import are among them: the check below would see them left behind.
    for name in (
        "broadsheet.extract.dom.normalize_space",
        "broadsheet.extract.blocks.normalize_space",
        "broadsheet.extract.chrome._TOKEN_JUDGE",
        "broadsheet.extract.scoring._PROSE_WEIGHTS",
        "broadsheet.extract.chrome._compiled",
    ):
        assert name in held


def test_under_the_switch_no_module_holds_a_compiled_object() -> None:
    walk = compiled.built()
    assert walk is not None
    with compiled.pure_python():
        assert compiled.walk is None
        assert _held(walk) == []
    assert compiled.walk is walk
    assert "broadsheet.extract.dom.normalize_space" in _held(walk)


def test_under_the_switch_no_compiled_function_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    walk = compiled.built()
    assert walk is not None
    expected = _every_path()
    with compiled.pure_python(), monkeypatch.context() as poisoned:
        for name in dir(walk):
            if not name.startswith("__") and callable(getattr(walk, name)):
                poisoned.setattr(walk, name, _raiser(name))
        assert _every_path() == expected
    # The poison itself works: the compiled path, looked up as it is, would have raised.
    with monkeypatch.context() as poisoned:
        poisoned.setattr(walk, "classify", _raiser("classify"))
        with pytest.raises(AssertionError, match="compiled classify"):
            _every_path()
