"""`broadsheet export --format F`: every format, written a chunk at a time, the same file the
web and the API give; `--ids` for a selection; another reader's ids refused."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import export
from tests.accounts.conftest import item_with
from tests.cli.test_cli import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(alice: AbstractBaseUser) -> list[Any]:
    return [
        item_with(alice, 1, title='First "story" & <co>', html="<p>One.</p>", text="One."),
        item_with(alice, 2, title="Second", archived=True, html="<p>Two.</p>", text="Two."),
    ]


def _undated(raw: bytes) -> Any:
    data = json.loads(raw)
    data.pop("exported_at")
    return data


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_format_to_a_file(
    fmt: str,
    library: list[Any],
    web: Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / f"out.{fmt}"
    code, out, err = run(
        capsys, "export", "--user", "alice", "--format", fmt, "--output", str(target)
    )
    assert (code, out, err.strip()) == (0, "", f"Wrote {target}")
    raw = target.read_bytes()
    paths = {
        "csv": "/export/items.csv",
        "json": "/export/items.json",
        "html": "/export/bookmarks.html",
        "markdown": "/export/items.zip",
        "epub": "/export/items.epub",
    }
    from_web = web.get(paths[fmt]).getvalue()
    if fmt == "json":
        assert _undated(raw) == _undated(from_web)
        assert json.loads(raw)["count"] == 2
    elif fmt in ("csv", "html"):
        assert raw == from_web
    elif fmt == "markdown":
        names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
        assert names == zipfile.ZipFile(io.BytesIO(from_web)).namelist() and len(names) == 2
    else:
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            assert book.namelist()[0] == "mimetype"
            assert {"EPUB/story-1.xhtml", "EPUB/story-2.xhtml"} <= set(book.namelist())


def test_text_formats_to_standard_output(
    library: list[Any], web: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "export", "--user", "alice", "--format", "html")
    assert code == 0 and out == web.get("/export/bookmarks.html").getvalue().decode()
    code, out, _ = run(capsys, "export", "--user", "alice")  # JSON by default
    assert code == 0 and json.loads(out)["format"] == "broadsheet"


def test_a_selection_by_ids(
    library: list[Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = library
    code, out, _ = run(
        capsys, "export", "--user", "alice", "--format", "json", "--ids", f"{second.pk},{first.pk}"
    )
    assert code == 0
    assert [i["id"] for i in json.loads(out)["items"]] == [second.pk, first.pk]
    target = tmp_path / "one.epub"
    code, _, _ = run(
        capsys, "export", "--user", "alice", "--format", "epub", "--ids", str(first.pk),
        "--output", str(target),
    )  # fmt: skip
    assert code == 0
    assert "EPUB/story-2.xhtml" not in zipfile.ZipFile(target).namelist()


def test_another_readers_ids_are_refused(
    library: list[Any],
    bob: AbstractBaseUser,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    theirs = item_with(bob, 9, title="Bob's")
    target = tmp_path / "x.json"
    code, out, err = run(
        capsys, "export", "--user", "alice", "--ids", str(theirs.pk), "--output", str(target)
    )
    assert code == 1 and "no item" in err and "Bob's" not in out
    assert not target.exists()


@pytest.mark.parametrize("ids", ["", "1,x", "-3", ",".join(["1"] * 201)])
def test_bad_ids_are_a_usage_error(ids: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", "--user", "alice", "--ids", ids)
    assert code == 2 and "--ids" in err
