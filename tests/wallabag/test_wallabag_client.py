"""The real `wallabag` CLI (wallabag-client 1.8.12 from PyPI, in the dev group) against a live
Broadsheet server, the rows of the contract's §5 table in order (../shared/contracts/
wallabag-api.md). The rows share one library and build on each other (an entry added in
row 4 is read in row 13), so one test runs them in order, each row a function named for it."""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Site
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow

WALLABAG = str(Path(sys.executable).parent / "wallabag")
PASSWORD = "alice password 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("wallabag-cli")) as live:
        live.cli("user", "create", "alice", "--password", PASSWORD, "--quota", "none")
        yield live


@pytest.fixture(scope="module")
def pair(server: LiveServer) -> tuple[str, str]:
    out = server.cli("client", "create", "--user", "alice", "--name", "cli").stdout.splitlines()
    assert out[0].startswith("client_id: ") and out[1].startswith("client_secret: ")
    return out[0].removeprefix("client_id: "), out[1].removeprefix("client_secret: ")


def _configure(path: Path, server: LiveServer, client: str, secret: str, password: str) -> None:
    """Write the CLI's config through its own Configs class (it encrypts the password and the
    secret with a key from this user and host)."""
    code = (
        "import sys\n"
        "from wallabag.config import Configs\n"
        "c = Configs(sys.argv[1])\n"
        "c.set('api', 'serverurl', sys.argv[2])\n"
        "c.set('api', 'username', 'alice'); c.set('api', 'password', sys.argv[3])\n"
        "c.set('oauth2', 'client', sys.argv[4]); c.set('oauth2', 'secret', sys.argv[5])\n"
        "c.save(sys.argv[1])\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(path), server.base_url, password, client, secret],
        check=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def config(
    server: LiveServer, pair: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp("wallabag-config") / "config.ini"
    _configure(path, server, *pair, PASSWORD)
    return path


def wallabag(
    config: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [WALLABAG, "--config", str(config), *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        env=env,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def pages(site: Site) -> dict[str, str]:
    from tests.conftest import article_html

    return {
        name: site.add(f"/wbcli/{name}", article_html(seed=seed, title=f"Story {name}"))
        for seed, name in enumerate(["one", "two", "grp-a", "grp-b"], start=40)
    }


def row_1_config_check(config: Path) -> None:
    assert "The config is suitable." in _ok(wallabag(config, "config", "--check"))


def rows_2_and_3_a_wrong_secret_and_a_wrong_password(
    server: LiveServer, pair: tuple[str, str], tmp_path: Path
) -> None:
    wrong_secret = tmp_path / "secret.ini"
    _configure(wrong_secret, server, pair[0], "not-the-secret", PASSWORD)
    r = wallabag(wrong_secret, "config", "--check")
    assert r.returncode == 1
    assert "invalid_client" in r.stdout + r.stderr
    assert "The client credentials are invalid" in r.stdout + r.stderr
    wrong_password = tmp_path / "password.ini"
    _configure(wrong_password, server, *pair, "not the password")
    r = wallabag(wrong_password, "config", "--check")
    assert r.returncode == 1 and "invalid_grant" in r.stdout + r.stderr


def rows_4_to_7_add_then_already_saved(
    config: Path, pages: dict[str, str], state: dict[str, Any]
) -> None:
    out = _ok(wallabag(config, "--no-spinner", "add", pages["one"], "-t", "First", "-a", "foo,bar"))
    assert "Entry successfully added" in out
    state["id1"] = int(out.split("\t", 1)[1].split(".", 1)[0])
    assert "First" in out
    again = _ok(wallabag(config, "--no-spinner", "add", pages["one"], "-t", "First"))
    assert "already saved" in again
    link = _ok(wallabag(config, "--no-spinner", "add", "-u", pages["one"]))
    assert link.strip().endswith(f"/view/{state['id1']}")
    out = _ok(wallabag(config, "--no-spinner", "add", pages["two"], "-s"))
    assert "Entry successfully added" in out
    state["id2"] = int(out.split("\t", 1)[1].split(".", 1)[0])


def rows_8_to_10_list_count_and_filters(config: Path, state: dict[str, Any]) -> None:
    listed = _ok(wallabag(config, "--no-spinner", "list", "-q", "10"))
    assert str(state["id1"]) in listed and str(state["id2"]) in listed
    assert listed.index(str(state["id2"])) < listed.index(str(state["id1"]))  # newest first
    assert _ok(wallabag(config, "--no-spinner", "list", "-c")).strip() == "2"
    starred = _ok(wallabag(config, "--no-spinner", "list", "-s", "-q", "10"))
    assert str(state["id2"]) in starred and f"{state['id1']}" not in starred.split()
    tagged = _ok(wallabag(config, "--no-spinner", "list", "-g", "foo", "-q", "10"))
    assert "First" in tagged and "Story two" not in tagged


def rows_11_and_12_show_and_info(config: Path, state: dict[str, Any]) -> None:
    shown = _ok(wallabag(config, "--no-spinner", "show", str(state["id1"]), "-w", "60"))
    assert "First" in shown
    info = _ok(wallabag(config, "--no-spinner", "info", str(state["id1"])))
    assert "Title: First" in info
    assert "Is read: False" in info
    assert "Created at:" in info
    assert "foo" in info and "bar" in info


def rows_13_to_15_read_update_star(config: Path, state: dict[str, Any]) -> None:
    assert "successfully updated" in _ok(
        wallabag(config, "--no-spinner", "read", str(state["id1"]))
    )
    read = _ok(wallabag(config, "--no-spinner", "list", "-r", "-q", "10"))
    assert "First" in read and "Story two" not in read
    _ok(wallabag(config, "--no-spinner", "update", str(state["id1"]), "--unread", "-t", "Renamed"))
    info = _ok(wallabag(config, "--no-spinner", "info", str(state["id1"])))
    assert "Is read: False" in info and "Title: Renamed" in info
    _ok(wallabag(config, "--no-spinner", "star", str(state["id2"])))
    assert "Is starred: False" in _ok(wallabag(config, "--no-spinner", "info", str(state["id2"])))


def _tag_ids(config: Path) -> dict[str, int]:
    out = _ok(wallabag(config, "--no-spinner", "tags"))
    found = {}
    for line in out.splitlines():
        number, _, slug = line.strip().partition(". ")
        if number.isdigit():
            found[slug] = int(number)
    return found


def rows_16_to_20_tags(config: Path, state: dict[str, Any]) -> None:
    assert {"foo", "bar"} <= set(_tag_ids(config))
    out = _ok(
        wallabag(
            config, "--no-spinner", "tags", "-c", "add", "-e", str(state["id2"]), "-t", "baz,qux"
        )
    )
    assert "successfully added" in out.lower()
    on = _ok(wallabag(config, "--no-spinner", "tags", "-e", str(state["id2"])))
    assert "baz" in on and "qux" in on
    _ok(wallabag(config, "tags", "-c", "remove", "-e", str(state["id2"]), "-t", "baz", stdin="y\n"))
    assert "baz" not in _ok(wallabag(config, "--no-spinner", "tags", "-e", str(state["id2"])))
    _ok(wallabag(config, "tags", "-c", "remove", "-t", "foo", stdin="y\n"))
    assert "foo" not in _tag_ids(config)
    bar = _tag_ids(config)["bar"]
    _ok(wallabag(config, "tags", "-c", "remove", "--tag-id", str(bar), stdin="y\n"))
    assert "bar" not in _tag_ids(config)


def rows_21_and_22_export(config: Path, state: dict[str, Any], tmp_path: Path) -> None:
    out = _ok(wallabag(config, "--no-spinner", "export", str(state["id1"]), "-o", str(tmp_path)))
    assert "Exported to" in out
    (written,) = tmp_path.glob("*.json")
    assert json.loads(written.read_text())
    for fmt in ("txt", "epub"):
        _ok(
            wallabag(
                config, "--no-spinner", "export", str(state["id1"]), "-f", fmt, "-o", str(tmp_path)
            )
        )
        assert list(tmp_path.glob(f"*.{fmt}")), fmt


def row_23_update_and_delete_by_tags(
    config: Path, pages: dict[str, str], server: LiveServer
) -> None:
    for name in ("grp-a", "grp-b"):
        _ok(wallabag(config, "--no-spinner", "add", pages[name], "-a", "grp"))
    out = _ok(wallabag(config, "--no-spinner", "update-by-tags", "-f", "--read", "grp"))
    assert out.count("success") >= 2
    out = _ok(wallabag(config, "--no-spinner", "delete-by-tags", "-f", "grp"))
    assert out.count("success") >= 2


def row_24_delete_then_404(config: Path, state: dict[str, Any]) -> None:
    out = _ok(wallabag(config, "--no-spinner", "delete", "-f", str(state["id2"])))
    assert "successfully deleted" in out
    gone = wallabag(config, "--no-spinner", "info", str(state["id2"]))
    assert gone.returncode == 1 and "404" in gone.stdout + gone.stderr


def _edit(config: Path, section: str, key: str, value: str) -> None:
    parser = configparser.ConfigParser()
    parser.read(config)
    parser[section][key] = value
    with config.open("w") as out:
        parser.write(out)


def rows_25_and_26_a_bogus_token_then_a_new_one(config: Path) -> None:
    _edit(config, "token", "access_token", "bogus")
    r = wallabag(config, "--no-spinner", "list", "-q", "5")
    assert r.returncode == 1
    assert "The access token provided is invalid." in r.stdout + r.stderr
    _edit(config, "token", "expires", "0")
    assert "Renamed" in _ok(wallabag(config, "--no-spinner", "list", "-q", "5"))


def row_27_annotations(config: Path, state: dict[str, Any]) -> None:
    r = wallabag(config, "--no-spinner", "anno", "-e", str(state["id1"]))
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_row_of_the_contract_table(
    config: Path,
    server: LiveServer,
    pair: tuple[str, str],
    pages: dict[str, str],
    tmp_path: Path,
) -> None:
    state: dict[str, Any] = {}
    for folder in ("wrong", "export"):
        (tmp_path / folder).mkdir()
    row_1_config_check(config)
    rows_2_and_3_a_wrong_secret_and_a_wrong_password(server, pair, tmp_path / "wrong")
    rows_4_to_7_add_then_already_saved(config, pages, state)
    rows_8_to_10_list_count_and_filters(config, state)
    rows_11_and_12_show_and_info(config, state)
    rows_13_to_15_read_update_star(config, state)
    rows_16_to_20_tags(config, state)
    rows_21_and_22_export(config, state, tmp_path / "export")
    row_23_update_and_delete_by_tags(config, pages, server)
    row_24_delete_then_404(config, state)
    rows_25_and_26_a_bogus_token_then_a_new_one(config)
    row_27_annotations(config, state)
