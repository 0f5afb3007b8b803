"""Issue 11's failure classes, each on a page of our own in that shape and in several languages:
2000s layout tables and tag soup, a photo caption or a blog's tagline or a metadata strip set
before a story that no article-like element wraps. The story comes out whole, and what came
out instead before (the caption, the tagline, the strip) does not stand in for it."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract

STORIES = {
    "de": (
        "Der Gemeinderat hat am Dienstagabend nach langer Debatte beschlossen, die alte "
        "Stadtbibliothek am Marktplatz bis zum Herbst umfassend zu sanieren.",
        "Die Kosten von rund 2,4 Millionen Euro tragen Stadt und Land gemeinsam, wobei der "
        "Landeszuschuss erst im Frühjahr bewilligt worden war.",
        "Während der Bauarbeiten zieht die Ausleihe in die ehemalige Sparkassenfiliale in der "
        "Bahnhofstraße, die Öffnungszeiten bleiben nach Angaben der Verwaltung unverändert.",
        "Kritik kam vor allem von der Opposition, die einen Neubau am Stadtrand für günstiger "
        "hielt und eine Bürgerbefragung gefordert hatte.",
    ),
    "fr": (
        "Le conseil municipal a voté mardi soir, après un long débat, la rénovation complète de "
        "l'ancienne bibliothèque de la place du Marché d'ici l'automne.",
        "Le coût, estimé à 2,4 millions d'euros, sera partagé entre la ville et la région, dont la "
        "subvention n'avait été accordée qu'au printemps.",
        "Pendant les travaux, le prêt de livres déménage dans l'ancienne agence bancaire de la rue "
        "de la Gare, et les horaires restent inchangés selon la mairie.",
        "L'opposition a surtout critiqué le projet, jugeant moins cher un nouveau bâtiment en "
        "périphérie et réclamant une consultation des habitants.",
    ),
    "es": (
        "El pleno municipal aprobó el martes por la noche, tras un largo debate, la reforma "
        "integral de la antigua biblioteca de la plaza del Mercado antes del otoño.",
        "El coste, de unos 2,4 millones de euros, lo asumirán a partes iguales el ayuntamiento y "
        "la región, cuya subvención no se concedió hasta la primavera.",
        "Durante las obras, el préstamo de libros se traslada a la antigua sucursal bancaria de "
        "la calle de la Estación y el horario no cambia, según el consistorio.",
        "La oposición criticó sobre todo el proyecto, al considerar más barato un edificio nuevo "
        "en las afueras, y había pedido una consulta vecinal.",
    ),
}
LANGS = sorted(STORIES)
NAV = "".join(f"<a href='/s/{i}'>Rubrik {i}</a> | " for i in range(12))


def _paragraphs(lang: str, tag: str = "p") -> str:
    return "".join(f"<{tag}>{s}</{tag}>" for s in STORIES[lang])


def _assert_story(html: str, lang: str, *, absent: tuple[str, ...] = ()) -> None:
    text = extract(html).text
    for sentence in STORIES[lang]:
        assert sentence in text
    for chrome in absent:
        assert chrome not in text
    assert len(text) >= 150


@pytest.mark.parametrize("lang", LANGS)
def test_story_in_a_2000s_layout_table_is_found(lang: str) -> None:
    # Nested layout tables, a spacer gif column, <font> tags, paragraphs set with <br><br>.
    body = "<br><br>".join(STORIES[lang])
    html = (
        f"<html lang='{lang}'><head><title>Stadtbibliothek</title></head><body>"
        "<table width='100%' border='0'><tr><td colspan='3'><img src='/logo.gif'></td></tr>"
        f"<tr><td width='160' valign='top'><font size='1'>{NAV.replace(' | ', '<br>')}</font></td>"
        "<td width='10'><img src='/spacer.gif' width='10'></td>"
        "<td valign='top'><table><tr><td><font face='Arial' size='2'>"
        f"<b>Stadtbibliothek wird saniert</b><br><br>{body}"
        "</font></td></tr></table></td></tr>"
        "<tr><td colspan='3'><font size='1'>Impressum | Kontakt | AGB</font></td></tr>"
        "</table></body></html>"
    )
    _assert_story(html, lang, absent=("Impressum",))


@pytest.mark.parametrize("lang", LANGS)
def test_story_in_tag_soup_with_unknown_elements_is_found(lang: str) -> None:
    # Unknown elements, a table row in <head>, unclosed <p> and <font> tags.
    paragraphs = "".join(f"<p><font size=2>{s}" for s in STORIES[lang])
    html = (
        f"<html><head><title>Bibliothek</title><tr><td>menu</td></tr></head><body>"
        f"<mbox class=nav>{NAV}</mbox><center><mbox>{paragraphs}</mbox></center>"
        "<mbox class=foot>© 2008 Kurier</mbox></body></html>"
    )
    _assert_story(html, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_lead_caption_with_its_credit_does_not_stand_in_for_the_story(lang: str) -> None:
    # The page's first text is a photo caption with its credit; the story below sits in plain
    # divs, in no article-like element.
    caption = "Die Stadtbibliothek am Marktplatz im Frühjahr. (Foto: Anna Beispiel/dpa)"
    html = (
        f"<html lang='{lang}'><body><div class='top'>{NAV}</div>"
        f"<div class='media'><img src='https://img.example/bib.jpg'><div>{caption}</div></div>"
        f"<div class='x1'><div class='x2'>{_paragraphs(lang, 'div')}</div></div>"
        "<div class='bottom'>Datenschutz · Impressum</div></body></html>"
    )
    article = extract(html)
    _assert_story(html, lang)
    assert article.text.strip() != caption


@pytest.mark.parametrize("lang", LANGS)
def test_a_blog_tagline_and_metadata_strip_do_not_stand_in_for_the_post(lang: str) -> None:
    # A tagline-heavy blog: the tagline under the blog's name, a metadata strip
    # ("Section · Published on … · Listen to this story · Rate this story") above the post,
    # a sidebar of taglines and an about box.
    tagline = "Notizen aus einer kleinen Stadt: über Bücher, Politik und das Leben dazwischen"
    strip = "Lokales · Veröffentlicht am 3. März 2024 · Listen to this story · Rate this story"
    html = (
        f"<html lang='{lang}'><body><header><h1><a href='/'>Kleinstadtnotizen</a></h1>"
        f"<p class='tagline'>{tagline}</p></header>"
        f"<div class='wrap'><div class='meta'>{strip}</div>"
        f"<div class='entry'>{_paragraphs(lang)}</div>"
        f"<div class='sidebar'><p>{tagline}</p><p>Über mich: Ich schreibe seit 2009 über "
        "alles, was in unserer Stadt passiert, und manchmal über Bücher.</p></div></div>"
        "</body></html>"
    )
    text = extract(html).text
    _assert_story(html, lang)
    assert tagline not in text
    assert "Rate this story" not in text
