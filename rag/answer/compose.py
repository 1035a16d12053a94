"""From ranked passages to the judged answer: which passage answers, which of its sentences to quote.

[1] answers whenever the documents cover the question, and only [1]: on the gold set no rule read from
the answer's own scores picked out the lower-ranked passages that also hold the answer (precision at most
0.15; docs/decisions.md, "Web UI"). Passages that do not answer carry no highlight, so a "nearest"
passage never reads like an answer.
"""

from __future__ import annotations

import functools

from rag.answer.answer_line import Synonyms, short_answer
from rag.answer.citation import Citer
from rag.answer.followup import Reading
from rag.answer.records import Answer, CitedPassage, Guide, Quote
from rag.answer.sentences import SentencePicker
from rag.answer.status import Verdict
from rag.language.terms import content_terms, morphemes
from rag.search.lexicon import latin_words
from rag.search.retriever import SearchResult


def compose(
    result: SearchResult,
    verdict: Verdict,
    picker: SentencePicker,
    rows: dict[str, int],
    reading: Reading,
    guide: Guide | None = None,
    citer: Citer | None = None,
    synonyms: Synonyms = lambda name: (),
) -> Answer:
    """The answer to `reading` from its search result. Sentences are scored against the question's own
    words (a follow-up's, not its earlier topic's); quotes come best first, highlights in text order."""
    if verdict.status == "not_a_question":  # a greeting or a request: no citation, the guide instead
        return Answer(reading, verdict.status, (), (), (), verdict.reason, guide)
    best_first: tuple[tuple[int, int], ...] = ()
    if verdict.status in ("answered", "partial") and result.hits:
        row = rows[result.hits[0].chunk.id]
        best_first = picker.pick(picker.scores(row, result.query_vector, reading.question), row)
    passages = tuple(
        CitedPassage(
            n,
            hit,
            tuple(sorted(best_first)) if n == 1 else (),
            shared_terms(reading.query, hit.chunk.text),  # a follow-up's topic matched too
            citer.cite(hit.chunk, hit.chunk.start, hit.chunk.end) if citer else None,
        )
        for n, hit in enumerate(result.hits, start=1)
    )
    quotes = ()
    if best_first:
        chunk = passages[0].hit.chunk
        quotes = tuple(
            Quote(
                1,
                chunk.id,
                chunk.source,
                s,
                e,
                chunk.text[s - chunk.start : e - chunk.start],
                citer.cite(chunk, s, e) if citer else None,
            )
            for s, e in best_first
        )
    # only when answered: a partial answer's figure may be another year's (令和9年度 asked, 令和8年度 quoted)
    # quote [1] only: reading the second quote too gained 1 right line and 3 wrong ones on the dev set
    answered = verdict.status == "answered" and quotes
    short = short_answer(reading.question, quotes[0], synonyms=synonyms, said=verdict.said) if answered else None
    return Answer(reading, verdict.status, passages, quotes, verdict.missing, verdict.reason, short=short)


def shared_terms(question: str, passage: str) -> tuple[str, ...]:
    """The question's words that the passage also holds, once each, spelt as the passage spells them;
    single characters (回, 対, 年) say nothing about why a passage matched and are left out.

    「PCGの人員は？」 vs a passage with 「PCGの人員は4千人から…」 -> ("PCG", "人員")
    「ちゅうごくとの関係は？」 vs a passage with 「中国との関係」 -> ("中国", "関係")
    """
    held = _passage_terms(passage)
    found: list[str] = []
    for m in morphemes(question):
        spelt = held.get(m.form)
        if m.is_content and not m.surface.isascii() and spelt and len(spelt) > 1 and spelt not in found:
            found.append(spelt)
    for word in latin_words(question):
        if word.lower() in held and len(word) > 1 and word not in found:
            found.append(word)
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def _passage_terms(passage: str) -> dict[str, str]:
    """Each content term's normalised form -> its first spelling in the passage (Latin words lower-cased)."""
    spelt: dict[str, str] = {}
    for m in morphemes(passage):
        if m.is_content and not m.surface.isascii():
            spelt.setdefault(m.form, m.surface)
    for term in content_terms(passage):
        spelt.setdefault(term, term)
    return spelt
