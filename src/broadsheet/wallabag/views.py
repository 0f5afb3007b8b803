"""The wallabag v2 routes over Broadsheet's stories (contract §3).

Entries are items, tags are tags, annotations are highlights, starred is favourite, archive is
archived. Every write goes through `core.services` / `core.tagging` / `core.highlighting`, and
every row is loaded through `core.access`, as from every other door: the save limit and
"already saved" hold here too (a known address answers with the existing entry, as wallabag
does). Success is always 200 with a JSON body; a page past the last is 404 (the apps stop paging
there).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from broadsheet.core import access, export, export_epub, highlighting, queries, services, tagging
from broadsheet.core.canonical import canonicalize, normalize_input
from broadsheet.core.errors import (
    AlreadySaved,
    BroadsheetError,
    InvalidInput,
    InvalidURL,
    LimitReached,
    NotFound,
    QuotaExceeded,
)
from broadsheet.core.models import Item, ItemTag, Tag
from broadsheet.core.tagging import tag_key
from broadsheet.wallabag import params
from broadsheet.wallabag.answers import VERSION, answer, problem
from broadsheet.wallabag.bearer import protected
from broadsheet.wallabag.entries import (
    annotation_json,
    entries_json,
    slug_of,
    tag_json,
    with_children,
)

View = Callable[..., HttpResponseBase]
DEFAULT_PER_PAGE = 30
SORTS = {"created": "id", "updated": "updated_at", "archived": "archived_at"}
# Wallabag's per-entry export formats that Broadsheet makes, with wallabag's content types.
EXPORTS = {
    "epub": "application/epub+zip",
    "json": "application/json",
    "csv": "application/csv",
    "txt": "text/plain",
    "xml": "application/xml",
    "html": "text/html",
}


def _errors(view: View) -> View:
    """Typed errors and bad parameters as the wallabag error body, one status per kind."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except params.BadParameter as exc:
            return problem(400, str(exc))
        except NotFound:
            return problem(404, "Not Found")
        except (InvalidURL, InvalidInput, LimitReached, QuotaExceeded) as exc:
            return problem(400, exc.message, exc.code)
        except BroadsheetError as exc:
            return problem(exc.status, exc.message, exc.code)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def route(*methods: str) -> Callable[[View], View]:
    """A protected wallabag route answering these methods (405 otherwise, in JSON)."""

    def decorate(view: View) -> View:
        guarded = protected(_errors(view))

        @csrf_exempt
        def dispatch(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in methods:
                response = problem(405, f"{request.method} is not allowed here.")
                response["Allow"] = ", ".join(methods)
                return response
            return guarded(request, *args, **kwargs)

        dispatch.__name__ = view.__name__
        dispatch.__doc__ = view.__doc__
        return dispatch

    return decorate


def _reader(request: HttpRequest) -> AbstractBaseUser:
    """The token's reader (`bearer.protected` has set it)."""
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    return user


def _entry(item_id: int | str, request: HttpRequest, *, content: bool = True) -> dict[str, Any]:
    item = access.item_for(request.user, item_id)
    reloaded = with_children(access.items_of(request.user).filter(pk=item.pk)).get()
    (entry,) = entries_json([reloaded], base=_base(request), content=content)
    return entry


def _base(request: HttpRequest) -> str:
    """The server's address as the client reached it (behind a proxy, as it says)."""
    return request.build_absolute_uri("/")


# --- information --------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET"])
def version(request: HttpRequest) -> HttpResponse:
    return answer(VERSION)


@csrf_exempt
@require_http_methods(["GET"])
def info(request: HttpRequest) -> HttpResponse:
    return answer({"appname": "wallabag", "version": VERSION, "allowed_registration": False})


@route("GET")
def config(request: HttpRequest) -> HttpResponse:
    return answer(
        {
            "id": request.user.pk,
            "items_per_page": DEFAULT_PER_PAGE,
            "language": "en",
            "feed_token": None,
            "feed_limit": 50,
            "reading_speed": 200.0,
            "action_mark_as_read": 0,
            "list_mode": 0,
            "display_thumbnails": 1,
        }
    )


@route("GET")
def user(request: HttpRequest) -> HttpResponse:
    who = request.user
    return answer(
        {
            "id": who.pk,
            "username": who.get_username(),
            "email": getattr(who, "email", "") or "",
            "name": who.get_username(),
            "created_at": None,
            "updated_at": None,
        }
    )


# --- entries ------------------------------------------------------------------------------------


def _list(request: HttpRequest) -> HttpResponse:
    given = params.of(request)
    order = given.text("order", "desc").lower()
    if order not in {"asc", "desc"}:
        raise params.BadParameter("order must be asc or desc.")
    detail = given.text("detail", "full").lower()
    if detail not in {"full", "metadata"}:
        raise params.BadParameter("detail must be full or metadata.")
    sort = given.text("sort", "created").lower()
    if sort not in SORTS:
        raise params.BadParameter("sort must be created, updated or archived.")
    page = given.number("page", 1)
    per_page = given.number("perPage", DEFAULT_PER_PAGE)
    since = given.number("since", 0, minimum=0)
    qs = access.items_of(request.user)
    archive = given.flag("archive")
    if archive is not None:
        qs = qs.filter(queries.flag("archived", archive))
    starred = given.flag("starred")
    if starred is not None:
        qs = qs.filter(queries.flag("favorite", starred))
    for label in given.labels("tags") or []:
        tags = access.tags_of(request.user).filter(key=tag_key(label))
        qs = qs.filter(pk__in=ItemTag.objects.filter(tag__in=tags).values("item_id"))
    if since:
        qs = qs.filter(updated_at__gt=datetime.fromtimestamp(min(since, 2**33), tz=UTC))
    domain = given.text("domain_name")
    if domain:
        qs = qs.filter(host=domain.lower())
    field = SORTS[sort]
    qs = qs.order_by(field if order == "asc" else f"-{field}", "id" if order == "asc" else "-id")
    total = qs.count()
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        return problem(404, "Not Found")
    start = (page - 1) * per_page
    content = detail == "full"
    if not content:
        qs = qs.defer("html", "text")
    items = list(with_children(qs)[start : start + per_page])

    def link(number: int) -> dict[str, str]:
        query = request.GET.copy()
        query.setlist("page", [str(number)])
        query.setlist("perPage", [str(per_page)])
        return {"href": request.build_absolute_uri(request.path) + "?" + query.urlencode()}

    links = {"self": link(page), "first": link(1), "last": link(pages)}
    if page < pages:
        links["next"] = link(page + 1)
    if page > 1:
        links["previous"] = link(page - 1)
    return answer(
        {
            "page": page,
            "limit": per_page,
            "pages": pages,
            "total": total,
            "_links": links,
            "_embedded": {"items": entries_json(items, base=_base(request), content=content)},
        }
    )


def _apply(request: HttpRequest, item_id: int, given: params.Params) -> None:
    """The fields a POST or PATCH may carry, each when present."""
    user = request.user
    title = given.text("title").strip()
    if title:
        services.set_title(user, item_id, title)
    labels = given.labels("tags")
    services.update_item(
        user,
        item_id,
        archived=given.flag("archive"),
        favorite=given.flag("starred"),
        tags=labels if request.method == "PATCH" else None,
    )
    if labels and request.method == "POST":
        tagging.add_tags(user, [item_id], labels)


def _create(request: HttpRequest) -> HttpResponse:
    given = params.of(request)
    url = given.text("url").strip()
    if not url:
        raise params.BadParameter("url is required.")
    content = given.text("content").strip() or None
    try:
        item_id = services.save_item(_reader(request), url, html=content).pk
    except AlreadySaved as exc:
        item_id = exc.item_id
    _apply(request, item_id, given)
    return answer(_entry(item_id, request))


@route("GET", "POST")
def entries(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _create(request)
    return _list(request)


@route("GET", "PATCH", "DELETE")
def entry(request: HttpRequest, item_id: str) -> HttpResponse:
    if request.method == "GET":
        return answer(_entry(item_id, request))
    given = params.of(request)
    if request.method == "PATCH":
        item = access.item_for(request.user, item_id)
        _apply(request, item.pk, given)
        return answer(_entry(item.pk, request))
    expect = given.text("expect", "entry")
    if expect not in {"entry", "id"}:
        raise params.BadParameter("expect must be entry or id.")
    before = _entry(item_id, request)
    services.delete_item(request.user, before["id"])
    return answer({"id": before["id"]} if expect == "id" else before)


@route("PATCH")
def reload(request: HttpRequest, item_id: str) -> HttpResponse:
    """Fetch again a story whose fetch failed; any other story is answered as it is."""
    item = access.item_for(request.user, item_id)
    if item.status == Item.Status.FAILED:
        services.retry_item(request.user, item.pk)
    return answer(_entry(item.pk, request))


def _lookup(request: HttpRequest, url: str) -> int | None:
    """The reader's story for this address: the same story under its canonical address, the
    page's own canonical address or an address folded into it, like "already saved"."""
    try:
        canonical = canonicalize(normalize_input(url))
    except InvalidURL:
        return None
    return services.existing_item_id(_reader(request), canonical)


@route("GET")
def exists(request: HttpRequest) -> HttpResponse:
    given = params.of(request)
    with_id = given.flag("return_id") is True

    def value(found: int | None) -> int | bool | None:
        return found if with_id else found is not None

    if "url" in given:
        return answer({"exists": value(_lookup(request, given.text("url")))})
    if "hashed_url" in given:
        one = given.text("hashed_url")
        known = queries.items_by_address_hash(request.user, [one])
        return answer({"exists": value(known.get(one.lower()))})
    urls = given.many("urls[]") or given.many("urls")
    if urls:
        return answer({u: value(_lookup(request, u)) for u in urls})
    hashes = given.many("hashed_urls[]") or given.many("hashed_urls")
    if hashes:
        known = queries.items_by_address_hash(request.user, hashes)
        return answer({h: value(known.get(h.lower())) for h in hashes})
    return problem(403, "An url, hashed_url, urls[] or hashed_urls[] is required.")


def _filename(title: str, fmt: str) -> str:
    ascii_title = title.encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9 ._-]+", "", ascii_title).strip(" .") or "entry"
    return f"{safe[:100]}.{fmt}"


def _xml(entry: dict[str, Any]) -> bytes:
    root = ElementTree.Element("entries")
    node = ElementTree.SubElement(root, "entry")
    for key in ("id", "title", "url", "is_archived", "is_starred", "content", "created_at"):
        ElementTree.SubElement(node, key).text = "" if entry[key] is None else str(entry[key])
    tags = ElementTree.SubElement(node, "tags")
    for tag in entry["tags"]:
        ElementTree.SubElement(tags, "tag").text = tag["label"]
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


@route("GET")
def export_entry(request: HttpRequest, item_id: str, fmt: str) -> HttpResponseBase:
    if fmt not in EXPORTS:
        return problem(404, f"Broadsheet does not make {fmt} files.")
    item = access.item_for(request.user, item_id)
    body: Any
    if fmt == "epub":
        body = export_epub.chunks(request.user, [item.pk])
    elif fmt in {"json", "csv", "html"}:
        body = export.stream(request.user, fmt, [item.pk])  # type: ignore[arg-type]
    elif fmt == "txt":
        body = [f"{item.title or item.url}\n\n{item.text}\n".encode()]
    else:
        body = [_xml(_entry(item.pk, request))]
    response = StreamingHttpResponse(body, content_type=EXPORTS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_filename(item.title, fmt)}"'
    return response


# --- tags ---------------------------------------------------------------------------------------


@route("GET", "POST")
def entry_tags(request: HttpRequest, item_id: str) -> HttpResponse:
    item = access.item_for(request.user, item_id)
    if request.method == "POST":
        labels = params.of(request).labels("tags") or []
        if labels:
            tagging.add_tags(request.user, [item.pk], labels)
        return answer(_entry(item.pk, request))
    tags = Tag.objects.filter(pk__in=ItemTag.objects.filter(item=item).values("tag_id"))
    return answer([tag_json(t) for t in tags.order_by("key", "id")])


@route("DELETE")
def entry_tag(request: HttpRequest, item_id: str, tag_id: str) -> HttpResponse:
    item = access.item_for(request.user, item_id)
    tag = access.tag_for(request.user, tag_id)
    tagging.remove_tags(request.user, [item.pk], [tag.name])
    return answer(_entry(item.pk, request))


@route("GET")
def tags(request: HttpRequest) -> HttpResponse:
    rows = [
        {"id": t.id, "label": t.name, "slug": slug_of(t.name), "nbEntries": t.stories}
        for t in queries.tag_counts(request.user)
    ]
    return answer(rows)


@route("DELETE")
def tag(request: HttpRequest, tag_id: str) -> HttpResponse:
    found = access.tag_for(request.user, tag_id)
    gone = tag_json(found)
    tagging.delete_tag(request.user, found.pk)
    return answer(gone)


def _delete_labels(request: HttpRequest, labels: list[str]) -> list[dict[str, Any]]:
    gone = []
    with transaction.atomic():
        for label in labels:
            found = access.tags_of(request.user).filter(key=tag_key(label)).first()
            if found is not None:
                gone.append(tag_json(found))
                tagging.delete_tag(request.user, found.pk)
    return gone


@route("DELETE")
def tags_by_label(request: HttpRequest) -> HttpResponse:
    gone = _delete_labels(request, params.of(request).labels("tags") or [])
    return answer(gone) if gone else problem(404, "No such tag.")


@route("DELETE")
def tag_by_label(request: HttpRequest) -> HttpResponse:
    gone = _delete_labels(request, params.of(request).labels("tag") or [])
    return answer(gone[0]) if gone else problem(404, "No such tag.")


# --- annotations --------------------------------------------------------------------------------


def _entry_annotations(request: HttpRequest, item_id: str) -> HttpResponse:
    item = access.item_for(request.user, item_id)
    if request.method == "POST":
        given = params.of(request)
        made = highlighting.add_highlight(
            request.user, item.pk, given.text("quote"), note=given.text("text")
        )
        return answer(annotation_json(made, item.html))
    rows = [annotation_json(h, item.html) for h in highlighting.highlights_on(request.user, item)]
    return answer({"total": len(rows), "rows": rows})


def _annotation(request: HttpRequest, annotation_id: str) -> HttpResponse:
    found = access.highlight_for(request.user, annotation_id)
    html = access.item_for(request.user, found.item_id).html
    if request.method == "DELETE":
        gone = annotation_json(found, html)
        highlighting.delete_highlight(request.user, found.pk)
        return answer(gone)
    changed = highlighting.update_highlight(request.user, found.pk, params.of(request).text("text"))
    return answer(annotation_json(changed, html))


@route("GET", "POST", "PUT", "DELETE")
def annotations_view(request: HttpRequest, item_id: str) -> HttpResponse:
    """Wallabag puts two resources at one path: GET and POST name an entry (its annotations),
    PUT and DELETE name an annotation."""
    if request.method in {"GET", "POST"}:
        return _entry_annotations(request, item_id)
    return _annotation(request, item_id)
