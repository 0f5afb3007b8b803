"""Highlights on the pages, and the reader view's reading position.

The reader view's script (static/broadsheet/reader.js) posts to these forms, as a reader without
script does: same origin, Django's CSRF token from the form, the session's login. The API keeps
bearer tokens only (see docs/security.md).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from broadsheet.core import access, highlighting, queries, services
from broadsheet.core.errors import BroadsheetError, NotFound
from broadsheet.core.models import NOTE_MAX_CHARS
from broadsheet.web.views import _not_found, local_path


def _number(raw: str | None) -> int | None:
    """A form's offset: a whole number, or None when left empty or not one (a hint only)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def _item_page(item_id: int, anchor: str) -> str:
    return reverse("web:item", args=[item_id]) + anchor


@login_required
@require_POST
def highlight_add(request: HttpRequest, item_id: int) -> HttpResponse:
    """Highlight a passage: from the reader view's selection (the script fills the form) or
    typed into the form under the story."""
    form = request.POST
    try:
        highlight = highlighting.add_highlight(
            request.user,
            item_id,
            form.get("quote", ""),
            prefix=form.get("prefix", ""),
            suffix=form.get("suffix", ""),
            start=_number(form.get("start")),
            end=_number(form.get("end")),
            note=form.get("note", ""),
        )
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(_item_page(item_id, "#highlights"))
    messages.success(request, "Highlighted. Only you can see it.")
    return HttpResponseRedirect(_item_page(item_id, f"#hl-{highlight.pk}"))


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(local_path(request.POST.get("next", "")) or fallback)


@login_required
@require_POST
def highlight_edit(request: HttpRequest, highlight_id: int) -> HttpResponse:
    try:
        highlight = highlighting.update_highlight(
            request.user, highlight_id, request.POST.get("note", "")
        )
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return _back(request, reverse("web:highlights"))
    messages.success(request, "Note changed." if highlight.note else "Note removed.")
    return _back(request, _item_page(highlight.item_id, "#highlights"))


@login_required
@require_POST
def highlight_delete(request: HttpRequest, highlight_id: int) -> HttpResponse:
    try:
        highlight = access.highlight_for(request.user, highlight_id)
        highlighting.delete_highlight(request.user, highlight_id)
    except NotFound:
        return _not_found(request)
    messages.success(request, "Highlight deleted.")
    return _back(request, _item_page(highlight.item_id, "#highlights"))


@login_required
@require_GET
def highlights_page(request: HttpRequest) -> HttpResponse:
    """Every passage the reader highlighted, newest first, each with its story."""
    qs = access.highlights_of(request.user).select_related("item").order_by("-created_at", "-id")
    page = Paginator(qs, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "broadsheet/highlights.html",
        {"page": page, "tab": "highlights", "note_max": NOTE_MAX_CHARS},
    )


def _reported_at(request: HttpRequest) -> datetime | None:
    """When the reader was at that place: `?at=` (milliseconds since 1970), which the service
    worker adds to a report it kept offline and sends later; never later than now. None (now)
    without it."""
    try:
        millis = int(request.GET.get("at", ""))
    except ValueError:
        return None
    now = timezone.now()
    try:
        when = datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return min(when, now)


@login_required
@require_POST
def progress(request: HttpRequest, item_id: int) -> HttpResponse:
    """The reader view's script reports how far the reader is (0 to 1 of the story): 204, or
    404 / 422 as plain text."""
    try:
        share = float(request.POST.get("progress", ""))
    except ValueError:
        return HttpResponse(
            "Reading progress is a number from 0 to 1.",
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    try:
        services.set_progress(request.user, item_id, share, at=_reported_at(request))
    except NotFound:
        return HttpResponse("Not found.", status=404, content_type="text/plain; charset=utf-8")
    except BroadsheetError as exc:
        return HttpResponse(exc.message, status=422, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=204)
