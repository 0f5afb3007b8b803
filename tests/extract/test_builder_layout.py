"""A story split over a page builder's boxes, each named with a chrome word after the
builder's prefix (chrome._within_story_boxes)."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract

SECTIONS = {
    "de": (
        "Der Sommer ist da, die Kleider werden kürzer und die Haare hochgesteckt: die beste Zeit, "
        "um Ohrringe zu zeigen. Wir haben unsere liebsten Stücke der Saison für euch gesammelt.",
        "Die kleinen Anhänger lassen sich beliebig kombinieren, so entsteht aus wenigen Teilen "
        "ein ganz eigener Look, der zu jedem Anlass passt und trotzdem nicht aufdringlich wirkt.",
        "Wer kein Ohrloch hat, muss nicht verzichten: Ein auffälliger Ohrclip am oberen Rand "
        "sieht mit hochgesteckten Haaren besonders gut aus und hält auch beim Tanzen.",
        "Zu den goldenen Stücken passen dickere Kreolen, die Anhänger halten dort genauso gut, "
        "und wer mag, trägt an jedem Ohr eine andere Farbe, ganz nach Stimmung und Kleid.",
    ),
    "fr": (
        "L'été est là, les robes raccourcissent et les cheveux se relèvent : le meilleur moment "
        "pour montrer ses boucles d'oreilles. Voici nos pièces préférées de la saison.",
        "Les petits pendentifs se combinent à volonté, et quelques pièces suffisent pour créer "
        "un style bien à soi, qui convient à chaque occasion sans jamais en faire trop.",
        "Pas de trou aux oreilles ? Pas de souci : une manchette d'oreille portée en haut du "
        "lobe va très bien avec les cheveux relevés et tient même pendant la danse.",
        "Avec les pièces dorées, on choisit des créoles plus épaisses, les pendentifs y tiennent "
        "aussi bien, et chacun peut porter une couleur différente à chaque oreille.",
    ),
}
LINES = {
    "de": ("Ohrring: Linde Atelier", "Anhänger: Linde Atelier", "Kombiniert mit längeren Ketten"),
    "fr": ("Boucle : Atelier Tilleul", "Pendentif : Atelier Tilleul", "Avec de longs colliers"),
}


def builder_page(lang: str, name: str, prefix: str) -> str:
    """The story in a box named `name`, split over four inner boxes of the same name, the
    last a paragraph and its short product lines; a share box and a "read more" button inside
    it, named by the builder too; a sidebar of teasers beside it."""
    inner = f"{prefix}-text {name}"
    lines = "".join(f"<p>{line}</p>" for line in LINES[lang])
    texts = [f"<p>{s}</p>" for s in SECTIONS[lang]]
    texts[-1] += lines
    parts = "".join(f"<div class='{name}'><div class='{inner}'>{t}</div></div>" for t in texts)
    teasers = "".join(
        f"<li><a href='/t/{i}'>Another story number {i} about the weather</a></li>"
        for i in range(6)
    )
    return (
        f"<html lang='{lang}'><head><title>Ear candy</title></head><body>"
        f"<div class='site'><h1>Ear candy</h1><div class='{name}'>{parts}"
        f"<div class='{prefix}-widget share-buttons'>Jetzt teilen! / Partager!</div>"
        f"<div class='{name}'><a href='/more'>Weiterlesen / Lire la suite</a></div>"
        "</div></div>"
        f"<div class='column-right'><ul class='teasers'>{teasers}</ul></div>"
        "</body></html>"
    )


@pytest.mark.parametrize("lang", ["de", "fr"])
@pytest.mark.parametrize(
    ("name", "prefix"),
    [("kit-widget-wrap", "kit"), ("field field--label-hidden", "field")],
)
def test_story_split_over_builder_boxes_is_read_whole(lang: str, name: str, prefix: str) -> None:
    text = extract(builder_page(lang, name, prefix)).text
    for sentence in SECTIONS[lang]:
        assert sentence in text
    for line in LINES[lang]:
        assert line in text
    # Named by another chrome word, or holding only a link: judged as ever.
    assert "Partager" not in text
    assert "Weiterlesen" not in text
