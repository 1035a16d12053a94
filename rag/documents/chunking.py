"""Cutting sections into citable `Chunk`s: sentences and bullet lines, stable ids, exact offsets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property

from rag.documents.corpus import Document
from rag.documents.normalize import search_form
from rag.documents.sectioners import Block, Section, is_content, sections_of, split_blocks
from rag.documents.sectioners.base import BULLET
from rag.documents.sentences import sentence_ends, split_sentences
from rag.documents.slide_numbers import is_slide_number

CHUNKER_VERSION = 8  # 8: no sentence cut at a 。 inside brackets, none of markup only, none over a slide number
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
    page: int | None = None  # PDFs: the 1-based page where the passage starts
    pages: tuple[int, int] | None = None  # PDFs: its first and last page

    @property
    def section_label(self) -> str:
        return PATH_SEPARATOR.join(self.section)

    @cached_property  # the indexer asks for it several times; a frozen record may cache in its __dict__
    def indexed_text(self) -> str:
        """What is embedded and BM25-indexed, in search form (rag.documents.normalize): the section path gives the
        passage its context.

        The document title is left out: shared by every passage, it only blurs them together.
        """
        path = self.section[1:] or self.section
        return f"{search_form(PATH_SEPARATOR.join(path))}\n{search_form(self.text)}"

    def sentence_texts(self) -> list[str]:
        """Each sentence in search form: what the highlighter embeds."""
        return [search_form(self.text[start - self.start : end - self.start]) for start, end in self.sentences]


def chunk_documents(documents: list[Document], *, target: int = TARGET_CHARS) -> list[Chunk]:
    """Passages of all documents; ids are unique across them all."""
    chunks: list[Chunk] = []
    used_ids: set[str] = set()
    for doc in documents:
        chunks.extend(chunk_document(doc, target=target, used_ids=used_ids))
    return chunks


def chunk_document(doc: Document, *, target: int = TARGET_CHARS, used_ids: set[str] | None = None) -> list[Chunk]:
    title = doc.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    used_ids = set() if used_ids is None else used_ids
    chunks: list[Chunk] = []
    sections = sections_of(doc.text, kind=doc.kind, fallback_title=title)
    if not sections and doc.text.strip():
        # A lone line (「OSAの令和9年度予算は500億円とする」, "OK", a phone number) reads as a title with
        # nothing under it; indexing nothing would lose the document without a word. It is its own passage.
        blocks = tuple(split_blocks(doc.text))
        sections = [Section((title,), blocks[0].start, blocks)]
    for section in sections:
        for start, end, spans in _pack(section_units(doc.text, section), section.start, target):
            text = doc.text[start:end]
            chunk_id = _chunk_id(doc.source, section.path, text, used_ids)
            first, last = doc.page_at(start), doc.page_at(max(start, end - 1))
            pages = (first, last) if first is not None else None
            chunks.append(Chunk(chunk_id, doc.source, section.path, start, end, text, tuple(spans), first, pages))
    return chunks


def with_titles(documents: list[Document], chunks: list[Chunk]) -> list[Document]:
    """Each document with the title people see: its own (PDF metadata), else its first heading, else
    its file name (both are the root of its section paths)."""
    roots: dict[str, str] = {}
    for chunk in chunks:
        roots.setdefault(chunk.source, chunk.section[0] if chunk.section else chunk.source)
    return [replace(d, title=d.title or roots.get(d.source, d.source)) for d in documents]


def _chunk_id(source: str, path: tuple[str, ...], text: str, used: set[str]) -> str:
    """Derived from source, section and content, so unchanged text keeps its id; `used` spans the corpus."""
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
        _block_units(text, block, units)
    flush_captions()
    if orphans and units:
        units[0].start = orphans[0].start
    elif orphans:
        units = [_Unit(b.start, b.end, [(b.start, b.end)]) for b in orphans]
    return [piece for unit in units for piece in _split_long(text, unit)]


def _block_units(text: str, block: Block, units: list[_Unit]) -> None:
    """Sentences and bullet items of one block, appended to `units`.

    A sentence may run over line breaks (a PDF wraps it); a line with no sentence end of its own
    after a finished sentence, and not going on into the next line, rides with the unit before it
    (「(予算20億円、4か国)」 under its bullet).
    """
    running = False  # the last unit's sentence goes on in the next line
    lines = block.lines
    for k, line in enumerate(lines):
        if is_slide_number(line.text):  # a page footer, not part of any sentence: cited, never quoted
            if units:
                units[-1].end = max(units[-1].end, line.end)
            running = False
            continue
        ends = sentence_ends(text, line.start, line.end)
        pos = line.start
        if not BULLET.match(line.text) and units:
            goes_on = k + 1 < len(lines) and not BULLET.match(lines[k + 1].text)
            if running or not (ends or goes_on):
                pos = ends[0] if running and ends else line.end
                units[-1].end = pos
                units[-1].sentences[-1] = (units[-1].sentences[-1][0], pos)
        if text[pos : line.end].strip():
            units.extend(_Unit(a, b, [(a, b)]) for a, b in split_sentences(text, pos, line.end))
        running = not (ends and not text[ends[-1] : line.end].strip())


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
