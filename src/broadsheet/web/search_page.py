"""The search page: the reader's stories that match a query, best match first, with snippets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from broadsheet.core import queries, search
from broadsheet.core.models import RATING_MAX, RATING_MIN, Item
from broadsheet.core.search_query import MAX_QUERY_CHARS, SearchQuery, SearchSyntaxError, parse

ORDERS: dict[str, str] = {
    "relevance": "Best match",
    "saved": "Newest saved",
    "oldest": "Oldest saved",
    "published": "Newest published",
    "reading_time": "Shortest read",
    "site": "Site, A to Z",
}


class _Matches:
    """The matches as a sequence the paginator can count and slice: each slice is one query."""

    def __init__(self, request: HttpRequest, query: SearchQuery, order: search.Order) -> None:
        self.request, self.query, self.order = request, query, order
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            # No page of results: only the count (no ranking, no snippets).
            self._count = search.search(self.request.user, self.query, limit=0).count
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Item]:
        start, stop = window.start or 0, window.stop or 0
        found = search.search(
            self.request.user, self.query, order=self.order, offset=start, limit=stop - start
        )
        self._count = found.count
        items = []
        for hit in found.hits:
            hit.item.snippet = hit.snippet  # type: ignore[attr-defined]
            items.append(hit.item)
        return items


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[: MAX_QUERY_CHARS + 1].strip()
    asked = request.GET.get("sort", "relevance")
    order = cast("search.Order", asked if asked in ORDERS else "relevance")
    context: dict[str, Any] = {
        "q": q,
        "sort": order,
        "sorts": ORDERS.items(),
        "tab": "search",
        "rating_choices": range(RATING_MIN, RATING_MAX + 1),
        "page_query": urlencode({"q": q, **({"sort": order} if order != "relevance" else {})}),
    }
    if q:
        try:
            query = parse(q)
        except SearchSyntaxError as exc:
            context["error"] = str(exc)
        else:
            matches = cast("Sequence[Item]", _Matches(request, query, order))
            paginator: Paginator[Item] = Paginator(matches, queries.PAGE_SIZE)
            context["page"] = paginator.get_page(request.GET.get("page"))
            searched = query.has_text or bool(query.excluded)
            context["capped"] = searched and paginator.count >= search.MATCH_WINDOW
    status = 400 if "error" in context else 200
    return render(request, "broadsheet/search.html", context, status=status)
