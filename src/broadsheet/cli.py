"""The `broadsheet` command. It honours the same BROADSHEET_* variables as the server.

Every subcommand is documented in docs/cli.md; a test fails when one is missing there.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """An argument that cannot be used (a missing file): `main` prints it and exits with 2,
    as argparse does for a malformed one."""


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()


def _user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise SystemExit(f"broadsheet: no user named {name!r}")
    return user


def _quota(raw: str) -> int | None:
    if raw.lower() in {"none", "unlimited"}:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError("a whole number, or 'unlimited'") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be zero or more")
    return value


def _one_line(text: str) -> str:
    """Text from the web for a terminal: no control characters (an ESC could drive the terminal),
    no line breaks or tabs (they would break the columns)."""
    from broadsheet.core.export import clean_text

    return " ".join(clean_text(text).split())


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


# --- run / worker ---------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """Migrate, start the background worker(s) beside the server, and serve until Ctrl-C."""
    _setup()
    from django.conf import settings
    from waitress import serve

    from broadsheet.wsgi import application

    _migrate()
    host = args.host or settings.BROADSHEET_HOST
    port = args.port or settings.BROADSHEET_PORT
    workers_n = settings.BROADSHEET_WORKERS if args.workers is None else args.workers
    # Save by e-mail: the mail-in server in this process, when it has a port.
    mail_in = _start_mail_in(None, None) if settings.BROADSHEET_MAIL_IN_PORT else None
    # Workers get a session of their own so that Ctrl-C in a terminal reaches only the server,
    # which then stops each worker once, gracefully (a second signal would abort its task).
    workers = [
        subprocess.Popen(  # noqa: S603  (our own interpreter and module)
            [sys.executable, "-m", "broadsheet.cli", "worker", "--parent", str(os.getpid())],
            start_new_session=True,
        )
        for _ in range(workers_n)
    ]

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(
        f"Broadsheet on http://{host}:{port}/ with {workers_n} worker(s). Ctrl-C stops.", flush=True
    )
    try:
        serve(
            application,
            host=host,
            port=port,
            threads=settings.BROADSHEET_THREADS,
            ident="Broadsheet",
            # waitress's own cap (1 GiB) must not refuse an import file the setting allows.
            max_request_body_size=max(1 << 30, settings.BROADSHEET_IMPORT_MAX_BYTES + (1 << 20)),
        )
    except KeyboardInterrupt:
        pass
    finally:
        if mail_in is not None:
            mail_in.stop()
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=25)
            except subprocess.TimeoutExpired:
                w.kill()
        print("Broadsheet stopped.", flush=True)
    return 0


def _start_mail_in(host: str | None, port: int | None) -> Any:
    """Start the mail-in SMTP server (a thread of this process) and say where it listens."""
    from django.conf import settings

    from broadsheet.mailin.server import from_settings

    if not settings.BROADSHEET_MAIL_DOMAIN:
        raise UsageError(
            "the mail-in server needs BROADSHEET_MAIL_DOMAIN, the host of the readers' "
            "save-by-mail addresses (docs/email.md)"
        )
    if port is None and settings.BROADSHEET_MAIL_IN_PORT is None:
        raise UsageError("set BROADSHEET_MAIL_IN_PORT, or give --port")
    server = from_settings(host, port)
    try:
        server.start()
    except OSError as exc:
        raise UsageError(
            f"the mail-in server cannot listen on {server.host}:{server.port}: {exc}"
        ) from exc
    print(
        f"Mail-in on smtp://{server.host}:{server.port}/ for "
        f"save+KEY@{settings.BROADSHEET_MAIL_DOMAIN}.",
        flush=True,
    )
    return server


def cmd_mail_in(args: argparse.Namespace) -> int:
    """Take mail for the readers' save-by-mail addresses until Ctrl-C (or SIGTERM)."""
    _setup()
    server = _start_mail_in(args.host, args.port)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    print("Ctrl-C stops.", flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        print("Mail-in stopped.", flush=True)
    return 0


def _sweep_interval() -> float:
    """Seconds between two sweeps of a worker (stalled fetches, due feeds, due newsletters)."""
    from django.conf import settings

    return max(0.5, min(settings.BROADSHEET_TASK_LEASE / 2, 30.0))


def cmd_worker(args: argparse.Namespace) -> int:
    """Run background tasks (fetching and extracting) until stopped."""
    _setup()
    from django.core.management import call_command

    from broadsheet.core import related, search_index
    from broadsheet.core.copies import backfill
    from broadsheet.core.enqueue import (
        sweep_digests,
        sweep_feeds,
        sweep_images,
        sweep_imported,
        sweep_stalled,
        sweep_stuck_imports,
    )
    from broadsheet.core.services import purge_deleted

    stop = threading.Event()
    interval = _sweep_interval()
    log = logging.getLogger("broadsheet.worker")
    # django-tasks' own lines are kept to warnings (settings.LOGGING); say that we are here.
    log.info("worker started (process %s)", os.getpid())

    def sweeper() -> None:
        """Beside the task loop: re-enqueue stalled fetches, purge the trash past the undo
        window, hand out the newsletters and feed polls that are due, fingerprint and index
        older stories. A failure of one (the database away for a moment) is logged and tried
        again."""
        from django.db import close_old_connections

        while not stop.is_set():
            for job in (
                sweep_stalled,
                sweep_imported,
                sweep_stuck_imports,
                purge_deleted,
                sweep_digests,
                sweep_feeds,
                sweep_images,
                backfill,
                related.backfill,
                search_index.sweep,
            ):
                try:
                    job()
                except Exception:
                    log.exception("%s failed; trying again in %s s", job.__name__, interval)
                finally:
                    close_old_connections()
            stop.wait(interval)

    def watch_parent(parent: int) -> None:
        # Started by `broadsheet run`: stop gracefully if the server went away without telling us.
        while not stop.wait(1.0):
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=sweeper, name="broadsheet-sweeper", daemon=True).start()
    if args.parent:
        threading.Thread(
            target=watch_parent, args=(args.parent,), name="broadsheet-parent", daemon=True
        ).start()
    try:
        call_command("db_worker", interval=args.interval, startup_delay=False, verbosity=1)
    finally:
        stop.set()
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Create or update the database tables."""
    _setup()
    _migrate(verbosity=1)
    return 0


# --- users and tokens -----------------------------------------------------------------------------


def cmd_user_create(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import services
    from broadsheet.core.errors import BroadsheetError

    password = args.password
    if password is None:
        password = getpass.getpass("Password: ")
    kwargs: dict[str, Any] = {"admin": args.admin}
    if args.quota is not _NO_QUOTA:
        kwargs["quota"] = args.quota
    try:
        user = services.create_user(args.name, password, **kwargs)
    except BroadsheetError as exc:
        raise SystemExit(f"broadsheet: {exc.message}") from None
    from broadsheet.core import queries

    role = "admin user" if args.admin else "user"
    print(f"Created {role} {user.get_username()}: {queries.counter(user)}")
    return 0


def cmd_user_quota(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import queries, services

    user = _user(args.name)
    services.set_quota(user, args.quota)
    print(f"{user.get_username()}: {queries.counter(user)}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    _setup()
    from django.contrib.auth import get_user_model

    from broadsheet.core import queries

    for user in get_user_model().objects.order_by("username"):
        role = "admin" if user.is_superuser else "user"
        print(f"{user.get_username()}\t{role}\t{queries.counter(user)}")
    return 0


def _new_password(given: str | None) -> str:
    if given is not None:
        return given
    first = getpass.getpass("New password: ")
    if getpass.getpass("New password again: ") != first:
        raise SystemExit("broadsheet: the two passwords differ")
    return first


def cmd_user_password(args: argparse.Namespace) -> int:
    """Set a user's password; like the web page, it revokes every API token of the user."""
    _setup()
    from broadsheet.core import services
    from broadsheet.core.errors import BroadsheetError

    user = _user(args.name)
    try:
        changed = services.change_password(user, _new_password(args.password))
    except BroadsheetError as exc:
        raise SystemExit(f"broadsheet: {exc.message}") from None
    print(
        f"Changed the password of {user.get_username()}; "
        f"revoked {changed.revoked_tokens} API token(s). Other sessions are logged out."
    )
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import services

    new = services.create_token(_user(args.name), args.label)
    print(new.secret)
    return 0


def cmd_client_create(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import oauth

    client = oauth.create_client(_user(args.user), args.name)
    print(f"client_id: {oauth.public_id(client)}")
    print(f"client_secret: {client.secret}")
    return 0


def cmd_client_list(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import access, oauth

    for client in access.api_clients_of(_user(args.user)):
        print(f"{client.pk}\t{oauth.public_id(client)}\t{client.name}")
    return 0


def cmd_client_delete(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import oauth
    from broadsheet.core.errors import NotFound

    try:
        oauth.delete_client(_user(args.user), args.id)
    except NotFound:
        raise SystemExit(f"broadsheet: {args.user} has no API client {args.id}") from None
    print(f"deleted API client {args.id}; its apps must log in with another")
    return 0


# --- the newsletter -------------------------------------------------------------------------------


def cmd_digest_send(args: argparse.Namespace) -> int:
    """Send a reader's newsletter now, whatever its schedule (it does not move the schedule)."""
    _setup()
    from broadsheet.core import newsletter

    user = _user(args.user)
    try:
        count = newsletter.send(user, force=True)
    except newsletter.NoAddress:
        print(
            f"{args.user} has no e-mail address: set one on the settings page or with "
            'PATCH /api/v1/me {"email": ...}',
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"The mail server did not take the newsletter: {exc}", file=sys.stderr)
        return 1
    print(f"Sent {args.user}'s newsletter to {user.email}: {count} stories.")
    return 0


def cmd_digest_preview(args: argparse.Namespace) -> int:
    """Print the plain-text part of a reader's next newsletter, sending nothing."""
    _setup()
    from broadsheet.core import newsletter

    user = _user(args.user)
    message = newsletter.render(user, newsletter.compose(user))
    print(f"Subject: {message.subject}\n")
    print(message.text)
    return 0


# --- items ----------------------------------------------------------------------------------------


def cmd_save(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import services
    from broadsheet.core.errors import AlreadySaved, BroadsheetError

    try:
        item = services.save_item(_user(args.user), args.url)
    except AlreadySaved as exc:
        print(f"Failed to save: {exc.message} (item {exc.item_id})", file=sys.stderr)
        return 1
    except BroadsheetError as exc:
        print(f"Failed to save: {exc.message}", file=sys.stderr)
        return 1
    print(f"Saved item {item.pk}: {item.url}")
    print("This item has been saved to read later from any device.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import queries

    user = _user(args.user)
    rows = queries.items(user, args.state)
    if args.json:
        out = [
            {
                "id": i.pk,
                "url": i.url,
                "title": i.title,
                "status": i.status,
                "archived": i.archived,
                "saved_at": i.saved_at.isoformat(),
                "error": i.error,
            }
            for i in rows
        ]
        print(json.dumps(out, indent=2))
        return 0
    print(queries.counter(user))
    for i in rows:
        state = {
            "ready": f"{i.reading_minutes} min",
            "pending": "fetching",
            "failed": f"failed: {i.error}",
        }
        line = f"{i.pk}\t{i.saved_at:%Y-%m-%d}\t{state[i.status]}\t{_one_line(i.display_title)}"
        print(line)
    return 0


def _ids(raw: str) -> list[int]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError("item ids separated by commas, e.g. 12,40,41")
    if len(parts) > 200:
        raise argparse.ArgumentTypeError("at most 200 ids")
    return [int(p) for p in parts]


def cmd_export(args: argparse.Namespace) -> int:
    """Write a user's items in one of the export formats (the file the web and the API
    export), a chunk at a time."""
    _setup()
    from broadsheet.core import export, export_data
    from broadsheet.core.errors import NotFound

    user = _user(args.user)
    ids = None
    if args.ids is not None:
        try:
            ids = export_data.selected(user, args.ids)
        except NotFound:
            raise SystemExit(f"broadsheet: {args.user!r} has no item among {args.ids}") from None
    fmt = args.format
    if not args.output:
        if fmt in export.TEXT_FORMATS:
            for text in export.text_stream(user, fmt, ids):
                sys.stdout.write(text)
            return 0
        if sys.stdout.isatty():
            raise UsageError(f"a {fmt} export is a binary file: give --output FILE or redirect")
        for chunk in export.stream(user, fmt, ids):
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        return 0
    target = Path(args.output)
    try:
        with target.open("wb") as out:
            for chunk in export.stream(user, fmt, ids):
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)  # no half-written file left behind
        raise
    print(f"Wrote {args.output}", file=sys.stderr)
    return 0


# --- import ---------------------------------------------------------------------------------------

# The report lists this many of the skipped rows (the web page shows them all).
PROBLEMS_SHOWN = 20


def _open_import(name: str) -> tuple[Any, int]:
    """The file NAME opened for reading in binary, and its size; standard input ("-") is copied
    to a temporary file first (readers seek)."""
    import tempfile

    if name == "-":
        spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the caller)
        size = 0
        while chunk := sys.stdin.buffer.read(1 << 20):
            spool.write(chunk)
            size += len(chunk)
        spool.seek(0)
        return spool, size
    try:
        f = Path(name).open("rb")  # noqa: SIM115  (closed by the caller)
    except IsADirectoryError:
        raise UsageError(f"{name} is a directory, not a file") from None
    except (FileNotFoundError, NotADirectoryError):
        raise UsageError(f"no such file: {name}") from None
    except PermissionError:
        raise UsageError(f"cannot read {name}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    return f, os.fstat(f.fileno()).st_size


def cmd_import(args: argparse.Namespace) -> int:
    """Import a library export (Pocket, Instapaper, ...) into a user's list, here and now, with a
    progress bar on standard error and the report on standard output."""
    _setup()
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from broadsheet.core import importers, importing
    from broadsheet.core.errors import ImportFormatUnknown, UnreadableImport

    user = _user(args.user)
    fileobj, size = _open_import(args.file)
    name = "stdin" if args.file == "-" else Path(args.file).name
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
    )
    with fileobj:
        try:
            fmt = importing.detect_format(fileobj, name, args.format)
            label = importers.reader(fmt).label
            console = Console(stderr=True)
            with Progress(
                *columns, console=console, transient=True, disable=not console.is_terminal
            ) as bar:
                task = bar.add_task(f"Importing {label}", total=size or None)

                def progress(report: importing.ImportReport) -> None:
                    bar.update(
                        task,
                        completed=min(report.read_bytes, size) if size else report.read_bytes,
                        description=f"{report.rows:,} rows, {report.imported:,} imported",
                    )

                report = importing.import_file(
                    user, fileobj, name, format=fmt, on_progress=progress
                )
        except (ImportFormatUnknown, UnreadableImport) as exc:
            print(f"Failed to import: {exc.message}", file=sys.stderr)
            return 1
    stories = "story" if report.imported == 1 else "stories"
    print(f"Imported {report.imported:,} {stories} from {_one_line(name)}.")
    print(f"Already there: {report.existing:,}")
    print(f"Over the limit: {report.over_limit:,}")
    print(f"Invalid: {report.invalid:,}")
    if report.problems:
        print("Problems:")
        for problem in report.problems[:PROBLEMS_SHOWN]:
            where = f"line {problem.line}: " if problem.line else ""
            print(f"  {where}{_one_line(problem.reason)}")
        total = report.invalid + (1 if report.over_limit else 0)
        more = total - min(len(report.problems), PROBLEMS_SHOWN)
        if more > 0:
            print(f"  ... and {more:,} more")
    pending = importing.pending_count(user)
    if pending:
        waits = "story waits" if pending == 1 else "stories wait"
        print(
            f"{pending:,} {waits} to be fetched by the worker "
            "(broadsheet run, or broadsheet worker), a few a minute."
        )
    return 0


# An address, whatever else is on disk; any other scheme is left to the fetch to refuse.
_HTTP_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# What the web form takes for an address without its scheme ("example.com/story",
# "www.example.com:8080", "192.0.2.7/a", "localhost:8000"): a host name ending in a word of
# letters, an IPv4 address or localhost, with an optional port, before the first "/".
_BARE_HOST = re.compile(
    r"(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?P<tld>[a-z]{2,63})\.?"
    r"|\d{1,3}(?:\.\d{1,3}){3}|localhost)(?::\d{1,5})?",
    re.IGNORECASE,
)
# Names that end like a host ("story.html") but are files that were not found.
_FILE_SUFFIXES = frozenset(
    {"htm", "html", "xhtml", "shtml", "mht", "mhtml", "xml", "txt", "json", "md", "php", "aspx"}
)


def _looks_like_host(source: str) -> bool:
    found = _BARE_HOST.fullmatch(source.split("/", 1)[0])
    return found is not None and (found["tld"] or "").lower() not in _FILE_SUFFIXES


def _read_source(source: str) -> bytes | None:
    """The bytes of the file SOURCE names, or None when SOURCE is a web address.

    An http(s):// address is an address; anything else is a file if it exists, else an address
    if it looks like a host without its scheme (as the web form takes it), else a missing file.
    """
    if _HTTP_SCHEME.match(source):
        return None
    if not source.strip():
        raise UsageError("give an address or a file to extract")
    path = Path(source)
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise UsageError(f"{source} is a directory, not a file") from None
    except (FileNotFoundError, NotADirectoryError):
        if _ANY_SCHEME.match(source) or _looks_like_host(source):
            return None
        raise UsageError(f"no such file: {source}") from None
    except PermissionError:
        raise UsageError(f"cannot read {source}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror or exc}") from None


def _private_hint(source: str) -> str:
    """What to set when the fetch refused an address on a private network (for operators only:
    the web reader is told no more than that the address is not allowed)."""
    from broadsheet.core.canonical import normalize_input

    address = normalize_input(source)  # fetch_page took it, so it parses
    host = urlsplit(address).netloc.rpartition("@")[2].lower()
    example = f"BROADSHEET_FETCH_ALLOW_PRIVATE={shlex.quote(host)}"
    return (
        "\nhint: it is on a loopback or private network (or redirects to one), which Broadsheet"
        " fetches only when BROADSHEET_FETCH_ALLOW_PRIVATE allows it. To allow this host"
        " (after a redirect: the host it leads to):"
        f"\n    {example} broadsheet extract {shlex.quote(source)}"
        "\nhint: BROADSHEET_FETCH_ALLOW_PRIVATE=true allows every private address"
        " (see docs/settings.md)."
    )


def _base_url(given: str, *, address: bool) -> str:
    """--url: the address a file was saved from, as the web form would take it."""
    from broadsheet.core.canonical import normalize_input
    from broadsheet.core.errors import InvalidURL

    if address:
        raise UsageError("--url is for a file: an address is its own base")
    try:
        return normalize_input(given)
    except InvalidURL as exc:
        raise UsageError(f"--url: {exc.message}") from None


def cmd_extract(args: argparse.Namespace) -> int:
    """Print the article of an address or a local file, without saving it."""
    from broadsheet import extract

    source: str = args.source
    html: str | bytes | None = _read_source(source)
    url = _base_url(args.url, address=html is None) if args.url is not None else None
    if html is None:
        _setup()
        from broadsheet.core import processing
        from broadsheet.core.errors import BroadsheetError, FetchFailed

        try:
            page = processing.fetch_page(source)
        except FetchFailed as exc:
            hint = _private_hint(source) if exc.reason_code == "address_not_allowed" else ""
            raise SystemExit(f"broadsheet: {exc.message}{hint}") from None
        except BroadsheetError as exc:
            raise SystemExit(f"broadsheet: {exc.message}") from None
        html, url = page.content, page.final_url
    try:
        article = extract.extract(html, url=url)
    except extract.ExtractError as exc:
        raise SystemExit(f"broadsheet: {exc.message}") from None
    print(extract.render(article, args.format))
    return 0


def cmd_images(args: argparse.Namespace) -> int:
    """Store the images of stories saved before Broadsheet stored images, and delete the
    stored images no story uses (the worker does both by itself, a batch at a time)."""
    if not (args.backfill or args.orphans):
        raise UsageError("say what to do: --backfill, --orphans, or both")
    _setup()
    from broadsheet.core import images

    if args.backfill:
        user_id = _user(args.user).pk if args.user else None
        ids = images.needing_images(user_id=user_id)
        totals = {"stored": 0, "reused": 0, "failed": 0}
        for item_id in ids:
            done = images.store_item_images(item_id, final=True)
            totals["stored"] += done.stored
            totals["reused"] += done.reused
            totals["failed"] += done.failed
        print(
            f"Stored the images of {len(ids)} story(ies): {totals['stored']} stored, "
            f"{totals['reused']} already stored, {totals['failed']} not stored"
        )
    if args.orphans:
        deleted = images.delete_orphans()
        print(f"Deleted {deleted} stored image(s) no story uses")
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    """Run the extraction engine again over kept pages (after an upgrade)."""
    _setup()
    from rich.progress import Progress

    from broadsheet.core.models import Item
    from broadsheet.core.processing import reextract

    qs = Item.objects.exclude(status=Item.Status.PENDING).filter(snapshot__isnull=False)
    if args.user:
        qs = qs.filter(user=_user(args.user))
    ids = list(qs.values_list("id", flat=True))
    counts: dict[str, int] = {}
    with Progress(disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("Re-extracting", total=len(ids))
        for item_id in ids:
            item = Item.objects.filter(pk=item_id).first()
            if item is not None:
                outcome = reextract(item)
                counts[outcome.value] = counts.get(outcome.value, 0) + 1
            progress.advance(task)
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "nothing to do"
    print(f"Re-extracted {len(ids)} item(s): {summary}")
    return 0


# --- feeds ----------------------------------------------------------------------------------------


def _no_such(what: str, row_id: int, user: Any) -> int:
    """Another user's row is a missing one (core.access): the same answer for both."""
    print(f"broadsheet: no {what} {row_id} for {user.get_username()}", file=sys.stderr)
    return 1


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _feed_state(feed: Any, entries: int) -> str:
    """What the feeds page says of a feed: checking, the reason its last check failed, or (the
    CLI's addition) how many entries it has and when it was last checked."""
    if feed.status == "pending":
        return "checking"
    if feed.status == "failed":
        return f"failed: {_one_line(feed.error)}"
    state = _plural(entries, "entry", "entries")
    if feed.last_polled_at is not None:
        state += f", checked {feed.last_polled_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    if feed.error:
        state += f"; last check failed: {_one_line(feed.error)}"
    return state


def cmd_feeds_list(args: argparse.Namespace) -> int:
    """The feeds a user follows, one a line."""
    _setup()
    from django.db.models import Count

    from broadsheet.core import access

    user = _user(args.user)
    feeds = list(access.feeds_of(user))
    if not feeds:
        print(
            f"{args.user} follows no feeds. Follow one with: "
            f"broadsheet feeds add URL --user {shlex.quote(args.user)}"
        )
        return 0
    counted = access.entries_of(user).order_by().values("feed_id").annotate(n=Count("id"))
    entries = {row["feed_id"]: row["n"] for row in counted}
    print(f"{args.user} follows {_plural(len(feeds), 'feed', 'feeds')}.")
    for feed in feeds:
        columns = [
            str(feed.pk),
            _one_line(feed.display_title),
            _one_line(feed.url),
            _feed_state(feed, entries.get(feed.pk, 0)),
            _one_line(feed.category),
        ]
        print("\t".join(columns).rstrip("\t"))
    return 0


def cmd_feeds_add(args: argparse.Namespace) -> int:
    """Follow a feed, then check it once here, so that a bad address is known at once. (The
    worker keeps checking it from then on, as for a feed followed on the web.)"""
    _setup()
    from broadsheet.core import access, polling, services
    from broadsheet.core.errors import AlreadySubscribed, BroadsheetError

    user = _user(args.user)
    try:
        subscribed = services.subscribe(user, args.url, category=args.category)
    except AlreadySubscribed as exc:
        print(f"Failed to follow: {exc.message} (feed {exc.feed_id})", file=sys.stderr)
        return 1
    except BroadsheetError as exc:
        print(f"Failed to follow: {exc.message}", file=sys.stderr)
        return 1
    feed = access.feed_for(user, subscribed.pk)
    polled = polling.poll(feed)
    if polled.outcome == "gone":
        print(f"Failed to follow: {polled.reason}", file=sys.stderr)
        return 1
    if polled.outcome == "failed":
        print(f"Failed to follow: {_one_line(polled.reason)}", file=sys.stderr)
        print(
            f"Feed {feed.pk} stays in {args.user}'s list, marked failed, and the worker tries it "
            f"again later; remove it with: "
            f"broadsheet feeds remove {feed.pk} --user {shlex.quote(args.user)}",
            file=sys.stderr,
        )
        return 1
    found = f" (found on {_one_line(feed.given_url)})" if feed.url != feed.given_url else ""
    title, url = _one_line(feed.display_title), _one_line(feed.url)
    print(f"Following feed {feed.pk}: {title} <{url}>{found}")
    entries = access.entries_of(user).filter(feed_id=feed.pk).count()
    print(
        f"{_plural(entries, 'entry', 'entries')} so far; "
        "the worker checks it for new ones from now on."
    )
    return 0


def cmd_feeds_remove(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import access, services
    from broadsheet.core.errors import NotFound

    user = _user(args.user)
    try:
        title = access.feed_for(user, args.feed_id).display_title
        services.unsubscribe(user, args.feed_id)
    except NotFound:
        return _no_such("feed", args.feed_id, user)
    print(f"No longer following feed {args.feed_id}: {_one_line(title)}. Stories you saved stay.")
    return 0


def _poll_here(feeds: list[Any]) -> int:
    """`feeds poll --now`: check each feed in this process; 1 when a check failed."""
    from broadsheet.core import polling

    failed = 0
    for feed in feeds:
        polled = polling.poll(feed)
        name = f"Feed {feed.pk} ({_one_line(feed.display_title)})"
        if polled.outcome in ("failed", "gone"):
            failed += 1
            print(f"{name}: failed: {_one_line(polled.reason)}", file=sys.stderr)
        elif polled.new_entries:
            print(f"{name}: {_plural(polled.new_entries, 'new entry', 'new entries')}.")
        else:
            print(f"{name}: nothing new.")
    return 1 if failed else 0


def cmd_feeds_poll(args: argparse.Namespace) -> int:
    """Check a user's feeds (or one) now: by default at the worker's next sweep, as the web's
    "Check now" does; with --now here, waiting for each answer."""
    _setup()
    from broadsheet.core import access, services
    from broadsheet.core.errors import NotFound

    user = _user(args.user)
    if args.feed_id is not None:
        try:
            ids = [access.feed_for(user, args.feed_id).pk]
        except NotFound:
            return _no_such("feed", args.feed_id, user)
    else:
        ids = list(access.feeds_of(user).values_list("id", flat=True))
    if not ids:
        print(f"{args.user} follows no feeds: nothing to check.")
        return 0
    if args.now:
        return _poll_here([access.feed_for(user, i) for i in ids])
    for feed_id in ids:
        feed = services.poll_now(user, feed_id)
        print(f"Feed {feed.pk} ({_one_line(feed.display_title)}): a check is due now.")
    print(
        "This command fetches nothing: a running worker (broadsheet run, or broadsheet worker) "
        f"checks {'it' if len(ids) == 1 else 'them'} at its next sweep, within "
        f"{_sweep_interval():g} seconds. --now checks here instead."
    )
    return 0


def _read_input(name: str, limit: int) -> bytes:
    """At most `limit` bytes of the file NAME, or of standard input for "-"."""
    if name == "-":
        data: bytes = sys.stdin.buffer.read(limit)
        return data
    try:
        with Path(name).open("rb") as f:
            return f.read(limit)
    except IsADirectoryError:
        raise UsageError(f"{name} is a directory, not a file") from None
    except (FileNotFoundError, NotADirectoryError):
        raise UsageError(f"no such file: {name}") from None
    except PermissionError:
        raise UsageError(f"cannot read {name}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


def cmd_feeds_import(args: argparse.Namespace) -> int:
    """Follow every feed of an OPML file, as the feeds page's import does, and print its report."""
    _setup()
    from broadsheet import feeds
    from broadsheet.core import access, services
    from broadsheet.core.errors import BroadsheetError

    user = _user(args.user)
    # One byte over the limit: the service refuses the file as too large, with its message.
    body = _read_input(args.file, feeds.MAX_OPML_BYTES + 1)
    try:
        result = services.import_opml(user, body)
    except BroadsheetError as exc:
        print(f"Failed to import: {exc.message}", file=sys.stderr)
        return 1
    added = access.feeds_of(user).filter(pk__in=[f.pk for f in result.added]).order_by("id")
    for feed in added:
        category = f" ({_one_line(feed.category)})" if feed.category else ""
        title, url = _one_line(feed.display_title), _one_line(feed.url)
        print(f"Added feed {feed.pk}: {title} <{url}>{category}")
    for what, why in result.skipped:
        print(f"Skipped {_one_line(what)}: {_one_line(why)}")
    summary = f"Imported {_plural(len(result.added), 'feed', 'feeds')}"
    if result.already:
        summary += f", {result.already} already followed"
    if result.skipped:
        summary += f", {len(result.skipped)} skipped"
    print(summary + ".")
    if result.added:
        print("Their first check is the worker's (broadsheet run, or broadsheet worker).")
    return 0


def cmd_feeds_export(args: argparse.Namespace) -> int:
    """The feeds a user follows as OPML: the feeds page's export, and GET /api/v1/opml's."""
    _setup()
    from broadsheet.core import services

    data = services.export_opml(_user(args.user))
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise SystemExit(
                f"broadsheet: cannot write {args.output}: {exc.strerror or exc}"
            ) from None
        print(f"Wrote {args.output}", file=sys.stderr)
        return 0
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream: the document is UTF-8, as it says
        sys.stdout.write(data.decode("utf-8"))
    else:
        sys.stdout.flush()
        buffer.write(data)
    return 0


# --- topics ---------------------------------------------------------------------------------------


def cmd_topics_list(args: argparse.Namespace) -> int:
    """The topics a user follows, newest first, with the stories on each."""
    _setup()
    from broadsheet.core import access, queries

    user = _user(args.user)
    topics = list(access.topics_of(user))
    if not topics:
        print(
            f"{args.user} follows no topics. Follow one with: broadsheet topics add "
            f"--user {shlex.quote(args.user)} --name NAME --query 'TERM, TERM'"
        )
        return 0
    print(f"{args.user} follows {_plural(len(topics), 'topic', 'topics')}.")
    for topic in topics:
        counts = queries.topic_counts(topic)
        stories = _plural(counts.stories, "story", "stories")
        print(
            f"{topic.pk}\t{_one_line(topic.name)}\t{_one_line(topic.query)}"
            f"\t{stories}, {counts.new} new"
        )
    return 0


def cmd_topics_add(args: argparse.Namespace) -> int:
    """Follow a topic: made from a saved story's key terms (--item), or written by hand."""
    if args.item is None and args.query is None:
        raise UsageError("--name needs --query: the topic's terms, separated by commas")
    if args.item is not None and args.query is not None:
        raise UsageError("--query goes with --name; a topic made from --item takes its key terms")
    _setup()
    from broadsheet.core import queries, services
    from broadsheet.core.errors import BroadsheetError, NotFound

    user = _user(args.user)
    try:
        if args.item is not None:
            topic = services.follow_item(user, args.item)
        else:
            topic = services.create_topic(user, args.name, args.query)
    except NotFound:
        return _no_such("item", args.item, user)
    except BroadsheetError as exc:
        print(f"Failed to follow: {exc.message}", file=sys.stderr)
        return 1
    print(f"Following topic {topic.pk}: {_one_line(topic.name)}")
    print(f"Terms: {_one_line(', '.join(queries.topic_terms(topic)))}")
    others = ""
    if args.item is not None:
        print(f"Made from item {args.item}'s key terms; that story is on it.")
        others = "other "
    print(
        f"The worker (broadsheet run, or broadsheet worker) finds the {others}stories on it; "
        f"broadsheet topics show {topic.pk} --user {shlex.quote(args.user)} lists them."
    )
    return 0


def cmd_topics_show(args: argparse.Namespace) -> int:
    """A topic and the stories on it (saved ones, then new ones from the feeds), newest first.
    Unlike the topic's web page, it does not mark them seen."""
    _setup()
    from broadsheet.core import access, queries
    from broadsheet.core.errors import NotFound

    user = _user(args.user)
    try:
        topic = access.topic_for(user, args.topic_id)
    except NotFound:
        return _no_such("topic", args.topic_id, user)
    counts = queries.topic_counts(topic)
    print(f"Topic {topic.pk}: {_one_line(topic.name)}")
    print(f"Query: {_one_line(topic.query)}")
    print(f"{_plural(counts.stories, 'story', 'stories')} on it, {counts.new} new")
    items = list(queries.topic_items(topic).defer("text", "html"))
    entries = list(queries.topic_entries(topic).select_related("feed"))
    for item in items:
        print(f"item {item.pk}\t{_one_line(item.display_title)}\t{_one_line(item.site_name)}")
    for entry in entries:
        site = f"{_one_line(entry.feed.display_title)} · from your feeds"
        print(f"entry {entry.pk}\t{_one_line(entry.display_title)}\t{site}")
    if not items and not entries:
        print("No stories on it yet. New ones from your saves and feeds will show here.")
    return 0


def cmd_topics_remove(args: argparse.Namespace) -> int:
    _setup()
    from broadsheet.core import access, services
    from broadsheet.core.errors import NotFound

    user = _user(args.user)
    try:
        name = access.topic_for(user, args.topic_id).name
        services.delete_topic(user, args.topic_id)
    except NotFound:
        return _no_such("topic", args.topic_id, user)
    print(
        f"No longer following topic {args.topic_id}: {_one_line(name)}. "
        "Its stories stay in your list."
    )
    return 0


# --- the parser -----------------------------------------------------------------------------------

_NO_QUOTA = object()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="broadsheet", description="Save news stories and read them later."
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run", help="serve on BROADSHEET_HOST:BROADSHEET_PORT with a worker beside it"
    )
    run.add_argument("--host", help="listen address (default BROADSHEET_HOST)")
    run.add_argument("--port", type=int, help="port (default BROADSHEET_PORT)")
    run.add_argument(
        "--workers", type=int, help="background workers to start (default BROADSHEET_WORKERS)"
    )
    run.set_defaults(func=cmd_run)

    worker = sub.add_parser("worker", help="run background tasks (start more for more throughput)")
    worker.add_argument(
        "--interval", type=float, default=0.5, help="seconds between polls when idle"
    )
    worker.add_argument("--parent", type=int, help=argparse.SUPPRESS)
    worker.set_defaults(func=cmd_worker)

    mail_in = sub.add_parser(
        "mail-in", help="take mail for the readers' save-by-mail addresses (an SMTP server)"
    )
    mail_in.add_argument("--host", help="listen address (default BROADSHEET_MAIL_IN_HOST)")
    mail_in.add_argument("--port", type=int, help="port (default BROADSHEET_MAIL_IN_PORT)")
    mail_in.set_defaults(func=cmd_mail_in)

    sub.add_parser("migrate", help="create or update the database").set_defaults(func=cmd_migrate)

    user = sub.add_parser("user", help="manage users").add_subparsers(
        dest="user_command", required=True, metavar="ACTION"
    )
    create = user.add_parser("create", help="create a user")
    create.add_argument("name")
    create.add_argument("--password", help="the password (prompted for when omitted)")
    create.add_argument(
        "--admin", action="store_true", help="make the user an admin (unlimited unless --quota)"
    )
    create.add_argument(
        "--quota", type=_quota, default=_NO_QUOTA, help="saved-item limit, or 'unlimited'"
    )
    create.set_defaults(func=cmd_user_create)
    quota = user.add_parser("quota", help="set a user's saved-item limit")
    quota.add_argument("name")
    quota.add_argument("quota", type=_quota, help="a whole number, or 'unlimited'")
    quota.set_defaults(func=cmd_user_quota)
    user.add_parser("list", help="list users with their counters").set_defaults(func=cmd_user_list)
    upass = user.add_parser(
        "password", help="set a user's password (revokes the user's API tokens)"
    )
    upass.add_argument("name")
    upass.add_argument("--password", help="the new password (prompted for when omitted)")
    upass.set_defaults(func=cmd_user_password)

    token = sub.add_parser("token", help="manage API tokens").add_subparsers(
        dest="token_command", required=True, metavar="ACTION"
    )
    tcreate = token.add_parser("create", help="print a new API token for a user")
    tcreate.add_argument("name", help="the user")
    tcreate.add_argument("--label", default="cli", help="a name for the token")
    tcreate.set_defaults(func=cmd_token_create)

    client = sub.add_parser(
        "client", help="API clients for wallabag apps (client_id and client_secret)"
    ).add_subparsers(dest="client_command", required=True, metavar="ACTION")
    ccreate = client.add_parser("create", help="print a new API client's id and secret")
    ccreate.add_argument("--user", required=True, help="the user")
    ccreate.add_argument("--name", default="", help="which app or device it is for")
    ccreate.set_defaults(func=cmd_client_create)
    clist = client.add_parser("list", help="list a user's API clients")
    clist.add_argument("--user", required=True, help="the user")
    clist.set_defaults(func=cmd_client_list)
    cdelete = client.add_parser("delete", help="delete an API client; its tokens stop working")
    cdelete.add_argument("--user", required=True, help="the user")
    cdelete.add_argument("id", help="the client's number (first column of `client list`)")
    cdelete.set_defaults(func=cmd_client_delete)

    digest = sub.add_parser("digest", help="the newsletter").add_subparsers(
        dest="digest_command", required=True, metavar="ACTION"
    )
    dsend = digest.add_parser("send", help="send a user's newsletter now")
    dsend.add_argument("--user", required=True)
    dsend.set_defaults(func=cmd_digest_send)
    dprev = digest.add_parser("preview", help="print a user's next newsletter (plain text)")
    dprev.add_argument("--user", required=True)
    dprev.set_defaults(func=cmd_digest_preview)

    feeds = sub.add_parser("feeds", help="the feeds a user follows").add_subparsers(
        dest="feeds_command", required=True, metavar="ACTION"
    )
    flist = feeds.add_parser("list", help="list the feeds a user follows")
    flist.add_argument("--user", required=True)
    flist.set_defaults(func=cmd_feeds_list)
    fadd = feeds.add_parser("add", help="follow a feed by its address or a site's, and check it")
    fadd.add_argument("url", metavar="URL", help="a feed's address, or a page that links its feed")
    fadd.add_argument("--user", required=True)
    fadd.add_argument("--category", default="", help="a label to file the feed under")
    fadd.set_defaults(func=cmd_feeds_add)
    fremove = feeds.add_parser("remove", help="stop following a feed")
    fremove.add_argument("feed_id", type=int, metavar="FEED_ID")
    fremove.add_argument("--user", required=True)
    fremove.set_defaults(func=cmd_feeds_remove)
    fpoll = feeds.add_parser("poll", help="check a user's feeds (or one) for new stories now")
    fpoll.add_argument("feed_id", type=int, nargs="?", metavar="FEED_ID", help="only this feed")
    fpoll.add_argument("--user", required=True)
    fpoll.add_argument(
        "--now", action="store_true", help="check here and wait, instead of asking the worker"
    )
    fpoll.set_defaults(func=cmd_feeds_poll)
    fimport = feeds.add_parser("import", help="follow every feed of an OPML file")
    fimport.add_argument("file", metavar="FILE", help="an OPML file, or - for standard input")
    fimport.add_argument("--user", required=True)
    fimport.set_defaults(func=cmd_feeds_import)
    fexport = feeds.add_parser("export", help="write the feeds a user follows as OPML")
    fexport.add_argument("--user", required=True)
    fexport.add_argument("--output", help="file to write (default: standard output)")
    fexport.set_defaults(func=cmd_feeds_export)

    topics = sub.add_parser("topics", help="the topics a user follows").add_subparsers(
        dest="topics_command", required=True, metavar="ACTION"
    )
    tlist = topics.add_parser("list", help="list the topics a user follows")
    tlist.add_argument("--user", required=True)
    tlist.set_defaults(func=cmd_topics_list)
    tadd = topics.add_parser("add", help="follow a topic: a story's key terms, or written by hand")
    tadd.add_argument("--user", required=True)
    made = tadd.add_mutually_exclusive_group(required=True)
    made.add_argument(
        "--item", type=int, metavar="ITEM_ID", help="make the topic from this saved story"
    )
    made.add_argument("--name", help="the topic's name (with --query)")
    tadd.add_argument("--query", help="the topic's terms, separated by commas (with --name)")
    tadd.set_defaults(func=cmd_topics_add)
    tshow = topics.add_parser("show", help="print a topic and the stories on it")
    tshow.add_argument("topic_id", type=int, metavar="TOPIC_ID")
    tshow.add_argument("--user", required=True)
    tshow.set_defaults(func=cmd_topics_show)
    tremove = topics.add_parser("remove", help="stop following a topic")
    tremove.add_argument("topic_id", type=int, metavar="TOPIC_ID")
    tremove.add_argument("--user", required=True)
    tremove.set_defaults(func=cmd_topics_remove)

    save = sub.add_parser("save", help="save a story for a user")
    save.add_argument("url")
    save.add_argument("--user", required=True)
    save.set_defaults(func=cmd_save)

    lst = sub.add_parser("list", help="list a user's saved items")
    lst.add_argument("--user", required=True)
    lst.add_argument("--state", choices=["unread", "archived", "all"], default="unread")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(func=cmd_list)

    exp = sub.add_parser(
        "export", help="write a user's items as JSON, CSV, bookmarks, Markdown or EPUB"
    )
    exp.add_argument("--user", required=True)
    exp.add_argument(
        "--format", choices=["csv", "json", "html", "markdown", "epub"], default="json"
    )
    exp.add_argument("--output", help="file to write (default: standard output)")
    exp.add_argument(
        "--ids", type=_ids, help="only these items, ids separated by commas (at most 200)"
    )
    exp.set_defaults(func=cmd_export)

    imp = sub.add_parser(
        "import", help="import a library export (Pocket, Instapaper, ...) into a user's list"
    )
    imp.add_argument("file", metavar="FILE", help='the exported file ("-": standard input)')
    imp.add_argument("--user", required=True)
    imp.add_argument(
        "--format",
        metavar="FORMAT",
        help="the service the file comes from (default: detected from the file); "
        "see docs/import.md for the names",
    )
    imp.set_defaults(func=cmd_import)

    ex = sub.add_parser("extract", help="print the article of an address or file without saving it")
    ex.add_argument("source", help="an http(s) address or a local HTML file")
    ex.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    ex.add_argument(
        "--url",
        metavar="BASE",
        help="the address a file was saved from: the base of its relative links and images "
        "(default: the page's own canonical address)",
    )
    ex.set_defaults(func=cmd_extract)

    rx = sub.add_parser("reextract", help="extract kept pages again with the current engine")
    rx.add_argument("--user", help="only this user's items")
    rx.set_defaults(func=cmd_reextract)

    im = sub.add_parser("images", help="store the images of older stories; delete unused ones")
    im.add_argument(
        "--backfill", action="store_true", help="store the images of stories that have none yet"
    )
    im.add_argument("--orphans", action="store_true", help="delete the stored images no story uses")
    im.add_argument("--user", help="with --backfill: only this user's stories")
    im.set_defaults(func=cmd_images)
    return p


# The status of a command whose reader went away (`broadsheet extract page.html | head`): what a
# shell reports for a program that SIGPIPE stopped, 128 + 13, as `yes | head` gives. (A number,
# not signal.SIGPIPE, which Windows lacks.)
BROKEN_PIPE_STATUS = 141


def main(argv: Sequence[str] | None = None) -> int:
    from broadsheet.environment import ConfigError

    try:
        args = build_parser().parse_args(argv)
        handler: Handler = args.func
        try:
            return handler(args)
        finally:
            sys.stdout.flush()  # here, not at exit, where a closed pipe could no longer be told
    except (ConfigError, UsageError) as exc:
        print(f"broadsheet: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped reading: not an error of ours, so no traceback. Whatever is still
        # buffered goes to /dev/null, or the interpreter's last flush would fail again.
        _stdout_to_devnull()
        return BROKEN_PIPE_STATUS


def _stdout_to_devnull() -> None:
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test's capture): nothing will flush to a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
