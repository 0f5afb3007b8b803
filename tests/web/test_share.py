"""Share → Broadsheet: finding the story's address in what Android hands over, and `/share/`
(saves at once only when the browser itself started the request; asks otherwise)."""

from __future__ import annotations

import string

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from broadsheet.core import services
from broadsheet.core.models import Item
from broadsheet.web.share import address_in, find_address
from tests.web.test_pages import text_of

STORY = "https://news.example/2026/12/07/the-story.html"


@pytest.mark.parametrize(
    ("fields", "wanted"),
    [
        ({"url": STORY}, STORY),
        ({"url": f"  {STORY}\n"}, STORY),
        ({"text": STORY}, STORY),
        ({"text": f"Read this {STORY} now"}, STORY),
        ({"text": f"Read this: {STORY}."}, STORY),
        ({"text": f"Worth it ({STORY})!"}, STORY),
        ({"text": f'"{STORY}", she wrote'}, STORY),
        ({"text": f"\u201c{STORY}\u201d"}, STORY),
        ({"text": f"See <{STORY}>"}, STORY),
        ({"text": f"Two: {STORY}, and https://other.example/b"}, STORY),
        (
            {"text": "The title\nhttps://news.example/a?x=1&y=2#top"},
            "https://news.example/a?x=1&y=2#top",
        ),
        (
            {"text": "https://en.wikipedia.org/wiki/Foo_(bar)"},
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        ),
        (
            {"text": "(https://en.wikipedia.org/wiki/Foo_(bar))"},
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        ),
        ({"text": "HTTPS://NEWS.EXAMPLE/A..."}, "HTTPS://NEWS.EXAMPLE/A"),
        # `url` wins over `text`; `title` is the last resort.
        ({"url": STORY, "text": "https://other.example/x"}, STORY),
        ({"url": "not an address", "text": f"via {STORY}"}, STORY),
        ({"title": f"{STORY} - News"}, STORY),
        # Nothing that is an http(s) address with a host.
        ({"text": "Read this later"}, None),
        ({"text": "ftp://files.example/a javascript:alert(1) https:// http:///x"}, None),
        ({}, None),
    ],
)
def test_find_address(fields: dict[str, str], wanted: str | None) -> None:
    assert find_address(**fields) == wanted


_path_chars = string.ascii_letters + string.digits + "-_/~%=&+"
paths = st.text(alphabet=_path_chars, max_size=40).map(lambda p: "/" + p)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}\.(com|org|example|co\.uk)", fullmatch=True)
addresses = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}{path}",
    st.sampled_from(["http", "https"]),
    hosts,
    paths,
)
words = st.lists(st.sampled_from(["Read", "this", "now", "via", "@app", "—", "story:"]), max_size=6)


punctuation = st.sampled_from(["", ".", ",", "!", "?", ")", "\u201d", "...", ":"])


@given(addresses, words, words, punctuation)
def test_an_address_inside_a_sentence_is_found(
    address: str, before: list[str], after: list[str], punctuation: str
) -> None:
    opening = "(" if punctuation == ")" else ""
    text = " ".join([*before, opening + address + punctuation, *after])
    assert find_address(text=text) == address


@given(addresses, st.text(max_size=200))
def test_the_url_field_wins(address: str, text: str) -> None:
    assert find_address(url=address, text=text) == address


@given(st.text(max_size=300))
def test_whatever_is_found_is_one_http_address(text: str) -> None:
    found = address_in(text)
    if found is not None:
        assert found.lower().startswith(("http://", "https://"))
        assert not any(c.isspace() for c in found)
        assert found in text


# --- the view -----------------------------------------------------------------------------------

SHARE = "/share/"
FROM_SHARE_SHEET = {"Sec-Fetch-Site": "none"}


@pytest.mark.django_db
def test_share_needs_a_login() -> None:
    r = Client().get(SHARE, {"text": f"Read this {STORY} now"})
    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/?next=/share/")


@pytest.mark.django_db
def test_share_from_the_share_sheet_saves_at_once(web: Client, alice: AbstractBaseUser) -> None:
    shared = {"title": "The story", "text": f"Read this {STORY} now"}
    r = web.get(SHARE, shared, headers=FROM_SHARE_SHEET)
    assert r.status_code == 201
    page = text_of(r)
    assert "This item has been saved to read later from any device." in page
    assert "Access saved items through your user name at the top of the page." in page
    item = Item.objects.get(user=alice)
    assert item.url == STORY

    again = web.get(SHARE, {"url": STORY}, headers=FROM_SHARE_SHEET)
    assert again.status_code == 409
    assert "Failed to save" in text_of(again)
    assert "You have already saved this item." in text_of(again)
    assert f'href="/items/{item.pk}/"' in again.content.decode()
    assert Item.objects.filter(user=alice).count() == 1


@pytest.mark.django_db
def test_share_over_the_limit(make_user: object) -> None:
    reader = make_user("limited", quota=1)  # type: ignore[operator]
    services.save_item(reader, "https://news.example/first")
    client = Client()
    client.force_login(reader)
    r = client.get(SHARE, {"text": STORY}, headers=FROM_SHARE_SHEET)
    assert r.status_code == 409
    assert "You reached the limit of 1 saved items." in text_of(r)
    assert "Please visit following link to manage your saved items." in text_of(r)
    assert Item.objects.filter(user=reader).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fetch_site", [None, "cross-site", "same-site", "same-origin"])
def test_share_from_anywhere_else_asks_first(
    web: Client, alice: AbstractBaseUser, fetch_site: str | None
) -> None:
    """A link on another page (or an old browser) must not save by itself: the confirm page,
    with the address found and a normal CSRF-protected form."""
    headers = {"Sec-Fetch-Site": fetch_site} if fetch_site else {}
    r = web.get(SHARE, {"text": f"Read this {STORY} now"}, headers=headers)
    assert r.status_code == 200
    body = r.content.decode()
    assert "Save this story?" in body
    assert f'value="{STORY}"' in body
    assert 'action="/save/"' in body and "csrfmiddlewaretoken" in body
    assert not Item.objects.filter(user=alice).exists()


@pytest.mark.django_db
def test_share_without_an_address(web: Client, alice: AbstractBaseUser) -> None:
    r = web.get(SHARE, {"title": "A title", "text": "Nothing to see"}, headers=FROM_SHARE_SHEET)
    assert r.status_code == 422
    assert "Enter the address of a story to save." in text_of(r)
    assert 'value="Nothing to see"' in r.content.decode()
    assert not Item.objects.filter(user=alice).exists()


@pytest.mark.django_db
def test_share_is_get_only(web: Client) -> None:
    assert web.post(SHARE, {"url": STORY}).status_code == 405


@pytest.mark.django_db
def test_confirming_a_share_goes_to_the_list(web: Client, alice: AbstractBaseUser) -> None:
    """The confirm page's form posts to /save/; the reader lands on the list with the message,
    not back on the page that asked."""
    referer = f"http://testserver/share/?text={STORY}"
    r = web.post("/save/", {"url": STORY}, headers={"Referer": referer})
    assert r.status_code == 303 and r["Location"] == "/"
    assert Item.objects.filter(user=alice, url=STORY).exists()
