"""Builds Broadsheet's optional compiled walks (broadsheet.extract._walk).

Everything else is in pyproject.toml. The extension is optional: where Cython, lxml's headers
or a C compiler are missing, or BROADSHEET_PURE_PYTHON=1 is set, the install goes on without
it and the extractor runs its pure-Python walks, which give the same results, slower
(docs/extraction.md, "Compiled walks").
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class _OptionalBuildExt(build_ext):
    """build_ext that warns and goes on when the compiler is missing or fails."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # a missing compiler raises before any extension is tried
            print(f"broadsheet: building without the compiled walks ({exc})", file=sys.stderr)


def _extensions() -> list[Extension]:
    if os.environ.get("BROADSHEET_PURE_PYTHON"):
        return []
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError as exc:
        print(f"broadsheet: building without the compiled walks ({exc})", file=sys.stderr)
        return []
    extension = Extension(
        "broadsheet.extract._walk",
        ["src/broadsheet/extract/_walk.pyx"],
        include_dirs=lxml.get_include(),
        # The scores are summed in C doubles and must round as Python's floats do, one operation
        # at a time: no fused multiply-add, whatever -march a build is given.
        extra_compile_args=[] if sys.platform == "win32" else ["-ffp-contract=off"],
    )
    built = list(cythonize([extension], language_level=3, quiet=True))
    for ext in built:
        ext.optional = True  # cythonize's copies drop the flag: a failed compile only warns
    return built


setup(ext_modules=_extensions(), cmdclass={"build_ext": _OptionalBuildExt})
