"""Related stories: story vectors measured on the news sets, the chosen method beside the frontier.

Reads the research sets in ../shared/bench/news (or BROADSHEET_NEWS_BENCH) at run time and never
copies them anywhere: SemEval-2022 task 8 pairs (graded similarity, and same story), UCI news
aggregator headlines (same-story precision@1), BBC News (1-NN topic accuracy) and Lee (graded
similarity). For each method: SemEval Pearson (English pairs, and all original pairs), UCI p@1,
BBC 1-NN, Lee Pearson, same-story F1 on the SemEval English pairs with a cosine threshold chosen
by five-fold cross-validation, and documents per second on ONE core (the process pinned to one
CPU, one intra-op thread; median of --runs runs over the 700 English SemEval texts; load time
excluded and reported apart). Writes the "embedding" section of bench/results/related.md;
other sections of that report (written by other benchmarks) are kept as they are.

    make bench-related
    .venv/bin/python bench/related.py --quick     # the chosen method and two references, printed
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from broadsheet.similar import embedding  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "related.md"
Matrix = npt.NDArray[np.float32]
Encode = Callable[[Sequence[str], Sequence[str | None] | None], Matrix]


def data_dir() -> Path:
    env = os.environ.get("BROADSHEET_NEWS_BENCH")
    path = Path(env) if env else ROOT.parent / "shared" / "bench" / "news"
    if not (path / "semeval2022_task8_hfl_sample").is_dir():
        raise SystemExit(
            f"the news sets are missing at {path}: put the shared bench beside the checkout "
            "(../shared/bench/news) or set BROADSHEET_NEWS_BENCH"
        )
    return path


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --- the sets ---------------------------------------------------------------------------------


@dataclass
class Sets:
    """The four news sets as the measures need them (read from the shared folder, in memory)."""

    semeval: list[dict[str, Any]]  # original pairs only (augmented_translation false)
    semeval_ids: list[str]
    semeval_texts: list[str]
    uci_titles: list[str]
    uci_story: npt.NDArray[np.str_]
    bbc_titles: list[str]
    bbc_texts: list[str]
    bbc_category: npt.NDArray[np.str_]
    lee_texts: list[str]
    lee_pairs: list[tuple[int, int, float]]

    @property
    def english_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.semeval:
            if r["lang1"] == r["lang2"] == "en":
                seen[r["id1"]] = None
                seen[r["id2"]] = None
        return list(seen)


def load_sets(root: Path) -> Sets:
    pairs = [
        r
        for r in _jsonl(root / "semeval2022_task8_hfl_sample" / "pairs.jsonl.gz")
        if not r["augmented_translation"]
    ]
    texts: dict[str, str] = {}
    for r in pairs:
        texts[r["id1"]] = r["text1"]
        texts[r["id2"]] = r["text2"]
    uci = _jsonl(root / "uci_news_aggregator_stories" / "headlines.jsonl.gz")
    bbc = [
        r
        for r in _jsonl(root / "bbc_news" / "articles.jsonl.gz")
        if not r.get("exact_duplicate_of")
    ]
    lee_docs = _jsonl(root / "lee_news_similarity" / "docs.jsonl.gz")
    index = {d["id"]: i for i, d in enumerate(lee_docs)}
    lee_pairs = [
        (index[p["id1"]], index[p["id2"]], float(p["similarity"]))
        for p in _jsonl(root / "lee_news_similarity" / "pairs.jsonl.gz")
    ]
    return Sets(
        semeval=pairs,
        semeval_ids=list(texts),
        semeval_texts=list(texts.values()),
        uci_titles=[r["title"] for r in uci],
        uci_story=np.array([r["story"] for r in uci]),
        bbc_titles=[r["title"] for r in bbc],
        bbc_texts=[r["text"] for r in bbc],
        bbc_category=np.array([r["category"] for r in bbc]),
        lee_texts=[d["text"] for d in lee_docs],
        lee_pairs=lee_pairs,
    )


# --- measures ---------------------------------------------------------------------------------


def pearson(a: Iterable[float], b: Iterable[float]) -> float:
    x = np.asarray(list(a), dtype=np.float64)
    y = np.asarray(list(b), dtype=np.float64)
    x -= x.mean()
    y -= y.mean()
    return float(x @ y / math.sqrt(float(x @ x) * float(y @ y)))


def spearman(a: Iterable[float], b: Iterable[float]) -> float:
    def ranks(v: Iterable[float]) -> npt.NDArray[np.float64]:
        arr = np.asarray(list(v), dtype=np.float64)
        order = arr.argsort(kind="stable")
        r = np.empty(len(arr))
        r[order] = np.arange(len(arr))
        for value in np.unique(arr):  # ties share their mean rank
            tie = arr == value
            r[tie] = r[tie].mean()
        return r

    return pearson(ranks(a), ranks(b))


def identical_elsewhere(titles: Sequence[str], labels: npt.NDArray[np.str_]) -> int:
    """Rows whose text (lower case, words only) is repeated only under other labels: no method
    that gives one text one vector can find their own label first (the set's clusters split
    some events in two)."""
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(titles):
        groups.setdefault(" ".join(_TFIDF_WORD.findall(t.lower())), []).append(i)
    lost = 0
    for members in groups.values():
        for i in members:
            others = {str(labels[j]) for j in members if j != i}
            if others and str(labels[i]) not in others:
                lost += 1
    return lost


def near_identical_misses(vectors: Matrix, labels: npt.NDArray[np.str_], cos: float) -> int:
    """Rows whose nearest other row has another label at cosine >= ``cos``."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    best = sims.argmax(axis=1)
    wrong = labels[best] != labels
    return int((wrong & (sims[np.arange(len(best)), best] >= cos)).sum())


def cpu() -> str:
    """The processor's name and its fastest int8 instructions (int8 speed depends on them)."""
    name, flags = platform.processor() or platform.machine(), set[str]()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                name = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    except OSError:
        return name
    if "avx512_vnni" in flags:
        isa = "AVX-512 VNNI"
    elif "avx_vnni" in flags:
        isa = "AVX-VNNI"
    elif "avx2" in flags:
        isa = "AVX2 without VNNI"
    else:
        isa = "no AVX2"
    return f"{name}, int8 by {isa}"


def nn_accuracy(vectors: Matrix, labels: npt.NDArray[np.str_]) -> float:
    """Leave-one-out: the share of rows whose most similar other row has the same label."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    return float((labels[sims.argmax(axis=1)] == labels).mean())


def f1_of(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_threshold(cos: npt.NDArray[np.float64], same: npt.NDArray[np.bool_]) -> float:
    """The cosine t with the best F1 for "same story when cosine >= t" (midpoint between the
    neighbouring cosines, so the choice does not sit on a training pair)."""
    order = np.argsort(-cos, kind="stable")
    c, s = cos[order], same[order]
    tp = np.cumsum(s)
    fp = np.cumsum(~s)
    fn = int(s.sum()) - tp
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    # only cut between distinct cosines
    valid = np.append(c[:-1] > c[1:], True)
    k = int(np.argmax(np.where(valid, f1, -1.0)))
    return float((c[k] + c[k + 1]) / 2) if k + 1 < len(c) else float(c[k]) - 1e-6


@dataclass
class SameStory:
    cv_f1: float  # pooled over the five held-out folds
    fold_f1: list[float]
    threshold_all: float  # chosen on all pairs (what SAME_STORY_COSINE is)
    f1_at_shipped: float  # F1 of SAME_STORY_COSINE on all pairs
    transfer_threshold: float  # chosen on UCI headline pairs
    transfer_f1: float  # that threshold's F1 on the SemEval pairs


def same_story_labels(
    rows: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], npt.NDArray[np.bool_]]:
    kept = [r for r in rows if r["scores"]["Overall"] <= 1.5 or r["scores"]["Overall"] >= 2.5]
    return kept, np.array([r["scores"]["Overall"] <= 1.5 for r in kept])


def cross_validated(
    cos: npt.NDArray[np.float64], same: npt.NDArray[np.bool_], folds: int = 5, seed: int = 0
) -> tuple[float, list[float]]:
    """Stratified k-fold: the threshold is chosen on k-1 folds and counted on the held-out one."""
    rng = np.random.default_rng(seed)
    fold = np.empty(len(cos), dtype=np.int64)
    for label in (True, False):
        idx = np.flatnonzero(same == label)
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % folds
    tp = fp = fn = 0
    per_fold = []
    for k in range(folds):
        test = fold == k
        t = best_threshold(cos[~test], same[~test])
        pred = cos[test] >= t
        a = int((pred & same[test]).sum())
        b = int((pred & ~same[test]).sum())
        c = int((~pred & same[test]).sum())
        per_fold.append(f1_of(a, b, c))
        tp, fp, fn = tp + a, fp + b, fn + c
    return f1_of(tp, fp, fn), per_fold


def uci_threshold(vectors: Matrix, story: npt.NDArray[np.str_]) -> float:
    """The best-F1 cosine over every pair of UCI headlines (same story or not)."""
    sims = vectors @ vectors.T
    upper = np.triu_indices(len(story), k=1)
    cos = sims[upper].astype(np.float64)
    same = story[upper[0]] == story[upper[1]]
    del sims
    return best_threshold(cos, same)


@dataclass
class Figures:
    name: str
    note: str
    semeval_en: float = math.nan
    semeval_all: float = math.nan
    uci_p1: float = math.nan
    bbc_1nn: float = math.nan
    lee_pearson: float = math.nan
    lee_spearman: float = math.nan
    same: SameStory | None = None
    docs_per_s: float = math.nan
    cpu_docs_per_s: float = math.nan
    runs: list[float] = field(default_factory=list)
    load_s: float = math.nan
    speed_tokens: float = math.nan
    uci_rows: int = 0
    uci_stories: int = 0
    uci_lost: int = 0  # identical_elsewhere: out of reach of any text-only method
    uci_misses: int = 0
    uci_near_misses: int | None = None  # misses at cosine >= 0.95


def semeval_cosines(
    sets: Sets, vectors: Matrix, english: bool
) -> tuple[list[dict[str, Any]], npt.NDArray[np.float64]]:
    index = {k: i for i, k in enumerate(sets.semeval_ids)}
    rows = [r for r in sets.semeval if not english or r["lang1"] == r["lang2"] == "en"]
    cos = np.array(
        [float(vectors[index[r["id1"]]] @ vectors[index[r["id2"]]]) for r in rows],
        dtype=np.float64,
    )
    return rows, cos


@dataclass
class Vectors:
    semeval: Matrix
    uci: Matrix
    bbc: Matrix
    lee: Matrix

    def map(self, fn: Callable[[Matrix], Matrix]) -> Vectors:
        return Vectors(fn(self.semeval), fn(self.uci), fn(self.bbc), fn(self.lee))


def encode_sets(encode: Encode, sets: Sets, quick: bool) -> Vectors:
    semeval = encode(sets.semeval_texts, None)
    uci = encode(sets.uci_titles, None)
    bbc = (
        np.zeros((0, semeval.shape[1]), np.float32)
        if quick
        else encode(sets.bbc_texts, sets.bbc_titles)
    )
    lee = encode(sets.lee_texts, None)
    return Vectors(semeval, uci, bbc, lee)


def measure_quality(fig: Figures, v: Vectors, sets: Sets, quick: bool) -> None:
    rows, cos = semeval_cosines(sets, v.semeval, english=True)
    fig.semeval_en = pearson(cos, (-r["scores"]["Overall"] for r in rows))
    rows_all, cos_all = semeval_cosines(sets, v.semeval, english=False)
    fig.semeval_all = pearson(cos_all, (-r["scores"]["Overall"] for r in rows_all))
    fig.uci_p1 = nn_accuracy(v.uci, sets.uci_story)
    fig.uci_rows = len(sets.uci_story)
    fig.uci_stories = len(set(sets.uci_story.tolist()))
    fig.uci_lost = identical_elsewhere(sets.uci_titles, sets.uci_story)
    fig.uci_misses = round((1 - fig.uci_p1) * fig.uci_rows)
    fig.uci_near_misses = near_identical_misses(v.uci, sets.uci_story, 0.95)
    if not quick:
        fig.bbc_1nn = nn_accuracy(v.bbc, sets.bbc_category)
    lee_cos = [float(v.lee[a] @ v.lee[b]) for a, b, _ in sets.lee_pairs]
    fig.lee_pearson = pearson(lee_cos, (s for _, _, s in sets.lee_pairs))
    fig.lee_spearman = spearman(lee_cos, (s for _, _, s in sets.lee_pairs))
    # same story: English pairs, Overall <= 1.5 same, >= 2.5 different, the rest left out
    index = {id(r): c for r, c in zip(rows, cos, strict=True)}
    kept, same = same_story_labels(rows)
    kcos = np.array([index[id(r)] for r in kept])
    cv, per_fold = cross_validated(kcos, same)
    t_all = best_threshold(kcos, same)
    shipped = kcos >= embedding.SAME_STORY_COSINE
    t_uci = uci_threshold(v.uci, sets.uci_story)
    pred = kcos >= t_uci
    fig.same = SameStory(
        cv_f1=cv,
        fold_f1=per_fold,
        threshold_all=t_all,
        f1_at_shipped=f1_of(
            int((shipped & same).sum()), int((shipped & ~same).sum()), int((~shipped & same).sum())
        ),
        transfer_threshold=t_uci,
        transfer_f1=f1_of(
            int((pred & same).sum()), int((pred & ~same).sum()), int((~pred & same).sum())
        ),
    )


def measure_speed(fig: Figures, encode: Encode, texts: list[str], runs: int, core: int) -> None:
    """Documents per second with the whole process pinned to one CPU (restored afterwards)."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {core})
    try:
        encode(texts[:16], None)  # warm up: first-call allocations are not the steady state
        walls, cpus = [], []
        for _ in range(runs):
            c0, w0 = time.process_time(), time.perf_counter()
            encode(texts, None)
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
    finally:
        os.sched_setaffinity(0, before)
    fig.runs = [len(texts) / w for w in walls]
    fig.docs_per_s = len(texts) / statistics.median(walls)
    fig.cpu_docs_per_s = len(texts) / statistics.median(cpus)


# --- the methods ------------------------------------------------------------------------------


@dataclass
class Method:
    name: str
    note: str
    make: Callable[[], Encode]  # loads the model (timed as load time)
    quick: bool = False  # measured by --quick too
    chosen: bool = False


def minilm(**kwargs: Any) -> Callable[[], Encode]:
    def make() -> Encode:
        return embedding.Embedder(threads=1, **kwargs).load().embed

    return make


def _wordllama_files() -> tuple[Path, Path]:
    import importlib.util

    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("wordllama is not installed (make bench-related installs it)")
    root = Path(next(iter(spec.submodule_search_locations)))
    return (
        root / "weights" / "l2_supercat_256.safetensors",
        root / "tokenizers" / "l2_supercat_tokenizer_config.json",
    )


def _safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    types = {"F16": np.float16, "F32": np.float32}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        body = raw[8 + size + start : 8 + size + end]
        out[name] = np.frombuffer(body, dtype=types[info["dtype"]]).reshape(info["shape"])
    return out


def wordllama() -> Encode:
    """wordllama's 256-d static token vectors (from its wheel), averaged over the whole text."""
    from tokenizers import Tokenizer

    weights, config = _wordllama_files()
    table = next(iter(_safetensors(weights).values())).astype(np.float32)
    tok = Tokenizer.from_file(str(config))
    tok.no_padding()
    tok.no_truncation()

    def encode(texts: Sequence[str], titles: Sequence[str | None] | None = None) -> Matrix:
        out = np.zeros((len(texts), table.shape[1]), np.float32)
        for i, text in enumerate(texts):
            title = titles[i] if titles is not None else None
            ids = tok.encode(embedding.story_text(text, title), add_special_tokens=False).ids
            if ids:
                out[i] = table[ids].mean(axis=0)
        return _unit(out)

    return encode


_TFIDF_WORD = re.compile(r"\w+")


def tfidf() -> Encode:
    """TF-IDF of word unigrams with sublinear tf, the idf fitted on the texts of each call (what
    a reader's own library would give): a reference row, not a candidate."""

    def encode(texts: Sequence[str], titles: Sequence[str | None] | None = None) -> Matrix:
        docs = [
            Counter(
                _TFIDF_WORD.findall(
                    embedding.story_text(t, titles[i] if titles is not None else None).lower()
                )
            )
            for i, t in enumerate(texts)
        ]
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        vocab = {w: j for j, w in enumerate(df)}
        idf = np.array([math.log((1 + len(docs)) / (1 + df[w])) + 1 for w in vocab], np.float32)
        # dense, but in blocks of columns would be needed for a big vocabulary; these sets fit
        out = np.zeros((len(docs), len(vocab)), np.float32)
        for i, d in enumerate(docs):
            for w, n in d.items():
                out[i, vocab[w]] = (1 + math.log(n)) * idf[vocab[w]]
        return _unit(out)

    return encode


def concatenated(parts: list[tuple[Callable[[], Encode], float]]) -> Callable[[], Encode]:
    """Cosine of a weighted concatenation of unit vectors = weighted sum of the cosines."""

    def make() -> Encode:
        encoders = [(m(), w) for m, w in parts]

        def encode(texts: Sequence[str], titles: Sequence[str | None] | None = None) -> Matrix:
            blocks = [math.sqrt(w) * e(texts, titles) for e, w in encoders]
            return _unit(np.concatenate(blocks, axis=1))

        return encode

    return make


def _unit(m: Matrix) -> Matrix:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    out: Matrix = np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)
    return out


def methods() -> list[Method]:
    chosen_note = (
        f"{embedding.MAX_TOKENS} pieces of the lead's content words, int8 products (shipped)"
    )
    return [
        Method("MiniLM int8, content words, 64", chosen_note, minilm(), quick=True, chosen=True),
        Method(
            "MiniLM as in the file, raw text, 128",
            "the int8 file's weights computed in float, the first 128 pieces (the README baseline)",
            minilm(max_tokens=128, content_only=False, quantise=False),
            quick=True,
        ),
        Method(
            "MiniLM int8, raw text, 128",
            "int8 products, first 128 pieces",
            minilm(max_tokens=128, content_only=False),
        ),
        Method(
            "MiniLM int8, raw text, 64",
            "int8 products, first 64 pieces",
            minilm(max_tokens=64, content_only=False),
            quick=True,
        ),
        Method(
            "MiniLM int8, raw text, 32",
            "int8 products, first 32 pieces",
            minilm(max_tokens=32, content_only=False),
        ),
        Method("MiniLM int8, content words, 96", "int8, content words", minilm(max_tokens=96)),
        Method("MiniLM int8, content words, 48", "int8, content words", minilm(max_tokens=48)),
        Method("MiniLM int8, content words, 32", "int8, content words", minilm(max_tokens=32)),
        Method(
            "MiniLM as in the file, content words, 64",
            "float products, content words",
            minilm(quantise=False),
        ),
        Method(
            "wordllama 256-d static, whole text",
            "token vectors from the wordllama wheel, averaged",
            wordllama,
        ),
        Method(
            "MiniLM int8 content 64 + wordllama (0.7/0.3)",
            "cosine = 0.7 x MiniLM + 0.3 x wordllama",
            concatenated([(minilm(), 0.7), (wordllama, 0.3)]),
        ),
        Method(
            "TF-IDF, idf from each set itself",
            "word unigrams, sublinear tf; idf fitted on the set measured (reference only)",
            tfidf,
        ),
    ]


# --- the report -------------------------------------------------------------------------------


@dataclass
class Section:
    """One self-contained part of bench/results/related.md, between its own markers
    (``<!-- KEY: begin -->`` ... ``<!-- KEY: end -->``, as bench/taste.py writes its "taste"
    section), replaced whole when re-measured."""

    key: str
    title: str
    command: str
    body: str
    when: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def begin(self) -> str:
        return f"<!-- {self.key}: begin -->"

    @property
    def end(self) -> str:
        return f"<!-- {self.key}: end -->"

    def render(self) -> str:
        stamp = self.when.strftime("%Y-%m-%d %H:%M UTC")
        return (
            f"{self.begin}\n## {self.title}\n\n"
            f"- command: `{self.command}`\n- date: {stamp}\n\n{self.body.rstrip()}\n"
            f"{self.end}\n"
        )


REPORT_TITLE = "# Related stories\n"


def write_sections(sections: list[Section], path: Path = RESULTS) -> Path:
    """Write these sections into the report: each replaces its own marked block, or is added at
    the end; everything else in the file (other benchmarks' sections) is left as it is."""
    text = path.read_text("utf-8") if path.exists() else REPORT_TITLE
    for s in sections:
        if s.begin in text and s.end in text:
            head, rest = text.split(s.begin, 1)
            tail = rest.split(s.end, 1)[1].lstrip("\n")
            text = head + s.render() + ("\n" + tail if tail else "")
        else:
            text = text.rstrip("\n") + "\n\n" + s.render()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def _f(x: float, digits: int = 3) -> str:
    return "-" if math.isnan(x) else f"{x:.{digits}f}"


def _rate(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:,.0f}"


def embedding_table(figs: list[Figures]) -> str:
    head = (
        "| method | SemEval en Pearson | SemEval all | UCI p@1 | BBC 1-NN | Lee Pearson "
        "| same-story F1 (5-fold) | docs/s, 1 core | docs/CPU-s | load (s) |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for f in figs:
        cv = _f(f.same.cv_f1) if f.same else "-"
        rows.append(
            f"| {f.name} | {_f(f.semeval_en)} | {_f(f.semeval_all)} | {_f(f.uci_p1)} "
            f"| {_f(f.bbc_1nn)} | {_f(f.lee_pearson)} | {cv} | {_rate(f.docs_per_s)} "
            f"| {_rate(f.cpu_docs_per_s)} | {_f(f.load_s, 1)} |"
        )
    return head + "\n".join(rows) + "\n"


def embedding_section(
    figs: list[Figures], stored: Figures | None, command: str, runs: int, speed_docs: int
) -> Section:
    chosen = figs[0]
    lines = [
        f"Chosen: **{chosen.name}** (`broadsheet.similar.embedding`, "
        f"MODEL_VERSION `{embedding.MODEL_VERSION}`).",
        "",
        f"Machine: {os.cpu_count()} CPUs, {cpu()}; "
        f"Python {platform.python_version()}; load average at the end "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (shared with other work: "
        "speed figures are noisy; compare rows of one run).",
        f"Speed: the {speed_docs} English SemEval texts, the process pinned to one CPU and one "
        f"onnxruntime thread; median of {runs} runs after a warm-up; load time (reading, "
        "checking and rewriting the model, building the session) excluded and shown apart. "
        "docs/CPU-s divides by the process's CPU time instead of the wall clock.",
        "",
        embedding_table(figs),
    ]
    if stored is not None:
        lines += [
            "Stored as float16 (`to_bytes`/`from_bytes`) the chosen vectors give: SemEval en "
            f"{_f(stored.semeval_en)}, all {_f(stored.semeval_all)}, UCI {_f(stored.uci_p1)}, "
            f"BBC {_f(stored.bbc_1nn)}, Lee {_f(stored.lee_pearson)}, same-story F1 (5-fold) "
            f"{_f(stored.same.cv_f1) if stored.same else '-'}.",
            "",
        ]
    if chosen.same:
        s = chosen.same
        lines += [
            "Same story, chosen method, SemEval English pairs (Overall <= 1.5 same, >= 2.5 "
            "different, the rest left out): the cosine threshold with the best F1 is chosen on "
            "four folds and counted on the fifth (stratified, seed 0): pooled F1 "
            f"{_f(s.cv_f1)}, per fold {', '.join(_f(x) for x in s.fold_f1)}. Chosen on all "
            f"the pairs the threshold is {s.threshold_all:.3f}; the shipped SAME_STORY_COSINE "
            f"= {embedding.SAME_STORY_COSINE} gives F1 {_f(s.f1_at_shipped)} on them "
            "(in-sample). Chosen instead on every pair of UCI headlines, the threshold is "
            f"{s.transfer_threshold:.3f}, and its F1 on the SemEval pairs is "
            f"{_f(s.transfer_f1)}.",
            "",
        ]
    if chosen.uci_near_misses is not None:
        lines += [
            f"UCI headlines: {chosen.uci_rows} in {chosen.uci_stories} stories. "
            f"{chosen.uci_lost} of them are repeated word for word only under other "
            "stories (the set's clusters split some events), so no method that gives one "
            "text one vector scores above "
            f"{_f(1 - chosen.uci_lost / chosen.uci_rows)}; of the chosen method's "
            f"{chosen.uci_misses} misses, {chosen.uci_near_misses} have a nearest "
            "headline of another story at cosine >= 0.95 (the same headline, or nearly).",
            "",
        ]
    lines.append(
        "Lee Spearman: "
        + ", ".join(
            f"{f.name} {_f(f.lee_spearman)}" for f in figs if not math.isnan(f.lee_spearman)
        )
        + "."
    )
    return Section(
        "embedding", "Story vectors (broadsheet.similar.embedding)", command, "\n".join(lines)
    )


# --- main -------------------------------------------------------------------------------------


def run(
    selected: list[Method], sets: Sets, quick: bool, runs: int, core: int, stored: bool
) -> tuple[list[Figures], Figures | None]:
    english = set(sets.english_ids)
    speed_texts = [
        t for k, t in zip(sets.semeval_ids, sets.semeval_texts, strict=True) if k in english
    ]
    figs: list[Figures] = []
    stored_fig: Figures | None = None
    for m in selected:
        print(f"{m.name}: loading", file=sys.stderr, flush=True)
        fig = Figures(m.name, m.note)
        t0 = time.perf_counter()
        encode = m.make()
        fig.load_s = time.perf_counter() - t0
        print(f"{m.name}: speed", file=sys.stderr, flush=True)
        measure_speed(fig, encode, speed_texts, runs, core)
        print(f"{m.name}: quality", file=sys.stderr, flush=True)
        vectors = encode_sets(encode, sets, quick)
        measure_quality(fig, vectors, sets, quick)
        figs.append(fig)
        print(
            f"{m.name}: SemEval en {_f(fig.semeval_en)}, UCI {_f(fig.uci_p1)}, "
            f"{_rate(fig.docs_per_s)} docs/s",
            file=sys.stderr,
            flush=True,
        )
        if fig.same:
            print(f"{m.name}: same story {fig.same}", file=sys.stderr, flush=True)
        if m.chosen and stored:
            stored_fig = Figures(m.name + ", float16", m.note)
            measure_quality(stored_fig, vectors.map(_float16), sets, quick)
    return figs, stored_fig


def _float16(m: Matrix) -> Matrix:
    return np.stack([embedding.from_bytes(embedding.to_bytes(row)) for row in m]) if len(m) else m


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--quick", action="store_true", help="three methods, no BBC; prints, writes no report"
    )
    ap.add_argument("--runs", type=int, default=3, help="speed runs per method (median)")
    ap.add_argument("--core", type=int, default=None, help="CPU to pin the speed runs to")
    ap.add_argument("--only", default="", help="methods whose name contains this text")
    ap.add_argument("--no-report", action="store_true", help="print the table only")
    args = ap.parse_args(argv)
    core = args.core if args.core is not None else min(os.sched_getaffinity(0))
    selected = [m for m in methods() if (m.quick or not args.quick) and args.only in m.name]
    sets = load_sets(data_dir())
    figs, stored = run(selected, sets, args.quick, args.runs, core, stored=True)
    table = embedding_table(figs)
    print(table)
    if not (args.no_report or args.quick) and figs and figs[0].name == methods()[0].name:
        command = "python bench/related.py" + (" " + " ".join(argv or sys.argv[1:])).rstrip()
        speed_docs = len(sets.english_ids)
        section = embedding_section(figs, stored, command, args.runs, speed_docs)
        print(f"wrote {write_sections([section])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
