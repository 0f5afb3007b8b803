"""A story paged by a script (chrome._paged_twins): its pages are boxes of one class, the first
shown and the rest hidden by their style until the reader clicks on; they are the story."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract

from .compiled_paths import both

# Each language: an intro, then four items of a list of gadgets, each a heading and two lines.
PAGES = {
    "en": (
        "Some things you only notice once somebody shows them to you, and then you cannot "
        "imagine living without them. We went through a year of markets and shops to find "
        "the strangest and most useful of them, and here are our favourites.",
        [
            (
                f"{n}. Gadget number {n}",
                f"This is the gadget we found on market day number {n}, and it solves a small "
                "problem in the kitchen that everybody knows from their own home.",
                f"It costs about {n * 7} pounds and comes in three colours, which makes it a "
                "good present for a friend who cooks every evening after work.",
            )
            for n in range(4, 0, -1)
        ],
    ),
    "de": (
        "Manche Dinge bemerkt man erst, wenn jemand sie einem zeigt, und dann kann man sich ein "
        "Leben ohne sie nicht mehr vorstellen. Wir haben ein Jahr lang Märkte und Läden besucht, "
        "um die seltsamsten und nützlichsten davon zu finden.",
        [
            (
                f"{n}. Das Gerät Nummer {n}",
                f"Dieses Gerät haben wir am Markttag Nummer {n} entdeckt, und es löst ein "
                "kleines Problem in der Küche, das jeder aus dem eigenen Haushalt kennt.",
                f"Es kostet etwa {n * 7} Euro und ist in drei Farben erhältlich, ein gutes "
                "Geschenk für alle, die jeden Abend nach der Arbeit selbst kochen.",
            )
            for n in range(4, 0, -1)
        ],
    ),
    "fr": (
        "Certaines choses ne se remarquent que lorsqu'on vous les montre, et ensuite on ne peut "
        "plus s'en passer. Nous avons parcouru pendant un an les marchés et les boutiques pour "
        "trouver les plus étranges et les plus utiles d'entre elles.",
        [
            (
                f"{n}. L'objet numéro {n}",
                f"Nous avons trouvé cet objet le jour de marché numéro {n}, et il règle un petit "
                "problème de cuisine que chacun connaît bien chez soi.",
                f"Il coûte environ {n * 7} euros et existe en trois couleurs, un bon cadeau pour "
                "un ami qui cuisine tous les soirs après le travail.",
            )
            for n in range(4, 0, -1)
        ],
    ),
}


def paged_page(lang: str, hide: str) -> str:
    intro, items = PAGES[lang]
    sections = [
        f"<div id='section-0' class='list-section' style='display: block;'><p>{intro}</p></div>"
    ]
    for i, (head, one, two) in enumerate(items, start=1):
        sections.append(
            f"<div id='section-{i}' class='list-section {hide}' style='display: none;'>"
            f"<h2>{head}</h2><p>{one}</p><p>{two}</p></div>"
        )
    return (
        f"<html lang='{lang}'><head><title>Gadgets</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/lists'>Lists</a></nav>"
        f"<main><article><h1>Gadgets</h1>{''.join(sections)}"
        "<a class='next' href='#'>Next</a></article></main>"
        "<footer><p>All rights reserved.</p></footer></body></html>"
    )


@pytest.mark.parametrize("lang", sorted(PAGES))
@pytest.mark.parametrize("hide", ["hidden", ""])
def test_hidden_pages_of_a_paged_story_are_read(lang: str, hide: str) -> None:
    intro, items = PAGES[lang]
    fast, slow = both(lambda: extract(paged_page(lang, hide)).text)
    assert fast == slow
    assert intro in fast
    for head, one, two in items:
        assert head in fast
        assert one in fast
        assert two in fast


def test_a_hidden_box_with_no_shown_twin_stays_hidden() -> None:
    intro, items = PAGES["en"]
    html = paged_page("en", "hidden").replace("class='list-section' style='display: block;'", "")
    text = extract(html).text
    assert intro in text
    assert items[0][1] not in text


def test_a_hidden_twin_of_a_few_words_stays_hidden() -> None:
    # A menu's panes: the shown one and the hidden ones each a line, not running text.
    story = "".join(f"<p>{line}</p>" for line in PAGES["en"][1][0][1:]) * 3
    panes = (
        "<div class='pane'><p>Opening hours: 9 to 5.</p></div>"
        "<div class='pane hidden' style='display:none'><p>Closed on Sundays and holidays.</p></div>"
    )
    text = extract(
        f"<html><body><article><p>{PAGES['en'][0]}</p>{story}{panes}</article></body></html>"
    ).text
    assert "Opening hours" in text
    assert "Closed on Sundays" not in text
