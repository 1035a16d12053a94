"""Dense search, BM25 search, their fusion, the answer status, and the `Hit`s they return."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag import coverage
from rag.chunking import Chunk
from rag.config import RetrievalConfig
from rag.language import script_of
from rag.query import QueryAnalyzer, QueryForms
from rag.store import LoadedIndex

MODES = ("hybrid", "dense", "bm25")
STATUSES = ("answered", "partial", "not_covered")


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    rank: int
    score: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    status: str  # one of STATUSES
    query_vector: np.ndarray  # reused to pick the highlighted sentences
    missing: tuple[str, ...] = ()  # for "partial": what the question asks about that no cited passage holds
    forms: QueryForms | None = None  # how the question was read (respelled kana, translated English)

    @property
    def abstained(self) -> bool:
        """True exactly when the documents do not cover the question."""
        return self.status == "not_covered"


def fuse(
    dense: np.ndarray, bm25: np.ndarray, translated: np.ndarray, coverage: float, config: RetrievalConfig
) -> np.ndarray:
    """Dense score in units of its own spread, plus BM25 in units of a typical matched term.

    Both units are measured per build (rag.calibration), so the weight means the same for any
    model and corpus. The native BM25 counts only as much as the corpus knows the question's words.
    dense [0.80, 0.82] (centre 0.78, scale 0.02), bm25 [3, 0] (scale 3), coverage 1, weight 1.5
    -> [1.0 + 1.5, 2.0] = [2.5, 2.0]
    """
    lexical = config.bm25_weight * coverage * bm25 + config.translated_weight * translated
    return standard_dense(dense, config) + lexical / config.bm25_scale


def standard_dense(dense: np.ndarray, config: RetrievalConfig) -> np.ndarray:
    return (dense - config.dense_center) / config.dense_scale


class Retriever:
    """Searches one loaded index with one embedder; safe to share between threads."""

    def __init__(self, index: LoadedIndex, embedder, *, bm25_mode: str, config: RetrievalConfig):
        self.index = index
        self.embedder = embedder
        self.bm25_mode = bm25_mode
        self.config = config
        self._vocab = index.bm25.vocab_dict
        self._sentence_rows = index.sentence_spans[:, 0].astype(np.int64)
        self.analyzer = QueryAnalyzer(index.lexicon, self._vocab, bm25_mode=bm25_mode, embedder=embedder, config=config)

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
        forms = forms or self.analyzer.analyze(query)
        qv = query_vector if query_vector is not None else self.embedder.encode_queries([forms.search_text])[0]
        scores = self.scores(forms, qv, mode)
        if sources is not None:
            scores = np.where(self._in_sources(sources), scores, -np.inf)
        order = np.argsort(-scores, kind="stable")[: max(1, min(k, int(np.isfinite(scores).sum())))]
        hits = tuple(Hit(self.index.chunks[i], r + 1, float(scores[i])) for r, i in enumerate(order))
        status, missing = self.status(query, forms, mode, hits)
        return SearchResult(query, hits, status, qv, missing, forms)

    def scores(self, forms: QueryForms, qv: np.ndarray, mode: str) -> np.ndarray:
        """One score per passage on the scale the mode's abstention threshold was calibrated on."""
        if mode == "bm25":
            lexical = forms.coverage * self._bm25(forms.tokens) + self._bm25(forms.translated)
            return lexical / self.config.bm25_scale
        dense = self.dense_scores(qv)
        if mode == "dense":
            return standard_dense(dense, self.config)
        return fuse(dense, self._bm25(forms.tokens), self._bm25(forms.translated), forms.coverage, self.config)

    def status(self, query: str, forms: QueryForms, mode: str, hits: tuple[Hit, ...]) -> tuple[str, tuple[str, ...]]:
        """not_covered below the calibrated threshold; partial when the evidence lacks what is asked."""
        if not hits:
            return "not_covered", ()
        threshold = self.config.abstain_below.get(mode, {}).get(script_of(query))
        if threshold is not None and hits[0].score < threshold:
            return "not_covered", ()
        names = coverage.proper_nouns(forms.search_text)
        unknown = self.index.lexicon.unknown_names(
            names, self.embedder, self._vocab, match_at_least=self.config.match_at_least
        )
        if names and len(unknown) == len(names):  # about something the documents never name (南極観測)
            return "not_covered", ()
        evidence = [h.chunk.text for h in hits[: self.config.evidence_passages]]
        absent = coverage.missing(forms.search_text, evidence)
        return ("partial", tuple(absent)) if absent else ("answered", ())

    def _in_sources(self, sources: frozenset[str]) -> np.ndarray:
        return np.array([c.source in sources for c in self.index.chunks], dtype=bool)

    def dense_scores(self, qv: np.ndarray) -> np.ndarray:
        """Mix of the passage's cosine and its best sentence's: a one-line fact in a long passage still counts."""
        n = len(self.index.chunks)
        scores, ids = self.index.dense.search(qv[None, :].astype(np.float32), n)
        passage = np.empty(n, np.float32)
        passage[ids[0]] = scores[0]
        best_sentence = np.full(n, -np.inf, np.float32)
        np.maximum.at(best_sentence, self._sentence_rows, self.index.sentence_vectors @ qv)
        best_sentence = np.where(np.isfinite(best_sentence), best_sentence, passage)  # passages with no sentence
        w = self.config.sentence_weight
        return (1 - w) * passage + w * best_sentence

    def _bm25(self, tokens) -> np.ndarray:
        if not tokens:
            return np.zeros(len(self.index.chunks), np.float32)
        return self.index.bm25.get_scores(list(tokens))
