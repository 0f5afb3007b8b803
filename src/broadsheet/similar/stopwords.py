"""Word tables for key terms, per language: function words, generic news words, calendar words,
titles before names, connectors inside names, abbreviations that do not end a sentence.

Rules as data (DESIGN.md): ``keyterms.py`` only applies these tables. The lists are short and
written for this project (none is copied from a published stopword list): the words that carry
no topic in a news story. Entries are lower case; ``keyterms`` compares them with a token's
lower-cased, accent-stripped form, so "é" and "e" need not both be listed.

Languages: en, de, fr, es, it, pt, nl and ru (Cyrillic text). ``FUNCTION_WORDS`` also guesses
the language of a story whose language is not given.
"""

# The tables hold Cyrillic words, which look like Latin letters to the ambiguity check.
# ruff: noqa: RUF001

from __future__ import annotations

from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- function words: articles, pronouns, prepositions, conjunctions, auxiliaries ----------------

FUNCTION_WORDS: Final[dict[str, frozenset[str]]] = {
    "en": _words(
        """
        a an the and or but nor so yet if then than that this these those there here where when
        while whether which who whom whose what why how i me my mine we us our ours you your yours
        he him his she her hers it its they them their theirs one ones oneself itself himself
        herself themselves ourselves yourself myself is am are was were be been being have has had
        having do does did doing done will would shall should can could may might must ought not
        no nor only own same too very just also of in on at by for with about against between
        into through during before after above below to from up down out off over under again
        further once all any both each few more most other some such nothing none every either
        neither as because until since unless although though upon within without toward towards
        across along around among amid via per whose whoever whatever whichever s t don didn
        doesn isn aren wasn weren hasn haven hadn won wouldn couldn shouldn ll re ve d
        """
    ),
    "de": _words(
        """
        der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner
        keines und oder aber doch sondern denn weil dass ob wenn als wie wo was wer wen wem wessen
        welche welcher welches welchen welchem ich du er sie es wir ihr mich dich sich uns euch
        ihn ihm ihnen mein meine meinen meinem meiner dein deine sein seine seinen seinem seiner
        ihre ihren ihrem ihrer unser unsere unseren euer eure ist sind war waren bin bist seid
        wird werden wurde wurden worden sein gewesen hat haben hatte hatten habe kann können
        konnte konnten muss müssen musste mussten soll sollen sollte sollten will wollen wollte
        darf dürfen mag möchte nicht nur auch noch schon sehr so zu zum zur im am vom beim ins
        ans aufs in an auf aus bei mit nach von vor hinter über unter neben zwischen durch für
        gegen ohne um bis seit während wegen trotz dies diese dieser dieses diesen diesem jene
        jener jenes alle allen aller alles jeder jede jedes jeden jedem man hier dort da dann
        damit dabei dazu daran darauf darüber davon dafür dagegen sowie bereits etwa rund mehr
        weniger sich selbst ja nein nun immer wieder jedoch zudem allerdings
        """
    ),
    "fr": _words(
        """
        le la les l un une des du de d au aux et ou mais donc or ni car que qu qui quoi dont où
        ce cet cette ces c ça cela ceci celui celle ceux celles il ils elle elles on nous vous je
        j tu me m te t se s lui leur leurs eux moi toi soi mon ma mes ton ta tes son sa ses notre
        nos votre vos est sont était étaient être été a ai as avons avez ont avait avaient avoir
        eu fait faire sera seront serait seraient aura auront aurait peut peuvent pouvait doit
        doivent ne pas plus moins très trop aussi encore déjà toujours jamais rien tout tous toute
        toutes autre autres même mêmes dans en sur sous par pour avec sans entre vers chez contre
        depuis pendant avant après selon si comme quand lorsque puisque ainsi alors y n lors
        cependant toutefois sa quel quelle quels quelles chaque plusieurs certains certaines
        """
    ),
    "es": _words(
        """
        el la los las lo un una unos unas y e o u pero sino ni que quien quienes cual cuales cuyo
        cuya donde cuando como cuanto este esta estos estas ese esa esos esas aquel aquella esto
        eso aquello yo tu usted ustedes él ella ellos ellas nosotros nosotras vosotros me te se nos
        os le les mi mis tu tus su sus nuestro nuestra nuestros nuestras es son era eran ser sido
        siendo fue fueron está están estaba estaban estar estado ha han había habían haber he
        hemos puede pueden podría debe deben no sí muy más menos también tampoco ya aún todavía
        siempre nunca todo toda todos todas otro otra otros otras mismo misma de del al a en por
        para con sin sobre entre hacia hasta desde durante según contra ante bajo tras si porque
        aunque mientras pues así cada varios varias algunos algunas
        """
    ),
    "it": _words(
        """
        il lo la i gli le l un uno una un' e ed o ma però che chi cui quale quali dove quando come
        questo questa questi queste quello quella quelli quelle io tu lui lei noi voi loro mi ti
        si ci vi ne gli mio mia miei mie tuo tua suo sua suoi sue nostro nostra vostro è sono era
        erano essere stato stata stati fu furono ha hanno aveva avevano avere avuto può possono
        deve devono non più meno molto anche ancora già sempre mai tutto tutta tutti tutte altro
        altra altri altre stesso di del dello della dei degli delle a al allo alla ai agli alle
        da dal dallo dalla dai dagli dalle in nel nello nella nei negli nelle su sul sullo sulla
        sui sugli sulle con per tra fra senza verso contro durante secondo se perché mentre
        quindi così ogni alcuni alcune dell all dall nell sull c
        """
    ),
    "pt": _words(
        """
        o a os as um uma uns umas e ou mas porém que quem qual quais cujo cuja onde quando como
        este esta estes estas esse essa esses essas aquele aquela isto isso aquilo eu tu você
        vocês ele ela eles elas nós me te se nos lhe lhes meu minha meus minhas seu sua seus suas
        nosso nossa é são era eram ser sido foi foram está estão estava estar estado tem têm tinha
        ter teve há havia pode podem deve devem não sim muito mais menos também já ainda sempre
        nunca todo toda todos todas outro outra outros outras mesmo de do da dos das ao aos à às
        em no na nos nas num numa por pelo pela pelos pelas para com sem sobre entre até desde
        durante segundo contra se porque embora enquanto assim cada alguns algumas
        """
    ),
    "nl": _words(
        """
        de het een en of maar want dus dat die dit deze wie wat waar wanneer hoe welke welk ik
        jij je u hij zij ze wij we jullie hen hun hem haar mij me mijn jouw zijn onze ons is
        zijn was waren ben bent wordt worden werd werden geweest heeft hebben had hadden kan
        kunnen kon konden moet moeten moest zal zullen zou zouden wil willen niet geen ook nog
        al zeer erg zo te van in op aan bij met naar voor na over onder tussen door tegen zonder
        om tot sinds tijdens volgens als omdat hoewel terwijl er hier daar toen dan alle alles
        elk elke ieder iedere andere ander zelf men
        """
    ),
    "ru": _words(
        """
        и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только
        ее её мне было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже
        или ни быть был была были него до вас нибудь опять уж вам ведь там потом себя ничего ей
        может они тут где есть надо ней для мы тебя их чем сам чтоб без будто чего раз тоже себе
        под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой
        тем чтобы нее кажется сейчас куда зачем всех никогда можно при наконец два об другой
        хоть после над больше тот через эти нас про всего них какая много разве три эту моя
        впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда
        конечно всю между это также который которая которые которых которое свой своей своих
        является года году также заявил заявила сообщил сообщила
        """
    ),
}


# --- generic news words: frequent in any story, never what a story is about ---------------------

NEWS_WORDS: Final[dict[str, frozenset[str]]] = {
    "en": _words(
        """
        said says say saying told tell tells telling added asked according statement statements
        spokesman spokeswoman spokesperson reported reports report reporting reporters news
        year years week weeks month months day days today yesterday tomorrow time times morning
        evening night hour hours minute minutes people person man men woman women thing things
        way ways part parts number numbers lot lots percent per cent million millions billion
        billions trillion thousand thousands hundred hundreds dozen dozens first second third
        last next new old many much more less least most several few other another others
        including include includes included however also still just even already now then
        well back like made make makes making take takes took taken taking give gave given get
        gets got getting go goes went going gone come comes came coming see seen saw know known
        knew think thought want wanted use used using need needed needs called call calls put
        set left right long high low big small large great good bad best better worse worst
        early late later recent recently around about almost nearly likely unlikely possible
        among amid despite though although whether yet something anything everything someone
        anyone everyone nobody somebody everybody case cases issue issues point place places
        area areas group groups side sides end ends top level levels lead leading led move moves
        moved show shows showed shown found find finds help helps helped keep kept began begin
        begins become became becomes seem seems seemed expected expect expects says would could
        also told officials official sources source interview week's year's country countries
        world state states city cities government governments public national international
        local major key main whole several various certain clear able different important
        following former latest senior total full real true sure own such whose week-long
        so-called mr mrs ms dr cut cuts hit hits pay pays paid raise raised raises provide
        provided provides plan planned agree agreed agrees reach reached push pushed pushing
        urge urged urges warn warned warns announce announced announces accept accepted remain
        remained remains run runs ran work worked works hold held holds meet met try tried
        seek sought face faced faces bring brought open opened close closed publish published
        propose proposed commit commits committed signed sign due told asks
        believe believes believed according continue continued continues allow allowed wants
        stay stayed tell happen happened went says want comes goes looks look looked around
        far away often always never ever instead rather quite really enough less began while
        ago since already within without earlier whether yes didn't don't it's that's
        company companies firm firms fell rose risen fallen grew grown dropped increased
        decreased doubled
        """
    ),
    "de": _words(
        """
        sagte sagt sagten sagen erklärte erklärt teilte mitteilte mitgeteilt berichtete berichtet
        hieß heißt laut zufolge jahr jahre jahren jahres woche wochen monat monate monaten tag
        tage tagen heute gestern morgen zeit uhr prozent millionen million milliarden milliarde
        tausend hundert erste ersten erster zweite dritte letzte letzten neue neuen neuer neues
        viele vielen mehr weitere weiteren andere anderen anderer gibt gab geben gehen geht ging
        kommen kommt kam sehen sieht sah machen macht machte seien sei wäre wären würde würden
        könnte könnten müsse müssten dabei dagegen sowie bisher derzeit zunächst später bald
        menschen mensch leute frau mann frauen männer teil ende anfang fall fälle seite seiten
        land länder stadt städte regierung angaben sprecher sprecherin
        """
    ),
    "fr": _words(
        """
        annoncé déclaré estimé affirmé expliqué rappelé souligné
        dit dire déclaré déclare a-t-il a-t-elle selon indiqué indique affirmé affirme ajouté
        ajoute expliqué explique estimé estime annoncé annonce an ans année années semaine
        semaines mois jour jours aujourd'hui hier demain heure heures temps fois pour cent
        million millions milliard milliards mille premier première premiers deuxième dernier
        dernière derniers nouveau nouvelle nouveaux nouvelles grand grande grands grandes
        beaucoup peu plus moins plusieurs autre autres part fin début cas personne personnes
        gens homme hommes femme femmes pays ville villes gouvernement chose choses façon
        notamment également environ près vers déjà encore toujours aussi
        """
    ),
    "es": _words(
        """
        anunció anuncia reclamaron criticaron afirmó aseguró visitó estudia llegarán incluye
        dijo dice dicen afirmó afirma señaló señala explicó explica aseguró asegura añadió
        indicó informó según año años semana semanas mes meses día días hoy ayer mañana hora
        horas tiempo vez veces por ciento millón millones mil primer primero primera segundo
        último última nuevo nueva nuevos nuevas gran grande grandes mucho muchos muchas poco
        más menos otro otra parte final caso casos persona personas gente hombre hombres mujer
        mujeres país países ciudad gobierno cosa cosas forma además sin embargo
        """
    ),
    "it": _words(
        """
        chiesto incontrato annunciato dichiarato ricordato sottolineato spiegato discutere
        detto dice dicono ha affermato afferma spiegato spiega aggiunto secondo anno anni
        settimana settimane mese mesi giorno giorni oggi ieri domani ora ore tempo volta volte
        per cento milione milioni miliardo miliardi mila primo prima secondo ultimo ultima nuovo
        nuova nuovi nuove grande grandi molto molti molte poco parte fine caso casi persona
        persone gente uomo uomini donna donne paese paesi città governo cosa cose modo inoltre
        """
    ),
    "pt": _words(
        """
        anunciou afirmou disse declarou prevê será
        disse diz dizem afirmou afirma explicou explica segundo ano anos semana semanas mês
        meses dia dias hoje ontem amanhã hora horas tempo vez vezes por cento milhão milhões
        mil primeiro primeira último última novo nova novos novas grande grandes muito muitos
        muitas pouco parte fim caso casos pessoa pessoas gente homem homens mulher mulheres
        país países cidade governo coisa coisas forma além
        """
    ),
    "nl": _words(
        """
        heeft aangekondigd kondigde wil willen debatteert
        zei zegt zeggen aldus volgens jaar jaren week weken maand maanden dag dagen vandaag
        gisteren morgen tijd uur procent miljoen miljard duizend honderd eerste tweede laatste
        nieuwe nieuw veel meer minder andere deel einde begin geval gevallen mensen mens man
        vrouw land landen stad regering ding dingen manier echter
        """
    ),
    "ru": _words(
        """
        сказал сказала говорит заявили отметил отметила передает сообщает сообщили по словам
        год года году лет неделе неделю месяц месяца день дня сегодня вчера завтра время раз
        процентов процента млн млрд тысяч первый первая последний новый новая новые человек
        люди людей страна страны город правительство провёл провела провели заявляет считают
        считает отметили может могут будут стало стал стала более менее уже ещё
        """
    ),
}


# --- days and months: capitalised in English, never a name -------------------------------------

CALENDAR_WORDS: Final[frozenset[str]] = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december jan feb mar apr jun jul aug sep sept
    oct nov dec montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag januar
    februar märz mai juni juli oktober dezember lundi mardi mercredi jeudi vendredi samedi
    dimanche janvier février mars avril juin juillet août septembre octobre novembre décembre
    lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio
    julio agosto septiembre setiembre octubre noviembre diciembre lunedì martedì mercoledì
    giovedì venerdì sabato domenica gennaio febbraio aprile maggio giugno luglio settembre
    ottobre dicembre segunda terça quarta quinta sexta janeiro fevereiro março maio junho
    julho setembro outubro dezembro maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    januari februari maart mei augustus
    """
)


# --- titles and honorifics: dropped before a name ("President Joe Biden" -> "Joe Biden") --------
# Head titles end the part of a sequence that is a title: what follows is the name. Royal and
# papal titles are not here: "King Charles" and "Pope Francis" are what readers call them.

TITLES: Final[frozenset[str]] = _words(
    """
    mr mrs ms miss mx dr prof professor sir dame lord baroness baron president vice-president
    president-elect minister secretary secretary-general undersecretary chancellor senator sen
    rep representative congressman congresswoman gov governor mayor judge magistrate prosecutor
    attorney attorney-general detective inspector sergeant sgt constable commissioner ambassador
    envoy spokesman spokeswoman spokesperson chairman chairwoman chairperson ceo cfo coach
    manager gen lt col capt adm cmdr speaker deputy archbishop bishop rev reverend
    cardinal rabbi imam sheikh herr frau m mme mlle monsieur madame président présidente
    ministre maire sénateur sénatrice député députée sr sra srta señor señora
    presidente ministro ministra alcalde alcaldesa diputado diputada senador senadora sig
    sig.ra dott signor signora sindaco onorevole senhor senhora deputado prefeito heer mevrouw
    dhr mevr burgemeester minister-president президент премьер-министр премьер министр глава
    губернатор мэр председатель посол генсек канцлер депутат сенатор спикер
    """
)
# A German title is one compound word: Bundeskanzler, Wirtschaftsminister, Landrätin.
TITLE_SUFFIXES: Final[tuple[str, ...]] = (
    "kanzler", "kanzlerin", "minister", "ministerin", "präsident", "präsidentin", "sprecher",
    "sprecherin", "chef", "chefin", "trainer", "trainerin", "bürgermeister", "bürgermeisterin",
    "vorsitzende", "vorsitzender", "landrat", "landrätin", "direktor", "direktorin", "politiker",
    "politikerin",
)  # fmt: skip
# Words between a head title's modifiers and the name: "Attorney General Merrick Garland",
# "Foreign Minister ...", "Prime Minister ...": skipped when they follow or precede a head title.
TITLE_MODIFIERS: Final[frozenset[str]] = _words(
    """
    general prime foreign finance defence defense interior home health climate energy trade
    economy economic environment education justice transport labour labor culture deputy vice
    chief acting interim former first state federal junior shadow elect designate executive
    affairs exchequer house commons lords treasury premier
    """
)

# --- the last word of an organisation's name: its first word alone is the organisation --------
# ("Meridian" is "Meridian Pharma" in a story that names Meridian Pharma).

ORGANISATION_WORDS: Final[frozenset[str]] = _words(
    """
    group bank inc corp corporation company co ltd plc llc ag gmbh se sa spa nv bv holdings
    holding pharma pharmaceuticals airlines airways motors energy oil petroleum systems
    technologies technology partners capital media foods industries international labs
    laboratories entertainment networks communications telecom insurance financial
    """
)

# --- connectors inside names: "Bank of England", "Ursula von der Leyen", "Banco de España" ------

CONNECTORS: Final[frozenset[str]] = _words(
    """
    of for de du des van von ten ter di da dos das do del della delle degli dei bin ibn al el
    """
)
# Connectors of institutions: after a person's name they start another name ("Tasneem Essop of
# Climate Action Network"); the other connectors are particles of surnames ("Lula da Silva").
SPLITTING_CONNECTORS: Final[frozenset[str]] = _words("of for de du des")
# Titles only before a name of two words at least: "Premier Dick Schoof", not "Premier League".
NAME_TITLES: Final[frozenset[str]] = _words("premier")
# Two connectors in a row that may stand inside a name (the articles "der", "la", "the" only
# stand inside one after a connector: "Ursula von der Leyen", not "die Klimaziele der Regierung").
CONNECTOR_PAIRS: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        ("of", "the"), ("for", "the"), ("de", "la"), ("de", "las"), ("de", "los"), ("van", "der"),
        ("van", "den"), ("van", "de"), ("von", "der"), ("von", "den"), ("de", "l"), ("du", "la"),
    }
)  # fmt: skip

# --- abbreviations after which a full stop does not end the sentence -----------------------------

ABBREVIATIONS: Final[frozenset[str]] = _words(
    """
    mr mrs ms dr prof st mt ft gen lt col capt cmdr adm sgt sen rep gov jr sr no nos vs etc
    inc corp ltd co dept univ fig approx est rev hon jan feb mar apr jun jul aug sep sept oct
    nov dec m mme mlle hr fr nr bzw ca sra srta dra sig dott av ave blvd
    """
)

# --- German: words before a noun (a capitalised word after one of these is a common noun) ------

GERMAN_DETERMINERS: Final[frozenset[str]] = _words(
    """
    der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner
    keines dieser diese dieses diesen diesem jener jene jenes jeder jede jedes jeden jedem
    mein meine meinen meinem meiner dein deine sein seine seinen seinem seiner ihr ihre ihren
    ihrem ihrer unser unsere unseren unserem euer eure zum zur im am vom beim ins ans aufs
    alle allen viele vielen einige einigen mehrere mehreren welche welcher manche
    """
)
# Endings of German common nouns (Regierung, Freiheit, Gesellschaft, Nation, Politik, Energie).
GERMAN_NOUN_SUFFIXES: Final[tuple[str, ...]] = (
    "ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften", "tion", "tionen",
    "tät", "täten", "ismus", "nis", "nisse", "tum", "ment", "mente", "enz", "anz", "ik", "ie",
    "ien", "ziel", "ziele", "gipfel", "gesetz", "preis", "preise",
)  # fmt: skip

# --- Russian and other Cyrillic: endings stripped to group a word's case forms ------------------
# "Путин", "Путина", "Путину" and "Путиным" are one name; the most frequent form is shown.

CYRILLIC_ENDINGS: Final[tuple[str, ...]] = tuple(
    sorted(
        [
            "иями",
            "ями",
            "ами",
            "ого",
            "его",
            "ему",
            "ому",
            "ыми",
            "ими",
            "ией",
            "ией",
            "ия",
            "ие",
            "ий",
            "ый",
            "ой",
            "ая",
            "яя",
            "ое",
            "ее",
            "ые",
            "ие",
            "ую",
            "юю",
            "ом",
            "ем",
            "ам",
            "ям",
            "ах",
            "ях",
            "ов",
            "ев",
            "ей",
            "ью",
            "ии",
            "ию",
            "ым",
            "им",
            "а",
            "я",
            "о",
            "е",
            "у",
            "ю",
            "ы",
            "и",
            "ь",
            "й",
        ],
        key=len,
        reverse=True,
    )
)
