"""The exact signals of a few passages: passage cosine, best-sentence cosine, BM25 points.

Only the candidates of a question are scored (rag.search.candidates picks them); the cost follows their
number, not the size of the index:

    FeatureScorer(index).features(np.array([3, 17]), query) -> Features of two passages
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rag.index.store import LoadedIndex

NO_SENTENCE_BELOW = -0.5  # a best-sentence cosine below this means "no sentence": the passage's own counts


@dataclass(frozen=True)
class Query:
    """A question made ready for scoring: its vector and the BM25 token ids it brings."""

    text: str
    vector: np.ndarray
    tokens: tuple[str, ...]  # all its tokens, known to the index or not
    token_ids: np.ndarray  # of the tokens the index knows, in order, repeats kept (as bm25s scores them)
    translated_ids: np.ndarray  # of the corpus terms its English words map to
    coverage: float  # share of its tokens the index knows
    english_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # in the English field


@dataclass(frozen=True)
class Features:
    """Per passage, in the order of the rows asked for."""

    passage: np.ndarray  # cosine of the question and the whole passage
    sentence: np.ndarray  # cosine of its best sentence (the passage's own when it has none)
    bm25: np.ndarray  # BM25 points of the question's own tokens
    translated: np.ndarray  # BM25 points of the terms its English words map to
    english: np.ndarray  # BM25 points of its English words in the passages' English field (glosses)

    NAMES = ("passage", "sentence", "bm25", "translated", "english")

    def take(self, positions: np.ndarray) -> Features:
        """The signals of some rows, in the order given: [a, b, c].take([2, 0]) -> [c, a]."""
        return Features(*(np.asarray(getattr(self, name))[positions] for name in self.NAMES))

    @classmethod
    def scalar(cls, passage: float, sentence: float, bm25: float, translated: float, english: float) -> Features:
        """One row, in float32 like the real features, so a bound goes through the same arithmetic."""
        return cls(*(np.array([v], np.float32) for v in (passage, sentence, bm25, translated, english)))


class FeatureScorer:
    """Scores chosen rows of one loaded index; safe to share between threads."""

    def __init__(self, index: LoadedIndex):
        from rag.index.vector_index import stored_vectors

        self.n = len(index.chunks)
        self.passage_vectors = stored_vectors(index.dense)
        self.sentence_vectors = index.sentence_vectors
        owners = index.sentence_spans[:, 0].astype(np.int64)
        assert np.all(owners[1:] >= owners[:-1]), "sentences must be stored in passage order"
        # Each passage's sentences are one contiguous slice: first[r]:first[r + 1].
        self.first = np.searchsorted(owners, np.arange(self.n + 1))
        self.native = Postings(index.bm25)
        self.english = Postings(index.bm25_en) if index.bm25_en is not None else None

    def features(self, rows: np.ndarray, query: Query, *, dense: bool = True, lexical: bool = True) -> Features:
        """Exact signals of `rows` (sorted, distinct); a signal not asked for is zeros."""
        zeros = np.zeros(len(rows), np.float32)
        passage = sentence = zeros
        if dense:
            passage = self.passage_cosines(rows, query.vector)
            best = self.best_sentence(rows, query.vector)
            sentence = np.where(best < NO_SENTENCE_BELOW, passage, best)
        bm25 = self.native.points(rows, query.token_ids) if lexical else zeros
        translated = self.native.points(rows, query.translated_ids) if lexical else zeros
        english = zeros
        if lexical and self.english is not None:
            english = self.english.points(rows, query.english_ids)
        return Features(passage, sentence, bm25, translated, english)

    def bm25_points(self, rows: np.ndarray, token_ids: np.ndarray) -> np.ndarray:
        return self.native.points(rows, token_ids)

    def passage_cosines(self, rows: np.ndarray, qv: np.ndarray) -> np.ndarray:
        vectors = self.passage_vectors if len(rows) == self.n else np.take(self.passage_vectors, rows, axis=0)
        return _dot(vectors, qv)

    def best_sentence(self, rows: np.ndarray, qv: np.ndarray) -> np.ndarray:
        """The highest sentence cosine of each row; -1.0 for a passage without sentences."""
        starts, ends = self.first[rows], self.first[rows + 1]
        counts = ends - starts
        offsets = np.cumsum(counts) - counts  # where each row's sentences begin in the gathered list
        if len(rows) == self.n:
            sims = _dot(self.sentence_vectors, qv)  # every sentence, already in this order: no gather
        else:
            gather = np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))
            sims = _dot(np.take(self.sentence_vectors, gather, axis=0), qv)
        best = np.full(len(rows), -1.0, np.float32)
        has = counts > 0
        if has.any():
            best[has] = np.maximum(best[has], np.maximum.reduceat(sims, offsets[has]))
        return best


class Postings:
    """One bm25s index's sparse columns, read for a few rows at a time."""

    def __init__(self, bm25):
        self._data, self._docs, self._starts = bm25.scores["data"], bm25.scores["indices"], bm25.scores["indptr"]
        self._nonoccurrence = bm25.nonoccurrence_array
        self._dtype = np.dtype(bm25.dtype)

    def postings(self, token: int) -> np.ndarray:
        """The sorted passage rows that hold a token."""
        return self._docs[self._starts[token] : self._starts[token + 1]]

    def points(self, rows: np.ndarray, token_ids: np.ndarray) -> np.ndarray:
        """What bm25s's get_scores gives these rows, read from its sparse columns, never a full vector.

        bm25s adds each token's points in query order in its own dtype; the same order here gives the
        same numbers. Within a token's column the document ids are sorted (bm25s builds CSC that way).
        """
        out = np.zeros(len(rows), self._dtype)
        if len(token_ids) == 0 or len(rows) == 0:
            return out
        for token in token_ids:
            a, b = self._starts[token], self._starts[token + 1]
            if a == b:
                continue
            docs = self._docs[a:b]
            at = np.minimum(np.searchsorted(docs, rows), b - a - 1)
            found = docs[at] == rows
            out[found] += self._data[a:b][at[found]]
        if self._nonoccurrence is not None:
            out += self._nonoccurrence[token_ids].sum()
        return out


def _dot(vectors: np.ndarray, qv: np.ndarray) -> np.ndarray:
    """Each row's dot product with the question. einsum, not `@`: for a few thousand rows OpenBLAS's
    matrix-vector call costs ~7x more here (1.9 ms against 0.25 ms for 2,500 x 384, one thread)."""
    return np.einsum("ij,j->i", vectors, qv)
