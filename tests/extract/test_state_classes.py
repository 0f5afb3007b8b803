"""A class token that states a property of a box ("has-no-title", "is-sticky", "with-sidebar",
"without-ads") names what the box has or lacks, not what it is: the chrome word after the prefix
is no evidence of chrome. A recipe's method steps, each in a box classed `step has-no-title`
(the step has no heading of its own), were each dropped as a weakly named "title" box."""

from __future__ import annotations

import pytest

from broadsheet.extract import chrome, extract

from .compiled_paths import both

PAGES = {
    "de": (
        "Zwiebelkuchen vom Blech",
        "Ein herzhafter Blechkuchen für den Herbst, der am besten mit einem jungen Wein "
        "serviert wird und sich gut am Vortag vorbereiten lässt.",
        [
            "Die Hefe in lauwarmer Milch auflösen, mit Mehl, Salz und Öl zu einem glatten Teig "
            "kneten und zugedeckt an einem warmen Ort eine Stunde gehen lassen.",
            "Die Zwiebeln schälen, in feine Ringe schneiden und in Butter glasig dünsten, bis "
            "sie weich sind, dann mit Kümmel würzen und etwas abkühlen lassen.",
            "Sahne, Eier und geriebenen Käse verquirlen, unter die Zwiebeln heben und die "
            "Masse gleichmäßig auf dem ausgerollten Teig verstreichen.",
            "Den Kuchen im vorgeheizten Ofen bei 200 Grad etwa vierzig Minuten backen, bis der "
            "Belag goldgelb gestockt ist, und lauwarm in Stücke schneiden.",
        ],
    ),
    "en": (
        "Sheet-pan onion tart",
        "A savoury tart for autumn evenings that is best served with a young wine and can "
        "easily be prepared the day before your guests arrive.",
        [
            "Dissolve the yeast in lukewarm milk, knead it with flour, salt and oil into a "
            "smooth dough and leave it covered in a warm place for an hour to rise.",
            "Peel the onions, slice them into fine rings and soften them in butter until they "
            "are translucent, then season with caraway and let them cool a little.",
            "Whisk the cream, eggs and grated cheese together, fold them into the onions and "
            "spread the mixture evenly over the rolled-out dough.",
            "Bake the tart in the preheated oven at 200 degrees for about forty minutes until "
            "the topping has set and turned golden, then cut it into squares while warm.",
        ],
    ),
}


def _page(lang: str) -> str:
    title, intro, steps = PAGES[lang]
    boxes = "".join(
        f'<div class="method-step has-no-title"><span class="step-number">{i}</span>'
        f"<p>{step}</p></div>"
        for i, step in enumerate(steps, 1)
    )
    return (
        f'<html lang="{lang}"><head><title>{title}</title></head><body>'
        '<nav class="main-nav"><ul><li><a href="/">Start</a></li>'
        '<li><a href="/rezepte">Recipes</a></li></ul></nav>'
        f"<main><article><h1>{title}</h1><p>{intro}</p>"
        f'<section class="method">{boxes}</section></article></main>'
        '<footer class="site-footer"><p>Impressum · Datenschutz</p></footer>'
        "</body></html>"
    )


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_boxes_classed_by_a_state_keep_their_text(lang: str) -> None:
    page = _page(lang)
    fast, slow = both(lambda: extract(page, url="https://example.org/r").text)
    assert fast == slow
    for step in PAGES[lang][2]:
        assert step in fast
    assert "Impressum" not in fast


@pytest.mark.parametrize(
    "token", ["has-no-title", "is-sticky-nav", "with-sidebar", "without-ads", "has_comments"]
)
def test_a_state_token_names_no_chrome(token: str) -> None:
    bits = both(lambda: chrome._TOKEN_JUDGE(token))
    assert bits == (0, 0)


@pytest.mark.parametrize(
    "token", ["title", "no-print", "print-button", "sidebar-has", "this-sidebar", "nav-is"]
)
def test_a_chrome_word_elsewhere_still_names_chrome(token: str) -> None:
    assert chrome._token_class(token) != 0
    assert chrome._TOKEN_JUDGE(token) != 0
