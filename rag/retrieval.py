"""Dense search, BM25 search, their fusion, abstention, and the `Hit`s they return."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.chunking import Chunk
from rag.store import LoadedIndex
from rag.tokenize_ja import tokenize

MODES = ("hybrid", "dense", "bm25")
# Chosen on the gold set; see docs/decisions.md for the sweep that picked them.
RRF_K = 60
BM25_WEIGHT = 1.0
DENSE_WEIGHT = 1.0
ABSTAIN_BELOW = 0.82  # top dense cosine under which the briefing is taken not to answer
BM25_ABSTAIN_BELOW = 3.0  # BM25-only mode: top score under which nothing matched well


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    rank: int
    score: float
    dense_score: float  # cosine of question and passage
    bm25_score: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    abstained: bool
    query_vector: np.ndarray | None  # reused to pick the highlighted sentences


def lexical_coverage(query_tokens: list[str], vocab: dict) -> float:
    """Share of the question's tokens the passages know at all.

    An English question over Japanese text shares few tokens with it, and BM25 then ranks
    noise; its weight in the fusion shrinks with this share.
    """
    if not query_tokens:
        return 0.0
    return sum(t in vocab for t in query_tokens) / len(query_tokens)


def rrf(rankings: list[tuple[np.ndarray, float]], n: int, k: int = RRF_K) -> np.ndarray:
    """Weighted reciprocal-rank fusion of rankings over n items.

    [a, b], [b, c] -> b first (in both), then a and c.
    """
    fused = np.zeros(n, dtype=np.float64)
    for order, weight in rankings:
        if weight > 0 and len(order):
            fused[order] += weight / (k + 1 + np.arange(len(order)))
    return fused


class Retriever:
    """Searches one loaded index with one embedder; safe to share between threads."""

    def __init__(self, index: LoadedIndex, embedder, *, bm25_mode: str):
        self.index = index
        self.embedder = embedder
        self.bm25_mode = bm25_mode
        self._vocab = index.bm25.vocab_dict
        self._chunk_rows = {c.id: i for i, c in enumerate(index.chunks)}

    def search(self, query: str, *, k: int = 5, mode: str = "hybrid", query_vector=None) -> SearchResult:
        n = len(self.index.chunks)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        qv = query_vector if query_vector is not None else self.embedder.encode_queries([query])[0]
        dense = self._dense_scores(qv)
        all_tokens = tokenize(query, mode=self.bm25_mode)
        tokens = [t for t in all_tokens if t in self._vocab]
        bm25 = self.index.bm25.get_scores(tokens) if tokens else np.zeros(n, np.float32)
        dense_order = np.argsort(-dense, kind="stable")
        bm25_order = np.argsort(-bm25, kind="stable")
        bm25_order = bm25_order[bm25[bm25_order] > 0]  # passages sharing no token are not ranked
        if mode == "dense":
            fused, order = dense, dense_order
        elif mode == "bm25":
            fused, order = bm25, np.argsort(-bm25, kind="stable")
        else:
            coverage = lexical_coverage(all_tokens, self._vocab)
            fused = rrf([(dense_order, DENSE_WEIGHT), (bm25_order, BM25_WEIGHT * coverage)], n)
            order = np.argsort(-fused, kind="stable")
        top = order[: max(1, min(k, n))]
        hits = tuple(
            Hit(self.index.chunks[i], r + 1, float(fused[i]), float(dense[i]), float(bm25[i]))
            for r, i in enumerate(top)
        )
        return SearchResult(query, hits, self._abstains(mode, dense, bm25), qv)

    def _dense_scores(self, qv: np.ndarray) -> np.ndarray:
        n = len(self.index.chunks)
        scores, ids = self.index.dense.search(qv[None, :].astype(np.float32), n)
        dense = np.empty(n, np.float32)
        dense[ids[0]] = scores[0]
        return dense

    def _abstains(self, mode: str, dense: np.ndarray, bm25: np.ndarray) -> bool:
        if mode == "bm25":
            return float(bm25.max(initial=0.0)) < BM25_ABSTAIN_BELOW
        return float(dense.max(initial=0.0)) < ABSTAIN_BELOW

    def highlights(self, hit: Hit, query_vector: np.ndarray, *, max_sentences: int = 2) -> list[tuple[int, int]]:
        """The one or two sentences of a passage closest to the question, as file offsets."""
        row = self._chunk_rows[hit.chunk.id]
        spans = self.index.sentence_spans
        mine = np.flatnonzero(spans[:, 0] == row)
        if not len(mine):
            return []
        sims = self.index.sentence_vectors[mine] @ query_vector
        order = np.argsort(-sims)
        best = [order[0]]
        # A second sentence only when it is nearly as close as the best one.
        if max_sentences > 1 and len(order) > 1 and sims[order[1]] >= sims[order[0]] - 0.02:
            best.append(order[1])
        return sorted((int(spans[mine[j], 1]), int(spans[mine[j], 2])) for j in best)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_question(text: str) -> str:
    """Control characters are dropped and whitespace runs collapsed; the rest is kept."""
    return " ".join(_CONTROL.sub(" ", text).split())
