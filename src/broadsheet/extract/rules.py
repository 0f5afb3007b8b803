"""Rules as data: tag sets, class/id patterns and chrome phrases.

Everything the engine knows about "what is boilerplate" lives here, as tables. Code in
``chrome.py``, ``scoring.py`` and ``flat_text.py`` compiles and applies them. Entries are
general web conventions; none is keyed to one site.
"""

from __future__ import annotations

import json
import os

# Elements dropped with everything inside them before anything else happens. HTML5 void
# elements the parser does not know (source, track, embed, wbr) are not listed: libxml2 may
# nest the following content inside them.
DROP_TAGS: frozenset[str] = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "iframe",
        "frame",
        "frameset",
        "object",
        "applet",
        "svg",
        # MathML stays (a formula is part of its sentence); its TeX source annotation goes.
        "annotation",
        "annotation-xml",
        "canvas",
        "button",
        "input",
        "select",
        "textarea",
        "option",
        "optgroup",
        "datalist",
        "video",
        "audio",
        "map",
        "area",
        "link",
        "meta",
        "base",
        "dialog",
        "menu",
        "nav",
        "aside",
        "footer",
        "form-control",
    }
)

# Class tokens that only state that a box is hidden (the script that shows it removes them):
# a box's kind without them (chrome.py, a story paged by a script).
HIDDEN_STATE_CLASSES: frozenset[str] = frozenset({"hidden", "hide", "is-hidden", "d-none"})

# Elements that start a new block of text.
BLOCK_TAGS: frozenset[str] = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "legend",
        "listing",
        "xmp",
        "plaintext",
        "noframes",
    }
)

HEADING_TAGS: frozenset[str] = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LIST_TAGS: frozenset[str] = frozenset({"ul", "ol"})

# class/id/role words that mark a subtree as chrome: matched as whole words of the
# class/id (split on spaces, "-" and "_").
BOILERPLATE_WORDS: tuple[str, ...] = (
    "ad",
    "ads",
    "adv",
    "advert",
    "advertisement",
    "advertising",
    "adslot",
    "adunit",
    "banner",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "bylines",
    "signature",
    "comment",
    "comments",
    "cookie",
    "cookies",
    "disqus",
    "dfp",
    "footer",
    "gdpr",
    "masthead",
    "menu",
    "modal",
    "nav",
    "navbar",
    "navigation",
    "newsletter",
    "newsletters",
    "outbrain",
    "pagination",
    "pager",
    "paywall",
    "popular",
    "popup",
    # a hover card (a person's photo and latest stories) nested in a sentence, shown on hover
    "rollover",
    "hovercard",
    "tooltip",
    "popover",
    "print",
    "promo",
    "promos",
    "promoted",
    "rail",
    "rating",
    "ratings",
    "recirc",
    "recommended",
    "suggested",
    "bio",
    "related",
    "share",
    "sharing",
    "sharebar",
    "sidebar",
    "signup",
    "skip",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "subscription",
    "survey",
    "taboola",
    "tags",
    "toolbar",
    "tools",
    "trending",
    "feedback",
    "widget",
    "bookmark",
    "login",
    "signin",
    "timestamp",
    "dateline-meta",
    "meta",
    "kicker",
    "toggle",
    "caption-toggle",
    "close",
    "overlay",
    "lightbox-controls",
    "controls",
    "sr",
    "hidden",
    "visually",
    "offscreen",
    "newsletter-signup",
    "readmore",
    "pullquote-share",
    "follow",
    "donate",
    "donation",
    "title",
)

# Substrings of class/id that mark chrome wherever they appear.
BOILERPLATE_SUBSTRINGS: tuple[str, ...] = (
    "advert",
    "sharing",
    "share-",
    "social",
    "newsletter",
    "related-",
    "relatedstor",
    "sidebar",
    "breadcrumb",
    "most-read",
    "most-viewed",
    "mostviewed",
    "mostpopular",
    "most-popular",
    "comment-",
    "comments-",
    "commentlist",
    # Comment-thread parts with the words run together ("commentbody", "commentbox"): the
    # separator rules above miss them; "commentary" (an opinion section) is not among them.
    "commentbody",
    "commentstext",
    "commentcontent",
    "commentbox",
    "commentblock",
    "commentsblock",
    "commentwrap",
    "commentcontainer",
    "commentscontainer",
    "commentsection",
    "commentmeta",
    "commentauthor",
    "commenter",
    "signup",
    "sign-up",
    "subscribe",
    "outbrain",
    "taboola",
    "sponsored",
    "cookie",
    "consent",
    "save-for-later",
    "saveforlater",
    "read-later",
    "video-ad",
    "ad-slot",
    "ad-container",
    "ad-wrapper",
    "adslot",
    "adcontainer",
    "ad-unit",
    "ad-placeholder",
    "dfp-",
    "gpt-ad",
    "more-stories",
    "morestories",
    "read-more",
    "read-next",
    "up-next",
    "recommend",
    "trending",
    "author-bio",
    "author-box",
    "authorbox",
    "author-info",
    "about-author",
    "post-author",
    "entry-author-info",
    "authorbio",
    "bio-box",
    "article-tags",
    "tag-list",
    "taglist",
    "byline",
    "nav-",
    "-nav",
    "footer",
    "masthead",
    "promo",
    "feedback",
    "rating",
    "paywall",
    "skip-link",
    "sr-only",
    "visually-hidden",
    "screen-reader",
    "gallery-nav",
    "gallery-control",
    "slideshow-control",
    "caption-toggle",
    "toggle-caption",
    "make-a-difference",
    # previous/next post links under a post, each with its teaser
    "next-prev",
    "prev-next",
    "nextprev",
    "prevnext",
    "donate",
)

# class/id substrings so sure to be chrome that even a subtree holding much of the page's
# text is dropped (others are kept when they hold a large share of it).
STRONG_BOILERPLATE: tuple[str, ...] = (
    "footer",
    "comment-list",
    "commentlist",
    "disqus",
    # One reader's comment: on a page whose story is a short quote, a long comment outweighs it.
    "commentbody",
    "commentstext",
    "commentcontent",
)

# Whole class/id tokens that name a comment thread ("comments", "comments-area", "comment-
# list"): sure chrome, like STRONG_BOILERPLATE, even when the thread holds more of the page's
# running text than a short post above it. Tokens that merely mention comments
# ("comments-open", "no-comments", "comment-count") do not match.
COMMENT_THREAD_CLASS = (
    r"comments?(?:[-_]?(?:area|list|wrap|wrapper|section|container|thread|block))?"
)

# Classes of a social network's embedded post as its embed code writes it (a <blockquote> the
# network's script turns into a card): inside the story's running text it is a quote, even in a
# wrapper classed `social-media-embed`.
EMBEDDED_POST_CLASSES: tuple[str, ...] = (
    "twitter-tweet",
    "instagram-media",
    "tiktok-embed",
    "reddit-card",
    "bluesky-embed",
    "mastodon-embed",
    "threads-post",
)

# class/id words that mark the main text; a subtree with one of these is never dropped
# by class alone.
CONTENT_WORDS: tuple[str, ...] = (
    "article-body",
    "articlebody",
    "article-content",
    "article-text",
    "articletext",
    "story-body",
    "storybody",
    "story-content",
    "story-text",
    "entry-content",
    "post-content",
    "post-body",
    "postbody",
    "main-content",
    "body-text",
    "bodytext",
    "article__body",
    "article__content",
    "c-entry-content",
    "rich-text",
    "richtext",
    "caption",
    "figcaption",
    "credit",
    "content-body",
)
# Content words that name a part of the story (a caption) rather than the story itself: they
# protect a subtree but do not mark where the story is.
CONTENT_WORDS_NOT_STORY: tuple[str, ...] = ("caption", "figcaption", "credit")
# Class tokens that state a property of a box, not its role ("has-no-title", "is-sticky",
# "with-sidebar", "without-ads"): a chrome word after the prefix names what the box has or
# lacks, so it is no evidence that the box is chrome.
STATE_CLASS = r"(?:is|has|with|without)[-_]"
# Blog engines' taxonomy classes on a post's wrapper ("category-social-media", "tag-promotion")
# and the template markers beside them ("hentry", "type-post", "post-123"): a taxonomy token next
# to a template marker names the post's topic, not chrome.
TAXONOMY_CLASS = r"(?:entry-)?(?:category|tag)[-_][a-z0-9]"
POST_TEMPLATE_CLASS = r"hentry|(?:entry-)?type-post|status-publish|post-[0-9]+"

# class/id substrings that make a candidate container more likely to be the story.
POSITIVE_HINTS: tuple[str, ...] = (
    "article",
    "body",
    "content",
    "entry",
    "main",
    "page",
    "post",
    "story",
    "text",
    "blog",
)

# ...and less likely.
NEGATIVE_HINTS: tuple[str, ...] = (
    "comment",
    "footer",
    "sidebar",
    "widget",
    "related",
    "promo",
    "share",
    "social",
    "nav",
    "menu",
    "sponsor",
    "ad-",
    "banner",
    "tags",
    "popular",
    "trending",
    "newsletter",
)

# class/id substrings naming a box of text beside the story: a photo gallery or slideshow, or
# the readers' comments. Their prose is not the story even where there is more of it than of
# the story (a slideshow in a short report, a long thread under a short post).
# Han, kana, hangul and CJK compatibility ideographs: one such character carries about as much
# as a short word, so the body's scoring and clean_text's line weights count each WIDE_CHAR_WEIGHT
# times (a 35-character CJK line is prose), and CJK prose has no spaces to split tokens by.
# WIDE_CHARS: the same ranges of code points as a regex character class.
WIDE_CHAR_RANGES: tuple[tuple[int, int], ...] = (
    (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
)  # fmt: skip
WIDE_CHARS = (
    "[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last in WIDE_CHAR_RANGES) + "]"
)
WIDE_CHAR_WEIGHT = 3.0

# class/id words (a whole word of a token, split on - and _) naming a page's side column or an
# author's profile box: prose in them counts a share when choosing (scoring.ASIDE_SHARE).
# Not `widget`: Blogger's main column is `widget Blog`.
ASIDE_WORDS: tuple[str, ...] = ("sidebar", "profile", "about")

# class/id substrings naming a gallery of photos (its text is captions, unless its paragraphs
# are the page's prose: scoring.side_box_names).
GALLERY_HINTS: tuple[str, ...] = ("gallery", "slideshow", "carousel")

SIDE_BOX_HINTS: tuple[str, ...] = (
    *GALLERY_HINTS,
    "comments",
    "commentlist",
    "comment-list",
    "disqus",
)

# class/id substrings naming the standfirst (dek) under a headline. Not "intro": in news usage
# the intro is the story's first paragraph ("story-intro"), which the page's description often
# repeats.
DEK_HINTS: tuple[str, ...] = (
    "dek",
    "standfirst",
    "subtitle",
    "subhead",
    "sub-head",
    "summary",
    "description",
    "excerpt",
    "teaser",
    "strapline",
    "deck",
    "abstract",
)

# class/id substrings naming a photo credit inside a caption.
CREDIT_HINTS: tuple[str, ...] = (
    "credit",
    "copyright",
    "photographer",
    "source",
    "courtesy",
    "attribution",
    "byline",
)

# "Most read" in German, French, Spanish, Italian, Portuguese, Polish and Russian: a header over
# a rail of other stories (BODY_STOP_HEADERS) and a chrome line wherever it stands (CHROME_LINES),
# as the English "most read" is in both.
MOST_READ_OTHER_LANGUAGES: tuple[str, ...] = (
    r"(die )?meist(gelesen|geklickt|kommentiert)(e|en)?( (artikel|beiträge|news|nachrichten))?",
    r"(les )?(articles )?(les )?plus (lus|consultés|partagés|commentés)",
    r"(lo|los|las) más (leído|leídos|leídas|visto|vistos|vistas)",
    r"(noticias|artículos) más (leídas|leídos|vistas|vistos)",
    r"(i |le )?(articoli |notizie )?più (letti|lette|visti|viste|condivisi|commentati)",
    r"(as |os )?(notícias )?mais (lidas|lidos|vistas|vistos|comentadas)",
    r"najczęściej (czytane|komentowane)",
    r"самое (читаемое|популярное|обсуждаемое)",
)

# "Learn more" in the languages of the recirculation lines: a chrome line on its own, and the
# button under a promo box's blurb (both CHROME_LINES and PROMO_BUTTON_LINES hold it).
_LEARN_MORE_LINES: tuple[str, ...] = (
    r"learn more",
    r"find out more",
    r"en savoir plus",
    r"mehr erfahren",
    r"(saber|leer) m[áa]s",
    r"saiba mais",
    r"scopri di pi[ùu]",
)

# Whole lines (case-insensitive regex, matched against the whitespace-normalised text of a
# block or line) that are chrome wherever they appear.
CHROME_LINES: tuple[str, ...] = (
    # gallery and media controls
    r"close",
    r"close (gallery|window|this|x)",
    r"x",
    r"×",  # noqa: RUF001
    r"view caption",
    r"hide caption",
    r"show caption",
    r"toggle caption",
    r"caption",
    r"expand",
    r"collapse",
    r"enlarge( this)? image",
    r"(click|tap) to (enlarge|expand|zoom)",
    r"open gallery",
    r"view gallery",
    r"view (all )?photos?",
    r"(image|photo|slide)? ?\d+ (of|/) \d+",
    r"prev(ious)?",
    r"next",
    r"back to (top|gallery)",
    r"play video",
    r"watch( video| now)?",
    r"replay",
    r"mute",
    r"unmute",
    r"full ?screen",
    r"about video ads",
    r"video ads?",
    r"advertisement",
    r"advertising",
    r"advert",
    r"ad",
    r"ads",
    r"sponsored( content)?",
    r"paid (content|post|partner)",
    r"promoted( stories| content)?",
    r"(story|article) continues below( advertisement)?",
    r"continue reading( below)?",
    r"scroll (down )?to continue( reading)?",
    r"skip (to (main )?content|advertisement|ad)",
    # inline promos and recirculation
    r"recommended:.{0,200}",
    r"related:.{0,200}",
    r"read more:.{0,200}",
    r"see also:.{0,200}",
    r"also read:.{0,200}",
    r"read also:.{0,200}",
    r"more:.{0,160}",
    r"must read:.{0,200}",
    r"don['’]t miss(:.{0,200})?",  # noqa: RUF001
    r"watch:.{0,160}",
    r"listen:.{0,160}",
    r"trending:.{0,200}",
    # "Read also" in other languages: one link inside the story, which goes on after it
    r"(leia|veja|lea|lee) tamb[ée]m(:.{0,200})?",
    r"(leggi|vedi) anche(:.{0,200})?",
    r"(à )?lire aussi(:.{0,200})?",
    r"lesen sie auch(:.{0,200})?",
    r"читайте также(:.{0,200})?",
    r"read more",
    # a promo box's button (PROMO_BUTTON_LINES)
    *_LEARN_MORE_LINES,
    r"more stories",
    r"more news",
    r"no related (posts|stories|articles)",
    r"related (stories|articles|coverage|content|links|news)",
    r"(you may|you might) (also )?like",
    r"recommended( for you| stories| reading)?",
    r"most (viewed|read|popular|shared|emailed|commented)",
    *MOST_READ_OTHER_LANGUAGES,
    r"trending( now| stories)?",
    r"(top|latest) (stories|news|headlines)",
    r"around the web",
    r"from our partners",
    r"more from .{1,40}",
    r"editors'? picks",
    r"popular (now|stories)",
    # newsletters, donations, accounts
    r"make a difference",
    r"free newsletters?",
    r"newsletters?",
    r"sign up",
    r"sign up( now| today| here)?[.!]?",
    r"subscribe( now| today| here)?[.!]?",
    r"subscribe to .{1,60}",
    r"get (our|the) .{0,50}newsletter.{0,80}",
    r"sign up for .{0,80}newsletters?.{0,120}",
    r".{0,80}delivered (straight )?to your inbox.{0,80}",
    r"enter your email( address)?.{0,60}",
    r"your email( address)?",
    r"(log|sign) ?in",
    r"register",
    r"log ?out",
    r"my account",
    r"donate( now| today)?",
    r"support (our|us|independent) .{0,60}",
    # ratings and feedback prompts
    r".{0,80}did we miss an angle.{0,160}",
    r".{0,80}should we come back to this topic.{0,120}",
    r"(how would you )?rate this (article|story).{0,40}",
    r"was this (article|story|page) (helpful|useful)\??.{0,40}",
    r"(yes|no)",
    r"thanks for your feedback.{0,60}",
    r"tell us what you think.{0,80}",
    r"(send|give|leave) (us )?(your )?feedback.{0,40}",
    r"rating",
    r"\d(\.\d)? out of \d stars?",
    # save-for-later widgets and their messages
    r"save( for later| article| story)?",
    r"saved",
    r"saved \(\d+( of \d+)? items?\)",
    r"this item has been saved to read later from any device\.?",
    r"access saved items through your user name at the top of the page\.?",
    r"view saved items",
    r"failed to save",
    r"you have already saved this item\.?",
    r"you reached the limit of \d+ saved items\.?",
    r"please visit following link to manage your saved items\.?",
    r"read later",
    r"bookmark",
    # sharing
    r"share( this)?( article| story| page| post)?:?",
    r"share (on|via|to) .{1,30}",
    r"tweet( this)?",
    r"(e-?mail|print|facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|flipboard|messenger)",
    r"copy (the )?link",
    r"link copied.{0,20}",
    r"copied!?",
    r"shares?",
    r"\d+ shares?",
    r"follow us( on .{1,40})?",
    r"follow .{1,40} on (twitter|x|facebook|instagram)",
    # comments, footers, site furniture
    r"comments?",
    r"\d+ comments?",
    r"(leave|post|add) a comment",
    r"show comments",
    r"view comments",
    r"join the (conversation|discussion)",
    r"all rights reserved.{0,80}",
    r"©.{0,120}",
    r"copyright ©?.{0,120}",
    r"(terms of (use|service)|privacy( policy)?|cookie (policy|settings))",
    r"contact us",
    r"about us",
    r"site ?map",
    r"back to top",
    r"menu",
    r"search",
    r"home",
    r"loading\.*",
    r"please enable javascript.{0,120}",
    r"advertisement - scroll to continue",
    r"(updated|published|posted):? .{0,60}",
    r"tags?:.{0,200}",
    r"topics?:.{0,200}",
    r"filed under:?.{0,200}",
    # the same post-meta labels in the other languages of the web's largest news and blog markets
    r"(aktualisiert|veröffentlicht|erschienen|mis à jour|publié|actualizado|publicado|atualizado"
    r"|aggiornato|pubblicato|aktualizacja|publikacja|обновлено|опубликовано)"
    r"(( (am|le|el|em|il))? \d.{0,60}|:.{0,60})?",  # a date or a colon: not a story's sentence
    r"(themen|schlagw[oö]rter?|stichw[oö]rter?|kategorien?|rubriken?|étiquettes|mots[- ]clés"
    r"|thèmes|catégories?|rubriques?|etiquetas|temas|categorías?|categorias?|assuntos|argomenti"
    r"|categori[ae]|tagi|tematy|kategori[ae]|теги|метки|рубрик[аи]|темы) ?:.{0,200}",
    r"image( source)?:.{0,80}",
    # blog templates' post footers and counters
    r"this (entry|post) was posted (on|in) .{0,200}",
    r"be the first to like this\.?",
    r"(hits|views):? [\d,.]+",
    r"loading (slideshow|gallery)",
    r"be sociable,? share!?",
    r"\(c\) ?\d{4}.{0,120}",
    r".{0,80}powered by (wordpress|blogger|typepad|movable type|drupal|joomla|tumblr).{0,80}",
    # comment and contact form labels
    r"(your )?(name|e-?mail( address)?|website|url)\s*(\*|:|\((required|optional)\))+\s*\*?",
    r"mail \(will not be published\)( \(required\))?",
    r"website",
    # shop widgets and teaser links
    r"add to (my )?(wish ?list|cart|basket|bag)",
    r"(view |see )?larger (picture|image|photo)",
    r"click (here )?to (order|buy)",
    r"(read on|full story)\s*[>»›]*",  # noqa: RUF001
    # the same buttons and labels in the other languages of the web's largest news and blog
    # markets: share, read more, see also, more on the topic, also interesting, a photo's credit
    # line, a blog's like button (not English "Photo: …" or "Like": Dragnet's references keep a
    # magazine's "Photo: Courtesy of …" lines and a "Like!", 8 pages -0.0001)
    r"(teilen|partager|compartir|condividi|compartilhe|compartilhar|udostępnij|поделиться)"
    r"( (mit|sur|en|su|no|na|в)( .{1,30})?)?",
    r"(zum )?weiterlesen|lire la suite|(leer|ver) más|continuar leyendo|leggi (di più|tutto)"
    r"|(leia|ver) mais|czytaj (dalej|więcej)|читать (далее|дальше)",
    r"(zobacz|czytaj) (także|też|również)(:.{0,200})?",
    r"mehr zum thema(:.{0,200})?|mehr (themen|artikel|beiträge|kolumnen|nachrichten|news)",
    r"(das könnte sie )?auch interessant(:.{0,200})?",
    r"(foto|fotos|bild|bilder|crédits? photos?|zdjęcie|фото) ?:.{0,80}|fot\. ?.{1,80}",
    r"(gefällt mir|j'aime|me gusta|mi piace|curtir|lubię to)"
    r"( (loading|wird geladen|chargement|cargando|caricamento|carregando|wczytywanie)\W*)?",
)

# Lines that end the story when they follow it: comment sections and recirculation headers.
STOP_LINES: tuple[str, ...] = (
    r"\d+ (comments?|responses?|replies)( to .{0,200})?",
    r"comments?( \(\d+\))?",
    r"(leave|post|add|write) a (comment|reply)",
    r"join the (conversation|discussion)",
    r"(show|view|read) (all )?\d* ?comments?",
    r"related (stories|articles|coverage|content|posts|news)",
    r"more (stories|news) from .{0,40}",
    r"(you may|you might) (also )?like",
    r"recommended( for you| stories)?",
    r"most (read|viewed|popular|shared|emailed)( \w+)?",
    r"(more|other) (stories|articles) you might like",
    r"what to read next",
    r"read next",
    r"about the author",
    r"sponsored (stories|links|content)",
    r"more( [\w&']+){1,4}",
    r"related",
    r"see also",
    r"trending( now| stories)?",
    r"(top|most) (rated|recent|popular|liked) comments",
    r"(reader )?comments \(\d+\)",
)

# Headers that end an extracted body when they follow the story: what comes after them is
# recirculation or readers' comments. Narrower than STOP_LINES (which serve flattened text):
# "See also", "About the author" and "More …" subheads are followed by the story's own text
# (references, a bio the reference keeps, "More to follow") too often to cut there.
BODY_STOP_HEADERS: tuple[str, ...] = (
    r"related( (stories|articles|coverage|content|posts|news|links|reading))?",
    r"more( [\w&']+){0,3} (news|stories|articles|coverage)( from .{1,40})?",
    r"more great( [\w&']+){1,3} stories",
    r"(you may|you might) (also )?(like|enjoy)",
    r"recommended( for you| stories| reading)?",
    r"most (read|viewed|popular|shared|emailed)( \w+)?",
    r"(what to )?read next",
    r"up next",
    r"sponsored (stories|links|content)",
    r"(leave|post|add|write) a (comment|reply)",
    r"\d+ (comments?|responses?|replies) to .{1,200}",
    r"(also|related) on [\w .&'-]{2,30}",  # "Also on <site>:" ("More on …" subheads go on)
    # a blog's sidebar search box after the post
    r"search this (blog|site)",
    # the same headers in the other languages of the web's largest news and blog markets
    r"(notícias|artigos|posts|matérias) relacionad[oa]s",
    r"(también )?te puede interesar",
    r"(noticias|artículos) relacionad[oa]s",
    r"vous aimerez aussi",
    r"articles similaires",
    r"das könnte sie auch interessieren",
    r"ähnliche artikel",
    r"(ti )?potrebbe interessarti",
    r"articoli correlati",
    r"похожие (статьи|записи|новости)",
    # "Most read" in the same languages
    *MOST_READ_OTHER_LANGUAGES,
    # readers' or customers' reviews under a story or a product's description (not English
    # "Customer Reviews": on a page of reviews the reviews are what the reader came for, and
    # CleanEval's reference keeps them)
    r"(kunden|leser)bewertungen( \(\d+\))?",
    r"avis (des )?(clients|lecteurs)",
    r"opiniones de (los )?(clientes|usuarios|lectores)",
    r"recensioni (dei )?(clienti|lettori)",
    r"отзывы( (покупателей|читателей|клиентов))?( \(\d+\))?",
)

# Headers that open a comment section whatever the length of the story above them: a short
# post ends there too (BODY_STOP_HEADERS wait for the story's first 600 characters, because a
# "Related" or "Leave a comment" label above the story is a kicker or a post-meta link).
BODY_END_HEADERS: tuple[str, ...] = (
    r"no comments( yet)?",
    r"(there are )?no (responses|replies) yet",
    r"be the first to comment",
    # a blog's trackback section (Movable Type, TypePad, WordPress) opens the comments
    r"(\d+ )?(trackbacks?|pingbacks?|trackback pings)( (and|&|/) (trackbacks?|pingbacks?))?",
)

# The STOP_LINES that open a comment section: readers' prose follows, so nothing after them can
# be the story (clean_text may look past a recirculation header, never past one of these).
COMMENT_STOP_LINES: tuple[str, ...] = (
    r"\d+ (comments?|responses?|replies)( to .{0,200})?",
    r"comments?( \(\d+\))?",
    r"(leave|post|add|write) a (comment|reply)",
    r"join the (conversation|discussion)",
    r"(show|view|read) (all )?\d* ?comments?",
    r"(top|most) (rated|recent|popular|liked) comments",
    r"(reader )?comments \(\d+\)",
)

# The button that closes a promo box under its blurb ("Make a Difference" / "Want to help? …" /
# "Learn more"), in the languages of the recirculation lines: in flattened text, a short line
# between a chrome line and one of these is the box's blurb (flat_text._boxed_in).
PROMO_BUTTON_LINES: tuple[str, ...] = (
    *_LEARN_MORE_LINES,
    r"donate( now)?",
    r"(subscribe|sign up)( now| today)?",
    r"jetzt spenden",
    r"faire un don",
)

# Flattened text keeps what browsers never show: style-sheet comments, template markers.
RESIDUE_LINES: tuple[str, ...] = (
    r"[.#][a-z][\w-]*(\s+[.#]?[a-z][\w-]*)*",
    r"end [.#]?[\w .#-]+",
    r"<!\[endif\]",
    r".* says:",
    r".*\(opens in new window\)",
    r"click to (share|email|print).{0,80}",
    r"\d+ (seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?) ago.{0,40}",
    r"rating: .{0,40}",
    r"[\w:.-]+=[\"'].*",
    r"\S{30,}",
    r"\d+ (votes?|likes?|replies|points)",
    r"reply",
    r"report( abuse)?",
)

# Phrases that mark a short block as chrome wherever inside it they appear.
CHROME_PHRASES: tuple[str, ...] = (
    "did we miss an angle",
    "should we come back to this topic",
    "saved to read later",
    "saved items",
    "you reached the limit of",
    "about video ads",
    "free newsletters",
    "sign up for our newsletter",
    "sign up for the newsletter",
    "subscribe to our newsletter",
    "view caption",
    "this article was helpful",
    "rate this article",
    "story continues below",
    "continue reading below",
    "all rights reserved",
    "click here to subscribe",
    "get our newsletter",
    "enable javascript",
    "this content is not available",
    "privacy policy",
    "terms of service",
    "terms of use",
    "cookie policy",
    "share this article",
    "share this story",
    "follow us on",
    "in your inbox",
    "to your inbox",
    "like this story?",
    "enjoyed this article",
    # blog engines' comment-form and post-footer sentences
    "follow any responses to this entry",
    "will not be published",
    "required fields are marked",
    "you may use these html tags",
    "allowed html:",
    "comments are closed",
    "you must be logged in to post a comment",
)
# A block longer than this is prose even when it contains a chrome phrase.
CHROME_PHRASE_MAX_CHARS = 260

# The reporting credits line of wire stories, e.g. "(Additional reporting by X; Editing by Y)".
CREDITS_LINE = (
    r"^[(\[]?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|research|production)"
    r"\s+by\b.{0,400}?[)\]]?\.?$"
)

# Photo credits at the end of a caption: "(AP Photo/Misha Japaridze)", "Photo: Jane Doe".
CAPTION_CREDIT = (
    r"(?:[(\[]\s*((?:AP|AFP|Reuters|EPA|Getty|Photo|Image|Credit|Courtesy|Picture)[^()\[\]]{0,120})"
    r"\s*[)\]]\s*$)"
    r"|(?:(?:^|\s)((?:Photo|Photograph|Image|Picture|Credit|Courtesy|Source)s?(?: by)?\s*[:/]"
    r"\s*[^.]{2,120}?)\.?\s*$)"
)

# Bylines and datelines at the top of a body: "By Jane Doe", "Updated 5:03 PM ET".
BYLINE_LINE = r"^(?:by|words by|written by|posted by|reporting by)\s+\S.{0,120}$"
DATE_LINE = (
    r"^(?:(?:published|updated|posted|last updated|first published)\s*(?:on|at)?:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}/\d{1,2}/\d{2,4})"
    r"[\s,]*(?:\d{4})?[\s,]*(?:at\s+)?(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*[a-z]{0,4})?"
    r"(?:\s*[|/]\s*updated.{0,60})?$"
)

# JSON-LD @type values that describe an article.
ARTICLE_TYPES: frozenset[str] = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "blogposting",
        "socialmediaposting",
        "liveblogposting",
        "techarticle",
        "scholarlyarticle",
        "report",
        "webpage",
        "creativework",
        "review",
        "medicalscholarlyarticle",
        "satiricalarticle",
    }
)

# Separators between a page title and the site name: "Story | Site", "Story - Site".
TITLE_SEPARATORS: tuple[str, ...] = (" | ", " - ", " – ", " — ", " :: ", " · ", " // ", " » ")  # noqa: RUF001

# Tracking pixels and spacers are not figures.
MIN_FIGURE_SIDE = 50

# Bylines (byline.py). A label before the names, in the languages of the papers most people
# save: "By", "Written by", "Von", "Par", "Por", "Di", "Door", "Av", "Przez", "От". Matched at
# the start, followed by a colon, a dash or a space: "By: Ann Lee", "Von Jan Kurz".
BYLINE_LABELS: tuple[str, ...] = (
    "by",
    "written by",
    "words by",
    "posted by",
    "story by",
    "text by",
    "reporting by",
    "reported by",
    "analysis by",
    "opinion by",
    "commentary by",
    "article by",
    # a blog's "all posts" link around the author's name: "View all posts by Ann Lee"
    "view all posts by",
    "see more articles by",
    "more articles by",
    "more posts by",
    "all posts by",
    "posts by",
    "articles by",
    "stories by",
    # an author box's heading: "About Steven Roe" names the author ("About me" does not)
    "about",
    "from",
    "par",
    "von",
    "por",
    "di",
    "door",
    "av",
    "af",
    "de",
    "przez",
    "от",
)

# Interface text beside a byline that names nobody: from such a phrase to the end of the byline
# goes ("Tara Roe | Website | Other Articles", "Idris Roe Click here to view more information
# about the author.", "Richard Roe and Add to circle"); a byline that is nothing else is none
# ("View Staff Page", "View Comments", "Follow Author"). Phrases of several words
# are cut where they start; the single words only at the start of a segment (the byline's
# start, or after a comma, bar, bullet or spaced dash; not a slash, which also parts a web
# address's path).
BYLINE_UI_PHRASES: tuple[str, ...] = (
    "click here",
    "view profile",
    "view all",
    "view more",
    "view comments",
    "view staff",
    "view blog",
    "view my",
    "see more",
    "see all",
    "read more",
    "more articles",
    "other articles",
    "all articles",
    "more posts",
    "all posts",
    "add to circle",
    "filed under",
    "posted in",
    "contribute to",
    "share your",
    "send an email",
    "send email",
)
BYLINE_UI_WORDS: tuple[str, ...] = (
    "website",
    "homepage",
    "follow",
    "subscribe",
    "email",
    "e-mail",
    "contact",
    "twitter",
    "facebook",
    "instagram",
    "linkedin",
)

# Wire agencies, as bylines credit them after the names ("Jane Roe, Reuters", "det/dpa", "Jane
# Roe and John Doe, Associated Press / March 4"). byline.split_credit moves them out of the byline
# into Article.agency. Names of three letters or fewer count only as written or in capitals
# ("AP", "dpa", "DPA"); the rest ignore case. Abbreviations that are also degrees, job titles or
# US states in a byline ("PA": Physician Assistant, Pennsylvania; "CNA", "AA") are left out.
WIRE_AGENCIES: tuple[str, ...] = (
    "AP",
    "Associated Press",
    "The Associated Press",
    "Reuters",
    "Thomson Reuters",
    "AFP",
    "Agence France-Presse",
    "Agence France Presse",
    "dpa",
    "Deutsche Presse-Agentur",
    "dapd",
    "ddp",
    "epd",
    "KNA",
    "sid",
    "APA",
    "SDA",
    "Keystone-SDA",
    "ATS",
    "ANSA",
    "AGI",
    "Adnkronos",
    "EFE",
    "Agencia EFE",
    "Europa Press",
    "Lusa",
    "Agência Lusa",
    "Belga",
    "ANP",
    "PA Media",
    "PA Wire",
    "Press Association",
    "UPI",
    "United Press International",
    "Bloomberg",
    "Bloomberg News",
    "Canadian Press",
    "The Canadian Press",
    "AAP",
    "Australian Associated Press",
    "NZPA",
    "Kyodo",
    "Kyodo News",
    "Jiji Press",
    "Xinhua",
    "Yonhap",
    "TASS",
    "ITAR-TASS",
    "Interfax",
    "RIA Novosti",
    "Ukrinform",
    "PAP",
    "ČTK",
    "CTK",
    "MTI",
    "BTA",
    "Agerpres",
    "HINA",
    "Tanjug",
    "NTB",
    "TT",
    "Ritzau",
    "STT",
    "Anadolu",
    "Anadolu Agency",
    "PTI",
    "Press Trust of India",
    "IANS",
    "ANI",
    "Bernama",
    "Antara",
    "Notimex",
    "Télam",
)

# The last word of an organisation's name ("NBC News", "The Star-Ledger", "Statehouse Bureau",
# "NJ Advance Media", "Financial Times"): a byline segment of two to six words ending in one of
# these names no person. "Post" is left out: it is a surname too.
ORGANISATION_WORDS: frozenset[str] = frozenset(
    {
        "news",
        "newswire",
        "press",
        "presse",
        "prensa",
        "stampa",
        "agency",
        "agentur",
        "agenzia",
        "agencia",
        "service",
        "services",
        "wire",
        "wires",
        "bureau",
        "media",
        "times",
        "journal",
        "herald",
        "tribune",
        "gazette",
        "telegraph",
        "chronicle",
        "magazine",
        "newspaper",
        "zeitung",
        "nachrichten",
        "noticias",
        "notizie",
        "network",
        "radio",
        "television",
        "broadcasting",
    }
)

# A job title after an agency's name, ended by one of these: "AP Auto Writer", "Associated Press
# Writer", "Reuters Staff". The agency is the name without the title.
BYLINE_ROLE_WORDS: frozenset[str] = frozenset(
    {
        "writer",
        "writers",
        "reporter",
        "reporters",
        "correspondent",
        "correspondents",
        "editor",
        "editors",
        "columnist",
        "photographer",
        "staff",
        "contributor",
    }
)


# --- Switching rules off, for the ablation run (bench/ablation.py) --------------------------------

# A JSON list of rule names to leave out of this process: "TABLE" (the whole table, or a pattern
# held as one string) or "TABLE:ENTRY" (one entry, written as it is in the table). Read once, at
# import, before any module compiles the tables: the engine's hot path never looks at it.
RULES_OFF_ENV = "BROADSHEET_RULES_OFF"
# What a table switched off holds instead of nothing (an empty alternation would match
# everything): no text, class or tag contains it.
NEVER = "\x00\x01"


def switch_off(names: list[str], tables: dict[str, object]) -> None:
    """Leave the named rules out of `tables` (this module's globals). KeyError on a name that is
    not a rule table or an entry of one, so an ablation never measures a typo."""
    for name in names:
        table, one, entry = name.partition(":")
        value = tables.get(table)
        if isinstance(value, str) and table.isupper() and not one:
            tables[table] = NEVER
        elif isinstance(value, tuple | frozenset) and table.isupper():
            kept = [v for v in value if one and v != entry]
            if one and len(kept) == len(value):
                raise KeyError(f"no rule {name!r}")
            tables[table] = type(value)(kept or (NEVER,))
        else:
            raise KeyError(f"no rule table {table!r}")


if os.environ.get(RULES_OFF_ENV):
    switch_off(json.loads(os.environ[RULES_OFF_ENV]), globals())
