"""The answer every front end shows: how the question was read, its status and why, the quoted sentences,
and the cited passages with the answering one marked."""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.followup import Reading
from rag.search.retriever import Hit


@dataclass(frozen=True)
class Quote:
    """One answering sentence as quoted: [label] and exact offsets into its document's text."""

    label: int
    chunk_id: str
    source: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CitedPassage:
    """A ranked passage as cited: [label], its highlights (only in the passage judged to answer), and the
    question's words it shares (why it matched)."""

    label: int  # [1]..[k]
    hit: Hit
    highlights: tuple[tuple[int, int], ...]  # offsets into the source file, in text order
    shared_terms: tuple[str, ...] = ()

    @property
    def answering(self) -> bool:
        return bool(self.highlights)

    @property
    def chunk(self):
        return self.hit.chunk

    @property
    def chunk_id(self) -> str:
        return self.hit.chunk.id

    @property
    def source(self) -> str:
        return self.hit.chunk.source

    @property
    def section(self) -> tuple[str, ...]:
        return tuple(self.hit.chunk.section)

    @property
    def start(self) -> int:
        return self.hit.chunk.start

    @property
    def end(self) -> int:
        return self.hit.chunk.end

    @property
    def page(self) -> int | None:
        """The first page, for documents that have pages (PDF)."""
        return self.hit.chunk.page

    @property
    def pages(self) -> tuple[int, int] | None:
        return self.hit.chunk.pages

    @property
    def score(self) -> float:
        return self.hit.score


@dataclass(frozen=True)
class Answer:
    """One judged answer. `to_json()` is the `rag search --json` object, `card_json()` the `/ask` one,
    `to_text()` what `rag ask` prints; all three quote the same sentences."""

    reading: Reading
    status: str  # "answered" | "partial" | "not_covered" (rag.search.retriever.STATUSES)
    passages: tuple[CitedPassage, ...]
    quotes: tuple[Quote, ...] = ()  # the answering sentences, best first
    missing: tuple[str, ...] = ()  # for "partial": what the question asks about that no cited passage holds

    @property
    def query(self) -> str:
        """What was searched: the question, or a follow-up with its earlier topic."""
        return self.reading.query

    @property
    def abstained(self) -> bool:
        return self.status == "not_covered"

    def to_json(self, *, query_id: str | None = None) -> dict:
        from rag.answer.render import search_json

        return search_json(self, query_id=query_id)

    def card_json(self) -> dict:
        from rag.answer.render import card_json

        return card_json(self)

    def to_text(self) -> str:
        from rag.answer.render import format_text

        return format_text(self)
