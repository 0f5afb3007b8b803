"""`broadsheet import FILE --user NAME [--format F]`, called in-process like the other commands."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import access, services
from broadsheet.core.importers import pocket as _pocket  # noqa: F401  (registers the format)
from tests.cli.test_cli import run

pytestmark = pytest.mark.django_db

POCKET = (
    "title,url,time_added,tags,status\n"
    "A story,https://news.example/a,1614834367,climate|rivers,unread\n"
    "Read one,https://news.example/b,1614834368,,archive\n"
    "Again,https://news.example/a?utm_source=x,1614834369,,unread\n"
    "Broken,not an address,1614834369,,unread\n"
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "ril_export.csv"
    path.write_text(POCKET, encoding="utf-8")
    return path


def test_import_prints_the_report(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser, export: Path
) -> None:
    code, out, err = run(capsys, "import", str(export), "--user", "alice")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:4] == [
        "Imported 2 stories from ril_export.csv.",
        "Already there: 1",
        "Over the limit: 0",
        "Invalid: 1",
    ]
    assert lines[4] == "Problems:"
    assert lines[5].startswith("  line 5: ")
    assert "2 stories wait to be fetched by the worker" in out
    story = access.items_of(alice).get(url="https://news.example/a")
    assert sorted(t.name for t in story.tags.all()) == ["climate", "rivers"]
    assert access.items_of(alice).get(url="https://news.example/b").archived


def test_import_over_the_limit(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser, export: Path
) -> None:
    services.set_quota(alice, 1)
    code, out, _ = run(capsys, "import", str(export), "--user", "alice", "--format", "pocket")
    assert code == 0
    assert "Imported 1 story from ril_export.csv." in out
    assert "Over the limit: 1" in out
    assert "  You reached the limit of 1 saved items: 1 story was not imported." in out


def test_import_from_standard_input(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Stdin:
        buffer = io.BytesIO(POCKET.encode())

    monkeypatch.setattr("sys.stdin", Stdin())
    code, out, _ = run(capsys, "import", "-", "--user", "alice")
    assert code == 0
    assert out.startswith("Imported 2 stories from stdin.")


def test_an_unknown_format_exits_1_with_the_formats(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser, tmp_path: Path
) -> None:
    path = tmp_path / "mystery.bin"
    path.write_bytes(b"\x00\x01\x02 nothing anyone exports")
    code, out, err = run(capsys, "import", str(path), "--user", "alice")
    assert code == 1 and out == ""
    assert "Failed to import: Broadsheet cannot tell which service this file comes from." in err
    assert "pocket" in err
    code, _, err = run(capsys, "import", str(path), "--user", "alice", "--format", "nope")
    assert code == 1 and "“nope” is not a format Broadsheet imports" in err


def test_an_unreadable_file_exits_1(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser, tmp_path: Path
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name,link\nx,y\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "--user", "alice", "--format", "pocket")
    assert code == 1
    assert err.startswith("Failed to import: ") and "url" in err
    assert access.items_of(alice).count() == 0


def test_a_missing_file_or_user(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser
) -> None:
    code, _, err = run(capsys, "import", "/nonexistent/export.csv", "--user", "alice")
    assert code == 2 and "no such file: /nonexistent/export.csv" in err
    code, _, err = run(capsys, "import", "/nonexistent/export.csv", "--user", "nobody")
    assert code == 1 and "no user named 'nobody'" in err


def test_the_command_is_in_the_help(capsys: pytest.CaptureFixture[str], **_: Any) -> None:
    with pytest.raises(SystemExit):
        from broadsheet.cli import main

        main(["import", "--help"])
    out = capsys.readouterr().out
    assert "--format" in out and "--user" in out
