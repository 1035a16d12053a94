"""What a loaded index knows about words and passages, asked when judging an answer: which tokens it
holds, how rare they are, which names it never mentions, how much of a document a name runs through.

All from the BM25 postings (sparse columns, document ids sorted) and the lexicon: no model call.
"""

from __future__ import annotations

import math

import numpy as np

from rag.index import store
from rag.index.store import LoadedIndex
from rag.language.sudachi import tokenize


class CorpusFacts:
    def __init__(self, index: LoadedIndex):
        self.index = index
        self.vocab = index.bm25.vocab_dict
        self.bm25_mode = store.bm25_mode(index.manifest)
        scores = index.bm25.scores
        self._docs, self._starts = scores["indices"], scores["indptr"]
        self.passages = len(index.chunks)
        english = index.bm25_en
        self._english_vocab = english.vocab_dict if english is not None else {}
        if english is not None:
            self._english_docs, self._english_starts = english.scores["indices"], english.scores["indptr"]
        self.row_of = {chunk.id: row for row, chunk in enumerate(index.chunks)}
        self._rows_of: dict[str, list[int]] = {}
        for row, chunk in enumerate(index.chunks):
            self._rows_of.setdefault(chunk.source, []).append(row)

    def postings(self, token_id: int) -> np.ndarray:
        """The sorted passage rows that hold a token."""
        return self._docs[self._starts[token_id] : self._starts[token_id + 1]]

    def idf(self, token: str) -> float:
        """BM25's idf of a token; a token no passage holds is as rare as can be (df = 0)."""
        token_id = self.vocab.get(token)
        df = 0 if token_id is None else int(self._starts[token_id + 1] - self._starts[token_id])
        return math.log(1 + (self.passages - df + 0.5) / (df + 0.5))

    def holds(self, row: int, token: str) -> bool:
        token_id = self.vocab.get(token)
        if token_id is None:
            return False
        docs = self.postings(token_id)
        at = int(np.searchsorted(docs, row))
        return at < len(docs) and int(docs[at]) == row

    def matched_rarity(self, tokens: tuple[str, ...], row: int) -> float:
        """The share of the question's idf mass that the passage holds: near 1 when its rare, specific
        words are all there; low when only its common words are. ("OSA", "予算", "2030") vs a passage
        with OSA and 予算 but no 2030 -> well under 1."""
        weights = [(self.idf(t), self.holds(row, t)) for t in dict.fromkeys(tokens)]
        total = sum(w for w, _ in weights)
        return sum(w for w, held in weights if held) / total if total else 0.0

    def english_held(self, stems: tuple[str, ...], row: int) -> float:
        """The share of an English question's idf mass (its stemmed content words) that the passage's
        English field holds; 0 for an index without the field. "rare earths" vs a passage on レアアース -> 1."""
        if not self._english_vocab or not stems:
            return 0.0
        weights = []
        for stem in dict.fromkeys(stems):
            docs = self._english_postings(stem)
            idf = math.log(1 + (self.passages - len(docs) + 0.5) / (len(docs) + 0.5))
            at = int(np.searchsorted(docs, row))
            weights.append((idf, at < len(docs) and int(docs[at]) == row))
        total = sum(w for w, _ in weights)
        return sum(w for w, held in weights if held) / total if total else 0.0

    def _english_postings(self, stem: str) -> np.ndarray:
        token_id = self._english_vocab.get(stem)
        if token_id is None:
            return np.empty(0, np.int64)
        return self._english_docs[self._english_starts[token_id] : self._english_starts[token_id + 1]]

    def unknown_names(self, names: list[str]) -> list[str]:
        return self.index.lexicon.unknown_names(names, self.vocab)

    def share_of_document(self, name: str, source: str) -> float:
        """The share of the document's passages that hold every BM25 token of `name`; 0 for a name the
        index does not know. A document's passages are consecutive rows, so each token's sorted
        postings give the count with two binary searches."""
        ids = [self.vocab.get(t) for t in tokenize(name, mode=self.bm25_mode)]
        rows = self._rows_of.get(source)
        if not ids or None in ids or not rows:
            return 0.0
        first, last = rows[0], rows[-1]
        consecutive = last - first + 1 == len(rows)
        counts = []
        for token in ids:
            docs = self.postings(token)
            if consecutive:
                counts.append(int(np.searchsorted(docs, last, side="right") - np.searchsorted(docs, first)))
            else:
                counts.append(int(np.isin(docs, rows).sum()))
        return min(counts) / len(rows)
