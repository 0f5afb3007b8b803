"""broadsheet.similar.embedding with the real packaged model (no mocks), on texts written here.

The model loads once for the module (a couple of seconds); the tests that build a second model
or run many threads are marked slow.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from broadsheet.similar import embedding
from broadsheet.similar.embedding import (
    DIMENSIONS,
    MODEL_VERSION,
    SAME_STORY_COSINE,
    Embedder,
    content_words,
    cosine,
    cosines,
    embed,
    from_bytes,
    is_same_story,
    story_text,
    to_bytes,
)

FLOODS = (
    "Rivers burst their banks across Somerset on Tuesday after two days of heavy rain, and the "
    "Environment Agency issued twelve severe flood warnings. Around 300 homes in Bridgwater were "
    "evacuated overnight as the River Parrett rose to its highest level in forty years."
)
FLOODS_RETOLD = (
    "Hundreds of households near Bridgwater had to leave their homes during the night when the "
    "Parrett reached a record height. Forecasters blamed 48 hours of downpours; a dozen severe "
    "flood alerts are in force in the county of Somerset."
)
CHIPS = (
    "The chip maker reported quarterly revenue of 9.4 billion dollars, ahead of analysts' "
    "forecasts, as demand for data-centre processors rose. Its shares gained 6% in after-hours "
    "trading and the company raised its outlook for the rest of the year."
)
FOOTBALL = (
    "A late header from the captain gave the visitors a 2-1 win at the stadium on Saturday, "
    "lifting them to third in the league table. The home side had led through a first-half "
    "penalty but faded after their goalkeeper went off injured."
)


@pytest.fixture(scope="module")
def vectors() -> dict[str, np.ndarray]:
    names = ["floods", "retold", "chips", "football"]
    rows = embed([FLOODS, FLOODS_RETOLD, CHIPS, FOOTBALL])
    return dict(zip(names, rows, strict=True))


def test_a_story_and_its_retelling_are_closer_than_unrelated_stories(
    vectors: dict[str, np.ndarray],
) -> None:
    same = cosine(vectors["floods"], vectors["retold"])
    for other in ("chips", "football"):
        assert same > cosine(vectors["floods"], vectors[other]) + 0.3
        assert same > cosine(vectors["retold"], vectors[other]) + 0.3
    assert is_same_story(vectors["floods"], vectors["retold"])
    assert not is_same_story(vectors["floods"], vectors["chips"])
    assert not is_same_story(vectors["chips"], vectors["football"])


def test_rows_are_float32_unit_length_and_as_wide_as_said(vectors: dict[str, np.ndarray]) -> None:
    matrix = embed([FLOODS, CHIPS, "One word"])
    assert matrix.dtype == np.float32
    assert matrix.shape == (3, DIMENSIONS)
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    # a text's vector depends on that text only, not on the texts embedded with it
    np.testing.assert_allclose(matrix[0], vectors["floods"], atol=1e-6)
    np.testing.assert_allclose(embed([FLOODS])[0], vectors["floods"], atol=1e-6)


def test_a_text_with_no_word_is_the_zero_vector_and_matches_nothing() -> None:
    matrix = embed(["", "   \n\t", "... -- !!! ?", FLOODS])
    assert matrix.shape == (4, DIMENSIONS)
    assert not matrix[:3].any()
    assert cosine(matrix[0], matrix[3]) == 0.0
    assert cosine(matrix[0], matrix[1]) == 0.0
    assert not is_same_story(matrix[0], matrix[1])  # two empty texts are not one story
    assert embed([]).shape == (0, DIMENSIONS)


def test_a_text_of_function_words_only_keeps_them() -> None:
    assert content_words("It is what it is.") == "It is what it is"
    assert content_words("The Fed said it would not raise rates.") == "Fed raise rates"
    row = embed(["It is what it is."])[0]
    assert np.linalg.norm(row) == pytest.approx(1.0, abs=1e-5)


def test_the_title_goes_first_once() -> None:
    assert story_text("Body text.", "A title") == "A title. Body text."
    assert story_text("A title. Body text.", "A title") == "A title. Body text."
    assert story_text("", "Only a title") == "Only a title"
    assert story_text("Body", None) == "Body"
    with_title = embed([FLOODS], ["Somerset floods"])[0]
    np.testing.assert_allclose(with_title, embed(["Somerset floods. " + FLOODS])[0], atol=1e-5)
    with pytest.raises(ValueError, match="titles"):
        embed([FLOODS, CHIPS], ["one title"])


def test_a_very_long_text_costs_no_more_than_its_lead() -> None:
    long_text = FLOODS + " " + " ".join([CHIPS, FOOTBALL] * 20_000)  # ~2.6 million characters
    lead = FLOODS + " " + " ".join([CHIPS, FOOTBALL] * 20)
    started = time.perf_counter()
    row = embed([long_text])[0]
    assert time.perf_counter() - started < 2.0
    assert cosine(row, embed([lead])[0]) > 0.999
    assert np.linalg.norm(row) == pytest.approx(1.0, abs=1e-5)


def test_text_in_other_scripts_does_not_crash() -> None:
    texts = [
        "Überschwemmungen in Süddeutschland: Tausende Menschen mussten ihre Häuser verlassen.",
        "洪水导致数千人撤离家园 政府宣布进入紧急状态",
        "أدت الفيضانات إلى إجلاء آلاف السكان من منازلهم",
        "Наводнение вынудило тысячи людей покинуть свои дома.",
        "🌧️🌊🏠 #floods",
        "a\u0000b\ufffd\u200b c",
    ]
    matrix = embed(texts)
    assert matrix.shape == (len(texts), DIMENSIONS)
    assert np.isfinite(matrix).all()
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)


def test_bytes_round_trip_as_float16(vectors: dict[str, np.ndarray]) -> None:
    blob = to_bytes(vectors["floods"])
    assert isinstance(blob, bytes) and len(blob) == DIMENSIONS * 2
    back = from_bytes(blob)
    assert back.dtype == np.float32 and back.shape == (DIMENSIONS,)
    np.testing.assert_allclose(back, vectors["floods"], atol=1e-3)
    assert cosine(back, vectors["floods"]) > 0.99999
    assert from_bytes(to_bytes(np.zeros(DIMENSIONS))).tolist() == [0.0] * DIMENSIONS
    with pytest.raises(ValueError):
        from_bytes(blob[:-2])
    with pytest.raises(ValueError):
        to_bytes(np.ones(DIMENSIONS + 1))


def test_cosines_against_many(vectors: dict[str, np.ndarray]) -> None:
    matrix = np.stack([vectors["retold"], vectors["chips"], np.zeros(DIMENSIONS, np.float32)])
    got = cosines(vectors["floods"], matrix)
    assert got.shape == (3,)
    assert got[0] == pytest.approx(cosine(vectors["floods"], vectors["retold"]), abs=1e-5)
    assert got[2] == 0.0


def test_the_version_names_the_method() -> None:
    assert str(embedding.MAX_TOKENS) in MODEL_VERSION
    assert "int8" in MODEL_VERSION
    assert 0.0 < SAME_STORY_COSINE < 1.0


def test_the_packaged_files_are_the_expected_ones() -> None:
    assert embedding.model_file().name == "model.onnx"
    assert embedding.tokenizer_file().name == "tokenizer.json"


class CountingEmbedder(Embedder):
    loads = 0

    def _load(self) -> None:
        type(self).loads += 1
        time.sleep(0.2)  # widen the window in which a second load could slip in
        super()._load()


@pytest.mark.slow
def test_lazy_load_happens_once_under_concurrent_first_calls() -> None:
    model = CountingEmbedder()
    assert not model.loaded
    barrier = threading.Barrier(8)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            row = model.embed([FLOODS])[0]
            with lock:
                results.append(row)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert CountingEmbedder.loads == 1
    assert len(results) == 8
    for row in results[1:]:
        np.testing.assert_allclose(row, results[0], atol=1e-6)


@pytest.mark.slow
def test_the_process_wide_embedder_is_one_object_across_threads() -> None:
    seen: list[Embedder] = []
    threads = [threading.Thread(target=lambda: seen.append(embedding.embedder())) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(seen) == 6 and all(e is seen[0] for e in seen)


@pytest.mark.slow
def test_int8_products_stay_close_to_the_float_model() -> None:
    import onnx

    graph = onnx.load_model_from_string(
        embedding.quantised_graph(embedding.model_file().read_bytes())
    )
    ops = [node.op_type for node in graph.graph.node]
    assert ops.count("DynamicQuantizeMatMul") == 36  # 6 layers x (q, k, v, out, up, down)
    float_rows = Embedder(quantise=False).embed([FLOODS, CHIPS, FOOTBALL])
    int8_rows = embed([FLOODS, CHIPS, FOOTBALL])
    assert ((float_rows * int8_rows).sum(axis=1) > 0.97).all()
