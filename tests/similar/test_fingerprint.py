# Fullwidth commas and colons below are Chinese typography, not look-alikes of ASCII.
# ruff: noqa: RUF001
"""The near-duplicate fingerprint: syndicated copies fold, other stories and boilerplate do not.

Every text here is made up for these tests: a wire story about a port strike, its syndicated
copies, an independent report of the same strike, paywall stubs and a site footer.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.similar import fingerprint as fp
from broadsheet.similar.fingerprint import (
    BANDS,
    FINGERPRINT_VERSION,
    THRESHOLD,
    Fingerprint,
    both_open_apart,
    candidate_probability,
    estimated_jaccard,
    fingerprint,
    is_near_duplicate,
    prose_shingles,
)

ROOT = Path(__file__).resolve().parents[2]

HEADLINE = "Port strike ends after marathon overnight talks"
BYLINE = "By Clara Voss, Northwire"
STORY = (
    "Dock workers at the port of Eastmere voted on Thursday to end a nine-day strike that had "
    "left more than two hundred container ships waiting offshore, after union leaders and the "
    "port authority agreed a new pay deal in talks that ran through the night.",
    "The agreement gives the roughly 4,000 workers a 7 percent raise over two years and limits "
    "compulsory overtime to eight hours a week, according to a summary released by the Eastmere "
    "Dockworkers' Union shortly after dawn.",
    '"Nobody wins a strike like this, but our members held firm and they have been heard," '
    "union secretary Halvard Brenn told reporters outside the port authority's offices. "
    '"The cranes will be moving again by Saturday morning."',
    'The port authority said in a statement that the deal was "fair to workers and sustainable '
    'for the port", and that it expected the backlog of ships to clear within three weeks. '
    "Shipping companies had warned of shortages of fresh produce and car parts if the stoppage "
    "continued into a second week.",
    "Regional transport minister Ilse Maring, who had been under pressure from business groups "
    "to intervene, welcomed the agreement and said the government would review how future "
    "disputes at critical infrastructure could be resolved more quickly.",
    "The strike was the longest at Eastmere since 1998, when a walkout over pension rights "
    "lasted almost a month and left the harbour front empty through a whole summer.",
)
# The same strike reported independently: same names and facts, other words.
OTHER_REPORT = (
    "The nine-day stoppage at Eastmere's container port is over. Members of the Eastmere "
    "Dockworkers' Union backed a pay offer early on Thursday morning, hours after negotiators "
    "emerged from an all-night session with port managers.",
    "Under the deal, pay rises by 7 percent across two years and overtime is capped, Halvard "
    "Brenn, the union's secretary, said. He predicted that cargo handling would resume at the "
    "weekend and thanked members for their patience during the dispute.",
    "More than 200 ships had queued off the coast during the walkout, and retailers said some "
    "supermarket shelves in the region had begun to run short of imported fruit and vegetables.",
    "Ilse Maring, the regional transport minister, said she was relieved that the two sides had "
    "settled without government intervention, but promised a review of how disputes at vital "
    "infrastructure are handled.",
)
PAYWALL = (
    "Subscribe to continue reading. You have reached the limit of free articles on the Eastmere "
    "Gazette this month, and subscribers get unlimited access on every device.",
    "Choose the plan that suits you: digital only, digital plus the weekend paper, or the full "
    "package with home delivery every day of the week. Cancel at any time from your account.",
    "Already a subscriber? Log in to keep reading, or link your print subscription to your "
    "account to activate digital access at no extra cost to you or your household.",
    "Students and teachers can claim a reduced rate with a valid school or university email "
    "address. Group subscriptions are available for teams of five readers or more.",
    "Your subscription supports independent reporting from our newsroom and our correspondents. "
    "Introductory offers renew at the standard monthly rate after twelve weeks.",
)
OTHER_LEAD = (
    "A fire at a timber yard on the northern edge of Eastmere was brought under control late on "
    "Wednesday, the fire service said, after crews from four stations fought the blaze for hours."
)
FOOTER = (
    "The Eastmere Gazette is published by Eastmere Media, an independent news organisation owned "
    "by a trust whose only purpose is to secure its journalism for the future.",
    "About us",
    "Contact the newsroom",
    "We correct errors as soon as we learn of them; readers can report a mistake through the "
    "corrections page, and every correction is logged publicly with the date it was made.",
    "Privacy policy",
    "Our editorial code sets out how we handle sources, anonymity, conflicts of interest and the "
    "use of images, and is reviewed every year by an external panel of senior editors.",
    "Advertising on this site is sold and managed separately from the newsroom; advertisers have "
    "no say over what we report or how we report it, and never see stories before publication.",
    "Terms of use",
    "This site uses cookies to remember your preferences, measure how our pages are used and show "
    "advertising; you can change your choices at any time in the privacy settings of your account.",
)
TIMBER_STORY = (
    OTHER_LEAD,
    "Nobody was hurt, but thick smoke drifted over the ring road and police asked residents of "
    "nearby streets to keep their windows closed until the morning.",
    "The yard's owner said stock worth several hundred thousand pounds had been lost and that "
    "the cause of the fire was not yet known.",
)


def text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


ORIGINAL = text(HEADLINE, BYLINE, *STORY)


def fp_of(value: str) -> Fingerprint:
    made = fingerprint(value)
    assert made is not None, "expected a fingerprint"
    return made


def folds(a: str, b: str) -> bool:
    fa, fb = fp_of(a), fp_of(b)
    shares_band = any(x == y for x, y in zip(fa.bands, fb.bands, strict=True))
    return shares_band and is_near_duplicate(fa, fb) and is_near_duplicate(fb, fa)


# --- syndicated copies fold -----------------------------------------------------------------------

PROMO_1 = "Read more: Eastmere council approves new harbour tram line"
PROMO_2 = "Sign up for our free morning briefing and get the day's top stories in your inbox."
CAPTION = (
    "Container ships wait off the coast of Eastmere on Wednesday, as the strike entered its "
    "ninth day. Photograph: Jon Arlo/Northwire"
)
COPIES = {
    "new headline": text("Eastmere dockers back pay deal, ending nine-day strike", BYLINE, *STORY),
    "last paragraph trimmed": text(HEADLINE, BYLINE, *STORY[:-1]),
    "promo lines inserted": text(
        HEADLINE, BYLINE, *STORY[:2], PROMO_1, *STORY[2:4], PROMO_2, *STORY[4:]
    ),
    "other byline format": text(HEADLINE, "CLARA VOSS | Northwire | 14 March 2024", *STORY),
    "photo caption added": text(HEADLINE, BYLINE, CAPTION, *STORY),
    "everything at once": text(
        "Dockers end strike at Eastmere",
        "Clara Voss\nNorthwire correspondent",
        CAPTION,
        *STORY[:3],
        PROMO_2,
        *STORY[3:-1],
    ),
    "dateline added": text(HEADLINE, BYLINE, "EASTMERE (Northwire) — " + STORY[0], *STORY[1:]),
    "no line breaks at all": " ".join([HEADLINE, *STORY]),
}


@pytest.mark.parametrize("edit", sorted(COPIES))
def test_a_syndicated_copy_folds(edit: str) -> None:
    assert folds(ORIGINAL, COPIES[edit])


def test_copies_of_a_copy_fold_with_each_other() -> None:
    names = ["new headline", "promo lines inserted", "other byline format", "photo caption added"]
    for a in names:
        for b in names:
            assert folds(COPIES[a], COPIES[b]), (a, b)


def test_short_lines_do_not_touch_the_signature() -> None:
    # Headlines, bylines and "Read more" lines are not prose: the minima are the original's.
    original = fp_of(ORIGINAL)
    assert estimated_jaccard(original, fp_of(COPIES["new headline"])) == 1.0
    assert estimated_jaccard(original, fp_of(COPIES["other byline format"])) == 1.0
    read_more = text(HEADLINE, BYLINE, *STORY[:2], PROMO_1, *STORY[2:])
    assert estimated_jaccard(original, fp_of(read_more)) == 1.0


# --- what must not fold ---------------------------------------------------------------------------


def test_another_report_of_the_same_event_does_not_fold() -> None:
    a, b = fp_of(ORIGINAL), fp_of(text("Eastmere port strike over", *OTHER_REPORT))
    assert estimated_jaccard(a, b) < 0.1
    assert not is_near_duplicate(a, b)


def test_paywall_stubs_of_one_site_do_not_fold() -> None:
    stub_a = fp_of(text(HEADLINE, STORY[0], *PAYWALL))
    stub_b = fp_of(text("Timber yard fire brought under control", OTHER_LEAD, *PAYWALL))
    # The boilerplate alone is over the threshold: the opening guard is what keeps them apart.
    assert estimated_jaccard(stub_a, stub_b) >= THRESHOLD
    assert both_open_apart(stub_a, stub_b)
    assert not is_near_duplicate(stub_a, stub_b)


def test_a_paywall_stub_does_not_fold_into_its_own_full_story() -> None:
    # The stub is a paywalled copy of the story; the same lead above the boilerplate. With so
    # little story in it the Jaccard stays low: the stub does not fold into the story.
    stub = fp_of(text(HEADLINE, STORY[0], *PAYWALL))
    assert not is_near_duplicate(stub, fp_of(ORIGINAL))


def test_different_stories_above_one_long_footer_do_not_fold() -> None:
    a = fp_of(text(HEADLINE, *STORY[:3], *FOOTER))
    b = fp_of(text("Timber yard fire", *TIMBER_STORY, *FOOTER))
    assert not is_near_duplicate(a, b)


def test_list_pages_over_one_footer_do_not_fold() -> None:
    headlines_a = [
        "Council approves budget for a new tram line",
        "Storm closes schools and roads across the district",
        "Hospital waiting lists fall for a third month",
        "Local baker wins national bread award",
        "River festival returns after two years away",
        "Police appeal for witnesses after bridge crash",
        "New library opens its doors to the public",
        "Rail fares to rise by four percent in spring",
        "Harbour museum gets funding for fishing fleet wing",
        "Teenage chess champion heads to world finals",
        "Night bus network adds four routes to suburbs",
        "Market traders protest over rising stall fees",
    ]
    headlines_b = [
        "Ferry service suspended as winds reach gale force",
        "Stadium expansion plans rejected by inspectors",
        "Water company fined over sewage spills in bay",
        "Former mayor publishes memoir of city politics",
        "University to cut courses amid funding squeeze",
        "Airport passenger numbers recover to record high",
        "Volunteers plant ten thousand trees on hillside",
        "Cinema chain to close three screens next month",
        "Cycle lane row divides shopkeepers and residents",
        "Zoo welcomes birth of rare red panda twins",
        "Fire crews tackle blaze at disused paper mill",
        "Startup raises millions for electric boat engines",
    ]
    a, b = fp_of(text(*headlines_a, *FOOTER)), fp_of(text(*headlines_b, *FOOTER))
    assert estimated_jaccard(a, b) == 1.0  # the footer is all the prose they have
    assert fp.lines_apart(a, b)
    assert not is_near_duplicate(a, b)


def test_short_or_list_like_text_has_no_fingerprint() -> None:
    assert fingerprint("") is None
    assert fingerprint(STORY[0]) is None  # one paragraph: about 45 words
    assert fingerprint(text(HEADLINE, BYLINE, "Read more", "Sign in")) is None
    headlines = [f"Eastmere {w} plan wins council backing today" for w in "abcdefghijklmnopqrst"]
    assert fingerprint(text(*headlines)) is None  # short lines only: no prose
    assert fingerprint(" ".join(["again and again"] * 200) + ".") is None  # few distinct shingles


# --- scripts without spaces -----------------------------------------------------------------------

ZH_STORY = (
    "东港市码头工人周四投票结束了持续九天的罢工。此前，工会领导人与港务局在通宵谈判后达成了新的薪资"
    "协议，两百多艘集装箱船一直在港外等待卸货。",
    "根据工会在清晨公布的协议摘要，约四千名工人将在两年内获得百分之七的加薪，强制加班时间也被限制在"
    "每周八小时以内。",
    "工会秘书长在港务局办公楼外对记者表示，这样的罢工没有赢家，但会员们坚持到底，他们的声音终于被听"
    "到了。他说，起重机将在周六早上重新运转。",
    "港务局在声明中说，这份协议对工人公平，对港口也可持续，预计积压的船只将在三周内疏通。航运公司此"
    "前警告说，如果停工持续到第二周，新鲜农产品和汽车零部件可能出现短缺。",
)
ZH_OTHER = (
    "市立图书馆新馆周六正式向公众开放，馆内藏书超过八十万册，并设有儿童阅读区、数字媒体实验室和一个"
    "可以俯瞰河岸的屋顶花园。",
    "馆长在开幕仪式上说，新馆的设计历时五年，目的是让图书馆成为市民日常生活的一部分，而不仅仅是借书"
    "的地方。",
    "开放首日，数千名市民排队入馆参观。许多家长带着孩子来到儿童阅读区，志愿者们为孩子们朗读了本地作"
    "家创作的绘本故事。",
)


def test_chinese_is_read_as_character_bigrams() -> None:
    shingles = prose_shingles(ZH_STORY[0])
    assert shingles[0] == "东港\x1f港市\x1f市码"


def test_a_chinese_copy_folds_and_another_chinese_story_does_not() -> None:
    original = text("东港码头罢工结束", *ZH_STORY)
    copy = text("九天罢工落幕：东港码头恢复运转", "记者 林晓", *ZH_STORY[:-1], "阅读更多：本市新闻")
    assert folds(original, copy)
    assert not is_near_duplicate(fp_of(original), fp_of(text("图书馆新馆开放", *ZH_OTHER)))


def test_japanese_and_thai_texts_fingerprint() -> None:
    japanese = (
        "東港市の港湾労働者は木曜日、九日間続いたストライキを終えることを投票で決めた。組合と港湾局は"
        "徹夜の交渉の末、新しい賃金協定で合意し、二百隻を超えるコンテナ船が沖合で待機していた。"
    )
    thai = (
        "คนงานท่าเรือเมืองตะวันออกลงมติยุติการนัดหยุดงานที่ยืดเยื้อมาเก้าวันหลังจากสหภาพแรงงานและการท่าเรือ"
        "ตกลงเรื่องค่าจ้างใหม่ได้ในการเจรจาตลอดคืนที่ผ่านมา"
    )
    for value in (japanese, thai):
        made = fp_of(value)
        assert made.shingle_count >= fp.MIN_SHINGLES
        assert is_near_duplicate(made, fp_of(text("見出し", value, "อ่านต่อ")))


# --- storage --------------------------------------------------------------------------------------


def test_the_signature_round_trips_through_bytes() -> None:
    made = fp_of(COPIES["everything at once"])
    again = Fingerprint.from_bytes(bytes(made.signature))
    assert again == made
    assert again.bands == made.bands
    assert again.shingle_count == made.shingle_count
    assert is_near_duplicate(again, fp_of(ORIGINAL))
    assert len(made.signature) <= 2100


def test_a_damaged_or_foreign_signature_is_refused() -> None:
    signature = fp_of(ORIGINAL).signature
    with pytest.raises(ValueError, match="version"):
        Fingerprint.from_bytes(bytes([FINGERPRINT_VERSION + 1]) + signature[1:])
    with pytest.raises(ValueError, match="length"):
        Fingerprint.from_bytes(signature[:-4])
    with pytest.raises(ValueError, match="short"):
        Fingerprint.from_bytes(signature[:10])


def test_bands_are_signed_64_bit_integers_one_per_band() -> None:
    bands = fp_of(ORIGINAL).bands
    assert len(bands) == BANDS
    assert all(-(2**63) <= b < 2**63 for b in bands)
    assert len(set(bands)) == BANDS


def test_the_hashing_is_pinned() -> None:
    # A change of tokenising, hashing, seeds or banding changes these numbers: then stored
    # fingerprints no longer match new ones, and FINGERPRINT_VERSION must go up with it.
    made = fp_of(ORIGINAL)
    assert FINGERPRINT_VERSION == 1
    assert made.bands[:3] == PINNED_BANDS
    assert made.shingle_count == PINNED_COUNT
    assert hashlib.sha256(made.signature).hexdigest() == PINNED_SIGNATURE_SHA256


PINNED_BANDS = (6890267961176319852, -4353837625425103046, 1189909826290077165)
PINNED_COUNT = 222
PINNED_SIGNATURE_SHA256 = "7bd626405a93ad4e9c3f7a775eef9d6915336ed247cd8e3b5eb782ddc33f71ea"


def test_the_fingerprint_is_the_same_in_another_process() -> None:
    # Python's own hash() is salted per process; the fingerprint must not depend on it.
    code = (
        "import sys; from broadsheet.similar.fingerprint import fingerprint; "
        "print(fingerprint(sys.stdin.read()).signature.hex())"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=ORIGINAL,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == fp_of(ORIGINAL).signature.hex()


def test_the_bands_sit_below_the_threshold() -> None:
    # 42 x 3: a pair at the threshold is nearly always a candidate, a stranger almost never.
    assert candidate_probability(THRESHOLD) > 0.99
    assert candidate_probability(0.05) < 0.01


# --- properties -----------------------------------------------------------------------------------

WORDS = [
    "port",
    "union",
    "ships",
    "talks",
    "deal",
    "pay",
    "workers",
    "strike",
    "minister",
    "harbour",
    "night",
    "statement",
    "week",
    "cranes",
    "offshore",
    "backlog",
    "agreement",
    "overtime",
    "council",
    "river",
    "bridge",
    "market",
    "prices",
    "school",
    "train",
    "station",
    "budget",
    "weather",
    "storm",
    "festival",
    "museum",
    "hospital",
    "election",
    "court",
    "police",
]

stories = st.lists(
    st.lists(st.sampled_from(WORDS), min_size=20, max_size=40).map(
        lambda words: " ".join(words).capitalize() + "."
    ),
    min_size=4,
    max_size=8,
).map(lambda paragraphs: "\n\n".join(paragraphs))


@settings(max_examples=60, deadline=None)
@given(stories)
def test_a_text_is_its_own_near_duplicate(story: str) -> None:
    made = fingerprint(story)
    if made is None:  # too few distinct shingles: nothing to fold
        assert len(set(prose_shingles(story))) < fp.MIN_SHINGLES
        return
    again = fingerprint(story)
    assert again is not None and again.bands == made.bands
    assert estimated_jaccard(made, again) == 1.0
    assert is_near_duplicate(made, again)
    assert Fingerprint.from_bytes(made.signature) == made
    assert all(-(2**63) <= b < 2**63 for b in made.bands)


@settings(max_examples=60, deadline=None)
@given(stories, st.sampled_from(["Read more: the port story", "ADVERTISEMENT", "By A. Writer"]))
def test_short_lines_and_case_never_change_the_minima(story: str, line: str) -> None:
    made = fingerprint(story)
    if made is None:
        return
    paragraphs = story.split("\n\n")
    edited = "\n\n".join([line, *paragraphs[:2], line, *paragraphs[2:]]).upper()
    other = fingerprint(edited)
    assert other is not None
    assert estimated_jaccard(made, other) == 1.0
    assert is_near_duplicate(made, other)


@settings(max_examples=40, deadline=None)
@given(stories, stories)
def test_the_estimate_is_symmetric_and_bounded(a: str, b: str) -> None:
    fa, fb = fingerprint(a), fingerprint(b)
    if fa is None or fb is None:
        return
    assert estimated_jaccard(fa, fb) == estimated_jaccard(fb, fa)
    assert 0.0 <= estimated_jaccard(fa, fb) <= 1.0
    assert is_near_duplicate(fa, fb) == is_near_duplicate(fb, fa)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 2**32 - 1), max_size=40),
    st.lists(st.integers(0, 2**32 - 1), max_size=40),
)
def test_the_membership_helper_agrees_with_numpy(values: list[int], among: list[int]) -> None:
    a = np.array(values, dtype=np.uint32)
    b = np.array(among + values[: len(values) // 2], dtype=np.uint32)
    assert fp._absent(a, b).tolist() == (~np.isin(a, b)).tolist()
