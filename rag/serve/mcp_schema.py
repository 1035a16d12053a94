"""The JSON schemas the MCP tools publish for their structured output (the README's documented objects).

Every model allows extra fields: a field the engine adds (a status `reason`, say) passes through to the
client unchanged; a documented field that disappears fails the call and the tests, as it should.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Citation(_Open):
    text: str = Field(description="fit to print, e.g. 外務省『外交力の強化について』「OSAの現状と当面の方向性」")
    issuer: str | None = Field(description="from the document's sidecar NAME.meta.toml; null when not stated")
    title: str
    date: str | None
    url: str | None = Field(description="the original's address, when the sidecar states it")
    slide: int | None = Field(description="from slide-number lines in the text; null when it has none")
    page: int | None = Field(description="PDFs: the page; null otherwise")
    section: str = Field(description="the innermost section heading")
    source: str
    start: int
    end: int


class SearchHit(_Open):
    rank: int
    chunk_id: str = Field(description="passage id, stable while its text is unchanged")
    source: str = Field(description="the document's path in the corpus folder")
    section: str = Field(description="section path, e.g. 'title > section > subsection'")
    text: str = Field(description="the passage, exactly document_text[start:end]")
    score: float
    start: int = Field(description="character offset where the passage starts in the document text")
    end: int = Field(description="character offset just past its end")
    highlights: list[list[int]] = Field(description="[start, end] of each answering sentence, same offsets")
    page: int | None = Field(description="PDFs: the page the passage starts on; null otherwise")
    pages: list[int] | None = Field(description="PDFs: [first, last] page; null otherwise")
    citation: Citation | None


class SearchOutput(_Open):
    """The `rag search --json` object."""

    id: str | None
    query: str
    abstained: bool = Field(description="true exactly when status is not_covered")
    status: str = Field(
        description=(
            "answered, partial (see missing), not_covered, or not_a_question (a greeting or a request of "
            "another kind: see guide)"
        )
    )
    missing: list[str] = Field(description="for partial: what the question asks that no passage states")
    hits: list[SearchHit]


class Quote(_Open):
    label: int = Field(description="the [n] of the source it quotes")
    text: str = Field(description="an answering sentence, exactly document_text[start:end]")
    chunk_id: str
    source: str
    start: int
    end: int
    citation: Citation | None


class SourceCard(_Open):
    label: int
    chunk_id: str
    source: str
    section: str
    start: int
    end: int
    page: int | None
    score: float
    answering: bool = Field(description="judged to answer; the others are the nearest passages only")
    shared_terms: list[str] = Field(description="the question's words the passage contains")
    citation: Citation | None


class AskOutput(_Open):
    """The answer card, as the web app's `/ask` returns it."""

    question: str
    read_as: str = Field(description="the question as read, with a follow-up's topic in brackets")
    searched: str
    status: str = Field(
        description=(
            "answered, partial (see missing), not_covered, or not_a_question (a greeting or a request of "
            "another kind: see guide)"
        )
    )
    missing: list[str]
    answer: list[Quote]
    sources: list[SourceCard]


class OutlineEntry(_Open):
    depth: int = Field(description="1 for a top-level section")
    title: str
    start: int = Field(description="offset of the section's first passage")
    page: int | None


class DocumentEntry(_Open):
    source: str = Field(description="what search's `sources` and read's `source` take")
    title: str
    kind: str = Field(description="text, markdown or pdf")
    characters: int = Field(description="length of the document text that offsets point into")
    pages: int | None
    passages: int
    outline: list[OutlineEntry]


class DocumentsOutput(_Open):
    documents: list[DocumentEntry]
    build: str | None = Field(description="the index build answering now; it changes after a rebuild")
    notice: str | None = Field(description="why a newer build was not taken, if so (the last good one answers)")


class ReadOutput(_Open):
    source: str
    title: str
    start: int
    end: int = Field(description="where the returned text ends (earlier than asked when truncated)")
    text: str = Field(description="exactly document_text[start:end]")
    characters: int = Field(description="length of the whole document text")
    truncated: bool = Field(description="true when the range asked for was longer than one read returns")
    pages: list[int] | None = Field(description="PDFs: [first, last] page of the text; null otherwise")
