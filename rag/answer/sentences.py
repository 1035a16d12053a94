"""Which cited passages answer the question, and which one or two of their sentences to quote.

[1] answers whenever the briefing covers the question, and only [1]: on the gold set no rule read from
the answer's own scores picked out the lower-ranked passages that also hold the answer (precision at most
0.15; docs/decisions.md, "Web UI"). Passages that do not answer carry no highlight, so a "nearest"
passage never reads like an answer.
"""

from __future__ import annotations

import threading

import numpy as np

from rag.answer.cited import Answer, CitedPassage
from rag.answer.highlight import SECOND_SENTENCE_WITHIN, dense_spread
from rag.index.store import LoadedIndex
from rag.language.terms import content_terms, focus_terms, numbers
from rag.search.retriever import SearchResult

# Added to a sentence's cosine when it holds the noun the question asks about (「人員は どう…」) or a
# number the question names (「2026年度」), in dense spreads of the build (4 spreads were 0.05 for
# e5-small on the briefing). Chosen on the gold set's highlight@1 and checked on JSQuAD
# (docs/decisions.md, "Web UI"): cosine alone prefers a passage's topic line over its facts.
FOCUS_BONUS = 4.0
NUMBER_BONUS = 4.0


class SentencePicker:
    """Scores a passage's sentences against a question with the vectors computed at build time."""

    def __init__(self, index: LoadedIndex, *, focus_bonus: float = FOCUS_BONUS, number_bonus: float = NUMBER_BONUS):
        self.index = index
        spread = dense_spread(index)
        self.focus_bonus, self.number_bonus = focus_bonus * spread, number_bonus * spread
        self.within = SECOND_SENTENCE_WITHIN * spread
        self.spans = index.sentence_spans
        self.vectors = index.sentence_vectors
        rows = self.spans[:, 0].astype(np.int64)
        self._first = np.searchsorted(rows, np.arange(len(index.chunks) + 1))  # row r owns [first[r], first[r+1])
        self._terms: dict[int, list[tuple[set[str], set[str]]]] = {}
        self._lock = threading.Lock()

    def sentences(self, row: int) -> list[tuple[int, int]]:
        a, b = self._first[row], self._first[row + 1]
        return [(int(s), int(e)) for s, e in self.spans[a:b, 1:3]]

    def _sentence_terms(self, row: int) -> list[tuple[set[str], set[str]]]:
        """(content terms, numbers) of each sentence of a passage; tokenised once per process."""
        with self._lock:
            cached = self._terms.get(row)
        if cached is None:
            chunk = self.index.chunks[row]
            texts = [chunk.text[s - chunk.start : e - chunk.start] for s, e in self.sentences(row)]
            cached = [(set(content_terms(t)), numbers(t)) for t in texts]
            with self._lock:
                self._terms[row] = cached
        return cached

    def scores(self, row: int, query_vector: np.ndarray, question: str) -> np.ndarray:
        a, b = self._first[row], self._first[row + 1]
        cosine = self.vectors[a:b] @ query_vector
        focus, asked_numbers = focus_terms(question), numbers(question)
        bonus = [
            self.focus_bonus * bool(focus & terms) + self.number_bonus * bool(asked_numbers & nums)
            for terms, nums in self._sentence_terms(row)
        ]
        return cosine + np.asarray(bonus, dtype=np.float32)

    def pick(self, scores: np.ndarray, row: int, *, max_sentences: int = 2) -> tuple[tuple[int, int], ...]:
        """The best sentence, and the next one only when it is nearly as close: file offsets, best first."""
        if len(scores) == 0:
            return ()
        order = np.argsort(-scores, kind="stable")
        best = [order[0]]
        if max_sentences > 1 and len(order) > 1 and scores[order[1]] >= scores[order[0]] - self.within:
            best.append(order[1])
        spans = self.sentences(row)
        return tuple(spans[j] for j in best)


def judged_answer(
    result: SearchResult, picker: SentencePicker, rows: dict[str, int], question: str
) -> tuple[Answer, tuple[tuple[int, int], ...]]:
    """The cited answer with highlights only in the passages judged to answer (in text order, as
    `Answer` keeps them), and the answering sentences best first, for the card to quote.

    `question` is what the sentences are scored against (a follow-up's own words, not its context).
    """
    if result.status == "not_covered" or not result.hits:
        passages = tuple(CitedPassage(n, hit, ()) for n, hit in enumerate(result.hits, start=1))
        return Answer(result.query, result.status, passages, result.missing), ()
    top = result.hits[0]
    row = rows[top.chunk.id]
    best_first = picker.pick(picker.scores(row, result.query_vector, question), row)
    passages = (CitedPassage(1, top, tuple(sorted(best_first))),) + tuple(
        CitedPassage(n, hit, ()) for n, hit in enumerate(result.hits[1:], start=2)
    )
    return Answer(result.query, result.status, passages, result.missing), best_first
