"""A story the page split over two page rows: its first paragraph in a box of one kind in the row
above, the rest in a box of the same kind (same tag, same class) at the same depth in the row
below (scoring._with_cousins)."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract

ENGLISH = (
    "The harbour board announced on Monday that the old ferry pier will close for good at the "
    "end of the summer, ending a service that has run for more than ninety years.",
    [
        "Passengers who use the morning crossing will be offered places on the new bridge bus, "
        "which the board says will take no longer than the ferry at rush hour.",
        "Local traders were less sure, and several said they feared losing the visitors who "
        "walk up from the pier to the market square on Saturday mornings.",
        "The board will hold two public meetings in the town hall next month, and it has "
        "promised to publish the full traffic study before the first of them.",
        "A petition to keep the pier open has gathered some four thousand names so far, its "
        "organisers said, and they plan to hand it in at the first meeting.",
        "The last ferry is due to leave the pier on the final Sunday of August at six o'clock "
        "in the evening, with a brass band on the quay to see it off.",
        "The pier itself will be handed to the town, which has not yet said whether it will "
        "be repaired for walkers and anglers or pulled down once the last boat has gone.",
        "An engineer's report published last year found that two of its wooden piles had "
        "rotted through and that the deck would need to be rebuilt within five years.",
        "The ferry's crew of six will be offered jobs on the board's pilot boats, and none "
        "of them is expected to lose work because of the closure, the board said.",
        "Older residents remember the winter of 1963, when the ferry was the only way into "
        "town for a week after snow closed the coast road and the railway line.",
    ],
)
GERMAN = (
    "Der Gemeinderat hat am Dienstag beschlossen, das alte Hallenbad am Stadtpark nach mehr als "
    "fünfzig Jahren zu schließen und an seiner Stelle eine neue Schwimmhalle zu bauen.",
    [
        "Die Bauarbeiten sollen im kommenden Frühjahr beginnen und etwa zwei Jahre dauern, "
        "wie die Stadtverwaltung in einer Mitteilung schrieb.",
        "Schulen und Vereine, die das Bad bisher nutzen, sollen in dieser Zeit in die "
        "Nachbarorte ausweichen; die Stadt will dafür einen Bus bereitstellen.",
        "Der Schwimmverein zeigte sich erleichtert, dass überhaupt gebaut wird, kritisierte "
        "aber, dass die neue Halle kein Sprungbecken mehr haben soll.",
        "Die Kosten schätzt die Verwaltung auf rund achtzehn Millionen Euro, von denen das "
        "Land etwa ein Drittel übernehmen will.",
        "Eine Bürgerversammlung zu den Plänen findet im nächsten Monat in der Aula des "
        "Gymnasiums statt, der Eintritt ist frei.",
        "Das alte Bad war zuletzt immer wieder wegen Schäden an der Lüftung und an den "
        "Fliesen des großen Beckens für mehrere Wochen geschlossen worden.",
        "Ein Gutachten aus dem vergangenen Jahr hatte eine Sanierung für kaum billiger "
        "gehalten als einen Neubau, der zudem weniger Energie verbrauchen soll.",
        "Die neue Halle soll ein Lehrschwimmbecken mit verstellbarem Boden bekommen, damit "
        "auch die Grundschulen dort wieder Schwimmunterricht geben können.",
        "Was mit dem denkmalgeschützten Eingangsgebäude geschieht, ist noch offen; ein Café "
        "oder ein kleines Museum zur Geschichte des Bades sind im Gespräch.",
    ],
)


LINKS = "".join(f"<li><a href='/topic/{n}'>More on topic {n}</a></li>" for n in range(8))


def split_story_page(first: str, rest: list[str]) -> str:
    rows = "".join(f"<p class='para'>{p}</p>" for p in rest)
    return (
        "<html><head><title>T</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<div class='page'>"
        "<section class='row row--lead'><div class='wrap'><div class='col'>"
        f"<div class='story-text'><p class='para'>{first}</p></div>"
        f"</div><div class='col col--side'><ul class='links'>{LINKS}</ul></div></div></section>"
        "<section class='row row--main'><div class='wrap'><div class='col'>"
        f"<div class='story-text'>{rows}</div><div class='below-story'></div>"
        "</div><div class='col col--side'><div class='ad'></div></div></div></section>"
        "</div></body></html>"
    )


@pytest.mark.parametrize("story", [ENGLISH, GERMAN], ids=["en", "de"])
def test_a_first_paragraph_in_a_twin_box_of_the_row_above_is_the_story(
    story: tuple[str, list[str]],
) -> None:
    first, rest = story
    text = extract(split_story_page(first, rest)).text
    assert text.startswith(first)
    for p in rest:
        assert p in text


def test_a_box_of_another_kind_in_the_row_above_stays_out() -> None:
    first, rest = ENGLISH
    html = split_story_page(first, rest).replace(
        "<div class='story-text'><p class='para'>", "<div class='promo'><p class='para'>", 1
    )
    text = extract(html).text
    assert first not in text
    assert rest[0] in text
