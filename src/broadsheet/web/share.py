"""Share → Broadsheet: the installed app's share target (the web app manifest's `share_target`).

Android hands the shared story to `/share/?title=…&text=…&url=…`, and apps disagree about where
the address goes: in `url`, as the whole of `text`, or inside a sentence of `text` ("Read this
https://… via the app"). `find_address` looks in that order.

A share is a GET navigation that the browser starts itself (from the system's share sheet), so it
carries no CSRF token. It saves at once only when the browser says nobody else started it
(`Sec-Fetch-Site: none`: the share sheet, a typed address, a bookmark; no page can forge that
header). A link from another site, or a browser that does not send the header, gets the
bookmarklet's confirm page instead: a normal POST form with the address filled in.
See docs/decisions.md.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from broadsheet.core.canonical import NO_ADDRESS
from broadsheet.web import views
from broadsheet.web.forms import SaveForm

# An http(s) address inside prose: up to the first space, or a quote or bracket that cannot be
# part of it as typed (the story's own address never holds a raw space, quote or angle bracket).
_ADDRESS = re.compile("https?://[^\\s<>\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb]+", re.IGNORECASE)
# Sentence punctuation that follows an address in prose and is almost never its last character.
_TRAILING = ".,;:!?\u2026'\"\u201d\u2019\u00bb"
_PAIRS = {")": "(", "]": "[", "}": "{"}
# A shared text is a sentence or two; an address is at most a few thousand characters.
_MAX_FIELD = 10_000


def _trim(address: str) -> str:
    """Drop trailing punctuation, and closing brackets that open nowhere in the address
    (`(see https://a.example/x)` ends at `x`; `…/wiki/Foo_(bar)` keeps its bracket)."""
    while address:
        last = address[-1]
        unopened = last in _PAIRS and address.count(_PAIRS[last]) < address.count(last)
        if last in _TRAILING or unopened:
            address = address[:-1]
        else:
            break
    return address


def _has_host(address: str) -> bool:
    try:
        return bool(urlsplit(address).hostname)
    except ValueError:
        return False


def address_in(field: str) -> str | None:
    """The first http(s) address in `field` (all of it, or a part of a sentence), or None."""
    for match in _ADDRESS.finditer(field[:_MAX_FIELD]):
        address = _trim(match.group(0))
        if _has_host(address):
            return address
    return None


def find_address(*, url: str = "", text: str = "", title: str = "") -> str | None:
    """The shared story's address: in `url`, else in `text`, else in `title` (some apps put it
    there); None when none of them holds an http(s) address."""
    for field in (url, text, title):
        found = address_in(field)
        if found:
            return found
    return None


@require_GET
def share(request: HttpRequest) -> HttpResponse:
    """The share target: save the shared story (or ask first; see the module's docstring)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    fields = {name: str(request.GET.get(name, "")) for name in ("url", "text", "title")}
    address = find_address(**fields)
    if address is None:
        typed = (fields["url"] or fields["text"] or fields["title"]).strip()[:_MAX_FIELD]
        return views._invalid_save(request, NO_ADDRESS, typed)
    if request.headers.get("Sec-Fetch-Site") == "none":
        return views._save_result(request, address)
    return render(
        request, "broadsheet/save_confirm.html", {"form": SaveForm(initial={"url": address})}
    )
