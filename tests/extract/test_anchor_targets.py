"""An <a> with a name or an id and no href is where a link lands, not a link: a transcript's
listener question wrapped in <a name="…"> so the page's contents can jump to it, a 2000s page
whose paragraphs are each marked <A NAME=3>. Their words are the story's, not link text; a bare
<a> with no name either (a script's link) is still a link."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract

ANSWERS = (
    "Das stimmt, es gibt natürlich vier Coronaviren, die seit langem in der menschlichen "
    "Bevölkerung kreisen und jeden Winter einen Teil der Erkältungen verursachen.",
    "Aber dieses neue Virus verhält sich anders: Es verbreitet sich schneller, und die Zahl der "
    "schweren Verläufe ist in den ersten Wochen deutlich höher als bei den bekannten Viren.",
    "Deshalb lohnt es sich, die Daten aus den Kliniken genau anzusehen, bevor man sagt, das sei "
    "alles schon immer so gewesen und nur niemand habe danach gesucht.",
)
QUESTIONS = (
    "Eine der meistgestellten Hörerfragen ist mittlerweile diese: Was sagt die Professorin dazu?",
    "Und was heißt das für die Schulen, die nach den Ferien wieder öffnen sollen?",
)


def transcript(wrap: str) -> str:
    parts = []
    for i, question in enumerate(QUESTIONS):
        parts.append(f"<p>{wrap.format(n=i, q=question)}</p>")
        parts.extend(f"<p><strong>Sandra Ciesek:</strong> {a}</p>" for a in ANSWERS)
    return (
        '<!doctype html><html lang="de"><head><title>Das Podcast-Skript, Folge 16</title>'
        "</head><body><nav><a href='/'>Start</a> <a href='/podcast'>Podcast</a></nav>"
        "<article><h1>Das Podcast-Skript, Folge 16</h1>" + "".join(parts) + "</article>"
        "</body></html>"
    )


@pytest.mark.parametrize(
    "wrap", ['<a name="frage{n}">{q}</a>', '<a id="frage{n}">{q}</a>', "<A NAME={n}>{q}</A>"]
)
def test_a_question_marked_as_a_jump_target_is_part_of_the_transcript(wrap: str) -> None:
    text = extract(transcript(wrap)).text
    for question in QUESTIONS:
        assert question in text
    assert ANSWERS[-1] in text


def test_a_question_that_links_away_is_still_a_link() -> None:
    # The same paragraph as a real link to another page is a teaser, as before.
    text = extract(transcript('<a href="/folge-{n}">{q}</a>')).text
    for question in QUESTIONS:
        assert question not in text
    assert ANSWERS[0] in text


def test_bare_anchors_a_script_turns_into_links_stay_links() -> None:
    # <a> with neither href nor name (a script binds the click): a placeholder link.
    text = extract(transcript("<a>{q}</a>")).text
    for question in QUESTIONS:
        assert question not in text


def test_an_old_page_whose_section_marks_wrap_its_headings() -> None:
    sections = "".join(
        f"<H3><A NAME=s{i}>{title}</A></H3><P>{ANSWERS[i]}</P>"
        for i, title in enumerate(
            ("Die Lage in den Kliniken", "Was die Zahlen zeigen", "Was jetzt zu tun ist")
        )
    )
    page = (
        "<HTML><HEAD><TITLE>Bericht</TITLE></HEAD><BODY><TABLE><TR><TD>"
        f"<H1>Bericht zur Lage</H1>{sections}</TD></TR></TABLE></BODY></HTML>"
    )
    text = extract(page).text
    assert "Was die Zahlen zeigen" in text
    assert ANSWERS[2] in text
