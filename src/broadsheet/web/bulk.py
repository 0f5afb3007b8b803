"""Bulk actions on the list and search pages: the ticked stories archived, starred, tagged or
deleted at once (with an Undo for a delete), without script: the checkboxes belong to one form
(`form="bulk"`) that sits above the list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from broadsheet.core import services, tagging
from broadsheet.core.errors import BroadsheetError
from broadsheet.web import notices
from broadsheet.web.views import local_path


def _stories(n: int) -> str:
    return "1 story" if n == 1 else f"{n} stories"


def _tags(raw: str) -> list[str]:
    return [t for t in (part.strip() for part in raw.split(",")) if t]


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("ids")
    action = request.POST.get("action", "")
    back = local_path(request.POST.get("next", "")) or reverse("web:unread")
    if not ids:
        messages.error(request, "Tick at least one story first.")
        return HttpResponseRedirect(back)
    user = request.user
    try:
        if action in ("archive", "unarchive"):
            n = services.archive_items(user, ids, action == "archive")
            done = "Archived" if action == "archive" else "Moved back to unread"
            messages.success(request, f"{done}: {_stories(n)}.")
        elif action in ("star", "unstar"):
            n = services.star_items(user, ids, action == "star")
            done = "Starred" if action == "star" else "No longer starred"
            messages.success(request, f"{done}: {_stories(n)}.")
        elif action in ("tag", "untag"):
            tags = _tags(request.POST.get("tags", ""))
            if not tags:
                messages.error(request, "Write the tags in the box beside the action.")
                return HttpResponseRedirect(back)
            if action == "tag":
                n = tagging.add_tags(user, ids, tags)
                messages.success(request, f"Tagged {_stories(n)} {', '.join(tags)}.")
            else:
                n = tagging.remove_tags(user, ids, tags)
                messages.success(request, f"Took {', '.join(tags)} off {_stories(n)}.")
        elif action == "delete":
            gone = services.delete_items(user, ids)
            notices.add(
                request,
                messages.SUCCESS,
                "deleted_many",
                f"Deleted {_stories(len(gone))}.",
                item_ids=tuple(gone),
            )
        elif action == "restore":
            restored = services.restore_items(user, ids)
            messages.success(request, f"Restored {_stories(restored.restored)}.")
            for reason in restored.refused:
                messages.error(request, f"Some stayed in the trash: {reason}")
        else:
            messages.error(request, "Choose what to do with the ticked stories.")
    except BroadsheetError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(back)
