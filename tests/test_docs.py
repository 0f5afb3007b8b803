"""Docs that tests check (Datasette's tests/test_docs.py): every setting, CLI command and API
route has a heading of its own in the manual, and the manual's pages link to each other.

A setting is documented by a heading `## `NAME`` in docs/settings.md, a command by a heading
`## `broadsheet SUB [SUBSUB]`` in docs/cli.md (with each of its options mentioned in its
section), an API route by a heading `### `METHOD /api/v1/PATH`` in docs/api.md.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from broadsheet import cli
from broadsheet.settings import SETTINGS_TABLE

DOCS = Path(__file__).resolve().parent.parent / "docs"
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
CODE = re.compile(r"`([^`]+)`")


def _read(name: str) -> str:
    path = DOCS / name
    assert path.is_file(), f"docs/{name} is missing"
    return path.read_text(encoding="utf-8")


def _headings(text: str) -> set[str]:
    """The backticked names in the document's headings."""
    return {code.strip() for h in HEADING.findall(text) for code in CODE.findall(h)}


def _sections(text: str) -> dict[str, str]:
    """Heading name -> the text under that heading, up to the next heading of any level."""
    out: dict[str, str] = {}
    matches = list(HEADING.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        for code in CODE.findall(m.group(1)):
            out[code.strip()] = text[m.end() : end]
    return out


# --- settings -------------------------------------------------------------------------------------


def test_settings_table_is_not_empty() -> None:
    assert len(SETTINGS_TABLE) >= 10


@pytest.mark.parametrize("setting", SETTINGS_TABLE, ids=lambda s: s.name)
def test_every_setting_is_documented(setting: object) -> None:
    name = setting.name  # type: ignore[attr-defined]
    default = setting.default  # type: ignore[attr-defined]
    text = _read("settings.md")
    sections = _sections(text)
    assert name in sections, f"docs/settings.md has no heading `{name}`"
    body = sections[name]
    if default:
        assert f"`{default}`" in body, (
            f"docs/settings.md: the section on {name} does not give its default `{default}`"
        )
    assert "```" in body, f"docs/settings.md: the section on {name} has no example"


def test_settings_doc_names_no_unknown_setting() -> None:
    """A heading for a setting that no longer exists is a stale doc."""
    known = {s.name for s in SETTINGS_TABLE}
    documented = {h for h in _headings(_read("settings.md")) if re.fullmatch(r"[A-Z][A-Z0-9_]+", h)}
    assert documented - known == set(), (
        f"documented but not in SETTINGS_TABLE: {documented - known}"
    )


# --- the CLI --------------------------------------------------------------------------------------


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _commands(
    parser: argparse.ArgumentParser, prefix: str = "broadsheet"
) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every subcommand and sub-subcommand, recursively, as ("broadsheet user create", parser)."""
    found: list[tuple[str, argparse.ArgumentParser]] = []
    for name, sub in _subparsers(parser).items():
        path = f"{prefix} {name}"
        found.append((path, sub))
        found.extend(_commands(sub, path))
    return found


COMMANDS = _commands(cli.build_parser())


def test_the_walk_finds_nested_commands() -> None:
    names = {path for path, _ in COMMANDS}
    assert {"broadsheet run", "broadsheet user", "broadsheet user create"} <= names


def _options(parser: argparse.ArgumentParser) -> list[str]:
    """Long options (`--port`) of one command, without -h/--help and hidden (SUPPRESS) ones."""
    opts: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.help == argparse.SUPPRESS:
            continue
        longs = [o for o in action.option_strings if o.startswith("--")]
        if longs:
            opts.append(longs[0])
    return opts


@pytest.mark.parametrize(("command", "parser"), COMMANDS, ids=[c for c, _ in COMMANDS])
def test_every_cli_command_is_documented(command: str, parser: argparse.ArgumentParser) -> None:
    sections = _sections(_read("cli.md"))
    assert command in sections, f"docs/cli.md has no heading `{command}`"
    body = sections[command]
    if _subparsers(parser):
        for child in _subparsers(parser):
            assert f"`{child}`" in body or f"{command} {child}" in body, (
                f"docs/cli.md: the section on {command} does not name its action {child}"
            )
        return
    for option in _options(parser):
        assert option in body, f"docs/cli.md: the section on {command} does not mention {option}"
    assert f"{command}" in body, f"docs/cli.md: the section on {command} has no example"


def test_cli_doc_names_no_unknown_command() -> None:
    known = {c for c, _ in COMMANDS}
    documented = {h for h in _headings(_read("cli.md")) if h.startswith("broadsheet ")}
    assert documented - known == set(), f"documented but not a command: {documented - known}"


# --- the API --------------------------------------------------------------------------------------


def _routes() -> list[str]:
    from broadsheet.api.routes import api

    schema = api.get_openapi_schema()
    routes: list[str] = []
    for path, operations in schema["paths"].items():
        for method in operations:
            routes.append(f"{method.upper()} {path}")
    return sorted(routes)


def test_the_schema_has_routes() -> None:
    routes = _routes()
    assert "POST /api/v1/items" in routes
    assert len(routes) >= 5


def test_schema_paths_match_the_url_patterns() -> None:
    """The schema is generated from the same router that serves `api.urls`: every URL pattern of
    the API (other than the schema and docs pages) appears among the schema's paths."""
    from broadsheet.api.routes import api

    patterns, _app, _ns = api.urls
    served = {
        "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        for p in patterns
        if str(p.pattern) not in ("", "openapi.json", "docs")
    }
    paths = {r.split(" ", 1)[1] for r in _routes()}
    assert served <= paths, f"served but not in the schema: {served - paths}"


@pytest.mark.parametrize("route", _routes())
def test_every_api_route_is_documented(route: str) -> None:
    sections = _sections(_read("api.md"))
    assert route in sections, f"docs/api.md has no heading `{route}`"
    body = sections[route]
    assert "curl" in body, f"docs/api.md: the section on {route} has no curl example"
    assert "Errors:" in body or "401" in body, f"docs/api.md: {route} does not list its errors"


def test_api_doc_names_no_unknown_route() -> None:
    known = set(_routes())
    method = re.compile(r"(GET|POST|PUT|PATCH|DELETE) /")
    documented = {h for h in _headings(_read("api.md")) if method.match(h)}
    assert documented - known == set(), f"documented but not a route: {documented - known}"


def _error_table() -> dict[str, int]:
    """docs/api.md's table of error codes (under the heading Errors): code -> status."""
    text = _read("api.md")
    section = text[text.index("### Errors") :]
    section = section[: section.index("\n## ")]
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", section, re.MULTILINE)
    table: dict[str, int] = {}
    for code, status in rows:
        assert code not in table, f"docs/api.md lists the error code {code} twice"
        table[code] = int(status)
    return table


def test_the_error_table_is_the_codes_the_api_answers() -> None:
    """One status per code, the same in docs/api.md as in the code: core's typed errors (but those
    that never reach the API, such as signup_closed) and the API's own. A code added, dropped or
    moved to another status fails here until the docs say so."""
    from broadsheet.api.errors import codes

    documented = _error_table()
    assert "signup_closed" not in documented
    assert documented == codes()


def test_the_error_table_and_the_schema_list_the_same_statuses() -> None:
    """Every error status some operation lists is in the table, and every status of the table is
    listed by some operation: the docs and the OpenAPI document cannot drift apart."""
    from broadsheet.api.routes import api

    schema = api.get_openapi_schema()
    listed = {
        int(status)
        for operations in schema["paths"].values()
        for op in operations.values()
        for status in op["responses"]
        if int(status) >= 400
    }
    assert listed == set(_error_table().values()) - {405}  # 405: methods that are no operation


# --- the index ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["settings.md", "cli.md", "api.md", "deploy.md", "fetching.md", "extraction.md"]
)
def test_index_links_every_page(page: str) -> None:
    assert f"]({page})" in _read("index.md"), f"docs/index.md does not link {page}"


def test_relative_links_between_pages_resolve() -> None:
    link = re.compile(r"\]\(([a-z_]+\.md)(#[^)]*)?\)")
    for doc in ("index.md", "settings.md", "cli.md", "api.md", "deploy.md"):
        for target, anchor in link.findall(_read(doc)):
            if target in ("fetching.md", "extraction.md") and not (DOCS / target).exists():
                continue  # written by others; test_index_links_every_page names them
            text = _read(target)
            if anchor:
                slugs = {_slug(h) for h in HEADING.findall(text)}
                assert anchor[1:] in slugs, f"docs/{doc}: link to {target}{anchor} has no target"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_contract_messages_in_the_manual_match_the_templates() -> None:
    """The manual quotes the contract; the pages must say the same, word for word."""
    templates = Path(cli.__file__).resolve().parent / "web" / "templates" / "broadsheet"
    # The save's outcomes, on the result page and in the messages after a save from the form.
    page = (templates / "_save_outcome.html").read_text(encoding="utf-8")
    index = _read("index.md")
    for message in (
        "This item has been saved to read later from any device.",
        "Access saved items through your user name at the top of the page.",
        "Please visit following link to manage your saved items.",
        "View Saved Items",
    ):
        assert message in index
        assert message in page


@pytest.mark.parametrize("where", ["README.md", "docs/index.md"])
def test_the_counter_of_the_first_account_is_explained(where: str) -> None:
    """A new install's first account is an admin with no limit, so the README's
    `Saved (3 of 20 items)` never shows for it: wherever the counter is explained, say so, say how
    to give it a limit, and that other users get BROADSHEET_DEFAULT_QUOTA."""
    text = " ".join((DOCS.parent / where).read_text(encoding="utf-8").split())
    assert "`Saved (3 items)`" in text, where
    assert re.search(r"first account[^.]*\badmin\b[^.]*\b(unlimited|no limit)\b", text), where
    assert "`broadsheet user quota NAME 20`" in text, where
    assert "Django admin" in text, where
    assert "`BROADSHEET_DEFAULT_QUOTA`" in text, where
