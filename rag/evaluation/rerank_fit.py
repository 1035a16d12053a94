"""Fitting the reranker: a conditional logit, one softmax per question over its candidates.

Each question contributes -log(the share of its softmax on the passages that answer it); the loss is
the questions' weighted mean plus a little L2 shrinkage. Only the order within a question matters, so
a feature that is the same for all of a question's candidates gets no weight.

    group = Candidates(features=np.array([[0.1, 2.0], [0.7, 1.0]]), relevant=np.array([False, True]))
    model = fit([group, ...], weights=[1.0, ...], depth=20, version="...")    # -> RerankModel
    hits_at_1([group, ...], model) -> array([True, ...])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from rag.search.rerank import FEATURES, RerankModel

L2 = 1.0  # on standardised features, over the summed question weights (docs/decisions.md: 0.1 and 1 alike)


@dataclass(frozen=True)
class Candidates:
    """One question: its candidates' features ([n, len(FEATURES)], hybrid order) and which answer it."""

    features: np.ndarray
    relevant: np.ndarray


def fit(groups: list[Candidates], weights, *, depth: int, version: str, l2: float = L2) -> RerankModel:
    every = np.vstack([g.features for g in groups])
    mean, scale = every.mean(axis=0), every.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    kept = [(g, w) for g, w in zip(groups, weights, strict=True) if g.relevant.any()]
    zs = [((g.features - mean) / scale, g.relevant.astype(bool), w) for g, w in kept]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = l2 * theta @ theta / 2, l2 * theta
        for z, relevant, w in zs:
            logits = z @ theta
            p = np.exp(logits - logits.max())
            p /= p.sum()
            held = p[relevant].sum()
            value -= w * np.log(held + 1e-300)
            grad = grad - w * (z.T @ (p * relevant / (held + 1e-300) - p))
        return value / len(zs), grad / len(zs)

    theta = minimize(loss, np.zeros(every.shape[1]), jac=True, method="L-BFGS-B").x
    return RerankModel(FEATURES, tuple(mean), tuple(scale), tuple(float(t) for t in theta), depth, version)


def hits_at_1(groups: list[Candidates], model: RerankModel | None) -> np.ndarray:
    """Per question, whether its first passage answers it: reranked, or in hybrid order without a model."""
    return np.array([bool(g.relevant[0 if model is None else model.ranking(g.features)[0]]) for g in groups])


def folds(keys: list[str], k: int = 5, *, seed: int = 0) -> np.ndarray:
    """A fold number per question, every question of one key (an article) in the same fold."""
    distinct = sorted(set(keys))
    np.random.default_rng(seed).shuffle(distinct)
    which = {key: i % k for i, key in enumerate(distinct)}
    return np.array([which[key] for key in keys])
