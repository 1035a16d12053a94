"""What each MCP tool returns: the engine's own JSON objects, passed through as they are, each with a
readable text beside it. One function per tool, one or two calls into the engine each:

    search_json(engine, "OSAの予算は", k=5, sources=None)   -> (the `rag search --json` object, `rag ask` text)
    ask_json(engine, "それはいつから", k=3, previous="OSAとは", sources=None) -> (the `/ask` card, its text)
    documents_json(engine)                                 -> ({"documents": [...], "build", "notice"}, text)
    read_json(engine, "briefing.txt", 3507, 4019)          -> ({"source", "start", "end", "text", ...}, text)
"""

from __future__ import annotations

from rag.errors import RagError

MAX_READ_CHARS = 4000  # one `read` returns at most this much text: ~7 passages, a few thousand tokens


def search_json(engine, question, *, k, sources) -> tuple[dict, str]:
    answer = engine.ask(question, k=k, sources=sources)
    return answer.to_json(), answer.to_text()


def ask_json(engine, question, *, k, previous, sources) -> tuple[dict, str]:
    """The answer card of the web UI's `/ask`; `previous` is the question asked before, for a follow-up."""
    from rag.language.script import is_japanese
    from rag.serve.ui.export import card_text

    answer = engine.ask(question, k=k, sources=sources, previous=previous)
    return answer.card_json(), card_text(answer, "ja" if is_japanese(answer.reading.question) else "en")


def documents_json(engine) -> tuple[dict, str]:
    """Every document of the live build: title, file, kind, length, pages, passages and section outline."""
    from rag.serve.ui.document import outline

    live = engine.live()  # one build for the whole list, even if a swap happens meanwhile
    index = live.retriever.index
    by_source: dict[str, list] = {}
    for chunk in index.chunks:  # corpus order, as `Engine.documents`
        by_source.setdefault(chunk.source, []).append(chunk)
    documents = []
    for source, chunks in by_source.items():
        document = index.documents[source]
        by_id = {c.id: c for c in chunks}
        documents.append(
            {
                "source": source,
                "title": document.title or source,
                "kind": document.kind,
                "characters": len(document.text),
                "pages": len(document.page_starts) or None,
                "passages": len(chunks),
                "outline": [
                    {"depth": e.depth, "title": e.title, "start": by_id[e.chunk_id].start}
                    | {"page": by_id[e.chunk_id].page}
                    for e in outline(chunks)
                ],
            }
        )
    record = {"documents": documents, "build": live.build, "notice": engine.reload_error}
    return record, _documents_text(record)


def _documents_text(record: dict) -> str:
    lines = []
    for d in record["documents"]:
        pages = f", {d['pages']} pages" if d["pages"] else ""
        lines.append(f"「{d['title']}」 {d['source']} ({d['kind']}, {d['characters']:,} characters{pages})")
        lines += [f"{'  ' * e['depth']}{e['title']}  (at {e['start']})" for e in d["outline"]]
    if record["notice"]:
        lines.append(f"note: {record['notice']}")
    return "\n".join(lines)


def read_json(engine, source: str, start: int, end: int) -> tuple[dict, str]:
    """The exact text of `source` in [start, end), the offsets every citation uses; at most MAX_READ_CHARS."""
    index = engine.live().retriever.index
    document = index.documents.get(source) if isinstance(source, str) else None
    if document is None:
        raise RagError(f"there is no document {source!r}; list_documents gives the sources")
    size = len(document.text)
    if not 0 <= start < end <= size:
        raise RagError(
            f"{start}-{end} is not a range inside {source}, which has {size:,} characters; "
            f"ask for 0 <= start < end <= {size}"
        )
    stop = min(end, start + MAX_READ_CHARS)
    text = document.text[start:stop]
    pages = [document.page_at(start), document.page_at(stop - 1)] if document.page_starts else None
    record = {
        "source": source,
        "title": document.title or source,
        "start": start,
        "end": stop,
        "text": text,
        "characters": size,
        "truncated": stop < end,
        "pages": pages,
    }
    more = f"\n(cut at {MAX_READ_CHARS:,} characters: read on from start={stop})" if stop < end else ""
    return record, f"{source} [{start}, {stop}) of {size:,} characters:\n{text}{more}"
