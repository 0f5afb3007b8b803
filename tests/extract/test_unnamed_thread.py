"""A readers' thread that no class names as one (scoring.thread_names)."""

from __future__ import annotations

from broadsheet.extract import extract

from .story_sentences import STORY_SENTENCES

REPLIES = (
    "I have crossed that river twice a day for twenty years and the council waited far too "
    "long with these repairs, while the ferry queues grew every single morning of the winter.",
    "Good news for the shops, but nobody has said who pays for the brass band and the ceremony, "
    "and the ring road works on the other side of town are still not finished either.",
    "The buses will be full on day one. I would rather they had added a second lane for "
    "bicycles, since half the people I know ride to work over the bridge in the summer.",
)


def commentary_page(item: str, writer: str) -> str:
    """A short commentary, then twelve readers' replies in boxes of one kind, each with its
    writer and its time, classed with no word for comments; twice the commentary and more."""
    story = "".join(f"<p>{s}</p>" for s in STORY_SENTENCES[:7])
    replies = "".join(
        f"<{item} class='member'>{writer.format(n=f'Reader{i}')}"
        f"<time datetime='2020-01-14T13:{i:02d}'>14. 01. 2020, 13:{i:02d}</time>"
        f"<div class='objlink'><p>{REPLIES[i % 3]} ({i})</p></div>"
        f"<ul class='toolbar'><li><a href='#r{i}'>reply</a></li></ul></{item}>"
        for i in range(12)
    )
    return (
        "<html><head><title>Reopen the bridge, but do it right</title></head><body>"
        f"<div class='sect sect_article'><h1>Reopen the bridge, but do it right</h1>{story}</div>"
        f"<div class='sect sect_readers'><h2>Readers write</h2><ul class='sectbody'>{replies}"
        "</ul></div></body></html>"
    )


def test_unnamed_thread_does_not_win_over_the_short_commentary() -> None:
    html = commentary_page("li", "<a class='author person' href='/u/{n}'><h4>{n}</h4></a>")
    text = extract(html).text
    assert STORY_SENTENCES[0] in text
    assert STORY_SENTENCES[6] in text
    assert "ferry queues" not in text
    assert "Reader3" not in text


def test_teaser_list_with_times_and_writers_is_not_a_thread() -> None:
    # A list of other stories, each with its headline, writer and time: no replies.
    html = commentary_page(
        "div", "<h3><a href='/story/{n}'>Headline by {n}</a></h3><span class='author'>{n}</span>"
    )
    html = html.replace("<ul class='sectbody'>", "<div class='sectbody'>").replace(
        "</ul></div></body>", "</div></div></body>"
    )
    text = extract(html).text
    assert "ferry queues" in text


def test_thread_alone_on_its_page_is_still_read() -> None:
    # No story before the replies: nothing to give way to (a forum page).
    html = commentary_page("li", "<a class='author' href='/u/{n}'>{n}</a>")
    start, end = (
        html.index("<div class='sect sect_article'>"),
        html.index("<div class='sect sect_readers'>"),
    )
    text = extract(html[:start] + html[end:]).text
    assert "ferry queues" in text
