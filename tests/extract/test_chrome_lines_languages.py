"""The chrome lines English pages carry ("Share:", "Read more", "See also: …", "More stories",
"Image: …", a blog's like button) in the other languages of the web's largest news and blog
markets: each line alone is chrome and leaves the body; the story around it stays."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract

from .story_sentences import STORY_SENTENCES, article_page, story_around

LINES = (
    "Teilen:",
    "Teilen mit:",
    "Partager sur Facebook",
    "Compartir en Twitter",
    "Udostępnij",
    "Weiterlesen",
    "Lire la suite",
    "Leer más",
    "Czytaj dalej",
    "Zobacz także",
    "Czytaj także: Nowy most w centrum miasta",
    "Mehr zum Thema",
    "Mehr Themen:",
    "mehr Kolumnen",
    "Auch interessant:",
    "Foto: dpa/Max Mustermann",
    "Crédits photos : AFP",
    "Fot. PAP/Jan Kowalski",
    "Gefällt mir:",
    "Gefällt mir Wird geladen …",
    "J'aime chargement…",
    "Meistgelesen",
    "Les plus lus",
    "Najczęściej czytane",
)


@pytest.mark.parametrize("line", LINES)
def test_the_line_is_chrome_inside_the_body(line: str) -> None:
    body = story_around(f"<p>{line}</p>")
    text = extract(article_page(body)).text
    assert line not in text
    assert STORY_SENTENCES[3] in text
    assert STORY_SENTENCES[4] in text


@pytest.mark.parametrize(
    "sentence",
    [
        "Teilen wollten die Nachbarn den Garten nie, sagt die Besitzerin.",
        "Weiterlesen konnte sie erst, als das Licht wieder anging.",
        "Mehr zum Thema Verkehr will der Stadtrat im Frühjahr beraten.",
    ],
)
def test_a_sentence_that_starts_with_the_word_stays(sentence: str) -> None:
    # The share, read-more and more-on-the-topic words must be the whole line (or a label with
    # a colon): a story's own sentence that starts with them is no label.
    body = story_around(f"<p>{sentence}</p>")
    assert sentence in extract(article_page(body)).text
