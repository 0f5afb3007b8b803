"""A link roundup: a post that is a list of links, each item a short paragraph holding the
linked headline and one saying where it came from (<li><p><a>headline</a></p><p>via Source
<a>url</a></p></li>, as bookmarking services post them to a blog). Its items are items of a
list, not paragraphs of their own: walked as a container, the list fell apart into lines of
nothing but links, none of them prose, and the page's chrome was taken instead."""

from __future__ import annotations

import pytest

from broadsheet.extract import ExtractOptions, extract
from broadsheet.extract.blocks import build_blocks
from broadsheet.extract.dom import parse

from .compiled_paths import both

ROUNDUPS = {
    "de": (
        "Lesezeichen vom 14. März",
        [
            ("Bahn: Neue Fahrpläne für den Nahverkehr im Rheinland", "Rheinische Post"),
            ("Warum Stadtbibliotheken wieder voller werden", "Deutschlandfunk"),
            ("Datenschutz: Behörde prüft Gesichtserkennung im Bahnhof", "netzpolitik.org"),
            ("Solarstrom vom Balkon: was Mieter wissen müssen", "c't Magazin"),
            ("Wie ein Dorf in Brandenburg sein Schwimmbad rettete", "Märkische Allgemeine"),
            ("Open Source in der Verwaltung: Schleswig-Holstein zieht Bilanz", "heise online"),
        ],
    ),
    "fr": (
        "Mes lectures du 2 avril",
        [
            ("Le vélo en ville progresse encore à Lyon et Grenoble", "Le Progrès"),
            ("Pourquoi les librairies indépendantes résistent mieux", "France Culture"),
            ("Données personnelles : la CNIL sanctionne un site de rencontres", "Numerama"),
            ("Réparer son téléphone soi-même devient plus simple", "01net"),
            ("Un village breton sauve sa boulangerie grâce à une coopérative", "Ouest-France"),
            ("Logiciels libres : la gendarmerie fait le bilan de sa migration", "Next INpact"),
        ],
    ),
    "es": (
        "Enlaces del 9 de mayo",
        [
            ("El tranvía vuelve a circular por el centro de Zaragoza", "Heraldo"),
            ("Las bibliotecas municipales amplían su horario en verano", "El Diario"),
            ("Privacidad: multa a una aplicación de citas por ceder datos", "Xataka"),
            ("Cómo instalar paneles solares en un balcón alquilado", "Genbeta"),
            ("Un pueblo de Soria salva su escuela con familias nuevas", "El Norte de Castilla"),
            ("Software libre en la administración: el balance de Barcelona", "El Salto"),
        ],
    ),
}


def roundup_page(lang: str) -> str:
    title, links = ROUNDUPS[lang]
    items = "".join(
        f'<li>\n<p class="roundup-link"><a href="https://news.example/{i}">{headline}</a></p>\n'
        f'<p class="roundup-source">via {source} <a href="https://source{i}.example/" '
        f'rel="nofollow">https://source{i}.example/</a></p>\n</li>\n'
        for i, (headline, source) in enumerate(links)
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        "</head><body><header><a href='/'>Mein Blog</a><nav><ul><li><a href='/'>Start</a></li>"
        "<li><a href='/about'>Über</a></li><li><a href='/archiv'>Archiv</a></li></ul></nav>"
        f"</header><main><article class='post'><h1>{title}</h1>"
        "<div class='entry-meta'><time datetime='2024-03-14'>2024-03-14</time></div>"
        f"<div class='entry-content'><ul class='linkroll'>\n{items}</ul></div>"
        "<div class='share'><a href='/s/fb'>Facebook</a> <a href='/s/x'>X</a></div>"
        "</article></main><div class='widget'><p>Ein Fehler ist aufgetreten. Bitte lade die "
        "Seite neu und versuche es noch einmal.</p></div><footer><p>Diese Website verwendet "
        "Cookies. Wenn du sie weiter nutzt, stimmst du dem zu.</p></footer></body></html>"
    )


@pytest.mark.parametrize("lang", sorted(ROUNDUPS))
def test_a_link_roundup_is_its_list(lang: str) -> None:
    _, links = ROUNDUPS[lang]
    fast, slow = both(lambda: extract(roundup_page(lang)).text)
    assert fast == slow
    for headline, source in links:
        assert headline in fast
        assert f"via {source}" in fast
    assert "Ein Fehler ist aufgetreten" not in fast
    assert "Cookies" not in fast


def _kinds(body: str) -> list[tuple[str, object]]:
    root = parse(f"<html><body>{body}</body></html>", ExtractOptions())
    out = build_blocks(root, base_url=None, max_depth=255)
    return [(c.block.kind, c.block.items or c.block.text) for c in out]


def test_items_of_short_paragraphs_are_one_list_with_their_paragraphs_on_one_line() -> None:
    body = (
        "<ul><li><p><a href='/a'>Erster Titel</a></p><p>via Quelle <a href='/q'>q</a></p></li>"
        "<li><p>Zweiter Titel</p></li></ul>"
    )
    fast, slow = both(lambda: _kinds(body))
    assert fast == slow == [("list", ("Erster Titel via Quelle q", "Zweiter Titel"))]


@pytest.mark.parametrize(
    "item",
    [
        "<p>" + "Ein langer Absatz, der für sich steht und erzählt. " * 6 + "</p>",  # prose
        "Vorwort <p>Absatz</p>",  # text beside the paragraph
        "<p>Absatz</p><div>Kasten</div>",  # another block
        "<p>Absatz</p><p><img src='/bild.jpg' alt='Bild'></p>",  # a picture in a paragraph
    ],
)
def test_other_items_holding_paragraphs_leave_the_list_a_container(item: str) -> None:
    fast, slow = both(lambda: _kinds(f"<ul><li>{item}</li><li><p>Zweiter</p></li></ul>"))
    assert fast == slow
    assert all(kind != "list" for kind, _ in fast)
