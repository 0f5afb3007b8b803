"""Key terms of stories written for these tests in the shape of news stories: a wire story on
a climate summit, a court case, a football transfer, a German, a French, a Russian and a Chinese
story. Names found, sentence-initial words not taken, surnames merged, subjects sensible."""

# The stories are in Russian and Chinese too, whose letters and commas look like Latin ones.
# ruff: noqa: RUF001

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.similar.keyterms import KeyTerm, key_terms, term_key, topic_query
from broadsheet.similar.topics import parse_query

# --- the stories ---------------------------------------------------------------------------------

CLIMATE_TITLE = "Rich nations balk at climate finance goal as COP29 talks in Baku run late"
CLIMATE = """\
BAKU, Azerbaijan (AP) — Negotiators at the COP29 climate summit in Baku worked through the night
on Friday as rich and poor countries remained far apart on how much money should flow to
developing nations to cut emissions and adapt to a warming planet.

The draft text released on Thursday proposed that wealthy countries provide $250 billion a year
in climate finance by 2035, a figure that the group of least developed countries called "a
joke". Officials from several African delegations said they would not accept it.

UN Secretary-General António Guterres urged both sides to find a compromise. "Failure is not an
option," Guterres told reporters in Baku. "The Paris Agreement only works if everyone believes
in it."

The Paris Agreement, signed in 2015, commits nations to limiting warming to well below 2 degrees
Celsius. But emissions from coal, oil and gas hit a record high last year, according to the
Global Carbon Project.

Mukhtar Babayev, the COP29 president and Azerbaijan's former ecology minister, said the
presidency would publish a new draft on Saturday. Babayev has been criticised for comments by
Azerbaijani President Ilham Aliyev, who called oil and gas "a gift of God" at the opening of the
summit.

The European Union and the United States have pushed for China and wealthy Gulf states to
contribute to climate finance too. China has said it will contribute voluntarily. Climate
finance was always going to be the hardest issue at COP29, said Mohamed Adow of the think tank
Power Shift Africa.

Coal remains the biggest source of emissions in Asia. Several countries, including Britain,
announced new targets to cut emissions by 2035 during the summit. Britain's Prime Minister Keir
Starmer said the UK would cut emissions by 81% compared with 1990 levels.

But campaigners said the talks risk collapsing. "We came to Baku for a climate finance deal, not
for excuses," said Tasneem Essop of Climate Action Network. The summit is due to end on Friday,
but COP meetings routinely run over.
"""

COURT_TITLE = "Judge orders Meridian Pharma to pay $2.1bn over opioid marketing"
COURT = """\
A federal judge in Cleveland on Tuesday ordered Meridian Pharma to pay $2.1 billion to two Ohio
counties, ruling that the drugmaker's aggressive marketing of opioid painkillers helped fuel an
addiction crisis that has killed thousands of residents.

Judge Dan Aaron Polster of the US District Court for the Northern District of Ohio said Meridian
Pharma had "substantially contributed" to a public nuisance in Lake and Trumbull counties. The
company said it would appeal.

The verdict is the largest yet against a single manufacturer in the opioid litigation. More than
3,000 lawsuits have been filed by states, counties and Native American tribes against
drugmakers, distributors and pharmacy chains.

Lawyers for the counties argued that Meridian's sales representatives played down the risk of
addiction when they visited doctors. "They sold pills the way other companies sell soft drinks,"
Mark Lanier, the counties' lead lawyer, told the jury during closing arguments.

Meridian Pharma denied wrongdoing. Its chief executive, Laura Whitcombe, said the company's
opioid painkillers were approved by the Food and Drug Administration and prescribed by doctors.
"We will appeal this verdict," Whitcombe said in a statement.

Polster, who oversees thousands of opioid lawsuits consolidated in Cleveland, has urged the
parties to settle. Opioid settlements reached so far total more than $50 billion.

Addiction experts said the money should go to treatment. Lake County officials said they would
spend the money on addiction treatment programmes and overdose prevention.
"""

FOOTBALL_TITLE = "Arsenal agree £60m deal for Real Sociedad midfielder Martín Zubimendi"
FOOTBALL = """\
Arsenal have agreed a £60m deal with Real Sociedad for the Spain midfielder Martín Zubimendi,
ending one of the longest transfer sagas of the summer.

The 26-year-old will sign a five-year contract at the Emirates Stadium once he completes a
medical in London this week. Zubimendi turned down a move to Liverpool last summer, choosing to
stay with Real Sociedad for another season.

Mikel Arteta has made a defensive midfielder his priority after Thomas Partey left the club at
the end of his contract. Arteta believes Zubimendi can control the tempo of games in the way
Rodri does for Manchester City.

The transfer fee will be paid in instalments, with the release clause in Zubimendi's contract
triggered in full. Real Sociedad had insisted they would not negotiate below the release clause.

Zubimendi, who came through the academy in San Sebastián, won Euro 2024 with Spain. He made 44
appearances for Real Sociedad last season.

Arsenal finished second in the Premier League for the third season in a row and Arteta wants a
squad able to challenge on four fronts. The club's sporting director, Andrea Berta, has also
held talks over a striker, with the transfer fee for Benjamin Sesko expected to exceed £60m.

Sociedad will use part of the fee to sign a replacement midfielder before the season starts.
"""

GERMAN_TITLE = "Scholz verteidigt Klimaziele bei Gipfel in Berlin"
GERMAN = """\
Bundeskanzler Olaf Scholz hat am Dienstag in Berlin die Klimaziele der Bundesregierung
verteidigt. Deutschland werde bis 2045 klimaneutral, sagte Scholz auf dem Petersberger
Klimadialog vor Vertretern aus mehr als 40 Staaten.

Die Opposition wirft der Regierung vor, beim Ausbau der Windenergie zu langsam voranzukommen.
Der CDU-Politiker Friedrich Merz sagte, die Klimaziele seien ohne neue Gaskraftwerke nicht zu
erreichen.

Wirtschaftsminister Robert Habeck verwies auf den Ausbau der Solarenergie. Im vergangenen Jahr
seien so viele Solaranlagen installiert worden wie nie zuvor. Die Windenergie an Land wachse
ebenfalls schneller, sagte Habeck.

Umweltverbände kritisierten den Kohleausstieg als zu spät. Greenpeace forderte, die
Kohlekraftwerke im Rheinischen Revier schon 2030 vom Netz zu nehmen. Die Klimaziele seien sonst
nicht zu halten.

Scholz kündigte an, die Bundesregierung werde die Klimafinanzierung für ärmere Staaten erhöhen.
Die Europäische Union müsse beim Klimaschutz geschlossen auftreten.
"""

FRENCH_TITLE = "Incendies : le gouvernement débloque une aide d'urgence pour la Gironde"
FRENCH = """\
Le gouvernement a annoncé mardi une aide d'urgence de 50 millions d'euros pour les communes de
la Gironde touchées par les incendies de forêt. Le Premier ministre s'est rendu à Landiras, où
plus de 14 000 hectares ont brûlé depuis le début de la semaine.

« Nous serons aux côtés des sinistrés », a déclaré Élisabeth Borne devant la mairie de Landiras.
Les pompiers luttent toujours contre deux foyers, à Landiras et près de La Teste-de-Buch, sur le
bassin d'Arcachon.

Selon la préfecture de la Gironde, plus de 10 000 personnes ont été évacuées. Les incendies ont
été attisés par la sécheresse et des températures supérieures à 40 degrés.

Le ministre de l'Intérieur, Gérald Darmanin, a annoncé l'envoi de renforts de pompiers venus de
toute la France. Darmanin a salué « le courage exceptionnel » des pompiers.

Les associations de défense de l'environnement appellent à mieux protéger la forêt des Landes
contre les incendies, dont la fréquence augmente avec le réchauffement climatique.
"""

RUSSIAN_TITLE = "Путин провёл переговоры с Токаевым в Москве"
RUSSIAN = """\
Президент России Владимир Путин провёл в Москве переговоры с президентом Казахстана
Касым-Жомартом Токаевым. Стороны обсудили поставки газа и строительство атомной электростанции.

Путин заявил, что Россия готова увеличить поставки газа в Казахстан. По словам Путина, проект
атомной станции может начаться уже в следующем году.

Токаев отметил, что торговля между странами выросла на десять процентов. Переговоры в Москве
продолжались более трёх часов.

Эксперты считают, что поставки газа станут главной темой сотрудничества. Казахстан ранее заявлял
о планах построить первую атомную станцию на берегу озера Балхаш.
"""

CHINESE_TITLE = "中国发布新能源汽车发展规划"
CHINESE = (
    "国务院近日发布新能源汽车产业发展规划，提出到二〇三五年纯电动汽车成为新销售车辆的"
    "主流。\n\n"
    "规划要求加快充电基础设施建设，推动新能源汽车与能源、交通、信息通信深度融合。专家"
    "表示，新能源汽车产业已经进入快速发展阶段。\n\n"
    "去年中国新能源汽车销量超过九百万辆，连续多年位居全球第一。充电基础设施建设仍然是"
    "制约新能源汽车发展的主要因素。\n\n"
    "业内人士认为，电池技术的进步将进一步降低新能源汽车的价格。"
)


def names(terms: list[KeyTerm]) -> list[str]:
    return [t.term for t in terms if t.kind == "name"]


def subjects(terms: list[KeyTerm]) -> list[str]:
    return [t.term for t in terms if t.kind == "subject"]


def texts(terms: list[KeyTerm]) -> list[str]:
    return [t.term for t in terms]


# --- English -------------------------------------------------------------------------------------


def test_climate_summit_wire_story() -> None:
    terms = key_terms(CLIMATE_TITLE, CLIMATE, language="en", limit=10)
    found = texts(terms)
    for name in ("Baku", "COP29", "António Guterres", "Paris Agreement", "Azerbaijan"):
        assert name in names(terms), (name, found)
    for subject in ("climate finance", "emissions"):
        assert subject in subjects(terms), (subject, found)
    # The dateline's agency, sentence-initial words and a lone surname are not terms.
    for absent in ("AP", "Negotiators", "Officials", "The", "But", "Guterres", "Climate"):
        assert absent not in found, (absent, found)
    assert found[:3] == ["Baku", "climate finance", "COP29"]
    scores = [t.score for t in terms]
    assert scores == sorted(scores, reverse=True)


def test_court_case() -> None:
    terms = key_terms(COURT_TITLE, COURT, limit=10)
    found = texts(terms)
    assert found[0] == "Meridian Pharma"
    # "Meridian" alone is the company; "Polster" alone is the judge, shown by his full name.
    assert "Meridian" not in found and "Polster" not in found
    assert "Dan Aaron Polster" in found
    assert {"opioid", "addiction", "counties"} <= set(subjects(terms))
    assert {"Cleveland", "Ohio"} <= set(names(terms))
    # The title "Judge" is dropped; "Lawyers", "Addiction" and "Its" start sentences.
    assert not [t for t in found if t.startswith(("Judge", "Lawyers", "Addiction", "Its"))]


def test_football_transfer() -> None:
    terms = key_terms(FOOTBALL_TITLE, FOOTBALL, limit=12)
    found = texts(terms)
    assert found[:3] == ["Martín Zubimendi", "Real Sociedad", "Arsenal"]
    assert "Mikel Arteta" in found and "Arteta" not in found
    assert "Spain" in found  # "for the Spain midfielder": the connector does not join them
    assert {"midfielder", "transfer fee", "release clause"} <= set(subjects(terms))
    assert "Zubimendi" not in found  # "Zubimendi's contract" is the full name's


def test_titles_honorifics_connectors_and_possessives() -> None:
    text = """The Bank of England held interest rates on Thursday. Bank of England Governor Andrew
Bailey said inflation was falling. Mr Bailey said the Ministry of Defence was not a matter
for the bank.

President Joe Biden welcomed the decision. Biden said mortgage rates would fall. The Prime
Minister, Rishi Sunak, said interest rates were too high. But Sunak's critics disagreed.

Dr Sarah Jones of the University of Oxford said inflation was stubborn. Jones's research
shows it. On Tuesday the Federal Reserve Bank of New York said inflation was easing in the
U.S. economy, and NATO allies met in Brussels."""
    found = texts(key_terms("Bank Of England Holds Rates As Inflation Falls", text, limit=20))
    for name in (
        "Bank of England",
        "Andrew Bailey",
        "Ministry of Defence",
        "Joe Biden",
        "Rishi Sunak",
        "Sarah Jones",
        "University of Oxford",
        "New York",
        "NATO",
        "Brussels",
    ):
        assert name in found, (name, found)
    for absent in ("Governor", "Mr Bailey", "President", "Prime Minister", "Dr Sarah Jones"):
        assert absent not in found, (absent, found)
    assert not [t for t in found if t in ("Bailey", "Biden", "Sunak", "Jones", "Sunak's")]
    assert {"inflation", "interest rates"} <= set(found)


def test_a_headline_in_title_case_names_nothing_by_its_capitals() -> None:
    text = "Officials said the talks were going well.\n\nThe talks will resume on Monday."
    found = texts(key_terms("Officials Say Talks Are Going Well", text))
    assert "Officials" not in found and "Talks" not in found
    assert "talks" in found


def test_a_headline_in_sentence_case_adds_its_names() -> None:
    terms = key_terms("Storm hits Galveston", "Heavy rain fell overnight.\n\nRoads were shut.")
    assert names(terms) == ["Galveston"]


def test_title_words_count_more() -> None:
    text = "Ministers discussed coal and steel. The coal output fell, and steel output too."
    plain = {t.term: t.score for t in key_terms("", text)}
    titled = {t.term: t.score for t in key_terms("Steel prices", text)}
    assert titled["steel"] > plain["steel"]
    assert titled["coal"] == plain["coal"]


def test_the_first_paragraphs_count_more() -> None:
    text = "Prices of coal rose.\n\nOther news.\n\nMore news.\n\nPrices of steel fell."
    scores = {t.term: t.score for t in key_terms("", text + "\n\nBoth coal and steel.")}
    assert scores["coal"] > scores["steel"]


def test_doc_freq_weighs_terms_the_library_has_everywhere() -> None:
    asked: list[str] = []

    def doc_freq(key: str) -> float:
        asked.append(key)
        return 0.9 if key in ("climate finance", "emissions") else 0.01

    plain = texts(key_terms(CLIMATE_TITLE, CLIMATE, limit=8))
    weighed = texts(key_terms(CLIMATE_TITLE, CLIMATE, limit=8, doc_freq=doc_freq))
    assert plain.index("climate finance") == 1
    assert "climate finance" not in weighed[:4] and "emissions" not in weighed[:4]
    assert weighed.index("António Guterres") < plain.index("António Guterres")
    assert "antonio guterres" in asked  # keys as matching sees them


def test_term_key_is_what_matching_compares() -> None:
    assert term_key("António Guterres's") == "antonio guterres s"
    assert term_key("COP29") == "cop 29"


# --- other languages -----------------------------------------------------------------------------


def test_german_story_nouns_are_subjects_and_names_are_names() -> None:
    terms = key_terms(GERMAN_TITLE, GERMAN, language="de", limit=12)
    found = texts(terms)
    for name in ("Olaf Scholz", "Berlin", "Robert Habeck", "Friedrich Merz"):
        assert name in names(terms), (name, found)
    for subject in ("Klimaziele", "Windenergie", "Bundesregierung"):
        assert subject in subjects(terms), (subject, found)
    # Titles before names go; articles do not join names; "Die" starts sentences.
    for absent in ("Bundeskanzler Olaf Scholz", "Wirtschaftsminister", "Die", "Scholz"):
        assert absent not in found, (absent, found)
    assert not [t for t in found if t.startswith(("der ", "die ", "CDU-Politiker"))]


def test_german_is_recognised_without_being_told() -> None:
    assert texts(key_terms(GERMAN_TITLE, GERMAN, limit=12)) == texts(
        key_terms(GERMAN_TITLE, GERMAN, language="de-DE", limit=12)
    )


def test_french_story() -> None:
    terms = key_terms(FRENCH_TITLE, FRENCH, limit=10)
    found = texts(terms)
    for name in ("Gironde", "Landiras", "Élisabeth Borne", "Gérald Darmanin"):
        assert name in names(terms), (name, found)
    assert {"incendies", "pompiers"} <= set(subjects(terms))
    # "Le Premier ministre": a title, not a name; "Les", "Selon" start sentences.
    for absent in ("Premier", "Premier ministre", "ministre", "Les", "Selon", "Le"):
        assert absent not in found, (absent, found)


def test_russian_story_groups_case_forms() -> None:
    terms = key_terms(RUSSIAN_TITLE, RUSSIAN, limit=10)
    found = texts(terms)
    assert "Владимир Путин" in names(terms)
    # Путина, Путин and Владимир Путин are one name; "Президент" is a title.
    assert not [t for t in found if t in ("Путин", "Путина") or "Президент" in t]
    assert "Казахстан" in names(terms)
    assert any("Токаев" in t for t in names(terms))
    assert sum("Токаев" in t for t in found) == 1
    assert "поставки газа" in subjects(terms)


def test_chinese_story_gives_frequent_runs_as_subjects() -> None:
    terms = key_terms(CHINESE_TITLE, CHINESE)
    assert terms[0] == KeyTerm("新能源汽车", "subject", terms[0].score)
    assert {"充电基础设施建设", "新能源汽车产业"} <= set(texts(terms))
    assert all(t.kind == "subject" for t in terms)
    # Pieces of a longer run ("能源汽车", "新能源汽") and runs holding 的 are not terms.
    assert not [t for t in texts(terms) if t in ("能源汽车", "新能源汽") or "的" in t]


def test_japanese_katakana_words_and_kanji_runs() -> None:
    text = (
        "トランプ大統領は東京で記者会見を開いた。トランプ大統領は関税について話した。\n\n"
        "記者会見では関税の引き上げが議論された。"
    )
    found = texts(key_terms("トランプ大統領が記者会見", text))
    assert {"トランプ", "記者会見", "関税"} <= set(found)


def test_scripts_without_capitals_or_spaces() -> None:
    # Thai: no capitals, no spaces between words: nothing rather than noise.
    assert key_terms("ข่าว", "รัฐบาลประกาศมาตรการใหม่วันนี้ รัฐบาลประกาศมาตรการใหม่") == []
    # Arabic: frequent long words, as subjects.
    arabic = "أعلنت الحكومة خطة جديدة للطاقة. وقالت الحكومة إن الخطة تشمل الطاقة الشمسية."
    found = key_terms("الحكومة", arabic)
    assert found and all(t.kind == "subject" for t in found)
    assert "الحكومة" in texts(found)
    # Korean words between spaces.
    korean = "정부는 새로운 에너지 정책을 발표했다. 정부는 에너지 가격을 낮출 계획이다."
    assert {"정부는", "에너지"} <= set(texts(key_terms("", korean)))


# --- limits, queries, properties -----------------------------------------------------------------


def test_elisions_and_abbreviations_side_by_side() -> None:
    # An elided word after "Mr." or at a sentence's start: its gap is read before its key.
    found = texts(key_terms("", "Mr. L'Oréal est là. x. L'amour. Les pompiers de l'Élysée."))
    assert "Oréal" not in found


def test_empty_and_tiny_inputs() -> None:
    assert key_terms("", "") == []
    assert key_terms("Hello", "", limit=0) == []
    assert key_terms("", "a b c") == []
    assert len(key_terms(CLIMATE_TITLE, CLIMATE, limit=3)) == 3


def test_deterministic() -> None:
    first = key_terms(CLIMATE_TITLE, CLIMATE)
    assert all(key_terms(CLIMATE_TITLE, CLIMATE) == first for _ in range(3))


def test_topic_query_from_key_terms_parses_and_matches_its_story() -> None:
    terms = key_terms(CLIMATE_TITLE, CLIMATE)
    text = topic_query(terms)
    assert text == "Baku, climate finance, COP29, nations, emissions, summit"
    query = parse_query(text)
    assert query.canonical() == text
    assert query.matches(CLIMATE_TITLE, CLIMATE) is not None
    assert query.matches(COURT_TITLE, COURT) is None
    assert topic_query(terms, max_terms=2) == "Baku, climate finance"
    assert topic_query([]) == ""


def test_topic_query_quotes_and_skips_repeats() -> None:
    terms = [
        KeyTerm("Washington, D.C.", "name", 3.0),
        KeyTerm("washington d.c.", "name", 2.0),
        KeyTerm("-30C", "subject", 1.0),
    ]
    assert topic_query(terms) == '"Washington, D.C.", "-30C"'


def test_a_1500_word_story_takes_a_few_milliseconds() -> None:
    text = "\n\n".join([CLIMATE, COURT, FOOTBALL, CLIMATE, COURT, FOOTBALL])
    assert 1400 < len(text.split()) < 1700
    key_terms(CLIMATE_TITLE, text)  # the word tables and caches warm up
    best = min(_timed(lambda: key_terms(CLIMATE_TITLE, text)) for _ in range(5))
    print(f"key_terms, {len(text.split())} words: {best * 1000:.2f} ms")
    # A few ms on a laptop; the bound leaves room for a loaded CI machine.
    assert best < 0.05


def _timed(call: object) -> float:
    assert callable(call)
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


@settings(max_examples=300)
@given(
    st.text(max_size=200),
    st.text(max_size=3000),
    st.sampled_from(["", "en", "de", "fr", "ru", "pt-BR", "xx"]),
)
def test_key_terms_never_crash_and_make_a_query_that_parses(
    title: str, text: str, language: str
) -> None:
    terms = key_terms(title, text, language=language, limit=8)
    assert len(terms) <= 8
    assert all(t.term and t.kind in ("name", "subject") for t in terms)
    query = topic_query(terms)
    if query:
        parse_query(query)


@settings(max_examples=200)
@given(
    st.lists(
        st.sampled_from(
            CLIMATE.split()
            + GERMAN.split()
            + FRENCH.split()
            + ["\n\n", ".", "«", "Mr.", "L'amour", "d'Arcachon", "Guterres's", "U.S.", "J."]
        ),
        max_size=400,
    )
)
def test_key_terms_never_crash_on_shuffled_story_words(words: list[str]) -> None:
    key_terms("", " ".join(words))


@pytest.mark.parametrize("limit", [1, 5, 20])
def test_limit(limit: int) -> None:
    assert len(key_terms(FOOTBALL_TITLE, FOOTBALL, limit=limit)) <= limit
