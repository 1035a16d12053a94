"""Learning the fusion weights: the fit's units are fuse's, weights stay non-negative, the ranking metrics."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rag.evaluation.fusion_fit import Group, columns, fit, ranking
from rag.search.features import Features
from rag.search.retriever import score
from rag.settings import RetrievalConfig

CONFIG = RetrievalConfig(dense_center=0.78, dense_scale=0.02, bm25_scale=3.0, english_scale=2.0)


def test_columns_weighted_are_the_hybrid_score():
    """The fit ranks by exactly what the retriever ranks by, for any weights."""
    rng = np.random.default_rng(0)
    features = Features(*(rng.uniform(0, 1, 6).astype(np.float32) for _ in Features.NAMES))
    config = replace(CONFIG, bm25_weight=1.3, translated_weight=0.4, english_weight=0.9)
    weights = np.array([config.bm25_weight, config.translated_weight, config.english_weight])
    expected = score(features, "hybrid", 0.7, config)
    assert np.allclose(columns(features, 0.7, config) @ np.concatenate([[1.0], weights]), expected, atol=1e-5)


def _group(dense, native, english, answer: int) -> Group:
    cols = np.column_stack([dense, native, np.zeros(len(dense)), english]).astype(np.float64)
    relevant = np.zeros(len(dense), bool)
    relevant[answer] = True
    return Group(cols, relevant)


def _questions(n: int = 40) -> list[Group]:
    """The answer has the question's words (native BM25) but a lower dense score than a near miss;
    the English field only ever lights up passages that do not answer."""
    rng = np.random.default_rng(1)
    groups = []
    for _ in range(n):
        dense = rng.normal(0, 1, 8)
        dense[0] = dense.max() + 1.0  # a near miss, first by dense alone
        native = rng.uniform(0, 0.3, 8)
        native[3] = 2.5  # the answer holds a rare word of the question
        dense[3] = dense[0] - 1.2
        english = np.zeros(8)
        english[5] = 3.0  # a distractor the English field likes
        groups.append(_group(dense, native, english, answer=3))
    return groups


def test_fit_learns_what_brings_the_answer_first_and_never_a_negative_weight():
    groups = _questions()
    start = np.array([0.1, 0.1, 0.1])
    assert ranking(groups, start)["hit@1"] == 0.0  # dense wins with these weights
    learned = fit(groups, np.ones(len(groups)), start=start)
    assert np.all(learned >= 0)  # the score stays monotone in every signal
    assert learned[0] > 0.5  # native BM25 must outweigh the 1.2-spread dense gap over 2.5 units
    assert learned[2] < 1e-6  # the English field only helps the wrong passages: held at its bound, 0
    assert ranking(groups, learned)["hit@1"] == 1.0


def test_question_weights_decide_between_conflicting_questions():
    """Two sets want opposite things of the native weight; the heavier one gets its way."""
    wants_bm25 = _questions(20)
    wants_dense = [
        _group(np.array([1.0, 0.0, -1.0]), np.array([0.0, 2.0, 0.0]), np.zeros(3), answer=0) for _ in range(20)
    ]
    groups = wants_bm25 + wants_dense
    heavy_first = fit(groups, [10.0] * 20 + [1.0] * 20, start=np.array([1.0, 1.0, 1.0]))
    heavy_second = fit(groups, [1.0] * 20 + [10.0] * 20, start=np.array([1.0, 1.0, 1.0]))
    assert heavy_first[0] > heavy_second[0]
    assert ranking(wants_dense, heavy_second)["hit@1"] == 1.0


def test_ranking_metrics_on_a_hand_ranked_example():
    first = _group(np.array([3.0, 2.0, 1.0]), np.zeros(3), np.zeros(3), answer=0)  # rank 1
    third = _group(np.array([3.0, 2.0, 1.0]), np.zeros(3), np.zeros(3), answer=2)  # rank 3
    tie = _group(np.array([1.0, 1.0]), np.zeros(2), np.zeros(2), answer=1)  # a tie goes to the lower row: rank 2
    m = ranking([first, third, tie], np.zeros(3))
    assert m["hit@1"] == 1 / 3
    assert np.isclose(m["mrr@10"], (1 + 1 / 3 + 1 / 2) / 3)
