"""Highlights on the pages: drawn as <mark> by the server (no script needed), listed under the
story and on /highlights/, and the reader view's own script policy."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import highlighting, services
from broadsheet.core.anchoring import story_text
from broadsheet.core.models import Highlight, Item
from tests.web.test_pages import text_of

pytestmark = pytest.mark.django_db

HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
STORY = (
    "<p>The dam opened at dawn. Farmers downstream watched the river rise.</p>"
    "<p>&lt;script&gt;alert(3)&lt;/script&gt; was printed in the story as text.</p>"
)


def _story(user: AbstractBaseUser, html: str = STORY) -> Item:
    item = services.save_item(user, "https://news.example/dam")
    Item.objects.filter(pk=item.pk).update(status=Item.Status.READY, html=html, title="The dam")
    item.refresh_from_db()
    return item


def _marks(body: str) -> list[str]:
    return re.findall(r"<mark [^>]*>.*?</mark>", body, re.S)


def test_highlights_are_marked_without_script(web: Client, alice: AbstractBaseUser) -> None:
    item = _story(alice)
    h = highlighting.add_highlight(alice, item.pk, "Farmers downstream", note=HOSTILE)
    quoted = highlighting.add_highlight(alice, item.pk, "<script>alert(3)</script>", note="odd")
    page = web.get(f"/items/{item.pk}/")
    body = page.content.decode()
    marks = _marks(body)
    assert len(marks) == 2
    assert f'id="hl-{h.pk}"' in marks[0] and marks[0].endswith(">Farmers downstream</mark>")
    assert "&lt;script&gt;alert(3)&lt;/script&gt;</mark>" in marks[1]
    assert f'id="hl-{quoted.pk}"' in marks[1]
    # Hostile notes and quotes are text everywhere: in the mark's title and in the list.
    assert "<script>alert" not in body and "<img src=x" not in body
    assert 'title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;' in marks[0]
    listed = text_of(re.search(r'<section class="highlights".*?</section>', body, re.S).group(0))  # type: ignore[union-attr]
    assert "Farmers downstream" in listed and HOSTILE in listed
    assert "<script>alert(3)</script>" in listed
    # The story's text is what it was.
    story = re.search(r'<div class="story-body" id="story-body">(.*?)</div>\s*<form', body, re.S)
    assert story is not None and story_text(story.group(1)) == story_text(STORY)


def test_orphaned_highlights_are_listed_apart(web: Client, alice: AbstractBaseUser) -> None:
    item = _story(alice)
    kept = highlighting.add_highlight(alice, item.pk, "Farmers downstream")
    lost = highlighting.add_highlight(alice, item.pk, "watched the river rise", note="gone?")
    item.html = STORY.replace("watched the river rise", "saw the water")
    item.save()
    highlighting.reanchor(item)
    body = web.get(f"/items/{item.pk}/").content.decode()
    assert len(_marks(body)) == 1 and f'id="hl-{kept.pk}"' in body
    lost_part = body[body.index("No longer found in the story") :]
    assert "watched the river rise" in text_of(lost_part) and "gone?" in text_of(lost_part)
    assert f'id="hl-{lost.pk}"' not in body
    page = text_of(web.get("/highlights/"))
    assert "No longer found in the story" in page


def test_highlight_form_edit_and_delete(web: Client, alice: AbstractBaseUser) -> None:
    item = _story(alice)
    text = story_text(item.html)
    at = text.index("dam opened")
    r = web.post(
        f"/items/{item.pk}/highlights/",
        {
            "quote": "dam opened",
            "prefix": text[:at],
            "suffix": text[at + 10 :],
            "start": str(at),
            "end": str(at + 10),
            "note": "Which dam?",
        },
    )
    h = Highlight.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/items/{item.pk}/#hl-{h.pk}"
    assert (h.quote, h.note, h.start) == ("dam opened", "Which dam?", at)
    # Typed by hand (no script): the words alone.
    r = web.post(f"/items/{item.pk}/highlights/", {"quote": "river rise", "start": "x"})
    assert r.status_code == 302 and Highlight.objects.count() == 2
    # Words not in the story: the reason, on the story's page.
    r = web.post(f"/items/{item.pk}/highlights/", {"quote": "no such words"}, follow=True)
    assert "not in the story" in text_of(r) and Highlight.objects.count() == 2

    r = web.post(f"/highlights/{h.pk}/", {"note": "The old one.", "next": "/highlights/"})
    assert r.status_code == 302 and r["Location"] == "/highlights/"
    assert Highlight.objects.get(pk=h.pk).note == "The old one."
    r = web.post(f"/highlights/{h.pk}/delete/", {"next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == f"/items/{item.pk}/#highlights"
    assert not Highlight.objects.filter(pk=h.pk).exists()
    assert web.get(f"/highlights/{h.pk}/delete/").status_code == 405


def test_the_highlights_page(web: Client, alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    item = _story(alice)
    highlighting.add_highlight(alice, item.pk, "Farmers downstream", note=HOSTILE)
    other = services.save_item(bob, "https://news.example/bob")
    Item.objects.filter(pk=other.pk).update(status=Item.Status.READY, html="<p>Bob's words</p>")
    highlighting.add_highlight(bob, other.pk, "Bob's words")
    page = web.get("/highlights/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Farmers downstream" in text_of(page) and HOSTILE in text_of(page)
    assert "Bob's words" not in body
    assert "<script>alert" not in body
    assert f'href="/items/{item.pk}/#hl-' in body
    assert 'aria-current="page">Highlights</a>' in body  # a tab of its own
    assert "script-src 'none'" in page["Content-Security-Policy"]
    assert "<script" not in body
    empty = Client()
    empty.force_login(bob)
    services.delete_item(bob, other.pk)
    assert "No highlights yet" in text_of(empty.get("/highlights/"))


def test_reader_view_policy_and_progress(web: Client, alice: AbstractBaseUser) -> None:
    item = _story(alice)
    services.set_progress(alice, item.pk, 0.42)
    page = web.get(f"/items/{item.pk}/")
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp and "'none'" in csp
    body = page.content.decode()
    assert 'data-progress="0.4200"' in body
    assert '<script src="/static/broadsheet/reader.js" defer></script>' in body
    # Only a fetched story gets the script; a pending one and every other page do not (but the
    # unread list, which has a script of its own: offline.js, see test_offline_pages).
    pending = services.save_item(alice, "https://news.example/pending")
    other = web.get(f"/items/{pending.pk}/")
    assert "script-src 'none'" in other["Content-Security-Policy"]
    assert "<script" not in other.content.decode()
    for path in ("/archive/", "/notes/", "/highlights/", "/settings/"):
        assert "script-src 'none'" in web.get(path)["Content-Security-Policy"], path

    # The script's report: 204, then the item has it.
    assert web.post(f"/items/{item.pk}/progress/", {"progress": "0.75"}).status_code == 204
    item.refresh_from_db()
    assert item.progress == pytest.approx(0.75)
    for bad in ("1.5", "-0.1", "nan", "inf", "", "half"):
        r = web.post(f"/items/{item.pk}/progress/", {"progress": bad})
        assert r.status_code == 422, bad
    assert web.post("/items/999999/progress/", {"progress": "0.5"}).status_code == 404
    assert web.get(f"/items/{item.pk}/progress/").status_code == 405
    item.refresh_from_db()
    assert item.progress == pytest.approx(0.75)


def test_progress_needs_the_csrf_token(alice: AbstractBaseUser) -> None:
    item = _story(alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/items/{item.pk}/progress/", {"progress": "0.5"}).status_code == 403
    assert client.post(f"/items/{item.pk}/highlights/", {"quote": "dam"}).status_code == 403
    page = client.get(f"/items/{item.pk}/").content.decode()
    form = r'id="progress-form".*?name="csrfmiddlewaretoken" value="([^"]+)"'
    token = re.search(form, page, re.S)
    assert token is not None
    r = client.post(
        f"/items/{item.pk}/progress/",
        {"progress": "0.5", "csrfmiddlewaretoken": token.group(1)},
    )
    assert r.status_code == 204
