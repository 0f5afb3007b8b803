"""Writing a library import: the stream of `importers.Record`s a reader yields, into the
reader's list.

Rows go in batches, each batch one transaction: an interrupted import leaves whole batches,
never half a row (a story, its tags, notes and highlights go in together). Per batch the
profile is locked as `services.save_item` locks it, so the saved-item limit holds beside saves
running at the same time; a story the reader already has (by canonical address, as a save
compares them) or that came earlier in the same file counts as already there. A row with the
story's content (an Omnivore or wallabag export) is stored ready, its HTML sanitised, and never
fetched; a row without is stored pending with no task (`task_token` empty), and the worker's
`enqueue.sweep_imported` hands those out a few a minute (BROADSHEET_IMPORT_FETCH_RATE), hosts
taken in turn, so 100,000 imported stories never flood the queue nor a site.

Inside core this module sits beside the task layer: `tasks.run_import` calls it, and it imports
neither `services` nor `enqueue` (the one-way rule of pyproject.toml's import contracts).
"""

from __future__ import annotations

import logging
import math
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import islice
from typing import IO, Any, BinaryIO, cast

import lxml.html
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from broadsheet import extract
from broadsheet.core import access, importers, profiles, search_index, tagging
from broadsheet.core.canonical import address_hash, canonicalize, normalize_input, site_host
from broadsheet.core.errors import (
    BroadsheetError,
    ImportFormatUnknown,
    InvalidInput,
    InvalidURL,
    UnreadableImport,
)
from broadsheet.core.importers import HighlightRecord, Invalid, Record
from broadsheet.core.models import (
    HIGHLIGHT_CONTEXT_CHARS,
    HIGHLIGHT_QUOTE_MAX_CHARS,
    HIGHLIGHTS_PER_ITEM_MAX,
    NOTE_MAX_CHARS,
    NOTES_PER_ITEM_MAX,
    RATING_MAX,
    RATING_MIN,
    TAGS_PER_ITEM_MAX,
    Fold,
    Highlight,
    ImportJob,
    Item,
    ItemTag,
    Note,
)
from broadsheet.core.processing import fingerprint
from broadsheet.core.text_input import CONTROL
from broadsheet.extract.article import reading_minutes

log = logging.getLogger("broadsheet.import")

# The report keeps this many problems (each counted, all of them).
MAX_PROBLEMS = 500
# How much of a file the format detection reads.
SNIFF_BYTES = 64 * 1024
BATCH = 1000


@dataclass
class ImportReport:
    """What an import did so far (and at the end): every row read is counted once, in one of
    `imported`, `existing` (the reader had it, or it came earlier in the file), `over_limit`
    or `invalid`. `problems` holds the first MAX_PROBLEMS skipped rows with their line."""

    rows: int = 0
    imported: int = 0
    existing: int = 0
    over_limit: int = 0
    invalid: int = 0
    problems: list[Invalid] = field(default_factory=list)
    # Bytes of the file read so far (set by import_file, for progress bars).
    read_bytes: int = 0
    # The limit that stopped rows, once one did: its problem is reported once, at the end.
    _limit: int | None = field(default=None, repr=False)

    def problem(self, line: int, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Invalid(line, reason))

    def limit_message(self) -> str:
        """The over-the-limit sentence of the contract, with how many stories it left out."""
        assert self._limit is not None
        n = self.over_limit
        stories = "story was" if n == 1 else "stories were"
        return f"You reached the limit of {self._limit} saved items: {n:,} {stories} not imported."


# --- cleaning what a reader read ------------------------------------------------------------------


def _clip(value: str | None, limit: int) -> str:
    """Imported text on one line, control characters gone, cut to the column's length."""
    if not value:
        return ""
    return " ".join(value.translate(CONTROL).split())[:limit]


def _tags(names: Iterable[str]) -> list[str]:
    """A row's tags as tag names (tagging.clean_tag), each once: a comma splits a name, a name
    that still cannot be a tag is left out, at most TAGS_PER_ITEM_MAX of them."""
    out: dict[str, str] = {}
    for raw in names:
        for part in str(raw).split(","):
            try:
                name = tagging.clean_tag(part.strip())
            except InvalidInput:
                continue
            out.setdefault(tagging.tag_key(name), name)
            if len(out) >= TAGS_PER_ITEM_MAX:
                return list(out.values())
    return list(out.values())


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value


_BLOCKS = (
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "figcaption",
    "dt",
    "dd",
    "tr",
    "div",
    "section",
    "article",
    "figure",
)
_PARAGRAPH = re.compile(r"\n\s*\n")


def text_of(html: str) -> str:
    """The plain text of sanitised article HTML: one paragraph a block, blank lines between
    (what the engine's Article.text looks like)."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    for el in root.iter(*_BLOCKS):
        el.tail = "\n\n" + (el.tail or "")
        el.text = "\n\n" + (el.text or "")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH.split(root.text_content()))
    return "\n\n".join(p for p in paragraphs if p)


def _paragraphs_html(text: str) -> str:
    """Plain text an export gave instead of HTML, as paragraphs (escaped by lxml)."""
    from lxml.html import builder

    parts = [p.strip() for p in _PARAGRAPH.split(text) if p.strip()]
    return "".join(
        lxml.html.tostring(builder.P(" ".join(p.split())), encoding="unicode") for p in parts
    )


@dataclass
class _Row:
    record: Record
    address: str
    canonical: str


def _content(item: dict[str, Any], record: Record) -> None:
    """Store the story's content that the export carried: sanitised (the sanitiser runs last,
    whatever the source), with the text and counts the engine would give. Not fetched."""
    html = record.html if record.html else None
    if html is None and record.text and record.text.strip():
        html = _paragraphs_html(record.text)
    if html is None:
        return
    try:
        clean = extract.sanitize_html(html, base_url=item["url"])
    except extract.ExtractError:
        clean = ""
    text = text_of(clean) if clean else (record.text or "").strip()
    if not clean and not text:
        return
    words = len(text.split())
    item["html"] = clean
    item["text"] = text
    item["word_count"] = words
    item["reading_minutes"] = reading_minutes(words)
    item["fingerprint"] = fingerprint(text)
    item["status"] = Item.Status.READY


def _item(user_id: int, row: _Row, now: datetime) -> dict[str, Any]:
    """The new item's columns (by attname; the others take their defaults in `_insert`)."""
    r = row.record
    saved_at = _aware(r.saved_at) or now
    progress = r.progress if r.progress is not None and math.isfinite(r.progress) else 0.0
    progress = min(1.0, max(0.0, progress))
    rating = r.rating if r.rating is not None and RATING_MIN <= r.rating <= RATING_MAX else None
    favorited_at = r.extra.get("favorited_at")
    item = dict(
        user_id=user_id,
        url=row.address,
        url_hash=address_hash(row.address),
        canonical_url=row.canonical,
        host=site_host(row.address),
        status=Item.Status.PENDING,
        title=_clip(r.title, 1000),
        summary=(r.summary or "").translate(CONTROL).strip(),
        byline=_clip(r.byline, 500),
        agency=_clip(str(r.extra.get("agency") or ""), 200),
        site_name=_clip(r.site_name, 300),
        language=_clip(r.language, 32),
        published=_aware(r.published),
        saved_at=saved_at,
        archived=r.archived,
        archived_at=(_aware(r.archived_at) or saved_at) if r.archived else None,
        favorite=r.favorite,
        favorited_at=(
            (_aware(favorited_at) if isinstance(favorited_at, datetime) else saved_at)
            if r.favorite
            else None
        ),
        progress=progress,
        progress_at=saved_at if progress else None,
        rating=rating,
        rated_at=saved_at if rating is not None else None,
        # No task yet: enqueue.sweep_imported hands imported stories out at a polite rate.
        task_token="",
    )
    _content(item, r)
    return item


def _aligned(value: object, n: int) -> list[Any]:
    """An `extra` list that goes with the record's notes or highlights, one for each (Nones
    when it is missing or does not match)."""
    if isinstance(value, list | tuple) and len(value) == n:
        return list(value)
    return [None] * n


def _highlight(
    user_id: int, item_id: int, h: HighlightRecord, now: datetime, offsets: object = None
) -> dict[str, Any] | None:
    quote = (h.quote or "").translate(CONTROL).strip()
    if not quote:
        return None
    start = end = None
    if isinstance(offsets, list | tuple) and len(offsets) == 2:
        a, b = offsets
        if isinstance(a, int) and isinstance(b, int) and 0 <= a <= b:
            start, end = a, b
    return dict(
        start=start,
        end=end,
        user_id=user_id,
        item_id=item_id,
        quote=quote[:HIGHLIGHT_QUOTE_MAX_CHARS],
        prefix=(h.prefix or "").translate(CONTROL)[-HIGHLIGHT_CONTEXT_CHARS:],
        suffix=(h.suffix or "").translate(CONTROL)[:HIGHLIGHT_CONTEXT_CHARS],
        note=(h.note or "").translate(CONTROL).strip()[:NOTE_MAX_CHARS],
        created_at=_aware(h.created_at) or now,
    )


# --- writing --------------------------------------------------------------------------------------


def _already_had(user: AbstractBaseUser, canonicals: list[str]) -> set[str]:
    """Which of these addresses the reader has already (services._existing_item_id, for many):
    an item's address or its page's canonical one, or an address folded into an item."""
    mine = access.items_of(user).order_by()
    found: set[str] = set(
        mine.filter(canonical_url__in=canonicals).values_list("canonical_url", flat=True)
    )
    found.update(
        mine.filter(page_canonical_url__in=canonicals).values_list("page_canonical_url", flat=True)
    )
    folds = Fold.objects.filter(user_id=user.pk)
    if folds.exists():  # (most readers have none: spare the query of a thousand addresses)
        folded = folds.filter(url__in=canonicals, into__deleted_at__isnull=True)
        found.update(folded.order_by().values_list("url", flat=True))
    return found


def _write_batch(
    user: AbstractBaseUser, rows: list[_Row], seen: set[str], report: ImportReport
) -> None:
    """One batch in one transaction: the rows that are new and fit under the limit."""
    user_id = user.pk
    assert isinstance(user_id, int)
    now = timezone.now()
    with transaction.atomic():
        profile = profiles.locked(user)
        had = _already_had(user, [r.canonical for r in rows]) if rows else set()
        fresh: list[_Row] = []
        for row in rows:
            if row.canonical in had or row.canonical in seen:
                report.existing += 1
                continue
            seen.add(row.canonical)
            fresh.append(row)
        limit = profile.quota
        if limit is not None:
            room = max(0, limit - access.items_of(user).count())
            if len(fresh) > room:
                report.over_limit += len(fresh) - room
                report._limit = limit
                for row in fresh[room:]:
                    seen.discard(row.canonical)
                fresh = fresh[:room]
        if not fresh:
            return
        canonicals = [r.canonical for r in fresh]
        # (user, canonical_url) stays unique with the trash in it: a trashed copy goes, as a
        # save of the same address would purge it.
        trash = Item.objects.filter(user_id=user_id, deleted_at__isnull=False)
        if trash.exists():
            trash.filter(canonical_url__in=canonicals).delete()
        items = [_item(user_id, row, now) for row in fresh]
        _insert(Item, items, now)
        ids = dict(
            Item.objects.filter(
                user_id=user_id, canonical_url__in=canonicals, deleted_at__isnull=True
            ).values_list("canonical_url", "id")
        )
        item_ids = [ids[item["canonical_url"]] for item in items]
        _children(user, fresh, item_ids, now)
        search_index.refresh_on_commit(item_ids)
        report.imported += len(items)


def _children(user: AbstractBaseUser, rows: list[_Row], item_ids: list[int], now: datetime) -> None:
    """The tags, notes and highlights of a batch's new items, in bulk."""
    user_id = user.pk
    assert isinstance(user_id, int)
    names = [_tags(row.record.tags) for row in rows]
    tags = tagging.tags_by_key(user, [n for ns in names for n in ns])
    links = [
        {"item_id": item_id, "tag_id": tags[key].pk}
        for item_id, ns in zip(item_ids, names, strict=True)
        for key in dict.fromkeys(tagging.tag_key(n) for n in ns)
        if key in tags
    ]
    _insert(ItemTag, links, now)
    notes: list[dict[str, Any]] = []
    highlights: list[dict[str, Any]] = []
    for row, item_id in zip(rows, item_ids, strict=True):
        record = row.record
        # Beside the note's text and the highlight's selector, an export of ours carries the
        # notes' dates and the highlights' offsets in `extra` (importers.broadsheet_json).
        dates = _aligned(record.extra.get("note_dates"), len(record.notes))
        for text, date in islice(zip(record.notes, dates, strict=True), NOTES_PER_ITEM_MAX):
            clean = (text or "").translate(CONTROL).strip()
            if clean:
                note = {"user_id": user_id, "item_id": item_id, "text": clean[:NOTE_MAX_CHARS]}
                if isinstance(date, datetime):
                    note["created_at"] = _aware(date)
                notes.append(note)
        offsets = _aligned(record.extra.get("highlight_offsets"), len(record.highlights))
        marked = (
            _highlight(user_id, item_id, h, now, at)
            for h, at in zip(record.highlights, offsets, strict=True)
        )
        highlights.extend(h for h in islice(marked, HIGHLIGHTS_PER_ITEM_MAX) if h is not None)
    _insert(Note, notes, now)
    _insert(Highlight, highlights, now)


# Fields whose Python value is what the database stores, on SQLite and PostgreSQL alike.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.FloatField,
    models.ForeignKey,
)


def _insert(model: type[models.Model], rows: list[dict[str, Any]], now: datetime) -> None:
    """INSERT new rows (their columns by attname) with one executemany. An import writes tens of
    thousands of rows, and the ORM's model instances and bulk_create (which compiles a
    statement every 22 rows on SQLite, for its 999 parameters, and prepares every value through
    its field) are several times slower. The values stored are the ones bulk_create would store:
    a column not given takes its field's default, auto_now dates are `now`, dates are adapted
    by the backend. Like bulk_create, no signals."""
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns: list[tuple[str, Any, Callable[[Any], Any] | None]] = []
    for f in fields:
        convert: Callable[[Any], Any] | None = None
        default = f.get_default()
        if isinstance(f, models.DateTimeField):
            convert = ops.adapt_datetimefield_value
            if f.auto_now or f.auto_now_add:
                default = now  # (a date the row brings, a note's from an export, is kept)
        elif not isinstance(f, _AS_IS):
            convert = partial(_prepared, f)
        columns.append((f.attname, default, convert))
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608  (names from the model)
    values = [
        [
            row.get(name, default) if convert is None else convert(row.get(name, default))
            for name, default, convert in columns
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _prepared(field: models.Field[Any, Any], value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def _chunks(entries: Iterable[Record | Invalid], size: int) -> Iterator[list[Record | Invalid]]:
    it = iter(entries)
    while chunk := list(islice(it, size)):
        yield chunk


def import_records(
    user: AbstractBaseUser,
    entries: Iterable[Record | Invalid],
    *,
    on_progress: Callable[[ImportReport], None] | None = None,
    batch: int = BATCH,
) -> ImportReport:
    """Write what a reader read into the user's list, `batch` rows a transaction; call
    `on_progress` after each batch has committed. Returns the report (see ImportReport)."""
    report = ImportReport()
    seen: set[str] = set()
    for chunk in _chunks(entries, max(1, batch)):
        rows: list[_Row] = []
        for entry in chunk:
            report.rows += 1
            if isinstance(entry, Invalid):
                report.invalid += 1
                report.problem(entry.line, entry.reason)
                continue
            try:
                address = normalize_input(entry.url)
                canonical = canonicalize(address, normalized=True)
            except InvalidURL as exc:
                report.invalid += 1
                report.problem(entry.line, exc.message)
                continue
            rows.append(_Row(entry, address, canonical))
        _write_batch(user, rows, seen, report)
        if on_progress is not None:
            on_progress(report)
    if report.over_limit:
        # Once, at the end, with the whole count; first in the list, where it is seen.
        limit = Invalid(0, report.limit_message())
        report.problems.insert(0, limit)
        del report.problems[MAX_PROBLEMS:]
    return report


def pending_count(user: AbstractBaseUser) -> int:
    """The reader's imported stories still waiting for their first fetch."""
    return access.items_of(user).filter(status=Item.Status.PENDING, task_token="").count()


# --- files ----------------------------------------------------------------------------------------


def reader_for(head: bytes, name: str, format: str | None) -> importers.Reader:
    """The reader of this format's name, or the one whose sniffer knows the file; a typed error
    listing the formats otherwise."""
    names = importers.formats()
    if format:
        try:
            return importers.reader(format)
        except KeyError:
            raise ImportFormatUnknown(names, given=format) from None
    found = importers.detect(head, name)
    if found is None:
        raise ImportFormatUnknown(names)
    return found


def detect_format(fileobj: IO[bytes], name: str, format: str | None = None) -> str:
    """The format's name for this file (reading its first 64 KiB; the file is rewound)."""
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    return reader_for(head, name, format).name


def _position(fileobj: IO[bytes]) -> int:
    try:
        return max(0, fileobj.tell())
    except (OSError, ValueError):
        return 0


def import_file(
    user: AbstractBaseUser,
    fileobj: BinaryIO,
    name: str,
    *,
    format: str | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import a library export. The format is detected from the file's first 64 KiB and name
    when not given. Raises ImportFormatUnknown (with the formats' names) or UnreadableImport;
    the batches written before a file turns out unreadable half-way stay."""
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    reader = reader_for(head, name, format)
    furthest = 0

    def progress(report: ImportReport) -> None:
        nonlocal furthest
        furthest = max(furthest, _position(fileobj))
        report.read_bytes = furthest
        if on_progress is not None:
            on_progress(report)

    try:
        return import_records(user, reader.read(fileobj, name), on_progress=progress)
    except importers.UnreadableFile as exc:
        raise UnreadableImport(str(exc) or f"This file cannot be read as {reader.label}.") from exc


# --- the background job ---------------------------------------------------------------------------

CRASHED = "Something went wrong while importing this file. It was logged; try again later."


def _problems(report: ImportReport) -> list[dict[str, Any]]:
    return [{"line": p.line, "reason": p.reason} for p in report.problems]


# A run that has written no counters for this long is taken for dead (a worker stopped during
# it): `enqueue.sweep_stuck_imports` starts the job again, IMPORT_ATTEMPTS runs at most. A batch
# of BATCH rows takes seconds.
IMPORT_STALE_AFTER = timedelta(minutes=10)
IMPORT_ATTEMPTS = 3
STOPPED = (
    "The import stopped {n} times before it was done (the worker was stopped during it). "
    "The stories it had added are kept; upload the file again for the rest."
)


class _Superseded(Exception):
    """This run no longer holds its job: the sweeper took it for dead and started another."""


def _counters(job: ImportJob, report: ImportReport) -> dict[str, Any]:
    read = min(job.size, report.read_bytes) if job.size else report.read_bytes
    return {
        "read_bytes": read,
        "rows": report.rows,
        "imported": report.imported,
        "existing": report.existing,
        "over_limit": report.over_limit,
        "invalid": report.invalid,
        "problems": _problems(report),
    }


def _beat(job: ImportJob, token: str, report: ImportReport) -> None:
    """Write the counters, and so show the run is alive; only while this run holds the job."""
    held = ImportJob.objects.filter(
        pk=job.pk, run_token=token, status=ImportJob.Status.RUNNING
    ).update(**_counters(job, report), heartbeat_at=timezone.now())
    if held != 1:
        raise _Superseded()


def run_job(job_id: int) -> str:
    """The body of `tasks.run_import`: run a queued import once. A job that is already running
    or finished (a second delivery of the task) is left alone. Counters are written once a
    batch, under the run's token; the stored upload is deleted at the end, whatever happened,
    unless the sweeper gave the job to another run meanwhile (this one then stops at its next
    batch and leaves the job to it)."""
    token = str(uuid.uuid4())
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        run_token=token,
        attempts=F("attempts") + 1,
    )
    if claimed != 1:
        return "skipped"
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    outcome = ImportJob.Status.FAILED
    error = ""
    try:
        with default_storage.open(job.upload, "rb") as stored:
            report = import_file(
                job.user,
                cast(BinaryIO, stored),
                job.filename,
                format=job.format or None,
                on_progress=lambda r: _beat(job, token, r),
            )
        report.read_bytes = job.size
        _beat(job, token, report)
        outcome = ImportJob.Status.DONE
        log.info(
            "import %s: done, %d rows: %d imported, %d already there, %d over the limit, "
            "%d invalid",
            job_id,
            report.rows,
            report.imported,
            report.existing,
            report.over_limit,
            report.invalid,
        )
    except _Superseded:
        log.warning("import %s: another run has it now; this one stops", job_id)
        return "superseded"
    except BroadsheetError as exc:
        error = exc.message[:500]
        log.info("import %s: failed, %s: %s", job_id, exc.code, exc.message)
    except FileNotFoundError:
        error = "The uploaded file is gone; upload it again."
        log.warning("import %s: failed, its upload %s is missing", job_id, job.upload)
    except Exception:
        error = CRASHED
        log.exception("import %s: crashed", job_id)
        _finish(job, token, ImportJob.Status.FAILED, error)
        raise
    _finish(job, token, outcome, error)
    return outcome.value


def _finish(job: ImportJob, token: str, status: str, error: str) -> bool:
    """End the job (only while run `token` holds it) and delete its upload. Whether it was
    ended here."""
    held = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING, run_token=token)
    ended = held.update(
        status=status, error=error, upload="", run_token="", finished_at=timezone.now()
    )
    if ended and job.upload:
        try:
            default_storage.delete(job.upload)
        except OSError:
            log.warning("import %s: could not delete its upload %s", job.pk, job.upload)
    return bool(ended)


def stuck_jobs(now: datetime) -> list[ImportJob]:
    """Running imports whose run has written nothing for IMPORT_STALE_AFTER."""
    stale = now - IMPORT_STALE_AFTER
    return list(
        ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
            models.Q(heartbeat_at__lt=stale)
            | models.Q(heartbeat_at__isnull=True, started_at__lt=stale)
        )[:50]
    )


def restart_or_give_up(job: ImportJob) -> bool:
    """A stuck import: back to the queue with a new run to come (True: enqueue it), or, after
    IMPORT_ATTEMPTS runs, failed with STOPPED (the stories it added stay). Only if no run has
    written to it since it was found stuck."""
    still = ImportJob.objects.filter(
        pk=job.pk,
        status=ImportJob.Status.RUNNING,
        run_token=job.run_token,
        heartbeat_at=job.heartbeat_at,
    )
    if job.attempts >= IMPORT_ATTEMPTS or not job.upload:
        if still.exists():
            reason = STOPPED.format(n=job.attempts) if job.upload else CRASHED
            _finish(job, job.run_token, ImportJob.Status.FAILED, reason)
            log.warning("import %s: stopped %d times; failed", job.pk, job.attempts)
        return False
    requeued = still.update(status=ImportJob.Status.QUEUED, run_token="", heartbeat_at=None)
    if requeued:
        log.warning("import %s: its run stopped; starting it again", job.pk)
    return bool(requeued)
