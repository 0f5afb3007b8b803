"""Characters a browser never draws (soft hyphens, zero-width spaces, word joiners) are not part
of the plain text: a reader searching the saved story for "Stadtbibliothek" must find it however
the page hinted its line breaks. The HTML keeps them, where they still help a narrow screen."""

from __future__ import annotations

from broadsheet.extract import clean_text, extract

# A German page that hints the breaks of its long words, as typesetting plug-ins do.
PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>Die Stadt&shy;bibliothek wird saniert</title>
<meta name="description" content="Der Gemein&shy;derat hat entschieden.">
</head><body><article><h1>Die Stadt&shy;bibliothek wird saniert</h1>
<p>Der Gemein&shy;derat hat am Diens&shy;tag&shy;abend beschlossen, die alte
Stadt&shy;bibliothek am Markt&shy;platz bis zum Herbst umfassend zu sanieren; die
Kosten von rund 2,4 Millionen Euro tragen Stadt und Land gemeinsam.</p>
<p>Während der Bau&#8203;arbeiten zieht die Ausleihe in die ehemalige Sparkassen&#8288;filiale
in der Bahnhof&shy;straße, die Öffnungs&shy;zeiten bleiben nach Angaben der Verwaltung
unverändert, und die Rückgabe ist rund um die Uhr möglich.</p>
<p>Kritik kam vor allem von der Opposition, die einen Neubau am Stadtrand für günstiger hielt
und eine Bürger&shy;befragung gefordert hatte; sie will das Thema im Frühjahr erneut auf die
Tagesordnung setzen.</p>
</article></body></html>"""

INVISIBLE = ("\u00ad", "\u200b", "\u2060", "\ufeff")


def test_plain_text_has_no_soft_hyphens_or_zero_width_spaces() -> None:
    article = extract(PAGE)
    for char in INVISIBLE:
        assert char not in article.text
    assert "Stadtbibliothek am Marktplatz" in article.text
    assert "Während der Bauarbeiten zieht" in article.text
    assert "Sparkassenfiliale in der Bahnhofstraße" in article.text
    assert "Bürgerbefragung" in article.text


def test_title_and_summary_have_none_either() -> None:
    article = extract(PAGE)
    assert article.title == "Die Stadtbibliothek wird saniert"
    assert article.summary == "Der Gemeinderat hat entschieden."


def test_html_keeps_the_break_hints() -> None:
    article = extract(PAGE)
    assert "\u00ad" in article.html or "&shy;" in article.html


def test_word_count_counts_words_not_fragments() -> None:
    hinted = extract(PAGE)
    plain = extract(PAGE.replace("&shy;", "").replace("&#8203;", "").replace("&#8288;", ""))
    assert hinted.text == plain.text
    assert hinted.word_count == plain.word_count


def test_flattened_text_drops_them_too() -> None:
    flat = "\n".join(
        [
            "Start",
            "Der Gemein\u00adderat hat am Diens\u00adtag\u00adabend beschlossen, die alte "
            "Stadt\u00adbibliothek am Markt\u00adplatz bis zum Herbst umfassend zu sanieren; die "
            "Kosten von rund 2,4 Millionen Euro tragen Stadt und Land gemeinsam.",
            "Während der Bau\u200barbeiten zieht die Ausleihe in die ehemalige Sparkassenfiliale "
            "in der Bahnhofstraße, die Öffnungszeiten bleiben nach Angaben der Verwaltung "
            "unverändert, und die Rückgabe ist rund um die Uhr möglich.",
        ]
    )
    text = clean_text(flat)
    assert "Stadtbibliothek am Marktplatz" in text
    assert "Bauarbeiten" in text
    for char in INVISIBLE:
        assert char not in text
