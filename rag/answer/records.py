"""The answer every front end shows: how the question was read, its status and why, the quoted sentences,
and the cited passages with the answering one marked."""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.citation import Citation
from rag.answer.followup import Reading
from rag.search.retriever import Hit

STATUSES = ("answered", "partial", "not_covered", "not_a_question")


@dataclass(frozen=True)
class Reason:
    """Why an answer has its status, as data; `rag.answer.reasons.reason_text` says it in words.

    Reason("missing", ("令和9年度",), "OSA", ("amount",))
        -> 「OSAは扱っていますが、令和9年度の金額は書かれていません。」
    """

    code: str  # "answers" | "missing" | "unknown_terms" | "no_close_passage" | "not_a_question"
    terms: tuple[str, ...] = ()  # what is missing, or the names no document mentions
    topic: str = ""  # what the documents do cover, for "missing"
    kinds: tuple[str, ...] = ()  # for "missing": kinds of answer asked for and absent (amount, count, date, ...)

    def text(self, lang: str) -> str:
        from rag.answer.reasons import reason_text

        return reason_text(self, lang)


@dataclass(frozen=True)
class Guide:
    """The reply to a message that is not a question about the documents: what they cover, and questions
    they answer. Read from the index (titles, main sections, answerable example questions)."""

    documents: tuple[tuple[str, tuple[str, ...]], ...]  # (title, its main sections)
    examples: tuple[str, ...]  # questions the documents answer, in the user's language


@dataclass(frozen=True)
class Quote:
    """One answering sentence as quoted: [label] and exact offsets into its document's text."""

    label: int
    chunk_id: str
    source: str
    start: int
    end: int
    text: str
    citation: Citation | None = None  # issuer, title, slide or page: fit to print


@dataclass(frozen=True)
class ShortAnswer:
    """The figure, date, name or count the question asks for, as a span of quote [1]: `text` is the
    document's text at [start, end). `english`: the figure for English readers (約181億円 -> about ¥18.1
    billion), or ""."""

    text: str
    source: str
    start: int
    end: int
    kind: str  # amount | count | date | person | place | organization | name (in English text: of any of them)
    english: str = ""

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "english": self.english or None,
        }


@dataclass(frozen=True)
class CitedPassage:
    """A ranked passage as cited: [label], its highlights (only in the passage judged to answer), and the
    question's words it shares (why it matched)."""

    label: int  # [1]..[k]
    hit: Hit
    highlights: tuple[tuple[int, int], ...]  # offsets into the source file, in text order
    shared_terms: tuple[str, ...] = ()
    citation: Citation | None = None

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
    status: str  # one of STATUSES
    passages: tuple[CitedPassage, ...]  # none for "not_a_question"
    quotes: tuple[Quote, ...] = ()  # the answering sentences, best first
    missing: tuple[str, ...] = ()  # for "partial": what the question asks about that no cited passage holds
    reason: Reason = Reason("answers")
    guide: Guide | None = None  # for "not_a_question": what the documents cover
    short: ShortAnswer | None = None  # for "answered": the figure, date, name or count asked for, from quote [1]

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
