"""Choosing the sentences of a cited passage that answer the question."""

from __future__ import annotations

import numpy as np

from rag.index.store import LoadedIndex
from rag.settings import RetrievalConfig

# A second sentence is highlighted when its cosine is within this many dense spreads of the best
# (the spread is measured per build, rag.index.calibration: 3 spreads were 0.04 for e5-small on the
# briefing, the margin chosen on the gold set; docs/decisions.md).
SECOND_SENTENCE_WITHIN = 3.0


def dense_spread(index: LoadedIndex) -> float:
    """How far apart the model's cosines of unrelated texts lie, for this build: the unit of every margin."""
    return RetrievalConfig.from_manifest(index.manifest).dense_scale


class Highlighter:
    """Picks a passage's sentences closest to the question from the vectors computed at build time."""

    def __init__(self, index: LoadedIndex):
        self.spans = index.sentence_spans
        self.vectors = index.sentence_vectors
        self.within = SECOND_SENTENCE_WITHIN * dense_spread(index)
        rows = self.spans[:, 0].astype(np.int64)
        # Sentences are stored in passage order: each passage owns one contiguous slice.
        self._first = np.searchsorted(rows, np.arange(len(index.chunks) + 1))

    def sentences(self, row: int, query_vector: np.ndarray, *, max_sentences: int = 2) -> list[tuple[int, int]]:
        """The best sentence, and the next one only when it is nearly as close; file offsets, in text order."""
        a, b = self._first[row], self._first[row + 1]
        if a == b:
            return []
        sims = self.vectors[a:b] @ query_vector
        order = np.argsort(-sims)
        best = [order[0]]
        if max_sentences > 1 and len(order) > 1 and sims[order[1]] >= sims[order[0]] - self.within:
            best.append(order[1])
        return sorted((int(self.spans[a + j, 1]), int(self.spans[a + j, 2])) for j in best)
