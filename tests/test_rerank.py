"""The reranker: its features match a plain reading of the passages, its model orders by them, its fit learns.

The features are computed for all candidates at once with array operations; `plain_features` below is
the same definition written one passage at a time with Python sets, the reference they must equal.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from rag.errors import IndexCorruptError
from rag.evaluation.rerank_fit import Candidates, fit, folds, hits_at_1
from rag.index import store
from rag.search.features import Features, Query
from rag.search.passage_terms import PassageTerms
from rag.search.rerank import FEATURES, Reranker, RerankModel, reads
from rag.settings import RetrievalConfig

VOCAB = {w: i for i, w in enumerate(["osa", "予算", "増額", "外交", "安全", "保障", "協力", "中国", "海洋", "日本"])}
# Three passages: (passage tokens, its sentences' tokens, heading tokens)
PASSAGES = [
    (["外交", "osa", "協力", "予算", "増額"], [["外交", "osa"], ["協力"], ["予算", "増額"]], ["外交"]),
    (["osa", "予算", "増額", "日本"], [["osa", "予算", "増額", "日本"]], ["osa"]),
    (["中国", "海洋", "安全", "保障", "未知語"], [["中国", "海洋"], ["安全", "保障", "未知語"]], []),
    ([], [], []),  # a passage with no sentence
]
CONFIG = RetrievalConfig(dense_center=0.1, dense_scale=0.05, bm25_scale=2.0, english_scale=3.0)


class FakeBM25:
    """What the reranker reads of a bm25s index: per token, how many passages hold it (CSC indptr)."""

    def __init__(self, passages):
        counts = [sum(w in set(p) for p, _, _ in passages) for w in VOCAB]
        self.scores = {"indptr": np.concatenate([[0], np.cumsum(counts)])}


def terms() -> PassageTerms:
    return PassageTerms.from_tokens(
        [p for p, _, _ in PASSAGES], [s for _, ss, _ in PASSAGES for s in ss], [h for _, _, h in PASSAGES], VOCAB
    )


def sentence_first() -> np.ndarray:
    return np.concatenate([[0], np.cumsum([len(ss) for _, ss, _ in PASSAGES])])


def query(words, translated=()) -> Query:
    ids = np.array([VOCAB[w] for w in words], np.int64)
    return Query(" ".join(words), np.zeros(4), tuple(words), ids, np.array([VOCAB[w] for w in translated]), 1.0)


def signals(n: int) -> Features:
    rng = np.random.default_rng(n)
    return Features(*(rng.random(n).astype(np.float32) for _ in Features.NAMES))


def reranker(model=None) -> Reranker:
    return Reranker(terms(), sentence_first(), FakeBM25(PASSAGES), model)


def plain_features(rows, fused, features, words, translated) -> np.ndarray:
    """FEATURES, one passage at a time, from the token strings."""
    n = len(PASSAGES)
    df = {w: sum(w in set(p) for p, _, _ in PASSAGES) for w in VOCAB}
    idf = {w: math.log((n - df[w] + 0.5) / (df[w] + 0.5) + 1) for w in VOCAB}
    asked = set(words)
    total = sum(idf[w] for w in asked) or 1.0
    pairs = set(zip(words, words[1:], strict=False))
    dense = ((1 - CONFIG.sentence_weight) * features.passage + CONFIG.sentence_weight * features.sentence - 0.1) / 0.05
    out = []
    for i, row in enumerate(rows):
        passage, sentences, heading = PASSAGES[row]

        def held(tokens):
            return sum(idf[w] for w in asked & set(tokens)) / total

        per_sentence = [held(s) for s in sentences] or [0.0]
        per_pair = [held(a + b) for a, b in zip(sentences, sentences[1:], strict=False)] or per_sentence
        out.append(
            [
                i,
                fused[i],
                dense[i],
                features.bm25[i] / 2.0,
                features.translated[i] / 2.0,
                features.english[i] / 3.0,
                held(passage),
                max(per_sentence),
                max(per_pair),
                held(heading),
                len(pairs & set(zip(passage, passage[1:], strict=False))) / max(1, len(pairs)),
                len(set(translated) & set(passage)) / max(1, len(set(translated))),
                len(sentences),
                math.log1p(len(passage)),
            ]
        )
    return np.array(out)


@pytest.mark.parametrize(
    "rows, words, translated",
    [
        ([0, 1, 2, 3], ["osa", "予算", "増額"], ["協力"]),
        ([2, 0], ["安全", "保障", "中国", "安全"], []),  # a repeated word counts once
        ([3, 1, 0], [], []),  # a question the index knows no word of
        ([1], ["日本", "外交"], ["海洋", "日本"]),
    ],
)
def test_the_features_equal_a_plain_reading_of_each_passage(rows, words, translated):
    rows = np.array(rows)
    fused, features = np.linspace(3, 1, len(rows)), signals(len(rows))
    got = reranker().features(rows, fused, features, query(words, translated), CONFIG)
    assert got.shape == (len(rows), len(FEATURES))
    np.testing.assert_allclose(got, plain_features(rows, fused, features, words, translated), rtol=1e-6)


def model_weighing(name: str, weight: float = 1.0, depth: int = 20) -> RerankModel:
    k = len(FEATURES)
    weights = tuple(weight if f == name else 0.0 for f in FEATURES)
    return RerankModel(FEATURES, (0.0,) * k, (1.0,) * k, weights, depth, "test")


def test_a_passage_holding_the_question_in_one_sentence_goes_above_one_that_spreads_it():
    rows = np.array([0, 1])  # the hybrid order: passage 0 spreads osa/予算/増額 over sentences, 1 has one
    order = reranker(model_weighing("held_sentence")).order(
        rows, np.array([2.0, 1.0]), signals(2), query(["osa", "予算", "増額"]), CONFIG
    )
    assert list(rows[order]) == [1, 0]


def test_passages_the_model_cannot_tell_apart_keep_the_hybrid_order():
    rows = np.array([2, 0, 1, 3])
    order = reranker(model_weighing("held", 0.0)).order(
        rows, np.array([4.0, 3.0, 2.0, 1.0]), signals(4), query(["osa"]), CONFIG
    )
    assert list(order) == [0, 1, 2, 3]


def test_an_english_question_of_japanese_text_keeps_the_hybrid_order(hash_engine):
    """The model learned from questions in their passages' language; across languages it is not asked."""
    assert not reads("What does Japan do with OSA?", "OSAは同志国の安全保障能力を強化する。")
    assert reads("OSAの予算は", "OSAは同志国の安全保障能力を強化する。")
    assert reads("What is the budget?", "The budget is 5 million dollars.")
    hits = hash_engine.live().retriever.search("What does Japan do with OSA and its partners?", k=10).hits
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_stored_model_of_other_features_is_not_read():
    stored = model_weighing("held").to_manifest()
    assert RerankModel.from_manifest(stored) == model_weighing("held")
    stored["features"] = list(FEATURES[:-1])
    assert RerankModel.from_manifest(stored) is None
    assert RerankModel.from_manifest(None) is None


def test_the_fit_learns_which_feature_marks_the_answer():
    """Questions whose answer is the candidate with the largest `held_sentence`, placed anywhere in the
    hybrid order: the hybrid order finds a fifth of them, the fitted model (on other questions) all."""
    rng = np.random.default_rng(0)

    def question() -> Candidates:
        x = rng.normal(size=(5, len(FEATURES)))
        x[:, 0] = np.arange(5)
        relevant = np.zeros(5, bool)
        relevant[np.argmax(x[:, FEATURES.index("held_sentence")])] = True
        return Candidates(x, relevant)

    train, test = [question() for _ in range(300)], [question() for _ in range(100)]
    model = fit(train, np.ones(len(train)), depth=5, version="test")
    assert hits_at_1(test, None).mean() < 0.4
    assert hits_at_1(test, model).mean() > 0.95
    assert np.argmax(np.abs(model.weights)) == FEATURES.index("held_sentence")


def test_folds_keep_an_articles_questions_together():
    keys = ["a", "a", "b", "c", "c", "c", "d", "e", "f"]
    fold = folds(keys, k=3)
    for key in set(keys):
        assert len({int(f) for f, k in zip(fold, keys, strict=True) if k == key}) == 1
    assert set(fold.tolist()) == {0, 1, 2}


def test_a_build_with_a_reranker_but_no_passage_terms_is_refused(hash_workspace):
    """Its manifest resealed without the file, so only the missing terms can be what refuses it."""
    folder = store.live_folder(hash_workspace[1])
    assert store.load_build(folder).terms is not None
    (folder / store.TERMS).unlink()
    manifest = store.read_manifest(folder)
    store.write_manifest(folder, {k: v for k, v in manifest.items() if k not in ("files", "checksum")})
    with pytest.raises(IndexCorruptError, match="has a reranker but no terms.npz"):
        store.load_build(folder)
