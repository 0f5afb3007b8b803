"""Every outbound request goes through broadsheet.fetch.

import-linter forbids the third-party HTTP clients outside broadsheet.fetch (pyproject.toml); it
cannot name standard-library submodules, so this test walks the source for those.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "broadsheet"
FORBIDDEN = ("urllib.request", "http.client", "socket", "ssl", "ftplib", "telnetlib")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_only_fetch_opens_network_connections() -> None:
    offenders = {
        str(path.relative_to(SRC)): sorted(n for n in _imports(path) if _is_forbidden(n))
        for path in SRC.rglob("*.py")
        if "fetch" not in path.relative_to(SRC).parts
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_walker_sees_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from urllib.request import urlopen\nimport socket\n")
    assert {n for n in _imports(bad) if _is_forbidden(n)} == {
        "urllib.request",
        "urllib.request.urlopen",
        "socket",
    }
