"""Which passages a question scores: the best few of each signal, and a bound on all the others.

Five pools, each asked of the build's store (rag.index.stores: FAISS and bm25s, or Milvus): the best
passages, the passages of the best sentences, the best BM25 passages for the question's tokens and for
its translated English words, and the English field's best passages for its English words. A passage
in none of them scores at most the last score of each pool on that signal, so at most the fused `bound`:

    gather(query, pools) -> Candidates(rows=[2, 9, 17], bound=Features.scalar(0.81, 0.84, 6.2, 0.0, 0.0))

When the k-th best candidate beats the fused bound, no passage left out could have made the top k
(the retriever checks, and asks again with bigger pools if not).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from rag.index.store import LoadedIndex
from rag.index.stores import CandidateStore, open_store
from rag.search.features import Features, Query


@dataclass(frozen=True)
class Pools:
    """How many passages each signal proposes; docs/decisions.md has the recall behind the defaults."""

    passages: int = 64
    sentences: int = 256
    bm25: int = 64
    grow: int = 4  # factor applied to every pool when the bound says more passages could win
    # With HNSW the bound is only an estimate: pools start this many times larger and do not grow
    # (at 100k passages growing cost 2x the p95 for no recall; the larger start gave 0.975 -> 0.995).
    approximate: int = 2
    whole_below: int = 2048  # a `sources` filter keeping this few passages has all of them scored

    def grown(self, factor: int | None = None) -> Pools:
        factor = self.grow if factor is None else factor
        return replace(
            self,
            passages=self.passages * factor,
            sentences=self.sentences * factor,
            bm25=self.bm25 * factor,
        )


DEFAULT_POOLS = Pools()


@dataclass(frozen=True)
class Candidates:
    rows: np.ndarray  # sorted, distinct passage rows
    bound: Features | None  # per signal, the most a passage outside `rows` scores; None: there is none
    approximate: bool  # an HNSW index proposed some rows, so the bound is an estimate


@dataclass(frozen=True)
class Allowed:
    """The passages a `sources` filter keeps."""

    rows: np.ndarray  # sorted
    mask: np.ndarray  # [n] bool
    only: object  # the same, in the store's own form (a FAISS bitmap, a Milvus expression)


class CandidateFinder:
    """Proposes candidates from one loaded index; safe to share between threads."""

    def __init__(self, index: LoadedIndex, store: CandidateStore | None = None):
        self.index = index
        self.store = store or open_store(index)
        self.n = len(index.chunks)
        self.owners = index.sentence_spans[:, 0].astype(np.int64)
        self.passages_exact, self.sentences_exact = self.store.passages_exact, self.store.sentences_exact
        self.dense_exact = self.passages_exact and self.sentences_exact

    def allowed(self, rows: np.ndarray, sources: frozenset[str]) -> Allowed:
        """The passages of `sources` (`rows` are theirs)."""
        mask = np.zeros(self.n, dtype=bool)
        mask[rows] = True
        return Allowed(rows=np.flatnonzero(mask), mask=mask, only=self.store.only(np.flatnonzero(mask), sources))

    def gather(
        self, query: Query, pools: Pools, *, dense: bool, lexical: bool, allowed: Allowed | None = None
    ) -> Candidates:
        population = self.n if allowed is None else len(allowed.rows)
        everything = np.arange(self.n) if allowed is None else allowed.rows
        if allowed is not None and population <= pools.whole_below:
            return Candidates(everything, None, False)
        if (dense and pools.passages >= population) or (lexical and pools.bm25 >= population):
            return Candidates(everything, None, False)
        if not dense and len(query.token_ids) == len(query.translated_ids) == len(query.english_ids) == 0:
            return Candidates(everything, None, False)  # BM25 alone and no known token: every passage scores 0

        found, passage, sentence, bm25, translated, english = [], -np.inf, -np.inf, 0.0, 0.0, 0.0
        only = None if allowed is None else allowed.only
        if dense:
            asked = min(pools.passages, self.store.max_k)
            scores, rows = self.store.passages(query.vector, asked, only)
            found.append(rows)
            passage = self._floor(scores, asked, exact=self.passages_exact)
            asked = min(pools.sentences, self.store.max_k)
            scores, ids = self.store.sentences(query.vector, asked, only)
            found.append(self.owners[ids])
            # A passage whose sentences are all outside the pool: its best sentence is below the pool's
            # last; one with no sentence at all counts its own cosine, which is below the passages' last.
            sentence = max(self._floor(scores, asked, exact=self.sentences_exact), passage)
        if lexical:
            rows, bm25 = self._bm25_pool("native", query.token_ids, pools.bm25, only)
            found.append(rows)
            rows, translated = self._bm25_pool("native", query.translated_ids, pools.bm25, only)
            found.append(rows)
            if self.index.bm25_en is not None:
                rows, english = self._bm25_pool("english", query.english_ids, pools.bm25, only)
                found.append(rows)
        rows = np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)
        if allowed is not None:
            rows = rows[allowed.mask[rows]]
        bound = Features.scalar(passage, sentence, bm25, translated, english)
        return Candidates(rows, bound, approximate=dense and not self.dense_exact)

    def _bm25_pool(self, field: str, token_ids: np.ndarray, size: int, only) -> tuple[np.ndarray, float]:
        """The store's top `size` and the last score among them; no tokens: every passage scores 0.

        A short pool (Milvus returns only passages that hold a token) means every other passage scores 0.
        """
        if len(token_ids) == 0:
            return np.zeros(0, np.int64), 0.0
        asked = min(size, self.n, self.store.max_k)
        scores, rows = self.store.lexical(field, token_ids, asked, only)
        floor = float(scores.min()) if len(scores) == asked else 0.0
        return rows.astype(np.int64), floor

    @staticmethod
    def _floor(scores: np.ndarray, asked: int, *, exact: bool) -> float:
        """The last score of a pool; -inf when an exact pool came back short: it holds every vector there is.

        (A graph search can come back short with a filter and vectors left out, so its last score stands.)
        """
        if len(scores) < asked and exact:
            return -np.inf
        return float(scores.min()) if len(scores) else -np.inf
