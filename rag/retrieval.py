"""Dense search, BM25 search, their fusion, abstention, and the `Hit`s they return.

A question costs what its candidates cost, not what the index holds. Three steps:

1. candidates: the best few passages of each signal, and a bound on every other (rag.candidates);
2. features: the candidates' exact passage, sentence and BM25 scores (rag.features);
3. scoring: `fuse` them and select the top k. If the k-th score does not clear the bound a passage
   left out could reach, the pools grow and step 1 runs again; with exact FAISS indexes the result
   is then the same as scoring every passage (rag.exhaustive, which the tests compare against).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from rag.candidates import DEFAULT_POOLS, CandidateFinder, Candidates, Pools
from rag.chunking import Chunk
from rag.features import Features, FeatureScorer, Query
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
# The bound must be beaten by more than float32 noise: FAISS and numpy round cosines differently.
BOUND_MARGIN = 1e-5


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


def dense_score(passage: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """Mix of the passage's cosine and its best sentence's: a one-line fact in a long passage still counts."""
    return (1 - SENTENCE_WEIGHT) * passage + SENTENCE_WEIGHT * sentence


def score(features: Features, mode: str, coverage: float) -> np.ndarray:
    """What each mode ranks by; monotone in every feature, which makes the candidates' bound hold."""
    if mode == "dense":
        return dense_score(features.passage, features.sentence)
    if mode == "bm25":
        return features.bm25
    return fuse(dense_score(features.passage, features.sentence), features.bm25, features.translated, coverage)


def top_k(scores: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, best first, ties to the lower row (as a stable full sort would).

    scores [0.2, 0.9, 0.5, 0.9], rows [0, 1, 2, 3], k=2 -> [1, 3]
    """
    if len(scores) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = np.flatnonzero(scores >= kth)  # ties with the k-th all stay, so the row order can decide
    else:
        keep = np.arange(len(scores))
    return keep[np.lexsort((rows[keep], -scores[keep]))][:k]


def fuse(dense: np.ndarray, bm25: np.ndarray, translated_bm25: np.ndarray, coverage: float) -> np.ndarray:
    """Dense cosine plus BM25 points, the native BM25 scaled by how much of the question it saw.

    dense [0.80, 0.82], bm25 [10, 0], nothing translated, coverage 1 -> [0.88, 0.82]
    """
    return dense + BM25_WEIGHT * (coverage * bm25 + translated_bm25)


class Retriever:
    """Searches one loaded index with one embedder; safe to share between threads."""

    def __init__(self, index: LoadedIndex, embedder, *, bm25_mode: str, pools: Pools = DEFAULT_POOLS):
        self.index = index
        self.embedder = embedder
        self.bm25_mode = bm25_mode
        self.pools = pools
        self._vocab = index.bm25.vocab_dict
        self._features = FeatureScorer(index)
        self._candidates = CandidateFinder(index)
        self._rows_of: dict[str, list[int]] = {}
        for row, chunk in enumerate(index.chunks):
            self._rows_of.setdefault(chunk.source, []).append(row)
        self.sources = frozenset(self._rows_of)  # the documents of the index, by their path in the corpus
        self._allowed_cache: dict[frozenset[str], object] = {}
        self._allowed_lock = threading.Lock()

    def search(
        self, query: str, *, k: int = 5, mode: str = "hybrid", query_vector=None, sources: frozenset[str] | None = None
    ) -> SearchResult:
        """The top k passages; with `sources`, only passages of those documents are considered."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        qv = query_vector if query_vector is not None else self.embedder.encode_queries([query])[0]
        prepared = self.prepare(query, qv, mode)
        allowed = None if sources is None else self._allowed(sources)
        population = len(self.index.chunks) if allowed is None else len(allowed.rows)
        want = max(1, min(k, population))
        approximate = mode != "bm25" and not self._candidates.dense_exact
        pools = self.pools.grown(self.pools.approximate) if approximate else self.pools
        while True:
            found = self._candidates.gather(
                prepared, pools, dense=mode != "bm25", lexical=mode != "dense", allowed=allowed
            )
            features = self._features.features(found.rows, prepared, dense=mode != "bm25", lexical=mode != "dense")
            scores = score(features, mode, prepared.coverage)
            best = top_k(scores, found.rows, want)
            if self._settled(found, scores[best], want, mode, prepared.coverage):
                break
            pools = pools.grown()
        hits = tuple(Hit(self.index.chunks[found.rows[i]], r + 1, float(scores[i])) for r, i in enumerate(best))
        top = float(scores.max(initial=0.0))
        status = "not_covered" if self._abstains(query, mode, top) else "answered"
        return SearchResult(query, hits, status, qv)

    def prepare(self, query: str, qv: np.ndarray, mode: str) -> Query:
        """The question's vector and BM25 token ids; English words are translated for the hybrid only."""
        tokens = tokenize(query, mode=self.bm25_mode)
        ids = [self._vocab[t] for t in tokens if t in self._vocab]
        translated = [self._vocab[t] for t in self._translated_tokens(query)] if mode == "hybrid" else []
        return Query(
            query,
            qv,
            tuple(tokens),
            np.array(ids, np.int64),
            np.array(translated, np.int64),
            lexical_coverage(tokens, self._vocab),
        )

    def _settled(self, found: Candidates, best: np.ndarray, want: int, mode: str, coverage) -> bool:
        """True when no passage left out can beat the k-th hit; with HNSW, when there are k hits."""
        if found.bound is None:
            return True
        if len(best) < want:
            return False
        return found.approximate or best[-1] > score(found.bound, mode, coverage)[0] + BOUND_MARGIN

    def _allowed(self, sources: frozenset[str]):
        with self._allowed_lock:
            allowed = self._allowed_cache.get(sources)
            if allowed is None:
                rows = np.array([r for s in sorted(sources) for r in self._rows_of.get(s, [])], np.int64)
                if len(self._allowed_cache) >= 16:  # the UI offers a few filters; keep the memory bounded
                    self._allowed_cache.clear()
                allowed = self._allowed_cache[sources] = self._candidates.allowed(rows)
            return allowed

    def _translated_tokens(self, query: str) -> list[str]:
        words = latin_words(query)
        if not words:
            return []
        terms = self.index.lexicon.translate(words, self.embedder, known=self._vocab)
        return [t for term in terms for t in tokenize(term, mode=self.bm25_mode) if t in self._vocab]

    def _abstains(self, query: str, mode: str, top: float) -> bool:
        """`top`: the best score of the search (0 when none is higher)."""
        if mode == "bm25":
            return top < BM25_ABSTAIN_BELOW
        return top < ABSTAIN_BELOW[script_of(query)]
