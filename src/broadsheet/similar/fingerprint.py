"""Near-duplicate fingerprints: fold a second copy of the same story saved from another address.

A wire story is republished everywhere with small edits: another headline, a different byline
line, a photo caption or promo lines ("Read more: ...") inserted, the last paragraph trimmed.
Those copies must fold into one item; two different reports of the same event, two paywall stubs
of one site, two stories under one long footer must not. The fold must be found in time that does
not grow with the library, so it is MinHash with LSH banding:

* ``fingerprint(text)`` turns extracted text into a `Fingerprint`, or None when the text has
  too little running prose to fold (fewer than MIN_SHINGLES = 50 distinct prose shingles, about
  55 words: a teaser, a stub, a list of headlines).
* ``Fingerprint.bands``: BANDS signed 64-bit integers, one per band (its number is its
  position). The database keeps rows (item, band_no, band_hash) with an index on band_hash; the
  items sharing at least one (band_no, band_hash) with a new one are its candidates. The band
  number is hashed into the value too, so one index on band_hash alone also works.
* ``is_near_duplicate(a, b)`` confirms a candidate (symmetric): estimated Jaccard >= THRESHOLD,
  and neither guard below fires.
* ``Fingerprint.signature``: the whole fingerprint as bytes for a BLOB (header 10 bytes, the
  minima 512, the head and short lines 4 bytes a shingle: 2058 bytes at most, ~1.5 KB for a
  typical story); ``Fingerprint.from_bytes`` reads it back. Its first byte is
  FINGERPRINT_VERSION: a stored fingerprint of another version raises ValueError and must be
  recomputed from the text (and its band rows replaced).

Text
    NFKC, casefold, then paragraphs (blocks between blank lines when the text has any, else
    lines). Tokens are runs of word characters with their combining marks. Scripts written
    without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) become overlapping character bigrams,
    as search engines index them: "发布会" is "发布", "布会", and a 3-token shingle there covers
    four characters. Only *prose* paragraphs go into the signature: at least 20 tokens, or at
    least 8 ending in sentence punctuation. Headlines, bylines, "Read more: ..." lines, link
    lists and most footer lines are short lines without a full stop and drop out: those are most
    of what syndication changes. Shingles are 3 consecutive tokens inside one paragraph (never
    across two, so inserting or removing a paragraph changes only that paragraph's shingles),
    hashed with BLAKE2b to 64 bits: stable across processes, platforms and Python versions
    (Python's hash() is never used; NFKC and case folding are stable for assigned characters,
    and the tables are Python 3.11's, Unicode 14).

MinHash: NUM_PERM = 128, written with numpy
    h_i(x) = fmix64(x XOR seed_i) (MurmurHash3's 64-bit finaliser, a bijection with full
    avalanche; seed_i is BLAKE2b of a fixed label), the minimum kept as its top 32 bits. The
    estimate is the fraction of equal minima, standard error sqrt(J(1-J)/128) (0.044 at
    J = 0.5; measured on the benchmark's pairs it matches). Not datasketch: the stored values
    must never change under a library upgrade (datasketch draws its permutations from numpy's
    RandomState, and its default hash is an implementation detail), it brings scipy for its
    parameter search only, and its LSH keys are byte strings, not the BIGINTs the database
    indexes. The whole of it here is two dozen lines.

LSH: BANDS = 42 bands of ROWS = 3 minima (126 of the 128; all 128 count for the estimate)
    A pair with Jaccard J shares a band with probability 1 - (1 - J^3)^42: 0.041 at J = 0.1,
    0.68 at 0.3, 0.9963 at 0.5, 1 - 1e-12 at 0.7. The S-curve's midpoint (0.29) sits well below
    THRESHOLD, so banding loses almost nothing the estimate would accept; candidates at J ~ 0.3
    are common but cheap (one estimate, 3 us), and unrelated stories almost never collide (no
    stranger met a candidate in 100 000 items in bench/same_story.py). With 32 x 4, the
    usual split of 128, banding alone would lose 12.7 % of pairs at J = 0.5 and 1.2 % at 0.6.
    The whole fold (a shared band and an estimate >= 0.5), exactly, for minima that agree
    independently with probability J: J = 0.3: 2e-6, 0.4: 0.014, 0.5: 0.54, 0.55: 0.89,
    0.6: 0.991, 0.7: 1 - 7e-7. So: false positives at J <= 0.4 under 1.4 %, false negatives at
    J >= 0.6 under 0.9 %; at J = 0.5 it is a coin toss, as any threshold is at itself.

THRESHOLD = 0.5
    Word 3-shingle Jaccard >= 0.5 kept 99.5 % of syndicated copies with none of 2000 unrelated
    pairs; different reports of one event overlap around 0.02 (relating those is the
    embeddings' job, not the fold's).

Guards against a false fold
    * Too little prose: None (above). A teaser, a list page of headlines, an index page or a
      wall of short lines cannot fold.
    * Each side opens with prose of its own (`both_open_apart`): paywall stubs of one site
      share the "Subscribe to continue reading ..." boilerplate (Jaccard 0.88) and differ in the
      lead; two stories under one long footer share the footer and differ in everything that
      matters. A syndicated copy adds or removes whole paragraphs on one side (caption, promo,
      trimmed ending) and changes short lines (headline, byline) that are not prose at all. The
      fingerprint keeps its first HEAD_SHINGLES (256) distinct prose shingles in order, and a
      pair does not fold when BOTH texts have a run of NOVEL_RUN (8) consecutive shingles,
      starting in their opening (first OPENING = 64 shingles, or first third of a short text),
      that appear nowhere in the other's head: about ten words of running prose each that the
      other lacks. A dateline or a phrase edited is shorter; a news lead sentence is longer.
    * Each side has many short lines of its own (`lines_apart`): two list pages of one site over
      one prose footer have the same prose and different headlines. The first LINE_SHINGLES
      (128) distinct short-line shingles are kept, and a pair does not fold when each has
      LINES_APART (48) of them the other lacks; a new headline and byline are a dozen or two.
    What no text-only guard can tell (measured in bench/same_story.py): a stub whose lead is
    not prose (under 8 words, or under 20 without a full stop) or is missing (headline line +
    boilerplate, consent and bot walls) is, to the fingerprint, the same as a copy under a new
    headline, and folds with the site's other stubs. That needs knowledge outside the text:
    whether the two items come from one site, or how many items of the library share the band.
    Also open: more than OPENING shingles of boilerplate before the story on both sides;
    templated stories whose differences are scattered numbers (market reports, results); two
    copies that each add their own prose caption at the top (kept apart: a missed fold).
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "FINGERPRINT_VERSION",
    "HEAD_SHINGLES",
    "LINES_APART",
    "LINE_SHINGLES",
    "MIN_SHINGLES",
    "NOVEL_RUN",
    "NUM_PERM",
    "OPENING",
    "ROWS",
    "SHINGLE_SIZE",
    "THRESHOLD",
    "Fingerprint",
    "both_open_apart",
    "candidate_probability",
    "estimated_jaccard",
    "fingerprint",
    "is_near_duplicate",
    "lines_apart",
    "novel_run",
    "prose_shingles",
]

FINGERPRINT_VERSION: Final = 1
NUM_PERM: Final = 128
BANDS: Final = 42
ROWS: Final = 3
THRESHOLD: Final = 0.5
SHINGLE_SIZE: Final = 3
MIN_SHINGLES: Final = 50
HEAD_SHINGLES: Final = 256
NOVEL_RUN: Final = 8
OPENING: Final = 64
LINE_SHINGLES: Final = 128
LINES_APART: Final = 48
# A paragraph is prose with this many tokens, or with PROSE_SENTENCE_TOKENS ending a sentence.
PROSE_TOKENS: Final = 20
PROSE_SENTENCE_TOKENS: Final = 8

# version, reserved, head length, short-line shingles, distinct prose shingles
_HEADER = struct.Struct("<BBHHI")
_MINHASH_BYTES: Final = 4 * NUM_PERM
_SHINGLE_JOIN: Final = "\x1f"

assert BANDS * ROWS <= NUM_PERM


def _seed(i: int) -> int:
    digest = hashlib.blake2b(f"broadsheet.similar.minhash:{i}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


_SEEDS: Final = np.array([_seed(i) for i in range(NUM_PERM)], dtype=np.uint64)


def _combining_marks() -> str:
    """The Basic Multilingual Plane's combining marks as a character class body: Thai vowels,
    Devanagari matras and Arabic harakat belong to the word around them (`\\w` leaves them out)."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, kana, Han.
_UNSPACED_CLASS: Final = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_UNSPACED = re.compile(f"[{_UNSPACED_CLASS}]")
_SPLIT_SCRIPT = re.compile(f"([{_UNSPACED_CLASS}]+)|([^{_UNSPACED_CLASS}]+)")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SENTENCE_END = re.compile("[.!?\u2026\u3002\uff01\uff1f\uff61\u061f\u06d4\u0964\u0965]")
_CLOSERS: Final = "\"'\u2019\u201d\u00bb\u203a)]}\u300d\u300f\u3011\uff09 \t"


@functools.cache
def _word() -> re.Pattern[str]:
    """Word characters with their combining marks (built on first use: it scans the BMP)."""
    return re.compile(f"[\\w{_combining_marks()}]+")


def _tokens(paragraph: str) -> list[str]:
    words = _word().findall(paragraph)
    if not _UNSPACED.search(paragraph):
        return words
    tokens: list[str] = []
    for word in words:
        for unspaced, spaced in _SPLIT_SCRIPT.findall(word):
            if spaced:
                tokens.append(spaced)
            elif len(unspaced) == 1:
                tokens.append(unspaced)
            else:
                tokens.extend(unspaced[i : i + 2] for i in range(len(unspaced) - 1))
    return tokens


def _paragraphs(text: str) -> list[str]:
    if _BLANK_LINE.search(text):
        blocks = _BLANK_LINE.split(text)
        return [" ".join(block.split()) for block in blocks if block.strip()]
    return [line.strip() for line in text.splitlines() if line.strip()]


def _is_prose(paragraph: str, n_tokens: int) -> bool:
    if n_tokens >= PROSE_TOKENS:
        return True
    if n_tokens < PROSE_SENTENCE_TOKENS:
        return False
    tail = paragraph.rstrip(_CLOSERS)
    return bool(tail) and _SENTENCE_END.fullmatch(tail[-1]) is not None


def _shingles(text: str) -> tuple[list[str], list[str]]:
    """(prose shingles, short-line shingles), each in reading order with repeats. A short line
    of fewer than SHINGLE_SIZE tokens is one shingle of all its tokens."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    prose: list[str] = []
    lines: list[str] = []
    for paragraph in _paragraphs(normal):
        tokens = _tokens(paragraph)
        if not tokens:
            continue
        into = prose if _is_prose(paragraph, len(tokens)) else lines
        into.extend(
            _SHINGLE_JOIN.join(tokens[i : i + SHINGLE_SIZE])
            for i in range(max(1, len(tokens) - SHINGLE_SIZE + 1))
        )
    return prose, lines


def prose_shingles(text: str) -> list[str]:
    """The text's word 3-shingles in reading order, prose paragraphs only (repeats kept)."""
    return _shingles(text)[0]


def _hash64(shingles: list[str]) -> npt.NDArray[np.uint64]:
    digests = b"".join(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest() for s in shingles)
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def _fmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """MurmurHash3's 64-bit finaliser on every element (numpy's uint64 arithmetic wraps)."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


def _minhash(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    lowest = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    chunk = 2048  # bounds the (shingles x NUM_PERM) matrix at 2 MB
    for start in range(0, len(hashes), chunk):
        block = hashes[start : start + chunk, None] ^ _SEEDS[None, :]
        np.minimum(lowest, _fmix64(block).min(axis=0), out=lowest)
    return (lowest >> np.uint64(32)).astype(np.uint32)


def _band_hashes(minhash: npt.NDArray[np.uint32]) -> tuple[int, ...]:
    raw = minhash.astype("<u4").tobytes()
    bands: list[int] = []
    for band in range(BANDS):
        rows = raw[band * ROWS * 4 : (band + 1) * ROWS * 4]
        key = bytes((FINGERPRINT_VERSION,)) + band.to_bytes(2, "little") + rows
        digest = hashlib.blake2b(key, digest_size=8).digest()
        bands.append(int.from_bytes(digest, "little", signed=True))
    return tuple(bands)


def _first_distinct(hashes: npt.NDArray[np.uint64], n: int) -> npt.NDArray[np.uint32]:
    """The first n distinct hashes in reading order, cut to their low 32 bits."""
    _, first = np.unique(hashes, return_index=True)
    return (hashes[np.sort(first)][:n] & np.uint64(0xFFFFFFFF)).astype(np.uint32)


@dataclass(frozen=True)
class Fingerprint:
    """One text's near-duplicate fingerprint. Equal fingerprints have equal signatures."""

    signature: bytes
    """Everything, for a BLOB: version, sizes, the minima, the head's and short lines' hashes."""
    bands: tuple[int, ...]
    """BANDS signed 64-bit LSH keys; band number = position."""
    shingle_count: int
    """Distinct prose shingles in the text."""
    minhash: npt.NDArray[np.uint32] = field(repr=False, compare=False)
    """NUM_PERM minima (top 32 bits of each hash function's minimum)."""
    head: npt.NDArray[np.uint32] = field(repr=False, compare=False)
    """The first HEAD_SHINGLES distinct prose shingles' 32-bit hashes, in reading order."""
    lines: npt.NDArray[np.uint32] = field(repr=False, compare=False)
    """The first LINE_SHINGLES distinct short-line shingles' 32-bit hashes, in reading order."""

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Read a stored signature; ValueError when it is damaged or of another version."""
        if len(data) < _HEADER.size + _MINHASH_BYTES:
            raise ValueError("fingerprint signature too short")
        version, _reserved, n_head, n_lines, count = _HEADER.unpack_from(data)
        if version != FINGERPRINT_VERSION:
            raise ValueError(f"fingerprint version {version}, expected {FINGERPRINT_VERSION}")
        if len(data) != _HEADER.size + _MINHASH_BYTES + 4 * (n_head + n_lines):
            raise ValueError("fingerprint signature has the wrong length")
        words = np.frombuffer(data, dtype="<u4", offset=_HEADER.size).astype(np.uint32)
        return cls._build(
            words[:NUM_PERM],
            words[NUM_PERM : NUM_PERM + n_head],
            words[NUM_PERM + n_head :],
            count,
        )

    @classmethod
    def _build(
        cls,
        minhash: npt.NDArray[np.uint32],
        head: npt.NDArray[np.uint32],
        lines: npt.NDArray[np.uint32],
        count: int,
    ) -> Fingerprint:
        for array in (minhash, head, lines):
            array.setflags(write=False)
        signature = (
            _HEADER.pack(FINGERPRINT_VERSION, 0, len(head), len(lines), count)
            + minhash.astype("<u4").tobytes()
            + head.astype("<u4").tobytes()
            + lines.astype("<u4").tobytes()
        )
        return cls(signature, _band_hashes(minhash), count, minhash, head, lines)


def fingerprint(text: str) -> Fingerprint | None:
    """The text's fingerprint; None when it has fewer than MIN_SHINGLES distinct prose shingles
    (about 55 words of running prose: headlines, bylines and other short lines do not count)."""
    prose, lines = _shingles(text)  # a prose paragraph has at least SHINGLE_SIZE tokens
    if len(prose) < MIN_SHINGLES:
        return None
    hashes = _hash64(prose)
    distinct = np.unique(hashes)
    if len(distinct) < MIN_SHINGLES:
        return None
    return Fingerprint._build(
        _minhash(distinct),
        _first_distinct(hashes, HEAD_SHINGLES),
        _first_distinct(_hash64(lines), LINE_SHINGLES),
        len(distinct),
    )


def estimated_jaccard(a: Fingerprint, b: Fingerprint) -> float:
    """The fraction of the NUM_PERM minima the two share: an unbiased estimate of the Jaccard
    similarity of their prose shingle sets (standard error sqrt(J(1-J)/NUM_PERM))."""
    return float(np.count_nonzero(a.minhash == b.minhash)) / NUM_PERM


def _absent(values: npt.NDArray[np.uint32], among: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """For each of values, whether it is missing from among (np.isin, ten times faster here)."""
    if len(among) == 0:
        return np.ones(len(values), dtype=np.bool_)
    ordered = np.sort(among)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return np.asarray(ordered[at] != values)


def novel_run(a: Fingerprint, b: Fingerprint) -> int:
    """The longest run of consecutive prose shingles of a, none of them in b's head, that starts
    in a's opening: its first OPENING head shingles, or its first third when that is shorter
    (a short text's trimmed ending is not its opening)."""
    absent = _absent(a.head, b.head).tolist()
    limit = max(1, min(OPENING, len(absent) // 3))
    longest = run = 0
    for i, missing in enumerate(absent):
        if missing:
            run += 1
            if i - run + 1 < limit:
                longest = max(longest, run)
        elif i >= limit:
            break
        else:
            run = 0
    return longest


def both_open_apart(a: Fingerprint, b: Fingerprint) -> bool:
    """True when each text opens with NOVEL_RUN consecutive prose shingles the other lacks:
    paywall stubs with different leads, different stories above one shared footer."""
    return novel_run(a, b) >= NOVEL_RUN and novel_run(b, a) >= NOVEL_RUN


def lines_apart(a: Fingerprint, b: Fingerprint) -> bool:
    """True when each text has LINES_APART short-line shingles the other lacks: two list pages
    (different headlines) over one footer; a new headline and byline are far fewer."""
    a_only = int(np.count_nonzero(_absent(a.lines, b.lines)))
    b_only = int(np.count_nonzero(_absent(b.lines, a.lines)))
    return a_only >= LINES_APART and b_only >= LINES_APART


def is_near_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether b is a copy of a's story to fold: estimated Jaccard >= THRESHOLD, the two do not
    each open with prose of their own, and do not each carry many short lines of their own."""
    return (
        estimated_jaccard(a, b) >= THRESHOLD and not both_open_apart(a, b) and not lines_apart(a, b)
    )


def candidate_probability(jaccard: float) -> float:
    """The probability that two texts with this Jaccard similarity share at least one band."""
    return 1.0 - (1.0 - jaccard**ROWS) ** BANDS
