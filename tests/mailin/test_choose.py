"""What a message saves (core.mailsave.choose): the link a reader meant, a newsletter, or
nothing. Pure: no database, no network."""

from __future__ import annotations

from broadsheet.core.mailsave import (
    Link,
    Mailed,
    Newsletter,
    Nothing,
    choose,
    synthetic_address,
    title_of,
)
from tests.conftest import story_text

STORY = "https://news.example.org/2024/03/harbour-ferry"


def newsletter(extra: str = "", words: int = 300) -> str:
    return (
        "<html><body>"
        f"<p>{story_text(1, words)}</p>"
        '<a href="https://example.org/a">a</a> <a href="https://example.org/b">b</a>'
        f"{extra}</body></html>"
    )


def test_a_short_message_with_one_link_saves_it() -> None:
    choice = choose(Mailed(text=f"Read this one\n{STORY}\n\nSent from my phone"))
    assert choice == Link(STORY)


def test_trailing_punctuation_and_angle_brackets_are_not_part_of_the_link() -> None:
    assert choose(Mailed(text=f"Look at <{STORY}>.")) == Link(STORY)
    assert choose(Mailed(text=f"(see {STORY})")) == Link(STORY)


def test_the_signature_and_quoted_lines_do_not_count() -> None:
    text = f"{STORY}\n> earlier: https://example.org/quoted\n-- \nJo\nhttps://jo.example.org/"
    assert choose(Mailed(text=text)) == Link(STORY)


def test_one_url_in_the_subject_wins() -> None:
    mailed = Mailed(subject=f"Fwd: {STORY}", html=newsletter())
    assert choose(mailed) == Link(STORY)


def test_unsubscribe_view_online_and_share_links_are_not_the_story() -> None:
    html = (
        f'<p>A friend shared: <a href="{STORY}">Harbour ferry returns</a></p>'
        '<p><a href="https://news.example.org/webview/123">View in browser</a> · '
        '<a href="https://news.example.org/u?id=1">Unsubscribe</a> · '
        '<a href="https://www.facebook.com/sharer/sharer.php?u=x">f</a> · '
        '<a href="https://example.org/prefs">Manage your preferences</a> · '
        '<a href="mailto:x@example.org">mail us</a> · '
        '<a href="https://example.org/list-unsub">stop</a></p>'
    )
    mailed = Mailed(html=html, list_unsubscribe=("https://example.org/list-unsub",))
    assert choose(mailed) == Link(STORY)


def test_the_same_story_twice_is_one_link() -> None:
    text = f"{STORY}?utm_source=newsletter and again {STORY}#top"
    assert choose(Mailed(text=text)) == Link(f"{STORY}?utm_source=newsletter")


def test_a_newsletter_is_saved_as_itself_under_its_view_online_link() -> None:
    online = "https://letters.example.org/issues/12"
    html = newsletter(f'<a href="{online}">View this email in your browser</a>')
    choice = choose(Mailed(subject="Issue 12", html=html, message_id="<m1@x>"))
    assert isinstance(choice, Newsletter)
    assert choice.url == online
    assert choice.html.endswith(html)
    assert '<meta property="og:title" content="Issue 12">' in choice.html


def test_a_newsletter_without_one_gets_a_stable_address_from_its_message_id() -> None:
    first = choose(Mailed(subject="Issue 12", html=newsletter(), message_id="<m1@x>"))
    again = choose(Mailed(subject="Issue 12 (again)", html=newsletter(), message_id="<m1@x>"))
    other = choose(Mailed(subject="Issue 12", html=newsletter(), message_id="<m2@x>"))
    assert isinstance(first, Newsletter) and isinstance(again, Newsletter)
    assert isinstance(other, Newsletter)
    assert first.url == again.url != other.url
    assert first.url.startswith("https://newsletter.invalid/")


def test_a_long_html_message_around_one_link_is_a_newsletter() -> None:
    html = f'<p>{story_text(2, 400)}</p><p><a href="{STORY}">the source</a></p>'
    assert isinstance(choose(Mailed(html=html)), Newsletter)


def test_the_subject_and_sender_are_declared_only_when_the_html_has_none() -> None:
    html = '<head><meta property="og:title" content="Own title"></head>' + newsletter()
    choice = choose(Mailed(subject="Subj", sender_name="The Letter", html=html))
    assert isinstance(choice, Newsletter)
    assert "Subj" not in choice.html
    assert '<meta property="og:site_name" content="The Letter">' in choice.html


def test_markup_in_the_subject_and_sender_is_escaped_and_on_one_line() -> None:
    mailed = Mailed(
        subject='Fwd: Re: "x"><script>alert(1)</script>\r\nBcc: v@example.org',
        sender_name="Evil\r\n<b>",
        html=newsletter(),
    )
    choice = choose(mailed)
    assert isinstance(choice, Newsletter)
    head = choice.html[: choice.html.index("<html>")]
    assert "<script" not in head and "\r" not in head and "\n<b>" not in head
    assert title_of(mailed) == '"x"><script>alert(1)</script> Bcc: v@example.org'


def test_several_links_in_a_short_message_save_nothing() -> None:
    choice = choose(Mailed(text="https://example.org/a https://example.org/b"))
    assert isinstance(choice, Nothing)


def test_nothing_at_all_saves_nothing() -> None:
    assert isinstance(choose(Mailed(subject="hello", text="just saying hi")), Nothing)
    assert isinstance(choose(Mailed(html="<p>hi</p>")), Nothing)
    assert isinstance(choose(Mailed(text="ftp://example.org/file javascript:alert(1)")), Nothing)


def test_a_long_plain_text_newsletter_keeps_its_paragraphs() -> None:
    text = (
        "\n\n".join(story_text(i, 60) for i in range(4))
        + "\nhttps://a.example/1 https://b.example/2"
    )
    choice = choose(Mailed(subject="Plain letter", text=text))
    assert isinstance(choice, Newsletter)
    assert choice.html.count("<p>") == 4


def test_the_synthetic_address_without_message_id_depends_on_the_content() -> None:
    a = synthetic_address(Mailed(subject="s", html="<p>a</p>"))
    b = synthetic_address(Mailed(subject="s", html="<p>b</p>"))
    assert a != b
