"""The hostile corpus: one JSON file per case under ``cases/<class>/``, loaded as data.

Adding a case is adding a file: every runner (``test_<class>.py``) parametrizes over all the
files of its class, with the file name as the test id. ``python -m tests.hostile.corpus``
prints the table of cases that ``docs/security.md`` carries (a test keeps the two in step).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CASES = Path(__file__).resolve().parent / "cases"

#: The classes of the corpus, in the order docs/security.md lists them, with their headings.
CLASSES: dict[str, str] = {
    "ssrf": "SSRF: private addresses in every spelling, schemes, redirects, DNS, proxies",
    "bombs": "Compression bombs and oversized bodies",
    "slow": "Slow drip and never-answering servers",
    "charsets": "Wrong and conflicting character sets",
    "types": "Content that is not a web page",
    "xss": "Script in the article (stored and rendered)",
    "titles": "Hostile titles, site names, bylines and summaries in every output",
    "dom": "Oversized and deep documents",
    "mail": "Hostile mail to the save-by-mail door (header injection, MIME bombs, script)",
}


@dataclass(frozen=True)
class Case:
    klass: str
    name: str
    data: dict[str, Any]

    @property
    def about(self) -> str:
        return str(self.data["about"])

    @property
    def expect(self) -> dict[str, Any]:
        expect: dict[str, Any] = self.data.get("expect", {})
        return expect

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def load(klass: str) -> list[Case]:
    """Every case of ``klass``, sorted by name."""
    if klass not in CLASSES:
        raise KeyError(klass)
    cases = []
    for path in sorted((CASES / klass).glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict) or not data.get("about"):
            raise ValueError(f"{path}: a case is a JSON object with an 'about' line")
        cases.append(Case(klass, path.stem, data))
    return cases


def params(klass: str, *, where: str | None = None, equals: Any = True) -> list[Any]:
    """``pytest.param`` for each case of ``klass`` (optionally those whose ``where`` key equals
    ``equals``), id = case name. A case may carry ``"xfail": "reason"`` (strict)."""
    out = []
    for case in load(klass):
        if where is not None and case.get(where) != equals:
            continue
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=str(case.get("xfail"))))
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


def every_case() -> list[Case]:
    return [case for klass in CLASSES for case in load(klass)]


def render_table() -> str:
    """The Markdown tables of docs/security.md: a count per class, then every case."""
    lines = ["| class | cases |", "|---|---|"]
    total = 0
    for klass, title in CLASSES.items():
        count = len(load(klass))
        total += count
        lines.append(f"| {title} (`{klass}`) | {count} |")
    lines.append(f"| **all** | **{total}** |")
    for klass, title in CLASSES.items():
        lines += ["", f"### {title}", "", "| case | what it tries |", "|---|---|"]
        for case in load(klass):
            about = case.about.replace("|", "\\|")
            lines.append(f"| `{klass}/{case.name}` | {about} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_table())
