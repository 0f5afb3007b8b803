"""A post's meta lines (when it was updated, its topics, its category) are the page's furniture
in every language, as "Updated: …", "Tags: …" and "Filed under …" are in English: dropped from the
body. A sentence of the story that starts with the same word is not a meta line."""

from __future__ import annotations

import pytest

from broadsheet.extract import extract

from .story_sentences import STORY_SENTENCES, article_page, story, story_around

META_LINES = {
    "de": ("Aktualisiert am 19.02.2020, 10:27", "Themen: Verkehr, Stadtrat", "Kategorie: Lokales"),
    "fr": ("Mis à jour le 3 mars 2021", "Mots-clés : pont, conseil municipal", "Catégorie : Ville"),
    "es": ("Actualizado 27/04/2022 00:00", "Etiquetas: puente, ayuntamiento", "Temas: Ciudad"),
    "pl": ("Aktualizacja: 05.05.2021, 05:53", "Publikacja: 04.05.2021", "Tagi: most, rada miasta"),
    "ru": ("Обновлено: 05.05.2021", "Теги: мост, городской совет", "Рубрика: Город"),
}


@pytest.mark.parametrize("lang", sorted(META_LINES))
def test_post_meta_lines_around_the_story_are_dropped(lang: str) -> None:
    updated, topics, category = META_LINES[lang]
    body = f"<p>{updated}</p>" + story() + f"<p>{topics}</p><p>{category}</p>"
    text = extract(article_page(body)).text
    for line in META_LINES[lang]:
        assert line not in text
    assert STORY_SENTENCES[0] in text
    assert STORY_SENTENCES[-1] in text


@pytest.mark.parametrize(
    "sentence",
    [
        "Veröffentlicht wurde der Bericht erst nach der Wahl.",
        "Publicado por primera vez en 1998, el libro se agotó.",
        "Aktualisiert werden die Fahrpläne im Dezember.",
    ],
)
def test_a_story_sentence_that_starts_with_a_label_word_stays(sentence: str) -> None:
    body = story_around(f"<p>{sentence}</p>")
    assert sentence in extract(article_page(body)).text
