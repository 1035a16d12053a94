"""Cutting sections into citable `Chunk`s: sentences and bullet lines, stable ids, exact offsets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rag.corpus import Document
from rag.sections import BULLET, Block, Section, is_content, markdown_sections, plain_sections

CHUNKER_VERSION = 5
TARGET_CHARS = 550  # chosen on the gold set (docs/decisions.md): sections mostly stay whole
MIN_CHARS = 100
MAX_CHARS = 600
FIGURE_MIN_CHARS = 100  # a run of captions this long is a figure worth a passage of its own
SOFT_BREAKS = "、，,;；"
PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str
    section: tuple[str, ...]
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]  # absolute spans of the sentences/bullets inside

    @property
    def section_label(self) -> str:
        return PATH_SEPARATOR.join(self.section)

    @property
    def indexed_text(self) -> str:
        """What is embedded and BM25-indexed: the section path gives the passage its context.

        The document title is left out: shared by every passage, it only blurs them together.
        """
        path = self.section[1:] or self.section
        return f"{PATH_SEPARATOR.join(path)}\n{self.text}"


def chunk_documents(documents: list[Document], *, target: int = TARGET_CHARS) -> list[Chunk]:
    chunks: list[Chunk] = []
    for doc in documents:
        chunks.extend(chunk_document(doc, target=target))
    return chunks


def chunk_document(doc: Document, *, target: int = TARGET_CHARS) -> list[Chunk]:
    title = doc.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if doc.source.lower().endswith(".md"):
        sections = markdown_sections(doc.text, title)
    else:
        sections = plain_sections(doc.text, title)
    chunks: list[Chunk] = []
    used_ids: set[str] = set()
    for section in sections:
        for start, end, spans in _pack(section_units(doc.text, section), section.start, target):
            text = doc.text[start:end]
            chunk_id = _chunk_id(doc.source, section.path, text, used_ids)
            chunks.append(Chunk(chunk_id, doc.source, section.path, start, end, text, tuple(spans)))
    return chunks


def _chunk_id(source: str, path: tuple[str, ...], text: str, used: set[str]) -> str:
    """Derived from source, section and content, so unchanged text keeps its id."""
    base = hashlib.sha1("\x1f".join((source, *path, text)).encode()).hexdigest()[:12]
    chunk_id, n = base, 1
    while chunk_id in used:  # the same text twice in one section
        n += 1
        chunk_id = f"{base}-{n}"
    used.add(chunk_id)
    return chunk_id


@dataclass
class _Unit:
    """A sentence or bullet line; `end` may run on over captions that ride along with it."""

    start: int
    end: int
    sentences: list[tuple[int, int]]


def section_units(text: str, section: Section) -> list[_Unit]:
    """Sentence and bullet units of a section's body, captions folded into their neighbours."""
    units: list[_Unit] = []
    orphans: list[Block] = []  # captions seen before any content
    captions: list[Block] = []

    def flush_captions():
        if not captions:
            return
        if sum(b.end - b.start for b in captions) >= FIGURE_MIN_CHARS:
            units.extend(_Unit(b.start, b.end, [(b.start, b.end)]) for b in captions)  # a figure's labels
        elif units:  # a lone caption or name rides with the passage before it
            units[-1].end = captions[-1].end
        else:
            orphans.extend(captions)
        captions.clear()

    for block in section.blocks:
        if not is_content(block):
            captions.append(block)
            continue
        flush_captions()
        for line in block.lines:
            if BULLET.match(line.text) or not units or "。" in line.text:
                units.extend(_Unit(a, b, [(a, b)]) for a, b in _sentences(text, line.start, line.end))
            else:  # a continuation line, e.g. 「(予算20億円、4か国)」 under its bullet
                units[-1].end = line.end
                units[-1].sentences[-1] = (units[-1].sentences[-1][0], line.end)
    flush_captions()
    if orphans and units:
        units[0].start = orphans[0].start
    elif orphans:
        units = [_Unit(b.start, b.end, [(b.start, b.end)]) for b in orphans]
    return [piece for unit in units for piece in _split_long(text, unit)]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a line after each 。 (keeping a closing bracket with its sentence)."""
    spans, pos = [], start
    for match in re.finditer(r"。[」』）)]*", text[start:end]):
        cut = start + match.end()
        if text[pos:cut].strip():
            spans.append(_trim(text, pos, cut))
        pos = cut
    if text[pos:end].strip():
        spans.append(_trim(text, pos, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_long(text: str, unit: _Unit) -> list[_Unit]:
    """A unit over MAX_CHARS is cut at its last comma that fits (else hard), never dropped."""
    pieces, start, end = [], unit.start, unit.end
    if end - start <= MAX_CHARS:
        return [unit]
    while end - start > MAX_CHARS:
        window = text[start : start + MAX_CHARS]
        cut = max(window.rfind(c) for c in SOFT_BREAKS)
        cut = start + (cut + 1 if cut > MAX_CHARS // 3 else MAX_CHARS)
        pieces.append(_Unit(start, cut, [(start, cut)]))
        start = cut
    pieces.append(_Unit(start, end, [(start, end)]))
    return pieces


def _pack(units: list[_Unit], section_start: int, target: int):
    """Greedy packing of units into passages of about `target` characters, never over MAX_CHARS.

    The first passage begins at the section heading so that every character is cited somewhere.
    Yields (start, end, sentence spans).
    """
    if not units:
        return
    groups: list[list[_Unit]] = [[units[0]]]
    first_start = min(section_start, units[0].start)
    for unit in units[1:]:
        group = groups[-1]
        begin = first_start if len(groups) == 1 else group[0].start
        current, merged = group[-1].end - begin, unit.end - begin
        if merged <= target or (current < MIN_CHARS and merged <= MAX_CHARS):
            group.append(unit)
        else:
            groups.append([unit])
    # A short tail reads better joined to the passage before it.
    if len(groups) > 1:
        tail, prev = groups[-1], groups[-2]
        prev_begin = first_start if len(groups) == 2 else prev[0].start
        if tail[-1].end - tail[0].start < MIN_CHARS and tail[-1].end - prev_begin <= MAX_CHARS:
            prev.extend(groups.pop())
    for n, group in enumerate(groups):
        start = first_start if n == 0 else group[0].start
        yield start, group[-1].end, [span for unit in group for span in unit.sentences]
