"""Pages. Every write goes through core.services, every row through core.access."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode, urlsplit

from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from broadsheet.core import (
    access,
    auth,
    export,
    following,
    highlighting,
    images,
    newsletter,
    queries,
    ratelimit,
    related,
    schedule,
    services,
    tagging,
)
from broadsheet.core.canonical import NO_ADDRESS
from broadsheet.core.errors import (
    AlreadySaved,
    BroadsheetError,
    NotFound,
    QuotaExceeded,
    RateLimited,
)
from broadsheet.core.models import (
    HIGHLIGHT_QUOTE_MAX_CHARS,
    NOTE_MAX_CHARS,
    RATING_MAX,
    RATING_MIN,
    ActionLink,
)
from broadsheet.web import bookmarklet, feed, headers, notices, offline
from broadsheet.web.forms import PasswordChangeForm, SaveForm, SignupForm, TokenForm

SAVED = "This item has been saved to read later from any device."
TOO_LATE = "This item was deleted for good; it can no longer be restored."
# A message, not a secret.
PASSWORD_CHANGED = (
    "Your password was changed. Your API tokens were revoked; make new ones on this page."  # noqa: S105
)


def _not_found(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "broadsheet/not_found.html", {"reason": reason}, status=404)


# The list's orders, as the sort menu names them (queries.Sort).
SORTS: dict[str, str] = {
    "saved": "Newest saved",
    "oldest": "Oldest saved",
    "published": "Newest published",
    "reading_time": "Shortest read",
    "site": "Site, A to Z",
}


def _list(
    request: HttpRequest,
    state: queries.State,
    template_tab: str,
    *,
    favorite: bool | None = None,
    offline: bool = False,
) -> HttpResponse:
    """A list page: one state (and starred only, for the Starred tab), narrowed to one tag by
    `?tag=`, in the order `?sort=` names (an unknown one is the default)."""
    tag = " ".join(request.GET.get("tag", "").split())[:100] or None
    site = "".join(request.GET.get("site", "").split())[:255] or None
    asked = request.GET.get("sort", "saved")
    sort = cast("queries.Sort", asked if asked in SORTS else "saved")
    qs = queries.items(request.user, state, tag=tag, favorite=favorite, site=site, sort=sort)
    paginator = Paginator(qs.prefetch_related("tags"), queries.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    folds = queries.unseen_folds(request.user)
    if folds:
        services.mark_folds_seen(request.user)
    kept = {
        k: v
        for k, v in (("tag", tag), ("site", site), ("sort", sort if sort != "saved" else None))
        if v
    }
    return render(
        request,
        "broadsheet/list.html",
        {
            "page": page,
            "tab": template_tab,
            "folds": folds,
            "rating_choices": range(RATING_MIN, RATING_MAX + 1),
            "tag": tag,
            "site": site,
            "sort": sort,
            "sorts": SORTS.items(),
            "page_query": urlencode(kept),
            "offline_script": offline,
        },
    )


@login_required
@require_GET
@offline.keeps_messages
def unread(request: HttpRequest) -> HttpResponse:
    """The unread list; it registers the service worker that keeps it offline (web.offline)."""
    response = _list(request, "unread", "unread", offline=True)
    response["Content-Security-Policy"] = headers.LIST_CSP
    return response


@login_required
@require_GET
def starred(request: HttpRequest) -> HttpResponse:
    return _list(request, "all", "starred", favorite=True)


@login_required
@require_GET
def archived(request: HttpRequest) -> HttpResponse:
    return _list(request, "archived", "archive")


def _save_result(request: HttpRequest, url: str) -> HttpResponse:
    """The bookmarklet's save: a page of its own (the reader came from another site, so there is
    no page of ours to go back to), answering 201 or 409 with the contract's words."""
    context: dict[str, Any] = {"url": url}
    try:
        item = services.save_item(request.user, url)  # type: ignore[arg-type]
    except QuotaExceeded as exc:
        context.update(outcome="quota", message=exc.message)
        return render(request, "broadsheet/save_result.html", context, status=409)
    except AlreadySaved as exc:
        context.update(outcome="already", message=exc.message, item_id=exc.item_id)
        return render(request, "broadsheet/save_result.html", context, status=409)
    except BroadsheetError as exc:
        context.update(outcome="invalid", message=exc.message, form=SaveForm(initial={"url": url}))
        return render(request, "broadsheet/save_result.html", context, status=422)
    context.update(outcome="saved", item=item)
    return render(request, "broadsheet/save_result.html", context, status=201)


def _invalid_save(request: HttpRequest, message: str, typed: str) -> HttpResponse:
    """Not an address: the form again, with what the reader typed, to fix it (422)."""
    context = {
        "outcome": "invalid",
        "message": message,
        "form": SaveForm(initial={"url": typed}),
        "back": _back(request),
    }
    return render(request, "broadsheet/save_result.html", context, status=422)


def local_path(url: str) -> str:
    """`url` if it is a path on this site (not `//host`, no backslash tricks), else ""."""
    local = url.startswith("/") and not url.startswith("//") and "\\" not in url
    return url if local and url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


def _back(request: HttpRequest) -> str:
    """Where the reader was when they pressed `Save for later`: the form's `next` if it is a path
    of this site, else the Referer if it is this site, else the list. Never the save page
    (nor the share page)."""
    referer = request.headers.get("Referer", "")
    from_referer = ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        from_referer = parts.path + (f"?{parts.query}" if parts.query else "")
    # Not the pages that asked "Save this story?" (the bookmarklet's, the share target's).
    asking = (reverse("web:save"), reverse("web:share"))
    for candidate in (local_path(request.POST.get("next", "")), local_path(from_referer)):
        if candidate and not candidate.startswith(asking):
            return candidate
    return reverse("web:unread")


def _save_and_go_back(request: HttpRequest, url: str) -> HttpResponse:
    """The form's save: back where the reader was (303), the outcome shown there as a message."""
    try:
        item = services.save_item(request.user, url)  # type: ignore[arg-type]
    except QuotaExceeded as exc:
        notices.add(request, messages.ERROR, "quota", exc.message)
    except AlreadySaved as exc:
        notices.add(request, messages.ERROR, "already", exc.message, item_id=exc.item_id)
    except BroadsheetError as exc:
        return _invalid_save(request, exc.message, url)
    else:
        notices.add(request, messages.SUCCESS, "saved", SAVED, item_id=item.pk)
    return HttpResponseRedirect(_back(request), status=303)


@require_http_methods(["GET", "POST"])
def save(request: HttpRequest) -> HttpResponse:
    """POST from the `Save for later` form; GET from the bookmarklet (signed save-only key)."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('web:login')}?next=/")
        form = SaveForm(request.POST)
        if not form.is_valid():
            typed = str(request.POST.get("url", ""))
            return _invalid_save(request, str(form.errors.get("url", [NO_ADDRESS])[0]), typed)
        return _save_and_go_back(request, form.cleaned_data["url"])
    url = request.GET.get("url", "")
    key = request.GET.get("k", "")
    if request.user.is_authenticated and key and bookmarklet.valid_for(key, request.user):
        return _save_result(request, url)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('web:login')}?next={request.get_full_path()}")
    # Without a valid key, ask: a link elsewhere must not save into the reader's list by itself.
    return render(request, "broadsheet/save_confirm.html", {"form": SaveForm(initial={"url": url})})


@login_required
@require_GET
def wallabag_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """`/view/<id>`, where wallabag apps send a reader to a story in the browser."""
    try:
        item = access.item_for(request.user, item_id)
    except NotFound:
        return _not_found(request)
    return redirect("web:item", item_id=item.pk)


@login_required
@require_GET
@offline.keeps_messages
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        item = access.item_for(request.user, item_id)
    except NotFound:
        fold = access.fold_for(request.user, item_id)
        if fold is None:
            return _not_found(request)
        messages.info(request, "You had already saved this story; here it is.")
        return redirect("web:item", item_id=fold.into_id)
    return _reader(request, item)


def _story_topics(request: HttpRequest, item: Any) -> dict[str, Any]:
    """What "Come back to this topic" and "Make a Difference" show under a story."""
    topics = list(access.topics_of(request.user).filter(matches__item=item).order_by("name"))
    proposal = None
    if not topics and item.status == "ready":
        proposal = following.propose(item)
    actions = list(
        ActionLink.objects.filter(topic__in=topics, state=ActionLink.State.KEPT)
        .select_related("topic")
        .order_by("topic__name", "created_at", "id")
    )
    proposed = (
        ActionLink.objects.filter(topic__in=topics, state=ActionLink.State.PROPOSED).count()
        if topics
        else 0
    )
    for topic in topics:
        topic.terms = queries.topic_terms(topic)  # type: ignore[attr-defined]
    return {
        "topics": topics,
        "proposal": proposal,
        "proposal_terms": following.proposal_terms(proposal) if proposal else [],
        "actions": actions,
        "proposed_actions": proposed,
    }


def _reader(
    request: HttpRequest,
    item: Any,
    *,
    note_draft: str = "",
    note_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The reader view of one story, and what follows it: the rating and the notes."""
    marked = highlighting.mark_story(item, highlighting.highlights_on(request.user, item))
    response = render(
        request,
        "broadsheet/item.html",
        {
            "item": item,
            **_highlights(marked),
            "tags": list(item.tags.all()),  # read once: the tag box and its links
            "rating_choices": range(RATING_MIN, RATING_MAX + 1),
            "notes": access.notes_of(request.user).filter(item=item).order_by("created_at", "id"),
            "note_max": NOTE_MAX_CHARS,
            "note_draft": note_draft,
            "note_error": note_error,
            **_story_topics(request, item),
            "recommended": related.related_to(request.user, item)
            if item.status == "ready"
            else None,
        },
        status=status,
    )
    if item.status == "ready":
        # The one page with a script of ours (highlights, reading position): see web.headers.
        response["Content-Security-Policy"] = headers.READER_CSP
    return response


def _highlights(marked: highlighting.MarkedStory) -> dict[str, Any]:
    """The story's HTML with the reader's marks, and its highlights: found, and no longer found
    in the story's text."""
    return {
        # No image from another origin, even before the story's images are stored.
        "story_html": images.local_only(marked.html),
        "highlights": [h for h in marked.highlights if h.pk not in marked.orphaned],
        "lost_highlights": [h for h in marked.highlights if h.pk in marked.orphaned],
        "highlight_quote_max": HIGHLIGHT_QUOTE_MAX_CHARS,
    }


def _item_action(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    try:
        if action == "archive":
            services.set_archived(request.user, item_id, True)
            messages.success(request, "Moved to the archive.")
        elif action == "unarchive":
            services.set_archived(request.user, item_id, False)
            messages.success(request, "Moved back to your unread list.")
        elif action == "delete":
            services.delete_item(request.user, item_id)
            notices.add(request, messages.SUCCESS, "deleted", "Deleted.", item_id=item_id)
        elif action == "restore":
            try:
                services.restore_item(request.user, item_id)
            except NotFound:
                return _not_found(request, TOO_LATE)
            messages.success(request, "Restored.")
        elif action == "retry":
            services.retry_item(request.user, item_id)
            messages.success(request, "Fetching it again.")
        elif action in ("star", "unstar"):
            services.set_favorite(request.user, item_id, action == "star")
            messages.success(request, "Starred." if action == "star" else "No longer starred.")
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(_next_url(request, item_id, action))


def _next_url(request: HttpRequest, item_id: int, action: str) -> str:
    target = local_path(request.POST.get("next", ""))
    if target:
        if action == "delete" and target.startswith(f"/items/{item_id}/"):
            return reverse("web:unread")
        return target
    return reverse("web:unread") if action == "delete" else reverse("web:item", args=[item_id])


@login_required
@require_POST
def archive(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_action(request, item_id, "archive")


@login_required
@require_POST
def unarchive(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_action(request, item_id, "unarchive")


@login_required
@require_POST
def delete(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_action(request, item_id, "delete")


@login_required
@require_POST
def rate(request: HttpRequest, item_id: int) -> HttpResponse:
    """The reader view's stars: `stars` 1 to 5 rates the story, an empty one clears it."""
    raw = request.POST.get("stars", "").strip()
    stars: int | None
    if not raw:
        stars = None
    elif raw.isascii() and raw.isdigit() and len(raw) <= 2:
        stars = int(raw)
    else:
        stars = -1  # refused by the service, in its words
    try:
        item = services.rate_item(request.user, item_id, stars)
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Rated {item.rating} of 5." if item.rating else "Rating cleared."
        )
    return HttpResponseRedirect(_next_url(request, item_id, "rate"))


@login_required
@require_POST
def star(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_action(request, item_id, "star")


@login_required
@require_POST
def unstar(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_action(request, item_id, "unstar")


@login_required
@require_POST
def item_tags(request: HttpRequest, item_id: int) -> HttpResponse:
    """The reader view's tag box: names separated by commas, all the story's tags."""
    names = [n for n in request.POST.get("tags", "").split(",") if n.strip()]
    try:
        item = tagging.set_tags(request.user, item_id, names)
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
    else:
        count = item.tags.count()
        messages.success(request, f"Tags saved ({count})." if count else "Tags cleared.")
    return HttpResponseRedirect(_next_url(request, item_id, "tags"))


@login_required
@require_GET
def tags_page(request: HttpRequest) -> HttpResponse:
    """Every tag with its number of stories, to rename (or merge) and delete."""
    return render(
        request,
        "broadsheet/tags.html",
        {"tags": queries.tag_counts(request.user), "tab": "tags"},
    )


@login_required
@require_POST
def tag_rename(request: HttpRequest, tag_id: int) -> HttpResponse:
    try:
        old = access.tag_for(request.user, tag_id).name
        kept = tagging.rename_tag(request.user, tag_id, request.POST.get("name", ""))
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
    else:
        if kept.pk == tag_id:
            messages.success(request, f"Renamed “{old}” to “{kept.name}”.")
        else:
            messages.success(request, f"Merged “{old}” into “{kept.name}”.")
    return redirect("web:tags")


@login_required
@require_POST
def tag_delete(request: HttpRequest, tag_id: int) -> HttpResponse:
    try:
        name = access.tag_for(request.user, tag_id).name
        tagging.delete_tag(request.user, tag_id)
    except NotFound:
        return _not_found(request)
    messages.success(request, f"Deleted the tag “{name}”; its stories stay.")
    return redirect("web:tags")


@login_required
@require_POST
def note_add(request: HttpRequest, item_id: int) -> HttpResponse:
    """ "Did we miss an angle?": a refused note comes back in its box with the reason (422),
    never lost to a redirect."""
    text = request.POST.get("text", "")
    try:
        services.add_note(request.user, item_id, text)
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        try:
            item = access.item_for(request.user, item_id)
        except NotFound:
            return _not_found(request)
        return _reader(request, item, note_draft=text, note_error=exc.message, status=422)
    messages.success(request, "Note saved. Only you can see it.")
    return HttpResponseRedirect(reverse("web:item", args=[item_id]) + "#notes")


def _back_to_notes(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(local_path(request.POST.get("next", "")) or fallback)


@login_required
@require_POST
def note_edit(request: HttpRequest, note_id: int) -> HttpResponse:
    try:
        note = services.edit_note(request.user, note_id, request.POST.get("text", ""))
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return _back_to_notes(request, reverse("web:notes"))
    messages.success(request, "Note changed.")
    return _back_to_notes(request, reverse("web:item", args=[note.item_id]) + "#notes")


@login_required
@require_POST
def note_delete(request: HttpRequest, note_id: int) -> HttpResponse:
    try:
        services.delete_note(request.user, note_id)
    except NotFound:
        return _not_found(request)
    messages.success(request, "Note deleted.")
    return _back_to_notes(request, reverse("web:notes"))


@login_required
@require_GET
def notes(request: HttpRequest) -> HttpResponse:
    """Every note the reader wrote, newest first, each under its story."""
    qs = access.notes_of(request.user).select_related("item")
    page = Paginator(qs, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "broadsheet/notes.html", {"page": page, "tab": "notes", "note_max": NOTE_MAX_CHARS}
    )


# --- topics ("come back to this topic") and their action links ("Make a Difference") ------------


@login_required
@require_POST
def follow(request: HttpRequest, item_id: int) -> HttpResponse:
    """One click under a story: a topic made from its key terms."""
    try:
        topic = services.follow_item(request.user, item_id)
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("web:item", args=[item_id]) + "#topic")
    messages.success(request, f"Following “{topic.name}”. Change its terms below if you like.")
    return HttpResponseRedirect(reverse("web:item", args=[item_id]) + "#topic")


@login_required
@require_GET
def following_page(request: HttpRequest) -> HttpResponse:
    """Every followed topic with its newest stories, and a form to follow one by hand."""
    topics = list(access.topics_of(request.user))
    for topic in topics:
        topic.counts = queries.topic_counts(topic)  # type: ignore[attr-defined]
        topic.latest = list(queries.topic_items(topic).defer("text", "html")[:5])  # type: ignore[attr-defined]
        topic.entries = list(queries.topic_entries(topic).select_related("feed")[:5])  # type: ignore[attr-defined]
        topic.terms = queries.topic_terms(topic)  # type: ignore[attr-defined]
    return render(
        request,
        "broadsheet/following.html",
        {"topics": topics, "tab": "following", "topic_form": {"name": "", "query": ""}},
    )


@login_required
@require_POST
def topic_create(request: HttpRequest) -> HttpResponse:
    name, query = request.POST.get("name", ""), request.POST.get("query", "")
    try:
        topic = services.create_topic(request.user, name, query)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return redirect("web:following")
    messages.success(request, f"Following “{topic.name}”.")
    return redirect("web:topic", topic_id=topic.pk)


def _topic_page(
    request: HttpRequest, topic: Any, *, error: str = "", draft: dict[str, str] | None = None
) -> HttpResponse:
    stories = Paginator(queries.topic_items(topic).defer("text", "html"), queries.PAGE_SIZE)
    actions = list(topic.actions.all())
    return render(
        request,
        "broadsheet/topic.html",
        {
            "topic": topic,
            "terms": queries.topic_terms(topic),
            "page": stories.get_page(request.GET.get("page")),
            "entries": list(queries.topic_entries(topic).select_related("feed")[:20]),
            "kept": [a for a in actions if a.state == ActionLink.State.KEPT],
            "proposed": [a for a in actions if a.state == ActionLink.State.PROPOSED],
            "dismissed": [a for a in actions if a.state == ActionLink.State.DISMISSED],
            "error": error,
            "draft": draft or {"name": topic.name, "query": topic.query},
            "tab": "following",
        },
        status=422 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_detail(request: HttpRequest, topic_id: int) -> HttpResponse:
    """A topic: its name and query (editable), its stories, its action links. Opening it marks
    its stories seen."""
    try:
        topic = access.topic_for(request.user, topic_id)
    except NotFound:
        return _not_found(request)
    if request.method == "POST":
        draft = {"name": request.POST.get("name", ""), "query": request.POST.get("query", "")}
        try:
            services.update_topic(request.user, topic_id, **draft)
        except NotFound:
            return _not_found(request)
        except BroadsheetError as exc:
            return _topic_page(request, topic, error=exc.message, draft=draft)
        messages.success(request, "Topic changed. Its stories are being found again.")
        return HttpResponseRedirect(local_path(request.POST.get("next", "")) or request.path)
    response = _topic_page(request, topic)
    services.mark_topic_seen(request.user, topic_id)
    return response


@login_required
@require_POST
def topic_delete(request: HttpRequest, topic_id: int) -> HttpResponse:
    try:
        services.delete_topic(request.user, topic_id)
    except NotFound:
        return _not_found(request)
    messages.success(request, "You no longer follow that topic. Its stories stay in your list.")
    return redirect("web:following")


def _back_to_topic(request: HttpRequest, topic_id: int) -> HttpResponseRedirect:
    fallback = reverse("web:topic", args=[topic_id]) + "#actions"
    return HttpResponseRedirect(local_path(request.POST.get("next", "")) or fallback)


@login_required
@require_POST
def action_add(request: HttpRequest, topic_id: int) -> HttpResponse:
    try:
        services.add_action(
            request.user,
            topic_id,
            url=request.POST.get("url", ""),
            title=request.POST.get("title", ""),
            note=request.POST.get("note", ""),
        )
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Action link added.")
    return _back_to_topic(request, topic_id)


@login_required
@require_POST
def action_edit(request: HttpRequest, topic_id: int, action_id: int) -> HttpResponse:
    """Keep or dismiss a proposed link (`state`), or change one (`title`, `url`, `note`)."""
    changes = {k: request.POST[k] for k in ("title", "url", "note", "state") if k in request.POST}
    try:
        services.update_action(request.user, topic_id, action_id, **changes)
    except NotFound:
        return _not_found(request)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
    else:
        done = {"kept": "Kept.", "dismissed": "Dismissed."}.get(changes.get("state", ""), "Saved.")
        messages.success(request, done)
    return _back_to_topic(request, topic_id)


@login_required
@require_POST
def action_delete(request: HttpRequest, topic_id: int, action_id: int) -> HttpResponse:
    try:
        services.delete_action(request.user, topic_id, action_id)
    except NotFound:
        return _not_found(request)
    messages.success(request, "Action link removed.")
    return _back_to_topic(request, topic_id)


# --- feeds ----------------------------------------------------------------------------------------


@login_required
@require_GET
def feeds_page(request: HttpRequest) -> HttpResponse:
    """The feeds the reader follows, a form to follow one, OPML in and out, and every feed's
    entries, newest first."""
    page = Paginator(access.entries_of(request.user).select_related("feed"), queries.PAGE_SIZE)
    return render(
        request,
        "broadsheet/feeds.html",
        {
            "feeds": access.feeds_of(request.user),
            "page": page.get_page(request.GET.get("page")),
            "tab": "feeds",
        },
    )


@login_required
@require_POST
def feed_subscribe(request: HttpRequest) -> HttpResponse:
    from broadsheet.core.errors import AlreadySubscribed

    try:
        feed = services.subscribe(request.user, request.POST.get("url", ""))
    except AlreadySubscribed as exc:
        messages.info(request, exc.message)
        return redirect("web:feed", feed_id=exc.feed_id)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return redirect("web:feeds")
    messages.success(request, "Following. Its stories arrive in a moment.")
    return redirect("web:feed", feed_id=feed.pk)


@login_required
@require_http_methods(["GET", "POST"])
def feed_detail(request: HttpRequest, feed_id: int) -> HttpResponse:
    try:
        feed = access.feed_for(request.user, feed_id)
    except NotFound:
        return _not_found(request)
    if request.method == "POST":
        try:
            services.update_feed(
                request.user,
                feed_id,
                title=request.POST.get("title", ""),
                category=request.POST.get("category", ""),
            )
        except BroadsheetError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Saved.")
        return redirect("web:feed", feed_id=feed_id)
    entries = Paginator(access.entries_of(request.user).filter(feed=feed), queries.PAGE_SIZE)
    return render(
        request,
        "broadsheet/feed.html",
        {"feed": feed, "page": entries.get_page(request.GET.get("page")), "tab": "feeds"},
    )


@login_required
@require_POST
def feed_poll(request: HttpRequest, feed_id: int) -> HttpResponse:
    try:
        services.poll_now(request.user, feed_id)
    except NotFound:
        return _not_found(request)
    messages.success(request, "Checking for new stories.")
    return redirect("web:feed", feed_id=feed_id)


@login_required
@require_POST
def feed_delete(request: HttpRequest, feed_id: int) -> HttpResponse:
    try:
        services.unsubscribe(request.user, feed_id)
    except NotFound:
        return _not_found(request)
    messages.success(request, "You no longer follow that feed. Stories you saved stay.")
    return redirect("web:feeds")


@login_required
@require_POST
def opml_import(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("opml")
    if upload is None:
        messages.error(request, "Choose an OPML file to import.")
        return redirect("web:feeds")
    from broadsheet.feeds import MAX_OPML_BYTES

    if upload.size is not None and upload.size > MAX_OPML_BYTES:
        messages.error(request, f"An OPML file is at most {MAX_OPML_BYTES // (1024 * 1024)} MB.")
        return redirect("web:feeds")
    try:
        result = services.import_opml(request.user, upload.read(MAX_OPML_BYTES + 1))
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return redirect("web:feeds")
    said = f"Imported {len(result.added)} feed{'s' if len(result.added) != 1 else ''}"
    if result.already:
        said += f", {result.already} already followed"
    if result.skipped:
        said += f", {len(result.skipped)} skipped ({result.skipped[0][1]})"
    messages.success(request, said + ".")
    return redirect("web:feeds")


@login_required
@require_GET
def opml_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        services.export_opml(request.user), content_type="text/x-opml; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="broadsheet-feeds.opml"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    """A feed's story: its full text once fetched (opening it asks for it)."""
    try:
        entry = services.open_entry(request.user, entry_id)
    except NotFound:
        return _not_found(request)
    # A feed entry's images are not stored (only saved stories' are): placeholders, never
    # an image from the story's site (the pages' CSP allows images of our origin only).
    context = {"entry": entry, "entry_html": images.local_only(entry.html), "tab": "feeds"}
    return render(request, "broadsheet/entry.html", context)


@login_required
@require_POST
def entry_save(request: HttpRequest, entry_id: int) -> HttpResponse:
    try:
        item = services.save_entry(request.user, entry_id)
    except NotFound:
        return _not_found(request)
    except AlreadySaved as exc:
        messages.info(request, exc.message)
        return redirect("web:item", item_id=exc.item_id)
    except BroadsheetError as exc:
        messages.error(request, exc.message)
        return redirect("web:entry", entry_id=entry_id)
    messages.success(request, SAVED)
    return redirect("web:item", item_id=item.pk)


@login_required
@require_POST
def restore(request: HttpRequest, item_id: int) -> HttpResponse:
    """Undo a delete: the button in the "Deleted. Undo" message posts here."""
    return _item_action(request, item_id, "restore")


@login_required
@require_POST
def retry(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_action(request, item_id, "retry")


def _settings(
    request: HttpRequest, *, newsletter: dict[str, Any] | None = None, error: str = ""
) -> HttpResponse:
    origin = request.build_absolute_uri("/").rstrip("/")
    key = bookmarklet.key_for(request.user)  # type: ignore[arg-type]
    feed_key = feed.key_for(request.user)  # type: ignore[arg-type]
    profile = queries.profile_of(request.user)
    return render(
        request,
        "broadsheet/settings.html",
        {
            "tokens": access.tokens_of(request.user),
            "form": TokenForm(),
            "bookmarklet": bookmarklet.script(origin, key),
            "feed_url": request.build_absolute_uri(reverse("web:feed-unread", args=[feed_key])),
            "new_secret": request.session.pop("new_token_secret", None),
            "newsletter": newsletter
            or {
                "email": request.user.email,  # type: ignore[union-attr]
                "digest": profile.digest,
                "digest_hour": profile.digest_hour,
                "digest_weekday": profile.digest_weekday,
                "timezone": profile.timezone,
            },
            "next_digest_at": profile.next_digest_at,
            "saved_zone": profile.timezone,
            "newsletter_error": error,
            "hours": range(24),
            "weekdays": list(enumerate(schedule.WEEKDAYS)),
            "zones": schedule.zone_names(),
        },
        status=422 if error else 200,
    )


@login_required
@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    return _settings(request)


@login_required
@require_GET
def newsletter_preview(request: HttpRequest) -> HttpResponse:
    """The reader's next newsletter as the HTML part of the mail, in the browser (sending
    nothing). Its one inline style block is allowed by its hash, nothing else."""
    message = newsletter.render(request.user, newsletter.compose(request.user))  # type: ignore[arg-type]
    response = HttpResponse(message.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = headers.CSP.replace(
        "style-src 'self'", f"style-src '{newsletter.style_hash()}'"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the newsletter without logging in. GET asks (a link scanner must not unsubscribe
    anyone); POST does it: the page's button, or the mail client's one-click request (RFC 8058),
    which carries no CSRF token and needs none: the signed token is the authority."""
    user = newsletter.user_for_unsubscribe(token)
    if user is None:
        return _not_found(request, "This unsubscribe link is not valid.")
    if request.method == "POST":
        services.update_newsletter(user, digest="off")
        return render(request, "broadsheet/unsubscribed.html", {"done": True, "token": token})
    return render(request, "broadsheet/unsubscribed.html", {"done": False, "token": token})


def _small_int(raw: str) -> int:
    """A form's number, or -1 (refused by the service in its own words)."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 2 else -1


@login_required
@require_POST
def newsletter_settings(request: HttpRequest) -> HttpResponse:
    """The newsletter's address and schedule; a refused form comes back filled in (422)."""
    form = {
        "email": request.POST.get("email", ""),
        "digest": request.POST.get("digest", "off"),
        "digest_hour": _small_int(request.POST.get("digest_hour", "7")),
        "digest_weekday": _small_int(request.POST.get("digest_weekday", "0")),
        "timezone": request.POST.get("timezone", "UTC").strip(),
    }
    try:
        profile = services.update_newsletter(
            request.user,
            email=form["email"],
            digest=form["digest"],
            digest_hour=form["digest_hour"],
            digest_weekday=form["digest_weekday"],
            timezone_name=form["timezone"],
        )
    except BroadsheetError as exc:
        return _settings(request, newsletter=form, error=exc.message)
    if profile.next_digest_at is None:
        messages.success(request, "Saved. The newsletter is off.")
    else:
        messages.success(request, "Saved. Your next newsletter is on its way at the time shown.")
    return HttpResponseRedirect(reverse("web:settings") + "#newsletter")


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        new = services.create_token(request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
        # Shown once on the next page, then gone: the server keeps only its digest.
        request.session["new_token_secret"] = new.secret
    return redirect("web:settings")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.revoke_token(request.user, token_id)
    except NotFound:
        return _not_found(request)
    messages.success(request, "Token revoked.")
    return redirect("web:settings")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    if not settings.BROADSHEET_OPEN_SIGNUP:
        return render(request, "registration/signup_closed.html", status=403)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up(form.cleaned_data["username"], form.cleaned_data["password"])
        except BroadsheetError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="broadsheet.core.auth.RateLimitedModelBackend")  # type: ignore[arg-type]
            return redirect("web:unread")
    first = not get_user_model().objects.exists()
    return render(request, "registration/signup.html", {"form": form, "first": first})


# --- logging in, and the rate limit ---------------------------------------------------------------


def _rate_limited(request: HttpRequest, exc: RateLimited, template: str) -> HttpResponse:
    """429 with the reason, the password unchecked."""
    context = {
        "form": _login_form(request),
        "limited": exc.message,
        "next": request.POST.get("next", ""),  # escaped; only followed if safe, after a login
    }
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _login_form(request: HttpRequest) -> Form:
    from django.contrib.auth.forms import AuthenticationForm

    return AuthenticationForm(request, initial={"username": request.POST.get("username", "")})


def _check_login(request: HttpRequest) -> RateLimited | None:
    username = str(request.POST.get(get_user_model().USERNAME_FIELD, ""))
    try:
        ratelimit.check_login(username, ratelimit.client_address(request))
    except RateLimited as exc:
        return exc
    return None


class LoginView(auth_views.LoginView):
    """Django's login page behind the rate limit. A limited account or address gets 429 and the
    password is not checked; Django rotates the session key on success (`cycle_key`)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limited = _check_login(request)
        if limited is None:
            response = super().post(request, *args, **kwargs)
            limited = auth.limited(request)  # a concurrent attempt filled the window meanwhile
            if limited is None:
                return response
        return _rate_limited(request, limited, "registration/login.html")


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """/admin/login/: the admin's own page, behind the same limit (and a 429 when limited)."""
    if request.method == "POST":
        limited = _check_login(request)
        if limited is not None:
            return _rate_limited(request, limited, "registration/rate_limited.html")
    response = admin.site.login(request, extra_context)
    limited = auth.limited(request)
    if limited is not None:
        return _rate_limited(request, limited, "registration/rate_limited.html")
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password: every API token is revoked, the bookmarklet and feed keys change,
    other sessions end; this one stays logged in. Wrong old passwords count as failed logins."""

    template_name = "registration/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("web:settings")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["address"] = ratelimit.client_address(self.request)
        return kwargs

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.user
        services.change_password(user, form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, PASSWORD_CHANGED)
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.limited is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.limited.retry_after)
        return response


# --- export and the feed --------------------------------------------------------------------------


def _export(
    request: HttpRequest, fmt: export.Format, ids: list[int] | None = None
) -> StreamingHttpResponse:
    """The file, streamed: a library of any size is never one string in memory."""
    response = StreamingHttpResponse(
        export.stream(request.user, fmt, ids), content_type=export.CONTENT_TYPES[fmt]
    )
    name = export.filename(fmt) if ids is None else f"broadsheet-story-{ids[0]}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_file(request: HttpRequest, fmt: export.Format) -> StreamingHttpResponse:
    """The whole library in one format (the format comes from the route: web/urls.py)."""
    return _export(request, fmt)


@login_required
@require_GET
def item_epub(request: HttpRequest, item_id: int) -> HttpResponse | StreamingHttpResponse:
    """One story as an EPUB book (the reader view's EPUB link)."""
    try:
        item = access.item_for(request.user, item_id)
    except NotFound:
        return _not_found(request)
    return _export(request, "epub", [item.pk])


@require_GET
def unread_feed(request: HttpRequest, key: str) -> HttpResponse:
    """The private Atom feed of a reader's unread list; the key in the address is the login."""
    user = feed.user_for_key(key)
    if user is None:
        return _not_found(request)
    name = feed.one_line(user.get_username())
    atom = feed.PlainTextAtomFeed(
        title=f"Broadsheet: unread items of {name}",
        link=request.build_absolute_uri(reverse("web:unread")),
        description="",
        feed_url=request.build_absolute_uri(),
        language="en",
    )
    for item in queries.items(user, "unread")[: feed.MAX_ENTRIES]:
        link = request.build_absolute_uri(reverse("web:item", args=[item.pk]))
        atom.add_item(
            title=feed.one_line(item.display_title),
            link=link,
            description="",  # no HTML summary: see plain_summary
            unique_id=link,
            pubdate=item.saved_at,
            updateddate=item.updated_at,
            author_name=feed.one_line(item.byline) or None,
            plain_summary=feed.paragraph(item.summary),
        )
    response = HttpResponse(content_type=atom.content_type)
    atom.write(response, "utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for whatever the page's <link rel="icon"> says (the API's
    JSON, the admin): the app's icon, not a 404 in the log."""
    response = HttpResponsePermanentRedirect(static("broadsheet/icon.svg"))
    response["Cache-Control"] = "public, max-age=604800"
    return response
