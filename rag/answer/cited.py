"""Turning search hits into a cited answer: labels, highlighted sentences, JSON and text forms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.answer.highlight import Highlighter
from rag.search.retriever import Hit, SearchResult


@dataclass(frozen=True)
class CitedPassage:
    label: int  # [1]..[k]
    hit: Hit
    highlights: tuple[tuple[int, int], ...]  # offsets into the source file


@dataclass(frozen=True)
class Answer:
    query: str
    status: str  # "answered" | "partial" | "not_covered" (rag.search.retriever.STATUSES)
    passages: tuple[CitedPassage, ...]
    missing: tuple[str, ...] = ()  # for "partial": the asked-for terms no cited passage contains

    @property
    def abstained(self) -> bool:
        return self.status == "not_covered"


def cite(result: SearchResult, highlighter: Highlighter, rows: dict[str, int]) -> Answer:
    """Number the hits [1]..[k] and mark the sentences of each that answer the question."""
    passages = tuple(
        CitedPassage(n, hit, tuple(highlighter.sentences(rows[hit.chunk.id], result.query_vector)))
        for n, hit in enumerate(result.hits, start=1)
    )
    return Answer(result.query, result.status, passages, result.missing)


def to_json(answer: Answer, *, query_id: str | None = None) -> dict:
    """The documented `rag search --json` schema (README)."""
    return {
        "id": query_id,
        "query": answer.query,
        "abstained": answer.abstained,
        "status": answer.status,
        "missing": list(answer.missing),
        "hits": [
            {
                "rank": p.hit.rank,
                "chunk_id": p.hit.chunk.id,
                "source": p.hit.chunk.source,
                "section": p.hit.chunk.section_label,
                "text": p.hit.chunk.text,
                "score": round(p.hit.score, 6),
                "start": p.hit.chunk.start,
                "end": p.hit.chunk.end,
                "highlights": [list(span) for span in p.highlights],
                "page": p.hit.chunk.page,
                "pages": list(p.hit.chunk.pages) if p.hit.chunk.pages else None,
            }
            for p in answer.passages
        ],
    }


def splice(passage: CitedPassage, mark: Callable[[str], str], plain: Callable[[str], str] = str) -> str:
    """The passage text with each highlighted sentence passed through `mark`, the rest through `plain`.

    text "AB。CD。", highlight on "CD。", mark=lambda s: f"【{s}】" -> "AB。【CD。】"
    """
    chunk, out, pos = passage.hit.chunk, [], 0
    for start, end in passage.highlights:
        a, b = start - chunk.start, end - chunk.start
        out += [plain(chunk.text[pos:a]), mark(chunk.text[a:b])]
        pos = b
    out.append(plain(chunk.text[pos:]))
    return "".join(out)


def format_text(answer: Answer) -> str:
    lines = []
    if answer.status == "not_covered":
        lines.append("この資料には、この質問に答える記述が見当たりません。(not covered by the briefing)")
        lines.append("参考までに、最も近い箇所 / nearest passages:")
    elif answer.status == "partial":
        missing = "、".join(answer.missing)
        lines.append(f"資料はこの話題を扱っていますが、次の点は書かれていません: {missing}")
        lines.append(f"(partly covered; not mentioned: {', '.join(answer.missing)})")
    for p in answer.passages:
        c = p.hit.chunk
        page = f" p. {c.page}" if c.page is not None else ""
        lines.append(
            f"\n[{p.label}] {c.section_label}  ({c.source}{page} {c.start}-{c.end}, id {c.id}, score {p.hit.score:.4f})"
        )
        lines.append(splice(p, lambda s: f"【{s}】").strip())
    return "\n".join(lines)
