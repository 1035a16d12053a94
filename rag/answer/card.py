"""The answer card: how the question was read, its status, the quoted answering sentences, compact
source cards (section, page or offsets, shared terms); built from the engine, served as the `ask` JSON."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from rag.answer.cited import Answer
from rag.answer.followup import Reading, read
from rag.answer.sentences import SentencePicker, judged_answer
from rag.documents.chunking import PATH_SEPARATOR
from rag.errors import RagError
from rag.inputs import validate_question
from rag.language.terms import content_terms, morphemes
from rag.search.lexicon import latin_words


@dataclass(frozen=True)
class Quote:
    """One answering sentence, as the card quotes it: [label] and exact file offsets."""

    label: int
    chunk_id: str
    source: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SourceCard:
    label: int
    chunk_id: str
    source: str
    section: tuple[str, ...]
    start: int
    end: int
    page: int | None  # first page, for documents that have pages (PDF)
    pages: tuple[int, int] | None
    score: float
    answering: bool  # judged to answer: the only passages with highlights
    shared_terms: tuple[str, ...]  # question words the passage contains: why it matched


@dataclass(frozen=True)
class AnswerCard:
    reading: Reading
    answer: Answer
    quotes: tuple[Quote, ...]
    sources: tuple[SourceCard, ...]

    @property
    def status(self) -> str:
        return self.answer.status

    @property
    def missing(self) -> tuple[str, ...]:
        return self.answer.missing


def make_card(answer: Answer, reading: Reading, best_first=()) -> AnswerCard:
    """Quotes are the highlighted sentences of the answering passages, by rank; within a passage in the
    order of `best_first` (the sentence that answers best first), else in text order."""
    quotes = []
    for p in answer.passages:
        chunk = p.hit.chunk
        ordered = [s for s in best_first if s in p.highlights] + [s for s in p.highlights if s not in best_first]
        for start, end in ordered:
            text = chunk.text[start - chunk.start : end - chunk.start]
            quotes.append(Quote(p.label, chunk.id, chunk.source, start, end, text))
    sources = tuple(
        SourceCard(
            label=p.label,
            chunk_id=p.hit.chunk.id,
            source=p.hit.chunk.source,
            section=tuple(p.hit.chunk.section),
            start=p.hit.chunk.start,
            end=p.hit.chunk.end,
            page=getattr(p.hit.chunk, "page", None),
            pages=getattr(p.hit.chunk, "pages", None),
            score=p.hit.score,
            answering=bool(p.highlights),
            shared_terms=shared_terms(reading.query, p.hit.chunk.text),  # a follow-up's topic matched too
        )
        for p in answer.passages
    )
    return AnswerCard(reading, answer, tuple(quotes), sources)


def shared_terms(question: str, passage: str) -> tuple[str, ...]:
    """The question's own words (as typed) that the passage also holds, once each.

    「PCGの人員は？」 vs a passage with 「PCGの人員は4千人から…」 -> ("PCG", "人員")
    """
    held = _passage_terms(passage)
    found: list[str] = []
    for m in morphemes(question):
        if m.is_content and not m.surface.isascii() and m.form in held and m.surface not in found:
            found.append(m.surface)
    for word in latin_words(question):
        if word.lower() in held and word not in found:
            found.append(word)
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def _passage_terms(passage: str) -> frozenset[str]:
    return frozenset(content_terms(passage))


_pickers: dict[int, tuple[object, SentencePicker]] = {}
_pickers_lock = threading.Lock()


def _picker(live) -> SentencePicker:
    """One picker per loaded build (its sentence terms are cached inside)."""
    with _pickers_lock:
        held = _pickers.get(id(live.retriever.index))
        if held is None or held[0] is not live.retriever.index:
            _pickers.clear()  # only the newest build is asked
            held = _pickers[id(live.retriever.index)] = (live.retriever.index, SentencePicker(live.retriever.index))
        return held[1]


def ask(engine, question: str, *, k: int = 5, mode: str = "hybrid", sources=None, previous: Reading | None = None):
    """The answer card for a question, read with the previous turn when it leans on it.

    Raises RagError for a bad question, k, mode or source, like `engine.ask`.
    """
    reading = read(validate_question(question), previous)
    for _ in range(3):  # a hot reload between the search and the highlight: search again on the new build
        result = engine.search(reading.query, k=k, mode=mode, sources=sources)
        live = engine.live()
        chunks = live.retriever.index.chunks
        if all(h.chunk.id in live.rows and chunks[live.rows[h.chunk.id]] is h.chunk for h in result.hits):
            break
    else:
        raise RagError("the index was rebuilt while answering; ask again")
    answer, best_first = judged_answer(result, _picker(live), live.rows, reading.question)
    return make_card(answer, reading, best_first)


def card_json(card: AnswerCard) -> dict:
    """The `ask` endpoint's schema (README): status, answer sentences with offsets, sources."""
    return {
        "question": card.reading.question,
        "read_as": card.reading.shown,
        "searched": card.reading.query,
        "status": card.status,
        "missing": list(card.missing),
        "answer": [
            {"label": q.label, "text": q.text, "chunk_id": q.chunk_id, "source": q.source}
            | {"start": q.start, "end": q.end}
            for q in card.quotes
        ],
        "sources": [
            {
                "label": s.label,
                "chunk_id": s.chunk_id,
                "source": s.source,
                "section": PATH_SEPARATOR.join(s.section),
                "start": s.start,
                "end": s.end,
                "page": s.page,
                "score": round(s.score, 6),
                "answering": s.answering,
                "shared_terms": list(s.shared_terms),
            }
            for s in card.sources
        ],
    }
