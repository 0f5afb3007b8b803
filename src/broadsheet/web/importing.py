"""The import pages: upload a library export (Pocket, Instapaper, ...), then watch its job.

The job page refreshes itself with `<meta http-equiv="refresh">` while the job is queued or
running (the site's CSP allows no script), then shows the report. Jobs are loaded through
core.access only; another reader's job is the same 404 as a missing one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from broadsheet.core import access, importers, services
from broadsheet.core.errors import BroadsheetError, ImportTooLarge, NotFound
from broadsheet.core.models import ImportJob

# Seconds between two refreshes of a job's page while it runs.
REFRESH_SECONDS = 2
# Room for the form's other fields and the multipart framing around the file.
_FORM_SLACK = 64 * 1024
RECENT_JOBS = 10


def _formats() -> list[tuple[str, str]]:
    return [(name, importers.reader(name).label) for name in importers.formats()]


def _form(
    request: HttpRequest, *, error: str = "", chosen: str = "", status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "formats": _formats(),
        "chosen": chosen,
        "error": error,
        "jobs": list(access.import_jobs_of(request.user)[:RECENT_JOBS]),
        "max_bytes": settings.BROADSHEET_IMPORT_MAX_BYTES,
    }
    return render(request, "broadsheet/import.html", context, status=status)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form(request)
    limit = settings.BROADSHEET_IMPORT_MAX_BYTES
    if _declared_length(request) > limit + _FORM_SLACK:
        # Refused from its Content-Length, before the body is read.
        return _form(request, error=ImportTooLarge(limit).message, status=413)
    try:
        chosen = request.POST.get("format", "")
        upload = request.FILES.get("file")
    except RequestDataTooBig:
        return _form(request, error=ImportTooLarge(limit).message, status=413)
    if upload is None:
        return _form(request, error="Choose the file to import.", chosen=chosen, status=400)
    try:
        job = services.start_import(request.user, upload, format=chosen or None)  # type: ignore[arg-type]
    except BroadsheetError as exc:
        return _form(request, error=exc.message, chosen=chosen, status=exc.status)
    return redirect("web:import-job", job_id=job.pk)


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        job = access.import_job_for(request.user, job_id)
    except NotFound:
        return render(request, "broadsheet/not_found.html", {"reason": ""}, status=404)
    running = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    label = job.format
    if job.format in importers.formats():
        label = importers.reader(job.format).label
    context = {
        "job": job,
        "running": running,
        "refresh": REFRESH_SECONDS,
        "label": label,
        "percent": round(100 * job.read_bytes / job.size) if job.size else 0,
        "hidden": max(0, job.invalid + (1 if job.over_limit else 0) - len(job.problems)),
    }
    response = render(request, "broadsheet/import_job.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
