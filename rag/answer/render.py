"""An answer as text and as JSON: what `rag ask` prints, the `rag search --json` object, the `/ask` card."""

from __future__ import annotations

from collections.abc import Callable

from rag.answer.records import Answer, CitedPassage
from rag.documents.chunking import PATH_SEPARATOR
from rag.language.script import is_japanese


def reason_json(answer: Answer) -> dict:
    """{"code", "terms", "topic", "text"}: why the status, the text in the question's language."""
    r = answer.reason
    lang = _lang(answer)
    return {"code": r.code, "terms": list(r.terms), "topic": r.topic, "text": r.text(lang)}


def _lang(answer: Answer) -> str:
    return "ja" if is_japanese(answer.reading.question) else "en"


def citation_json(citation, answer: Answer) -> dict | None:
    """The citation fit to print ("text", in the question's language) and its parts; None without one."""
    return citation.to_json(_lang(answer)) if citation is not None else None


def guide_json(answer: Answer) -> dict | None:
    if answer.guide is None:
        return None
    return {
        "documents": [{"title": title, "sections": list(sections)} for title, sections in answer.guide.documents],
        "examples": list(answer.guide.examples),
    }


def search_json(answer: Answer, *, query_id: str | None = None) -> dict:
    """The documented `rag search --json` schema (README)."""
    return {
        "id": query_id,
        "query": answer.query,
        "abstained": answer.abstained,
        "status": answer.status,
        "missing": list(answer.missing),
        "reason": reason_json(answer),
        "guide": guide_json(answer),
        "short_answer": answer.short.to_json() if answer.short else None,
        "hits": [
            {
                "rank": p.hit.rank,
                "chunk_id": p.chunk_id,
                "source": p.source,
                "section": p.chunk.section_label,
                "text": p.chunk.text,
                "score": round(p.score, 6),
                "start": p.start,
                "end": p.end,
                "highlights": [list(span) for span in p.highlights],
                "page": p.page,
                "pages": list(p.pages) if p.pages else None,
                "citation": citation_json(p.citation, answer),
            }
            for p in answer.passages
        ],
    }


def card_json(answer: Answer) -> dict:
    """The `ask` endpoint's schema (README): status, answer sentences with offsets, sources."""
    return {
        "question": answer.reading.question,
        "read_as": answer.reading.shown,
        "searched": answer.reading.query,
        "status": answer.status,
        "missing": list(answer.missing),
        "reason": reason_json(answer),
        "guide": guide_json(answer),
        "short_answer": answer.short.to_json() if answer.short else None,
        "answer": [
            {
                "label": q.label,
                "text": q.text,
                "chunk_id": q.chunk_id,
                "source": q.source,
                "start": q.start,
                "end": q.end,
                "citation": citation_json(q.citation, answer),
            }
            for q in answer.quotes
        ],
        "sources": [
            {
                "label": p.label,
                "chunk_id": p.chunk_id,
                "source": p.source,
                "section": PATH_SEPARATOR.join(p.section),
                "start": p.start,
                "end": p.end,
                "page": p.page,
                "score": round(p.score, 6),
                "answering": p.answering,
                "shared_terms": list(p.shared_terms),
                "citation": citation_json(p.citation, answer),
            }
            for p in answer.passages
        ],
    }


def splice(passage: CitedPassage, mark: Callable[[str], str], plain: Callable[[str], str] = str) -> str:
    """The passage text with each highlighted sentence passed through `mark`, the rest through `plain`.

    text "AB。CD。", highlight on "CD。", mark=lambda s: f"【{s}】" -> "AB。【CD。】"
    """
    chunk, out, pos = passage.chunk, [], 0
    for start, end in passage.highlights:
        a, b = start - chunk.start, end - chunk.start
        out += [plain(chunk.text[pos:a]), mark(chunk.text[a:b])]
        pos = b
    out.append(plain(chunk.text[pos:]))
    return "".join(out)


def format_text(answer: Answer) -> str:
    lines = []
    lang = _lang(answer)
    ja = lang == "ja"
    if answer.status == "not_a_question":
        lines.append(answer.reason.text(lang))
        for title, sections in answer.guide.documents if answer.guide else ():
            lines.append(f"「{title}」: " + "、".join(sections) if sections else f"「{title}」")
        if answer.guide and answer.guide.examples:
            lines.append("質問の例:" if ja else "For example:")
            lines += [f"- {q}" for q in answer.guide.examples]
        return "\n".join(lines)
    if answer.status == "not_covered":
        lines.append(
            "この資料には、この質問に答える記述が見当たりません。"
            if ja
            else "Not covered: nothing in the documents answers this question."
        )
        lines.append(answer.reason.text(lang))
        lines.append(
            "参考までに、最も近い箇所(答えではありません):"
            if ja
            else "For reference, the nearest passages (not answers):"
        )
    elif answer.status == "partial":
        lines.append(("一部だけ資料にあります: " if ja else "Partly covered: ") + answer.reason.text(lang))
    elif answer.status == "answered" and answer.short is None:
        lines.append("資料に答えがあります。" if ja else "Answered by the documents.")  # the answer line says so too
    if answer.short is not None:
        lines.append(short_line(answer))
    for p in answer.passages:
        c = p.chunk
        page = f" p. {c.page}" if c.page is not None else ""
        lines.append(
            f"\n[{p.label}] {c.section_label}  ({c.source}{page} {c.start}-{c.end}, id {c.id}, score {p.score:.4f})"
        )
        if p.citation is not None:
            lines.append(p.citation.text(_lang(answer)))
        lines.append(splice(p, lambda s: f"【{s}】").strip())
    return "\n".join(lines)


def short_line(answer: Answer) -> str:
    """「答え: 約181億円 (about ¥18.1 billion)  [gaikoryoku.txt 3950-3957]」: the answer line and where it is."""
    short = answer.short
    label = "答え" if _lang(answer) == "ja" else "Answer"
    english = f" ({short.english})" if short.english and _lang(answer) == "en" else ""
    return f"{label}: {short.text}{english}  [{short.source} {short.start}-{short.end}]"
