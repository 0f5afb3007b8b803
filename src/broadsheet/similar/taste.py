"""What a reader is likely to rate high, from the stories they rated: pure arithmetic on story
vectors (`similar.embedding`), used to order the newsletter and the related stories.

A candidate's preference is how close it is to the stories the reader rated high (4 or 5 stars)
minus how close it is to those they rated low (1 or 2): for each side, the mean cosine of the
candidate with its NEIGHBOURS nearest rated stories on that side. Nearest neighbours, not a mean
vector: a reader who likes both football and opera has two tastes, and the mean of the two is
neither. A 3 says nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

NEUTRAL: Final = 3
NEIGHBOURS: Final = 3
# How much taste weighs against likeness to the story at hand, for related stories.
TASTE_WEIGHT: Final = 0.15

Matrix = npt.NDArray[np.float32]


def _unit_rows(matrix: npt.ArrayLike) -> Matrix:
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows.reshape(1, -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    out: Matrix = np.zeros_like(rows)
    np.divide(rows, norms, out=out, where=norms > 0)
    return out


def _nearest_mean(similarity: Matrix) -> Matrix:
    """Per row, the mean of its NEIGHBOURS largest values (all of them when fewer)."""
    k = min(NEIGHBOURS, similarity.shape[1])
    if k == 0:
        return np.zeros(similarity.shape[0], np.float32)
    top = -np.partition(-similarity, k - 1, axis=1)[:, :k]
    result: Matrix = top.mean(axis=1).astype(np.float32)
    return result


def preference(candidates: npt.ArrayLike, rated: npt.ArrayLike, ratings: Sequence[int]) -> Matrix:
    """One score per candidate row: likeness to the high-rated stories minus likeness to the
    low-rated ones (each the mean cosine with its nearest NEIGHBOURS); zeros without ratings."""
    cands = _unit_rows(candidates)
    if cands.size == 0:
        return np.zeros(0, np.float32)
    stars = np.asarray(ratings, dtype=np.int16)
    if stars.size == 0:
        return np.zeros(cands.shape[0], np.float32)
    rows = _unit_rows(rated)
    similarity = cands @ rows.T
    liked, disliked = stars > NEUTRAL, stars < NEUTRAL
    score = np.zeros(cands.shape[0], np.float32)
    if liked.any():
        score += _nearest_mean(similarity[:, liked])
    if disliked.any():
        score -= _nearest_mean(similarity[:, disliked])
    return score


def related_scores(
    target: npt.ArrayLike,
    candidates: npt.ArrayLike,
    rated: npt.ArrayLike,
    ratings: Sequence[int],
) -> tuple[Matrix, Matrix]:
    """(likeness, score) per candidate: the cosine with the story at hand, and that cosine
    nudged by the reader's taste (TASTE_WEIGHT x `preference`), for ranking."""
    cands = _unit_rows(candidates)
    if cands.size == 0:
        empty = np.zeros(0, np.float32)
        return empty, empty
    likeness: Matrix = (cands @ _unit_rows(target)[0]).astype(np.float32)
    score: Matrix = likeness + TASTE_WEIGHT * preference(cands, rated, ratings)
    return likeness, score
