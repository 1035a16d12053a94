"""Dense search, BM25 search, their fusion, and the ranked `Hit`s they return (with their signals).

A question costs what its candidates cost, not what the index holds. Three steps:

1. candidates: the best few passages of each signal, and a bound on every other (rag.search.candidates);
2. features: the candidates' exact passage, sentence and BM25 scores (rag.search.features);
3. scoring: `score` them and select the top k. If the k-th score does not clear the bound a passage
   left out could reach, the pools grow and step 1 runs again; with exact FAISS indexes the result
   is then the same as scoring every passage (`Retriever.scores`; rag.evaluation.exhaustive is the reference).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from rag.documents.chunking import Chunk
from rag.index.store import LoadedIndex
from rag.search.candidates import DEFAULT_POOLS, CandidateFinder, Candidates, Pools
from rag.search.features import Features, FeatureScorer, Query
from rag.search.forms import QueryAnalyzer, QueryForms
from rag.search.rerank import Reranker, RerankModel, reads
from rag.settings import RetrievalConfig

MODES = ("hybrid", "dense", "bm25")
# The bound must be beaten by more than float32 noise: FAISS and numpy round cosines differently.
# In cosine units; scores count dense spreads, so the margin is divided by the spread.
BOUND_MARGIN = 1e-5


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    rank: int
    score: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    query_vector: np.ndarray  # reused to pick the quoted sentences
    forms: QueryForms  # how the question was read (respelled kana, translated English)
    signals: Features  # the hits' exact signals, in rank order: what the answer status is judged on
    mode: str = "hybrid"


def fuse(
    dense: np.ndarray,
    bm25: np.ndarray,
    translated: np.ndarray,
    coverage: float,
    config: RetrievalConfig,
    english: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Dense score in units of its own spread, plus BM25 in units of a typical matched term.

    Both units are measured per build (rag.index.calibration), so the weight means the same for any
    model and corpus. The native BM25 counts only as much as the corpus knows the question's words.
    dense [0.80, 0.82] (centre 0.78, scale 0.02), bm25 [3, 0] (scale 3), coverage 1, weight 1.5
    -> [1.0 + 1.5, 2.0] = [2.5, 2.0]
    """
    lexical = config.bm25_weight * coverage * bm25 + config.translated_weight * translated
    glossed = config.english_weight * english / config.english_scale  # the English field, in its own units
    return standard_dense(dense, config) + lexical / config.bm25_scale + glossed


def standard_dense(dense: np.ndarray, config: RetrievalConfig) -> np.ndarray:
    return (dense - config.dense_center) / config.dense_scale


def dense_score(features: Features, config: RetrievalConfig) -> np.ndarray:
    """Mix of the passage's cosine and its best sentence's: a one-line fact in a long passage still counts."""
    w = config.sentence_weight
    return (1 - w) * features.passage + w * features.sentence


def score(features: Features, mode: str, coverage: float, config: RetrievalConfig) -> np.ndarray:
    """What each mode ranks by, on the scale its abstention threshold was calibrated on.

    Monotone in every feature (the weights and scales are positive), which makes the candidates' bound hold.
    """
    if mode == "dense":
        return standard_dense(dense_score(features, config), config)
    if mode == "bm25":
        english = config.english_weight * features.english / config.english_scale
        return (coverage * features.bm25 + features.translated) / config.bm25_scale + english
    return fuse(dense_score(features, config), features.bm25, features.translated, coverage, config, features.english)


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


class Retriever:
    """Searches one loaded index with one embedder; safe to share between threads."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder,
        *,
        bm25_mode: str,
        config: RetrievalConfig,
        pools: Pools = DEFAULT_POOLS,
    ):
        self.index = index
        self.embedder = embedder
        self.bm25_mode = bm25_mode
        self.config = config
        self.pools = pools
        self._vocab = index.bm25.vocab_dict
        self._english_vocab = index.bm25_en.vocab_dict if index.bm25_en is not None else {}
        self.analyzer = QueryAnalyzer(index.lexicon, self._vocab, bm25_mode=bm25_mode, embedder=embedder, config=config)
        self._features = FeatureScorer(index)
        self._candidates = CandidateFinder(index)
        self.reranker = _reranker(index, self._features)
        self._rows_of: dict[str, list[int]] = {}
        for row, chunk in enumerate(index.chunks):
            self._rows_of.setdefault(chunk.source, []).append(row)
        self.sources = frozenset(self._rows_of)  # the documents of the index, by their path in the corpus
        self._allowed_cache: dict[frozenset[str], object] = {}
        self._allowed_lock = threading.Lock()

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        mode: str = "hybrid",
        query_vector=None,
        sources: frozenset[str] | None = None,
        forms: QueryForms | None = None,
    ) -> SearchResult:
        """The top k passages and the answer status; with `sources`, only passages of those documents."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        forms = forms or self.analyzer.analyze(query, embed=query_vector is None)
        qv = query_vector if query_vector is not None else forms.vector
        if qv is None:
            qv = self.embedder.encode_queries([forms.search_text])[0]
        prepared = self.prepare(forms, qv)
        allowed = None if sources is None else self._allowed(sources)
        population = len(self.index.chunks) if allowed is None else len(allowed.rows)
        want = max(1, min(k, population))
        rerank = self.reranker if mode == "hybrid" else None
        ranked = rerank.depth(want, population) if rerank else want
        dense, lexical = mode != "bm25", mode != "dense"
        pools = self.pools.grown(self.pools.approximate) if dense and not self._candidates.dense_exact else self.pools
        while True:
            found = self._candidates.gather(prepared, pools, dense=dense, lexical=lexical, allowed=allowed)
            features = self._features.features(found.rows, prepared, dense=dense, lexical=lexical)
            scores = score(features, mode, prepared.coverage, self.config)
            best = top_k(scores, found.rows, ranked)
            if self._settled(found, scores[best], ranked, mode, prepared.coverage):
                break
            pools = pools.grown()
        if rerank and len(best) and reads(query, self.index.chunks[found.rows[best[0]]].text):
            best = best[rerank.order(found.rows[best], scores[best], features.take(best), prepared, self.config)]
        best = best[:want]
        hits = tuple(Hit(self.index.chunks[found.rows[i]], r + 1, float(scores[i])) for r, i in enumerate(best))
        return SearchResult(query, hits, qv, forms, features.take(best), mode)

    def scores(self, forms: QueryForms, qv: np.ndarray, mode: str) -> np.ndarray:
        """Every passage's score, in index order (calibration and tuning need them all)."""
        rows = np.arange(len(self.index.chunks))
        features = self._features.features(rows, self.prepare(forms, qv), dense=mode != "bm25", lexical=mode != "dense")
        return score(features, mode, forms.coverage, self.config)

    def prepare(self, forms: QueryForms, qv: np.ndarray) -> Query:
        """The question's vector and the BM25 token ids of its own and its translated words."""
        return Query(
            forms.search_text,
            qv,
            forms.tokens,
            np.array([self._vocab[t] for t in forms.tokens], np.int64),
            np.array([self._vocab[t] for t in forms.translated], np.int64),
            forms.coverage,
            np.array([self._english_vocab[t] for t in forms.english if t in self._english_vocab], np.int64),
        )

    def _settled(self, found: Candidates, best: np.ndarray, want: int, mode: str, coverage: float) -> bool:
        """True when no passage left out can beat the k-th hit; with HNSW, when there are k hits."""
        if found.bound is None:
            return True
        if len(best) < want:
            return False
        bound = float(score(found.bound, mode, coverage, self.config)[0])
        return found.approximate or best[-1] > bound + BOUND_MARGIN / self.config.dense_scale

    def first_stage(self, forms: QueryForms, qv: np.ndarray, depth: int):
        """What the reranker reorders: the hybrid ranking's best `depth` rows, their scores and signals,
        and the prepared question (scripts/train_reranker.py learns from exactly these)."""
        prepared = self.prepare(forms, qv)
        rows = np.arange(len(self.index.chunks))
        features = self._features.features(rows, prepared)
        scores = score(features, "hybrid", prepared.coverage, self.config)
        best = top_k(scores, rows, depth)
        return rows[best], scores[best], features.take(best), prepared

    def _allowed(self, sources: frozenset[str]):
        with self._allowed_lock:
            allowed = self._allowed_cache.get(sources)
            if allowed is None:
                rows = np.array([r for s in sorted(sources) for r in self._rows_of.get(s, [])], np.int64)
                if len(self._allowed_cache) >= 16:  # the UI offers a few filters; keep the memory bounded
                    self._allowed_cache.clear()
                allowed = self._allowed_cache[sources] = self._candidates.allowed(rows, sources)
            return allowed


def _reranker(index: LoadedIndex, features: FeatureScorer) -> Reranker | None:
    """The build's reranker, or None for a build without one (the hybrid order then stands)."""
    model = RerankModel.from_manifest(index.manifest.get("reranker"))
    if model is None or index.terms is None:
        return None
    return Reranker(index.terms, features.first, index.bm25, model)
