"""Reading `corpus/`: which files count, the corpus boundary, and `Document` records.

The boundary: nothing outside the corpus folder is read. A file or folder that is a symlink
resolving outside it is skipped with a note; one resolving inside is read, but every file is
indexed once, under its own path when that is visible, else under the first link to it.
"""

from __future__ import annotations

import hashlib
import os
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from rag.documents.readers import SUFFIXES, SkipFile, reader_for
from rag.errors import RagError, disk_error

MAX_FILE_BYTES = 10 * 1024 * 1024  # a briefing's text is kilobytes; 10 MB of text means a wrong file
MAX_PDF_BYTES = 200 * 1024 * 1024  # fonts and photos make PDFs big; 200 MB means a wrong file
KINDS = ("text", "markdown", "pdf")


@dataclass(frozen=True)
class Document:
    source: str  # path relative to the corpus folder, with forward slashes
    text: str  # the text as read or extracted: citations are character offsets into it
    sha256: str  # of the file's bytes
    kind: str = "text"  # "text", "markdown" or "pdf" (rag.documents.readers)
    title: str | None = None  # its own title (PDF metadata or first heading); None: not known yet
    page_starts: tuple[int, ...] = ()  # PDFs: the offset in `text` where each page begins

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding text[offset], for PDFs; None for other documents."""
        return bisect_right(self.page_starts, offset) if self.page_starts else None


def corpus_files(folder: Path, *, log=None) -> list[Path]:
    """Every readable file under `folder` once, sorted by path; hidden ones and ones outside left out."""
    if not folder.is_dir():
        raise RagError(f"corpus folder {folder} does not exist; create it and add .txt, .md or .pdf files")
    root, note = folder.resolve(), log or (lambda _: None)
    found: dict[Path, Path] = {}  # real file -> the path it is read under
    for path in sorted(_walk(folder, root), key=Path.is_symlink):  # own paths before links to them
        name = path.relative_to(folder).as_posix()
        real = path.resolve()
        if not real.is_relative_to(root):
            note(f"note: {name}{'/' if real.is_dir() else ''} links outside the corpus folder; skipped")
        elif path.suffix.lower() in SUFFIXES and real.is_file():
            found.setdefault(real, path)  # a file reached twice (through a link) is read once
    return sorted(found.values(), key=lambda p: p.relative_to(folder).as_posix())


def _walk(folder: Path, root: Path):
    """Files under `folder` and links that lead outside it, never hidden ones. Real folders are walked
    before links to folders, so a file is found under its own path first; each folder is walked once."""
    walked, links, queue = set(), [], [folder]
    while queue or links:
        current = queue.pop() if queue else links.pop(0)
        if current.resolve() in walked:
            continue
        walked.add(current.resolve())
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if not entry.is_dir(follow_symlinks=True):
                yield path
            elif not path.resolve().is_relative_to(root):
                yield path  # reported by the caller, never entered
            else:
                (links if entry.is_symlink() else queue).append(path)


def read_corpus(folder: Path, *, log=print, already_indexed: frozenset[str] = frozenset()) -> list[Document]:
    """Every readable file under `folder`, sorted by path; duplicates by content are kept once.

    Of two identical files, the one already in the index keeps its place, so citations stay put.
    A file with no text to read (an encrypted or scanned PDF, an empty file) is skipped with a note.
    """
    files = corpus_files(folder, log=log)
    files.sort(key=lambda p: p.relative_to(folder).as_posix() not in already_indexed)
    documents, seen = [], {}
    for path in files:
        try:
            doc = read_document(path, folder)
        except SkipFile as skip:
            log(f"note: skipped {path.relative_to(folder).as_posix()}: it {skip}")
            continue
        if doc.sha256 in seen:
            # The same text twice would only give every answer a twin citation.
            log(f"note: {doc.source} has the same content as {seen[doc.sha256]}; indexing it once")
            continue
        seen[doc.sha256] = doc.source
        documents.append(doc)
    if not documents:
        raise RagError(
            f"corpus folder {folder} has no readable .txt, .md or .pdf files; add the briefing and run: rag build"
        )
    return sorted(documents, key=lambda d: d.source)


def read_document(path: Path, folder: Path) -> Document:
    """One file through the reader for its format; RagError stops the build, SkipFile leaves the file out."""
    source = path.relative_to(folder).as_posix()
    reader = reader_for(path.suffix)
    size, is_pdf = path.stat().st_size, path.suffix.lower() == ".pdf"
    limit = MAX_PDF_BYTES if is_pdf else MAX_FILE_BYTES
    if size > limit:
        raise RagError(
            f"{path}: {size / 1e6:.1f} MB is over the {limit // 2**20} MB limit for a "
            f"{'PDF' if is_pdf else 'corpus file'}; split it or remove it from corpus/"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise disk_error(exc, writing=False) from None
    extracted = reader(raw, path)
    return Document(
        source,
        extracted.text,
        hashlib.sha256(raw).hexdigest(),
        extracted.kind,
        extracted.title,
        extracted.page_starts,
    )


def corpus_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every corpus file's bytes, duplicates and skipped files included: what an index was built from."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus_files(folder)}
