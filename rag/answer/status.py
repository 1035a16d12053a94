"""The answer status and why: a few named steps over the search result, each able to decide.

    judge = StatusJudge(index, config)
    judge.verdict(result) -> Verdict("partial", missing=("令和9年度",), reason=Reason("missing", ...))

Steps, in order: nothing found; below the answerability threshold; every name unknown to the documents;
every noun but the documents' backdrop unknown; what the question asks for missing from the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.answer import specifics
from rag.answer.records import Reason
from rag.index.store import LoadedIndex
from rag.language.script import script_of
from rag.language.sudachi import tokenize
from rag.search.retriever import SearchResult
from rag.settings import RetrievalConfig


@dataclass(frozen=True)
class Verdict:
    status: str  # rag.answer.records.STATUSES
    reason: Reason
    missing: tuple[str, ...] = ()


class StatusJudge:
    """Judges search results of one loaded index; safe to share between threads."""

    def __init__(self, index: LoadedIndex, config: RetrievalConfig):
        self.index, self.config = index, config
        self.vocab = index.bm25.vocab_dict
        self.bm25_mode = index.manifest.get("bm25_tokenizer", {}).get("mode", "C")
        scores = index.bm25.scores
        self._docs, self._starts = scores["indices"], scores["indptr"]
        self._rows_of: dict[str, list[int]] = {}
        for row, chunk in enumerate(index.chunks):
            self._rows_of.setdefault(chunk.source, []).append(row)

    def verdict(self, result: SearchResult) -> Verdict:
        forms, hits = result.forms, result.hits
        if not hits:
            return Verdict("not_covered", Reason("no_close_passage"))
        threshold = self.config.abstain_below.get(result.mode, {}).get(script_of(result.query))
        if threshold is not None and hits[0].score < threshold:
            return Verdict("not_covered", Reason("no_close_passage"))
        names = specifics.proper_nouns(forms.search_text)
        unknown = self.index.lexicon.unknown_names(names, self.vocab)
        if names and len(unknown) == len(names):  # about something the documents never name (南極観測)
            return Verdict("not_covered", Reason("unknown_terms", tuple(unknown)))
        background = frozenset(
            n for n in names if self.share_of_document(n, hits[0].chunk.source) >= self.config.background_share
        )
        if script_of(result.query) == "ja":  # English words have no Japanese nouns to check; they are translated
            nouns = [n for n in specifics.content_nouns(forms.search_text) if n not in background]
            if nouns and self.index.lexicon.unknown_names(nouns, self.vocab) == nouns:
                return Verdict("not_covered", Reason("unknown_terms", tuple(nouns)))  # 日本の人口
        evidence = [h.chunk.text for h in hits[: self.config.evidence_passages]]
        absent = tuple(specifics.missing(forms.search_text, evidence, background=background))
        if absent:
            return Verdict("partial", Reason("missing", absent), absent)
        return Verdict("answered", Reason("answers"))

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
            docs = self._docs[self._starts[token] : self._starts[token + 1]]
            if consecutive:
                counts.append(int(np.searchsorted(docs, last, side="right") - np.searchsorted(docs, first)))
            else:
                counts.append(int(np.isin(docs, rows).sum()))
        return min(counts) / len(rows)
