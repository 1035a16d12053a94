"""Learning the hybrid score's lexical weights from gold questions, kept non-negative so it stays monotone.

The hybrid score (rag.search.retriever.fuse) is the dense score in measured spreads plus three lexical
signals, each in its measured unit: native BM25 (times coverage), translated BM25 and the English field.
For one sentence weight (which fixes the dense score and its spread), the three weights are fitted by a
pairwise logistic regression: each passage that answers a question should outscore each of the passages
that come closest to it without answering. The weights are bounded below by 0, so the score is still
monotone in every feature and the candidates' bound holds (rag.search.candidates).

    group = Group(columns(features, coverage, config), relevant)       # one gold question
    weights = fit([group, ...], [1.0, ...], start=(1.0, 1.0, 1.5))       # -> array([b, t, e]), all >= 0
    ranking([group, ...], weights) -> {"hit@1": 0.83, "mrr@10": 0.88}
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from rag.search.features import Features
from rag.search.retriever import dense_score, standard_dense
from rag.settings import RetrievalConfig

WEIGHTS = ("bm25_weight", "translated_weight", "english_weight")  # the RetrievalConfig fields fitted
HARDEST = 20  # negatives per question: the best-scored passages that do not answer it
PER_SIGNAL = 5  # and each lexical signal's best ones, so a weight still at 0 sees what it would bring up
L2 = 1e-3  # a little shrinkage, so a weight no pair needs stays small instead of drifting


@dataclass(frozen=True)
class Group:
    """One question: its passages' calibrated signals ([n, 4]: dense, native, translated, English)."""

    columns: np.ndarray
    relevant: np.ndarray  # bool per passage: it answers the question


def columns(features: Features, coverage: float, config: RetrievalConfig) -> np.ndarray:
    """Each passage's signals in the units `fuse` adds them in, so fuse = columns @ [1, *weights]."""
    dense = standard_dense(dense_score(features, config), config)
    return np.column_stack(
        [
            dense,
            coverage * np.asarray(features.bm25) / config.bm25_scale,
            np.asarray(features.translated) / config.bm25_scale,
            np.asarray(features.english) / config.english_scale,
        ]
    ).astype(np.float64)


def scores(group: Group, weights: np.ndarray) -> np.ndarray:
    return group.columns @ np.concatenate([[1.0], weights])


def ranks(group: Group, weights: np.ndarray) -> np.ndarray:
    """The rank (1 = first) of each passage, ties to the lower row as the retriever breaks them."""
    order = np.argsort(-scores(group, weights), kind="stable")
    out = np.empty(len(order), np.int64)
    out[order] = np.arange(1, len(order) + 1)
    return out


def ranking(groups: list[Group], weights: np.ndarray, k: int = 10) -> dict[str, float]:
    """hit@1 and mrr@k of ranking every passage by the weighted score."""
    first = np.array([ranks(g, weights)[g.relevant].min() for g in groups])
    return {"hit@1": float(np.mean(first == 1)), f"mrr@{k}": float(np.mean(np.where(first <= k, 1.0 / first, 0.0)))}


def differences(group: Group, weights: np.ndarray) -> np.ndarray:
    """[pairs, 4]: answering passage's signals less a near miss's, for every such pair of the question."""
    negatives = np.flatnonzero(~group.relevant)
    by_score = negatives[np.argsort(-scores(group, weights)[negatives], kind="stable")][:HARDEST]
    chosen = [by_score]
    for c in range(1, group.columns.shape[1]):
        chosen.append(negatives[np.argsort(-group.columns[negatives, c], kind="stable")][:PER_SIGNAL])
    hard = np.unique(np.concatenate(chosen))
    positives = group.columns[group.relevant]
    return (positives[:, None, :] - group.columns[hard][None, :, :]).reshape(-1, group.columns.shape[1])


def fit(groups: list[Group], group_weights, *, start, rounds: int = 3, l2: float = L2) -> np.ndarray:
    """Non-negative lexical weights minimising the weighted pairwise logistic loss.

    The dense coefficient is fitted too (the loss needs a temperature) and divided out: the score keeps
    the dense spread as its unit. Near misses are mined again under each round's weights.
    """
    group_weights = np.asarray(group_weights, np.float64) / np.sum(group_weights)
    weights = np.asarray(start, np.float64)
    for _ in range(rounds):
        blocks = [differences(g, weights) for g in groups]
        shares = [np.full(len(b), w / max(len(b), 1)) for b, w in zip(blocks, group_weights, strict=True)]
        pairs, pair_weight = np.concatenate(blocks), np.concatenate(shares)
        theta0 = np.concatenate([[1.0], weights])
        bounds = [(1e-3, None)] + [(0.0, None)] * len(weights)
        found = minimize(_loss, theta0, args=(pairs, pair_weight, l2), jac=True, method="L-BFGS-B", bounds=bounds)
        weights = found.x[1:] / found.x[0]
    return weights


def _loss(theta: np.ndarray, pairs: np.ndarray, pair_weight: np.ndarray, l2: float) -> tuple[float, np.ndarray]:
    """Weighted log-loss of "the answering passage wins" over the pairs, and its gradient."""
    margin = pairs @ theta
    value = pair_weight @ np.logaddexp(0.0, -margin) + 0.5 * l2 * theta @ theta
    slope = -(pair_weight * _sigmoid(-margin)) @ pairs + l2 * theta
    return float(value), slope


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))
