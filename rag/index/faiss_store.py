"""Candidates from the build's own files: FAISS for the vectors, bm25s for BM25 (the default store)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.index import vector_index
from rag.index.store import LoadedIndex, vector_plans


@dataclass(frozen=True)
class FaissFilter:
    """Some passages only, in the forms each engine takes."""

    passages: vector_index.RowFilter
    sentences: vector_index.RowFilter
    weights: np.ndarray  # [n] float32 1/0: bm25s's weight_mask


class FaissStore:
    """Searches one loaded build; safe to share between threads."""

    max_k = 1 << 62

    def __init__(self, index: LoadedIndex):
        self.index = index
        self.n = len(index.chunks)
        self.owners = index.sentence_spans[:, 0].astype(np.int64)
        plans = vector_plans(index.manifest)
        self.passages_exact, self.sentences_exact = plans["passages"].exact, plans["sentences"].exact
        self._fields = {"native": index.bm25, "english": index.bm25_en}

    def only(self, rows: np.ndarray, sources: frozenset[str]) -> FaissFilter:
        mask = np.zeros(self.n, dtype=bool)
        mask[rows] = True
        return FaissFilter(
            vector_index.RowFilter(mask), vector_index.RowFilter(mask[self.owners]), mask.astype(np.float32)
        )

    def passages(self, vector, k, only: FaissFilter | None = None):
        return vector_index.top_k(self.index.dense, vector, k, selector=only and only.passages.selector)

    def sentences(self, vector, k, only: FaissFilter | None = None):
        return vector_index.top_k(self.index.sentence_dense, vector, k, selector=only and only.sentences.selector)

    def lexical(self, field, token_ids, k, only: FaissFilter | None = None):
        """bm25s's own top k (unsorted: the candidates need the set and its lowest score)."""
        rows, scores = self._fields[field].retrieve(
            [token_ids.tolist()],
            k=min(k, self.n),
            show_progress=False,
            sorted=False,
            weight_mask=None if only is None else only.weights,
        )
        return scores[0], rows[0].astype(np.int64)
