"""The answer status and why: a few named steps over the search result, each able to decide.

    judge = StatusJudge(index, config)
    judge.verdict(result) -> Verdict("partial", missing=("令和9年度",), reason=Reason("missing", ...))

Steps, in order: nothing found; below the answerability threshold; every name unknown to the documents;
every noun but the documents' backdrop unknown; what the question asks for missing from the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer import specifics
from rag.answer.facts import CorpusFacts
from rag.answer.reasons import kind_label
from rag.answer.records import Reason
from rag.index.store import LoadedIndex
from rag.language.script import script_of
from rag.language.terms import content_nouns, proper_nouns, region_names
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
        self.facts = CorpusFacts(index)

    def verdict(self, result: SearchResult) -> Verdict:
        forms, hits = result.forms, result.hits
        if not hits:
            return Verdict("not_covered", Reason("no_close_passage"))
        threshold = self.config.abstain_below.get(result.mode, {}).get(script_of(result.query))
        if threshold is not None and hits[0].score < threshold:
            return Verdict("not_covered", Reason("no_close_passage"))
        names = proper_nouns(forms.search_text)
        unknown = self.facts.unknown_names(names)
        if names and len(unknown) == len(names):  # about something the documents never name (南極観測)
            return Verdict("not_covered", Reason("unknown_terms", tuple(unknown)))
        background = frozenset(
            n for n in names if self.facts.share_of_document(n, hits[0].chunk.source) >= self.config.background_share
        )
        # A region the documents know (中東, アジア) is a topic, not a fact to quote: a passage on Iran
        # answers a question on the Middle East without naming it.
        regions = [n for n in region_names(forms.search_text) if n in names]
        background |= frozenset(n for n in regions if not self.facts.unknown_names([n]))
        if script_of(result.query) == "ja":  # English words have no Japanese nouns to check; they are translated
            nouns = [n for n in content_nouns(forms.search_text) if n not in background]
            if nouns and self.facts.unknown_names(nouns) == nouns:
                return Verdict("not_covered", Reason("unknown_terms", tuple(nouns)))  # 日本の人口
        evidence = [
            text for h in hits[: self.config.evidence_passages] for text in (h.chunk.section_label, h.chunk.text)
        ]
        absent = specifics.missing(
            forms.search_text, evidence, names=names, background=background, synonyms=self.index.lexicon.synonyms
        )
        if absent:
            topic = next(
                (n for n in content_nouns(forms.search_text) if n in evidence[1] and n not in absent.terms), ""
            )
            reason = Reason("missing", absent.terms, topic, absent.kinds)
            return Verdict("partial", reason, absent.terms + tuple(kind_label(k, result.query) for k in absent.kinds))
        return Verdict("answered", Reason("answers"))
