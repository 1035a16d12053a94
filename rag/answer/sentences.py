"""Which one or two sentences of the answering passage to quote: cosine to the question, plus bonuses for
the noun the question asks about and the numbers it names.

Never quoted: a sentence with no word in it (markup, a slide number), and, when the question names a
year, a sentence about other years only: 「OSAの令和8年度の予算は？」 quotes the 令和8(2026)年度 line, not
the 令和7(2025)年度 one beside it (that stays in the passage, unhighlighted, as context). Sentences that
name no year may still be quoted, unless the passage names years and never the asked one (令和9年度):
then only its undated lines could be quoted, and they would read as that year's answer.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

import numpy as np

from rag.answer.specifics import years_in
from rag.documents.sentences import has_words
from rag.documents.slide_numbers import is_slide_number
from rag.index.store import LoadedIndex
from rag.language.terms import content_terms, focus_terms, numbers
from rag.settings import RetrievalConfig

# Added to a sentence's cosine when it holds the noun the question asks about (「人員は どう…」) or a
# number the question names (「2026年度」), in dense spreads of the build (4 spreads were 0.05 for
# e5-small on the briefing). Chosen on the gold set's highlight@1 and checked on JSQuAD
# (docs/decisions.md, "Web UI"): cosine alone prefers a passage's topic line over its facts.
FOCUS_BONUS = 4.0
NUMBER_BONUS = 4.0
# A second sentence is quoted when its score is within this many dense spreads of the best
# (3 spreads were 0.04 for e5-small on the briefing; chosen on the gold set, docs/decisions.md).
SECOND_SENTENCE_WITHIN = 3.0


def dense_spread(index: LoadedIndex) -> float:
    """How far apart the model's cosines of unrelated texts lie, for this build: the unit of every margin."""
    return RetrievalConfig.from_manifest(index.manifest).dense_scale


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
        self._terms: dict[int, list[_SentenceFacts]] = {}
        self._lock = threading.Lock()

    def sentences(self, row: int) -> list[tuple[int, int]]:
        a, b = self._first[row], self._first[row + 1]
        return [(int(s), int(e)) for s, e in self.spans[a:b, 1:3]]

    def _sentence_terms(self, row: int) -> list[_SentenceFacts]:
        """What each sentence of a passage holds; tokenised once per process."""
        with self._lock:
            cached = self._terms.get(row)
        if cached is None:
            chunk = self.index.chunks[row]
            texts = [chunk.text[s - chunk.start : e - chunk.start] for s, e in self.sentences(row)]
            cached = [_SentenceFacts(set(content_terms(t)), numbers(t), years_in(t), quotable(t)) for t in texts]
            with self._lock:
                self._terms[row] = cached
        return cached

    def scores(self, row: int, query_vector: np.ndarray, question: str) -> np.ndarray:
        a, b = self._first[row], self._first[row + 1]
        cosine = self.vectors[a:b] @ query_vector
        focus, asked_numbers, asked_years = focus_terms(question), numbers(question), years_in(question)
        facts = self._sentence_terms(row)
        bonus = np.asarray(
            [
                self.focus_bonus * bool(focus & f.terms) + self.number_bonus * bool(asked_numbers & f.numbers)
                for f in facts
            ]
        )
        passage_years = set().union(*(f.years for f in facts)) if facts else set()
        wrong_years = bool(asked_years and passage_years and not asked_years & passage_years)
        allowed = np.asarray(
            [f.quotable and not wrong_years and not _other_year(f.years, asked_years) for f in facts], dtype=bool
        )
        return np.where(allowed, cosine + bonus.astype(np.float32), -np.inf).astype(np.float32)

    def pick(self, scores: np.ndarray, row: int, *, max_sentences: int = 2) -> tuple[tuple[int, int], ...]:
        """The best sentence, and the next one only when it is nearly as close: file offsets, best first."""
        if len(scores) == 0 or not np.isfinite(scores).any():
            return ()  # nothing quotable: the passage is cited without a highlight
        order = np.argsort(-scores, kind="stable")
        best = [order[0]]
        second_ok = len(order) > 1 and np.isfinite(scores[order[1]])
        if max_sentences > 1 and second_ok and scores[order[1]] >= scores[order[0]] - self.within:
            best.append(order[1])
        spans = self.sentences(row)
        return tuple(spans[j] for j in best)


class _SentenceFacts(NamedTuple):
    terms: set[str]  # content terms
    numbers: set[str]
    years: set[int]  # as western years: 令和8年度 -> 2026
    quotable: bool


def quotable(sentence: str) -> bool:
    """A sentence worth quoting has words, and is more than a slide number: 「**」 and 「25」 are not."""
    return has_words(sentence) and not is_slide_number(sentence)


def _other_year(years: set[int], asked: set[int]) -> bool:
    """The sentence is about years and none is one the question asks about."""
    return bool(asked and years and not years & asked)
