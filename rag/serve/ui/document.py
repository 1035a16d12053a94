"""The document pane: a whole corpus file under its section outline, each passage addressable by its id
and each sentence by its offsets, so that a citation opens exactly where it points."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from rag.language.script import language_of_text
from rag.serve.ui.text import words


@dataclass(frozen=True)
class OutlineEntry:
    depth: int  # 1 = a top-level section under the document's title
    title: str
    chunk_id: str  # the first passage of the section: where the outline link goes


def outline(chunks) -> list[OutlineEntry]:
    """Sections in document order, from the passages' section paths (the title level left out).

    paths [(T, A), (T, A), (T, A, B), (T, C)] -> [A (1), B (2), C (1)]
    """
    entries, seen = [], set()
    for chunk in chunks:
        for depth in range(2, len(chunk.section) + 1):
            path = tuple(chunk.section[:depth])
            if path not in seen:
                seen.add(path)
                entries.append(OutlineEntry(depth - 1, path[-1], chunk.id))
    return entries


def shown(text: str) -> str:
    """Escaped for HTML; the ** emphasis marks of the PDF export are not shown (offsets still count them)."""
    return escape(text.replace("**", ""))


def render_outline(entries: list[OutlineEntry], lang: str) -> str:
    items = "".join(
        f'<li class="d{min(e.depth, 4)}" lang="{language_of_text(e.title)}">'
        f'<a href="#c-{escape(e.chunk_id)}" data-goto="{escape(e.chunk_id)}">'
        f"{shown(e.title)}</a></li>"
        for e in entries
    )
    return (
        f'<nav class="outline" aria-labelledby="outline-h"><details open><summary id="outline-h">'
        f"{escape(words(lang)['outline'])}</summary><ul>{items}</ul></details></nav>"
    )


def render_passage(text: str, chunk, *, heading: bool) -> str:
    """One passage: its sentences wrapped with their offsets (data-s, data-e) for exact highlighting."""
    parts, pos = [], chunk.start
    for n, (start, end) in enumerate(chunk.sentences):
        if start > pos:
            lead = text[pos:start]
            parts.append(f'<span class="h">{shown(lead)}</span>' if heading and n == 0 else shown(lead))
        parts.append(f'<span class="s" data-s="{start}" data-e="{end}">{shown(text[start:end])}</span>')
        pos = end
    parts.append(shown(text[pos : chunk.end]))
    return f'<div class="chunk" id="c-{escape(chunk.id)}" data-chunk="{escape(chunk.id)}">{"".join(parts)}</div>'


def render_document(source: str, title: str, text: str, chunks, lang: str) -> str:
    """The pane for one document: title, outline ("what this document covers"), then the full text.

    `chunks` are the document's passages in order; text between them (blank lines) is kept as is.
    """
    t = words(lang)
    body, pos, seen_sections = [], 0, set()
    for chunk in chunks:
        if chunk.start > pos and text[pos : chunk.start].strip():
            body.append(f'<div class="gap">{shown(text[pos : chunk.start])}</div>')
        body.append(render_passage(text, chunk, heading=chunk.section not in seen_sections))
        seen_sections.add(chunk.section)
        pos = max(pos, chunk.end)
    if text[pos:].strip():
        body.append(f'<div class="gap">{shown(text[pos:])}</div>')
    return (
        f'<div class="rag-doc" data-source="{escape(source, quote=True)}">'
        f'<div class="doc-head"><h2 class="doc-title"><span lang="{language_of_text(title)}">{shown(title)}</span> '
        f'<span class="file">{escape(source)}</span></h2>'
        f'<button type="button" class="back" data-back hidden>{escape(t["back"])}</button></div>'
        + render_outline(outline(chunks), lang)
        + f'<div class="doc-text" lang="{language_of_text(text)}" tabindex="0" role="region" '
        f'aria-label="{escape(t["document_text"])}">' + "".join(body) + "</div></div>"
    )
