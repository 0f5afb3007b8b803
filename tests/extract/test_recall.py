"""Pages that hold a story the engine once lost whole: tag soup that libxml2 nests differently
from a browser, stories set in elements that are chrome by their tag, and the like. Each page
is written for these tests, in the shape of the pages of that kind seen in the wild."""

from __future__ import annotations

import time

from lxml import etree

from broadsheet.extract import extract
from broadsheet.extract.article import ExtractOptions
from broadsheet.extract.dom import parse
from broadsheet.extract.soup import close_unclosed

from .story_sentences import STORY_SENTENCES

GERMAN = (
    "Der Gemeinderat hat am Dienstag beschlossen, die alte Brücke über den Fluss nach einem "
    "Jahr der Reparaturen wieder zu öffnen.",
    "Die Ingenieure sagten, die neue Fahrbahn werde Busse, Fahrräder und Fußgänger das ganze "
    "Jahr über tragen können.",
    "Anwohner beider Ufer hatten seit dem vergangenen Frühjahr Unterschriften für die "
    "Wiedereröffnung gesammelt.",
    "Die ersten Busse sollen die Brücke noch vor dem Ende des Monats befahren, teilte die "
    "Stadt mit.",
)
POLISH = (
    "Rada miasta zdecydowała we wtorek o ponownym otwarciu starego mostu na rzece po roku remontu.",
    "Inżynierowie zapewniają, że nowa nawierzchnia przez cały rok utrzyma autobusy, rowery i "
    "pieszych.",
    "Mieszkańcy obu brzegów zbierali podpisy w sprawie otwarcia mostu od zeszłej wiosny.",
    "Pierwsze autobusy mają przejechać przez most jeszcze przed końcem miesiąca.",
)


def paragraphs(sentences: tuple[str, ...]) -> str:
    return "".join(f"<p>{s}</p>" for s in sentences)


def test_close_unclosed_closes_divs_left_open_inside_an_html5_element() -> None:
    assert close_unclosed("<nav><div class=m>Menu</nav><p>Story</p>") == (
        "<nav><div class=m>Menu</div></nav><p>Story</p>"
    )
    # A new list item closes the divs left open in the one before, as in a browser.
    assert close_unclosed("<ul><li><div>a<li><div>b</ul>") == (
        "<ul><li><div>a</div><li><div>b</div></ul>"
    )
    # Table parts bound an end tag's reach in both parsers: nothing is inserted across them.
    soup = "<aside><table><tr><td><div>x</aside>"
    assert close_unclosed(soup) is soup
    # Markup inside scripts and comments is not markup.
    soup = "<script>var s = '<nav><div>';</script><!-- <aside><div> --><nav><div></div></nav>"
    assert close_unclosed(soup) is soup


def test_close_unclosed_ends_a_heading_at_another_heading_s_end_tag() -> None:
    assert close_unclosed("<h2>Dek</h3><div><p>Story</p></div>") == (
        "<h2>Dek</h2><div><p>Story</p></div>"
    )
    assert close_unclosed("<h2><div>Dek</h2><p>Story</p>") == "<h2><div>Dek</div></h2><p>Story</p>"


def test_story_after_a_heading_closed_by_the_wrong_end_tag_is_found() -> None:
    # `<h2>…</h3>`: a browser ends the heading there, libxml2 keeps it open and the story
    # becomes one heading, which is no prose.
    dek = (
        "Whether you back the new crossing or not, the council's engineer has become a "
        "household name in the town during the repairs."
    )
    html = (
        "<html><head><title>Bridge</title></head><body><main>"
        "<h1>The engineer behind the bridge</h1>"
        "<figure><img src='https://news.example/b.jpg'><figcaption>The engineer on the new deck."
        " Photo: Town Hall</figcaption></figure>"
        f"<h2 class='excerpt'>{dek}</h3>"
        "<div class='ad'><h3>Advertisement</h3></div>"
        f"<div id='articleBody'>{paragraphs(STORY_SENTENCES)}</div>"
        "</main></body></html>"
    )
    article = extract(html)
    for sentence in STORY_SENTENCES:
        assert sentence in article.text


def test_close_unclosed_makes_libxml2_build_what_a_browser_builds() -> None:
    repaired = parse(close_unclosed("<nav><div>Menu</nav><p>Story</p>"), ExtractOptions())
    assert repaired.find(".//nav/p") is None
    assert repaired.find("body/p") is not None


def test_story_after_a_navigation_bar_with_an_unclosed_div_is_found() -> None:
    # libxml2 ignores </nav> while the menu's <div> is open and nests the whole page in the
    # navigation bar, which goes as chrome; a browser closes the div and shows the story.
    html = (
        "<html><head><title>Brücke</title></head><body>"
        "<nav><ul><li><a href='/'>Start</a></li><li><a href='/lokales'>Lokales</a></li></ul>"
        "<div class='menu-toggle'><a href='#'>Menü</a></nav>"
        f"<main><h1>Die Brücke öffnet wieder</h1>{paragraphs(GERMAN)}</main>"
        "<footer><a href='/impressum'>Impressum</a></footer></body></html>"
    )
    article = extract(html)
    for sentence in GERMAN:
        assert sentence in article.text
    assert "Impressum" not in article.text


def test_story_after_a_noscript_holding_an_unclosed_div_is_found() -> None:
    # A 2000s layout: a <noscript> opens the fallback column's div and never closes it.
    html = (
        "<html><head><title>Most</title></head><body>"
        "<script>document.write('<div id=col>')</script>"
        "<noscript><div id='col-fallback'></noscript>"
        f"<div id='content'><h1>Most znów otwarty</h1>{paragraphs(POLISH)}</div>"
        "</div></body></html>"
    )
    article = extract(html)
    for sentence in POLISH:
        assert sentence in article.text


def test_story_after_a_banner_header_with_an_unclosed_div_is_found() -> None:
    html = (
        "<html><head><title>Bridge</title></head><body>"
        "<header role='banner'><a href='/'>The Daily Bridge</a>"
        "<nav><a href='/news'>News</a> <div class='btn-navbar'></nav></header>"
        f"<div id='main'><article><h1>The bridge reopens</h1>{paragraphs(STORY_SENTENCES)}"
        "</article></div></body></html>"
    )
    article = extract(html)
    for sentence in STORY_SENTENCES:
        assert sentence in article.text


def test_story_set_in_an_aside_is_found() -> None:
    # A site whose main column is an <aside> holding the <article>: by its tag it is chrome.
    html = (
        "<html><head><title>Brücke</title></head><body>"
        "<aside class='search'><form><input name='q'></form></aside>"
        "<main><aside class='content-column'><section>"
        f"<h1>Die Brücke öffnet wieder</h1><article>{paragraphs(GERMAN)}</article>"
        "</section></aside>"
        "<aside class='service'><a href='/abo'>Abo</a> <a href='/wetter'>Wetter</a></aside>"
        "</main></body></html>"
    )
    article = extract(html)
    for sentence in GERMAN:
        assert sentence in article.text
    assert "Wetter" not in article.text


def test_a_sidebar_with_more_prose_than_a_short_post_stays_chrome() -> None:
    # A real sidebar (no article, no main heading in it) outweighing a post of two lines is
    # still dropped by its tag: only an element that holds the story is read as a box.
    about = " ".join(STORY_SENTENCES)
    post = (
        "A short note today: the garden club meets on Thursday at seven in the library hall.",
        "Bring a cutting to swap, and a friend who wants to join.",
    )
    html = (
        "<html><head><title>Notes</title></head><body>"
        f"<div class='post'><h2>Garden club</h2>{paragraphs(post)}</div>"
        f"<aside><h3>About this blog</h3><p>{about}</p></aside></body></html>"
    )
    article = extract(html)
    assert post[0] in article.text
    assert STORY_SENTENCES[0] not in article.text


def test_repaired_tree_keeps_no_element_twice() -> None:
    html = close_unclosed("<nav><div><div>a</nav><p>b</p>")
    root = parse(html, ExtractOptions())
    assert etree.tostring(root, method="text", encoding="unicode").count("a") == 1


def test_close_unclosed_stays_linear_on_hostile_markup() -> None:
    for soup in (
        "<a" * 300_000,  # no tag ever ends
        "<nav><div>" * 50_000 + "</nav>" * 50_000,  # nested past any parser's depth
        "<li><div>" * 50_000,  # every item closes the one before
        "<!--" * 200_000,
    ):
        started = time.perf_counter()
        close_unclosed(soup)
        assert time.perf_counter() - started < 1.0
