"""Dense search, BM25 search, their fusion, abstention, and the `Hit`s they return."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.chunking import Chunk
from rag.language import script_of
from rag.lexicon import latin_words
from rag.store import LoadedIndex
from rag.tokenize_ja import tokenize

MODES = ("hybrid", "dense", "bm25")
# All chosen on the gold set; docs/decisions.md has the sweeps.
SENTENCE_WEIGHT = 0.5  # dense score = mix of whole-passage and best-sentence cosine
BM25_WEIGHT = 0.008  # BM25 points are ~1-20; cosines differ by hundredths
ABSTAIN_BELOW = {"ja": 0.845, "other": 0.795}  # top hybrid/dense score; cross-lingual cosines run lower
BM25_ABSTAIN_BELOW = 1.5


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    rank: int
    score: float


STATUSES = ("answered", "partial", "not_covered")


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    status: str  # one of STATUSES
    query_vector: np.ndarray  # reused to pick the highlighted sentences
    missing: tuple[str, ...] = ()  # for "partial": what the question asks about that no cited passage holds

    @property
    def abstained(self) -> bool:
        """True exactly when the documents do not cover the question."""
        return self.status == "not_covered"


def lexical_coverage(query_tokens: list[str], vocab) -> float:
    """Share of the question's tokens the passages know at all.

    A question in another language shares few tokens with the briefing, and BM25 would then
    rank noise; its weight shrinks with this share. ["osa", "予算", "幾ら"] with 幾ら unknown -> 2/3.
    """
    if not query_tokens:
        return 0.0
    return sum(t in vocab for t in query_tokens) / len(query_tokens)


def fuse(dense: np.ndarray, bm25: np.ndarray, translated_bm25: np.ndarray, coverage: float) -> np.ndarray:
    """Dense cosine plus BM25 points, the native BM25 scaled by how much of the question it saw.

    dense [0.80, 0.82], bm25 [10, 0], nothing translated, coverage 1 -> [0.88, 0.82]
    """
    return dense + BM25_WEIGHT * (coverage * bm25 + translated_bm25)


class Retriever:
    """Searches one loaded index with one embedder; safe to share between threads."""

    def __init__(self, index: LoadedIndex, embedder, *, bm25_mode: str):
        self.index = index
        self.embedder = embedder
        self.bm25_mode = bm25_mode
        self._vocab = index.bm25.vocab_dict
        self._sentence_rows = index.sentence_spans[:, 0].astype(np.int64)

    def search(
        self, query: str, *, k: int = 5, mode: str = "hybrid", query_vector=None, sources: frozenset[str] | None = None
    ) -> SearchResult:
        """The top k passages; with `sources`, only passages of those documents are considered."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        qv = query_vector if query_vector is not None else self.embedder.encode_queries([query])[0]
        dense = self.dense_scores(qv)
        tokens = tokenize(query, mode=self.bm25_mode)
        bm25 = self._bm25([t for t in tokens if t in self._vocab])
        if mode == "dense":
            scores = dense
        elif mode == "bm25":
            scores = bm25
        else:
            translated = self._bm25(self._translated_tokens(query))
            scores = fuse(dense, bm25, translated, lexical_coverage(tokens, self._vocab))
        if sources is not None:
            scores = np.where(self._in_sources(sources), scores, -np.inf)
        order = np.argsort(-scores, kind="stable")[: max(1, min(k, int(np.isfinite(scores).sum())))]
        hits = tuple(Hit(self.index.chunks[i], r + 1, float(scores[i])) for r, i in enumerate(order))
        status = "not_covered" if self._abstains(query, mode, scores) else "answered"
        return SearchResult(query, hits, status, qv)

    def _in_sources(self, sources: frozenset[str]) -> np.ndarray:
        return np.array([c.source in sources for c in self.index.chunks], dtype=bool)

    def dense_scores(self, qv: np.ndarray) -> np.ndarray:
        """Mix of the passage's cosine and its best sentence's: a one-line fact in a long passage still counts."""
        n = len(self.index.chunks)
        scores, ids = self.index.dense.search(qv[None, :].astype(np.float32), n)
        passage = np.empty(n, np.float32)
        passage[ids[0]] = scores[0]
        best_sentence = np.full(n, -1.0, np.float32)
        np.maximum.at(best_sentence, self._sentence_rows, self.index.sentence_vectors @ qv)
        best_sentence = np.where(best_sentence < -0.5, passage, best_sentence)  # passages with no sentence
        return (1 - SENTENCE_WEIGHT) * passage + SENTENCE_WEIGHT * best_sentence

    def _bm25(self, tokens: list[str]) -> np.ndarray:
        if not tokens:
            return np.zeros(len(self.index.chunks), np.float32)
        return self.index.bm25.get_scores(tokens)

    def _translated_tokens(self, query: str) -> list[str]:
        words = latin_words(query)
        if not words:
            return []
        terms = self.index.lexicon.translate(words, self.embedder, known=self._vocab)
        return [t for term in terms for t in tokenize(term, mode=self.bm25_mode) if t in self._vocab]

    def _abstains(self, query: str, mode: str, scores: np.ndarray) -> bool:
        top = float(scores[np.isfinite(scores)].max(initial=0.0))
        if mode == "bm25":
            return top < BM25_ABSTAIN_BELOW
        return top < ABSTAIN_BELOW[script_of(query)]
