"""The `broadsheet` command, called in-process: `broadsheet.cli.main([...])`."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.cli import main
from broadsheet.core import queries, services
from broadsheet.core.models import Item
from tests.conftest import PASSWORD, Site, article_html, fixture_pages, page_file
from tests.support.fixture_server import caption_sentences

pytestmark = pytest.mark.django_db


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command; a SystemExit becomes its exit status (a message means status 1)."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        if isinstance(exc.code, str):
            out, err = capsys.readouterr()
            return 1, out, err + exc.code
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# --- users ----------------------------------------------------------------------------------------


def test_user_create(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "user", "create", "alice", "--password", PASSWORD)
    assert code == 0
    assert out.strip() == "Created user alice: Saved (0 of 20 items)"
    user = get_user_model().objects.get(username="alice")
    assert user.check_password(PASSWORD) and not user.is_superuser


def test_user_create_admin_is_unlimited(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "user", "create", "boss", "--password", PASSWORD, "--admin")
    assert code == 0
    assert out.strip() == "Created admin user boss: Saved (0 items)"
    boss = get_user_model().objects.get(username="boss")
    assert boss.is_superuser and queries.quota_of(boss) is None


@pytest.mark.parametrize(
    ("extra", "limit"),
    [
        (["--quota", "5"], 5),
        (["--quota", "0"], 0),
        (["--quota", "unlimited"], None),
        (["--admin", "--quota", "7"], 7),
    ],
)
def test_user_create_with_quota(
    capsys: pytest.CaptureFixture[str], extra: list[str], limit: int | None
) -> None:
    code, _, _ = run(capsys, "user", "create", "carol", "--password", PASSWORD, *extra)
    assert code == 0
    assert queries.quota_of(get_user_model().objects.get(username="carol")) == limit


def test_user_create_prompts_for_the_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    code, _, _ = run(capsys, "user", "create", "dave")
    assert code == 0
    assert get_user_model().objects.get(username="dave").check_password(PASSWORD)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "create", "alice", "--password", "short"], "at least 8 characters"),
        (["user", "create", "ALICE", "--password", PASSWORD], "is taken"),
        (["user", "create", "  ", "--password", PASSWORD], "A user name is required."),
    ],
)
def test_user_create_refuses_bad_input(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser, args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code != 0
    assert err.startswith("broadsheet: ")
    assert message in err
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize("bad", ["-3", "lots", "1.5"])
def test_bad_quota_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser, bad: str
) -> None:
    code, _, err = run(capsys, "user", "quota", "alice", bad)
    assert code == 2
    assert "quota" in err and ("whole number" in err or "zero or more" in err)
    assert queries.quota_of(alice) == 20


def test_user_quota(capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser) -> None:
    services.save_item(alice, "https://news.example/a")
    code, out, _ = run(capsys, "user", "quota", "alice", "5")
    assert code == 0 and out.strip() == "alice: Saved (1 of 5 items)"
    code, out, _ = run(capsys, "user", "quota", "alice", "unlimited")
    assert code == 0 and out.strip() == "alice: Saved (1 item)"
    assert queries.quota_of(alice) is None
    code, _, err = run(capsys, "user", "quota", "ghost", "5")
    assert code == 1 and "broadsheet: no user named 'ghost'" in err


def test_user_list(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser, admin_user: AbstractBaseUser
) -> None:
    services.save_item(alice, "https://news.example/a")
    code, out, _ = run(capsys, "user", "list")
    assert code == 0
    assert out.splitlines() == [
        "alice\tuser\tSaved (1 of 20 items)",
        "chief\tadmin\tSaved (0 items)",
    ]


# --- tokens ---------------------------------------------------------------------------------------


def test_token_create_authenticates_against_the_api(
    capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser
) -> None:
    code, out, _ = run(capsys, "token", "create", "alice", "--label", "script")
    assert code == 0
    secret = out.strip()
    assert secret.startswith("bs_") and "\n" not in secret
    r = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200 and r.json()["username"] == "alice"
    assert alice.api_tokens.get().name == "script"  # type: ignore[attr-defined]
    code, _, err = run(capsys, "token", "create", "ghost")
    assert code == 1 and "no user named 'ghost'" in err


# --- save and list --------------------------------------------------------------------------------


def test_save_and_list(capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser) -> None:
    code, out, _ = run(capsys, "save", "https://news.example/story", "--user", "alice")
    assert code == 0
    item = Item.objects.get(user=alice)
    assert out.splitlines() == [
        f"Saved item {item.pk}: https://news.example/story",
        "This item has been saved to read later from any device.",
    ]

    code, out, _ = run(capsys, "list", "--user", "alice")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Saved (1 of 20 items)"
    assert lines[1].split("\t")[0] == str(item.pk)
    assert lines[1].endswith("\tfetching\thttps://news.example/story")

    code, out, _ = run(capsys, "list", "--user", "alice", "--json")
    rows = json.loads(out)
    assert [(r["id"], r["status"], r["archived"]) for r in rows] == [(item.pk, "pending", False)]

    services.set_archived(alice, item.pk, True)
    assert json.loads(run(capsys, "list", "--user", "alice", "--json")[1]) == []
    archived = json.loads(
        run(capsys, "list", "--user", "alice", "--json", "--state", "archived")[1]
    )
    assert [r["id"] for r in archived] == [item.pk]


def test_list_shows_failures(capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    Item.objects.filter(pk=item.pk).update(status=Item.Status.FAILED, error="The site answered 404")
    out = run(capsys, "list", "--user", "alice")[1]
    assert "\tfailed: The site answered 404\t" in out


def test_save_failures_exit_1(capsys: pytest.CaptureFixture[str], alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 1)
    first = services.save_item(alice, "https://news.example/a")

    code, out, err = run(capsys, "save", "https://NEWS.example/a#top", "--user", "alice")
    assert code == 1 and out == ""
    assert err.strip() == f"Failed to save: You have already saved this item. (item {first.pk})"

    code, out, err = run(capsys, "save", "https://news.example/b", "--user", "alice")
    assert code == 1 and out == ""
    assert err.strip() == "Failed to save: You reached the limit of 1 saved items."

    code, _, err = run(capsys, "save", "ftp://news.example/c", "--user", "alice")
    assert code == 1
    assert err.strip() == "Failed to save: Only http and https addresses can be saved."

    code, _, err = run(capsys, "save", "https://news.example/c", "--user", "ghost")
    assert code == 1 and "no user named 'ghost'" in err
    assert Item.objects.count() == 1


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    for args in ([], ["frobnicate"], ["save", "https://x.example/"], ["list"], ["user"]):
        code, _, err = run(capsys, *args)
        assert code == 2, args
        assert "usage: broadsheet" in err


# --- extract --------------------------------------------------------------------------------------


@pytest.fixture
def story_file(tmp_path: Path) -> Path:
    path = tmp_path / "story.html"
    path.write_text(article_html(seed=301), encoding="utf-8")
    return path


def test_extract_a_file(capsys: pytest.CaptureFixture[str], story_file: Path) -> None:
    code, text, _ = run(capsys, "extract", str(story_file))
    assert code == 0
    assert "Harbour ferry returns after winter repairs" in text
    assert "By Jo Reporter · The Daily Example · 5 March 2024, 08:30 UTC\n" in text
    assert "A new timetable" in text
    assert "Sign up for our newsletter" not in text

    code, markdown, _ = run(capsys, "extract", str(story_file), "--format", "markdown")
    assert code == 0
    assert "# Harbour ferry returns after winter repairs" in markdown
    assert "*By Jo Reporter · The Daily Example · 5 March 2024, 08:30 UTC*\n" in markdown
    assert "## A new timetable" in markdown

    code, raw, _ = run(capsys, "extract", str(story_file), "--format", "json")
    assert code == 0
    data = json.loads(raw)
    assert data["title"] == "Harbour ferry returns after winter repairs"
    assert data["byline"] == "Jo Reporter"
    assert data["published"] == "2024-03-05T08:30:00+00:00"
    assert data["word_count"] > 100
    assert "Recommended:" not in data["text"]


@pytest.mark.parametrize("name", fixture_pages())
def test_extract_fixture_pages(capsys: pytest.CaptureFixture[str], name: str) -> None:
    from tests.conftest import expected_of

    code, raw, _ = run(capsys, "extract", str(page_file(name)), "--format", "json")
    assert code == 0
    data = json.loads(raw)
    expected = expected_of(name)
    if expected.get("title") is not None:
        assert data["title"] == expected["title"]
    captions = caption_sentences(name, expected.get("must_contain", []))
    for needle in expected.get("must_contain", []):
        assert needle in (html.unescape(data["html"]) if needle in captions else data["text"])


def test_extract_an_address(capsys: pytest.CaptureFixture[str], site: Site, settings: Any) -> None:
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "true"
    url = site.add("/cli/extract", article_html(seed=302))
    code, raw, _ = run(capsys, "extract", url, "--format", "json")
    assert code == 0
    assert json.loads(raw)["title"] == "Harbour ferry returns after winter repairs"
    assert not Item.objects.exists()  # extract saves nothing

    code, _, err = run(capsys, "extract", site.base_url + "/cli/missing")
    assert code == 1 and err.strip() == "broadsheet: The site answered 404"

    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "false"
    code, _, err = run(capsys, "extract", url)
    assert code == 1 and err.startswith("broadsheet: The address is not allowed.\n")


def test_extract_a_private_address_hints_at_the_setting(
    capsys: pytest.CaptureFixture[str], site: Site, settings: Any
) -> None:
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "false"
    url = site.add("/cli/private", article_html(seed=304))
    host = site.base_url.removeprefix("http://")
    code, out, err = run(capsys, "extract", url)
    assert (code, out) == (1, "")
    lines = err.strip().split("\n")
    assert lines[0] == "broadsheet: The address is not allowed."
    hint = "\n".join(lines[1:])
    assert "BROADSHEET_FETCH_ALLOW_PRIVATE" in hint and "private" in hint
    assert f"    BROADSHEET_FETCH_ALLOW_PRIVATE={host} broadsheet extract {url}" in lines
    assert "BROADSHEET_FETCH_ALLOW_PRIVATE=true" in hint

    # The example works: with it, the page is fetched.
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = host
    code, out, _ = run(capsys, "extract", url)
    assert code == 0 and "Harbour ferry returns" in out

    # Other refusals get no hint, and the web reader's message stays as it was.
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "false"
    code, _, err = run(capsys, "extract", site.base_url.replace("http:", "ftp:") + "/x")
    assert code == 1 and "BROADSHEET_FETCH_ALLOW_PRIVATE" not in err
    from broadsheet.core.errors import FetchFailed
    from broadsheet.core.processing import fetch_page

    with pytest.raises(FetchFailed) as refused:
        fetch_page(url)
    assert refused.value.message == "The address is not allowed."


def test_extract_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "extract", "ftp://example.com/story")
    assert code == 1 and err.strip() == "broadsheet: Only http and https addresses can be saved."
    empty = tmp_path / "empty.html"
    empty.write_text("")
    code, _, err = run(capsys, "extract", str(empty))
    assert code == 1 and err.startswith("broadsheet: ")
    code, _, err = run(capsys, "extract", str(empty), "--format", "pdf")
    assert code == 2


def test_extract_a_saved_page_resolves_against_its_canonical_or_url(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "saved.html"
    page.write_text(article_html(seed=305, og_url="https://news.example.org/2024/03/ferry"))
    photo = "![The ferry at the quay]({})"
    code, markdown, _ = run(capsys, "extract", str(page), "--format", "markdown")
    assert code == 0 and photo.format("https://news.example.org/img/ferry.jpg") in markdown

    mirror = "https://mirror.example/saved/ferry.html"
    code, raw, _ = run(capsys, "extract", str(page), "--format", "json", "--url", mirror)
    assert code == 0
    data = json.loads(raw)
    assert 'src="https://mirror.example/img/ferry.jpg"' in data["html"]
    assert data["canonical_url"] == "https://news.example.org/2024/03/ferry"
    code, markdown, _ = run(
        capsys, "extract", str(page), "--format", "markdown", "--url", "m.example/a"
    )
    assert code == 0 and photo.format("https://m.example/img/ferry.jpg") in markdown

    code, _, err = run(capsys, "extract", str(page), "--url", "not an address")
    assert code == 2 and err.strip() == "broadsheet: --url: That is not a web address."
    code, _, err = run(capsys, "extract", "https://news.example.org/x", "--url", mirror)
    assert (
        code == 2 and err.strip() == "broadsheet: --url is for a file: an address is its own base"
    )


def test_extract_a_missing_file_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for source in ("/no/such/file.html", str(tmp_path / "story.html"), "saved/story.html", "x.htm"):
        code, out, err = run(capsys, "extract", source)
        assert (code, out) == (2, ""), source
        assert err.strip() == f"broadsheet: no such file: {source}"
    code, _, err = run(capsys, "extract", " ")
    assert code == 2 and err.strip() == "broadsheet: give an address or a file to extract"


def test_extract_a_directory_or_unreadable_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "extract", str(tmp_path))
    assert code == 2
    assert err.strip() == f"broadsheet: {tmp_path} is a directory, not a file"
    locked = tmp_path / "locked.html"
    locked.write_text(article_html(seed=303), encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads every file: refuse this one the same way
            real = Path.read_bytes

            def read_bytes(self: Path) -> bytes:
                if self == locked:
                    raise PermissionError(13, "Permission denied", str(self))
                return real(self)

            monkeypatch.setattr(Path, "read_bytes", read_bytes)
        code, _, err = run(capsys, "extract", str(locked))
    finally:
        locked.chmod(0o600)
    assert code == 2
    assert err.strip() == f"broadsheet: cannot read {locked}: permission denied"


def test_extract_takes_a_bare_host_as_an_address(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from broadsheet.core import processing
    from broadsheet.core.errors import FetchFailed

    asked: list[str] = []

    def fetch_page(url: str) -> Any:
        asked.append(url)
        raise FetchFailed("dns_failure", "The site's name could not be found.")

    monkeypatch.setattr(processing, "fetch_page", fetch_page)
    for source in ("news.example.org/2024/story", "www.example.com", "127.0.0.1:8000/a"):
        code, _, err = run(capsys, "extract", source)
        assert code == 1 and err.strip() == "broadsheet: The site's name could not be found."
    assert asked == ["news.example.org/2024/story", "www.example.com", "127.0.0.1:8000/a"]


# --- reextract and migrate ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reextract(
    capsys: pytest.CaptureFixture[str],
    make_user: Callable[..., AbstractBaseUser],
    site: Site,
    pipeline: Any,
    run_tasks: Callable[[], int],
) -> None:
    reader = make_user("reader")
    other = make_user("other")
    mine = services.save_item(reader, site.add("/cli/rx-1", article_html(seed=311)))
    theirs = services.save_item(other, site.add("/cli/rx-2", article_html(seed=312)))
    services.save_item(reader, "https://never.example/pending")  # no page kept: not touched
    Item.objects.filter(url__startswith="https://never").update(status=Item.Status.FAILED)
    run_tasks()
    Item.objects.filter(pk__in=[mine.pk, theirs.pk]).update(title="old engine", byline="")

    code, out, _ = run(capsys, "reextract", "--user", "reader")
    assert code == 0
    assert out.strip() == "Re-extracted 1 item(s): 1 ready"
    assert Item.objects.get(pk=mine.pk).title == "Harbour ferry returns after winter repairs"
    assert Item.objects.get(pk=theirs.pk).title == "old engine"

    code, out, _ = run(capsys, "reextract")
    assert out.strip() == "Re-extracted 2 item(s): 2 ready"
    assert Item.objects.get(pk=theirs.pk).byline == "Jo Reporter"


def test_reextract_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "reextract")
    assert code == 0 and out.strip() == "Re-extracted 0 item(s): nothing to do"


@pytest.mark.django_db(transaction=True)
def test_migrate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "migrate")
    assert code == 0
    assert "No migrations to apply." in out
