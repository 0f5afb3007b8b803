"""`make contract` itself: it runs every check and every phase, and its one widening stays one.

The run takes minutes and is not part of `make test`; these checks are instant and are. They fail
when someone turns a check off, drops a phase, or widens schemathesis.toml beyond the one
operation and the one status that docs/api.md explains.
"""

from __future__ import annotations

import argparse
import tomllib
from types import SimpleNamespace
from typing import Any

import pytest

from tests.contract import run

DEFAULT_POSITIVE = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


def _command() -> list[str]:
    args = argparse.Namespace(max_examples=5, seed=1, max_time=10)
    return run.command("http://127.0.0.1:1", "bs_token", args, [])


def test_every_check_and_every_phase() -> None:
    cmd = _command()
    assert cmd[cmd.index("--checks") + 1] == "all"
    assert set(cmd[cmd.index("--phases") + 1].split(",")) == {
        "examples",
        "coverage",
        "fuzzing",
        "stateful",
    }
    assert not any(part.startswith("--exclude") for part in cmd)
    assert "Authorization: Bearer bs_token" in cmd
    assert cmd[cmd.index("--config-file") + 1] == str(run.CONFIG)


def test_the_config_widens_one_check_only_where_a_rule_of_the_server_needs_it() -> None:
    """Each widening is one operation, one check, one more status (422), and the hook checks
    that the 422 carries that operation's own code."""
    from tests.contract.hooks import REFUSALS

    config = tomllib.loads(run.CONFIG.read_text())
    assert set(config) == {"operations"}
    labels = set()
    for operation in config["operations"]:
        assert set(operation) == {"include-path", "include-method", "checks"}
        assert set(operation["checks"]) == {"positive_data_acceptance"}
        widened = operation["checks"]["positive_data_acceptance"]["expected-statuses"]
        assert sorted(widened) == sorted([*DEFAULT_POSITIVE, "422"])
        labels.add(f"{operation['include-method']} {operation['include-path']}")
    assert labels == set(REFUSALS)


def test_the_defaults_this_config_starts_from_are_schemathesis_own() -> None:
    from schemathesis.config._checks import PositiveDataAcceptanceConfig

    assert PositiveDataAcceptanceConfig().expected_statuses == DEFAULT_POSITIVE


# --- the check of our own -------------------------------------------------------------------------


class _Response:
    def __init__(self, status: int, code: str) -> None:
        self.status_code = status
        self._body = {"error": {"code": code, "message": "..."}}

    def json(self) -> Any:
        return self._body


def _case(label: str = "POST /api/v1/items", positive: bool = True) -> Any:
    mode = SimpleNamespace(is_positive=positive)
    return SimpleNamespace(
        operation=SimpleNamespace(label=label),
        meta=SimpleNamespace(generation=SimpleNamespace(mode=mode)),
    )


def test_a_valid_save_may_be_refused_as_invalid_url_only() -> None:
    from tests.contract.hooks import refused_only_by_the_servers_own_rule as check

    assert check(None, _Response(422, "invalid_url"), _case()) is None
    assert check(None, _Response(201, ""), _case()) is None
    assert check(None, _Response(422, "invalid_input"), _case(positive=False)) is None
    assert (
        check(None, _Response(422, "invalid_input"), _case("PATCH /api/v1/items/{item_id}")) is None
    )
    with pytest.raises(AssertionError, match="invalid_input"):
        check(None, _Response(422, "invalid_input"), _case())


def test_each_widened_operation_has_its_own_code() -> None:
    from tests.contract.hooks import refused_only_by_the_servers_own_rule as check

    topics = _case("POST /api/v1/topics")
    assert check(None, _Response(422, "invalid_query"), topics) is None
    with pytest.raises(AssertionError, match="invalid_url"):
        check(None, _Response(422, "invalid_url"), topics)
    assert check(None, _Response(422, "invalid_email"), _case("PATCH /api/v1/me")) is None
    with pytest.raises(AssertionError):
        check(None, _Response(422, "invalid_input"), _case("POST /api/v1/opml"))
