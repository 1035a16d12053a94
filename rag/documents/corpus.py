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
from rag.terminal import shown

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
            note(f"note: {shown(name + ('/' if real.is_dir() else ''))} links outside the corpus folder; skipped")
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


def read_corpus(
    folder: Path, *, log=print, already_indexed: frozenset[str] = frozenset(), hashes: dict[str, str] | None = None
) -> list[Document]:
    """Every readable file under `folder`, sorted by path; duplicates by content are kept once.

    Of two identical files, the one already in the index keeps its place, so citations stay put.
    A file with no text to read (an encrypted or scanned PDF, an empty file) is skipped with a note.
    `hashes`, when given, receives the sha256 of the bytes read of every file, skipped and duplicate
    ones included: what the index is built from, even if a file changes while the build runs.
    """
    files = corpus_files(folder, log=log)
    files.sort(key=lambda p: p.relative_to(folder).as_posix() not in already_indexed)
    documents, seen = [], {}
    for path in files:
        raw = _read_bytes(path)
        if hashes is not None:
            hashes[path.relative_to(folder).as_posix()] = hashlib.sha256(raw).hexdigest()
        try:
            doc = document_from_bytes(raw, path, folder)
        except SkipFile as skip:
            log(f"note: skipped {shown(path.relative_to(folder).as_posix())}: it {skip}")
            continue
        if doc.sha256 in seen:
            # The same text twice would only give every answer a twin citation.
            log(f"note: {shown(doc.source)} has the same content as {shown(seen[doc.sha256])}; indexing it once")
            continue
        seen[doc.sha256] = doc.source
        documents.append(doc)
    if not documents:
        raise RagError(
            f"corpus folder {folder} has no readable .txt, .md or .pdf files; add documents and run: rag build"
        )
    return sorted(documents, key=lambda d: d.source)


def read_document(path: Path, folder: Path) -> Document:
    """One file through the reader for its format; RagError stops the build, SkipFile leaves the file out."""
    return document_from_bytes(_read_bytes(path), path, folder)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refused unread when over its format's size limit."""
    is_pdf = path.suffix.lower() == ".pdf"
    limit = MAX_PDF_BYTES if is_pdf else MAX_FILE_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise RagError(
                f"{shown(path)}: {size / 1e6:.1f} MB is over the {limit // 2**20} MB limit for a "
                f"{'PDF' if is_pdf else 'corpus file'}; split it or remove it from corpus/"
            )
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)  # a file that grew past the limit since stat() is still refused
    except OSError as exc:
        raise disk_error(exc, writing=False) from None
    if len(raw) > limit:
        raise RagError(f"{shown(path)}: grew over the {limit // 2**20} MB limit while being read; try again")
    return raw


def document_from_bytes(raw: bytes, path: Path, folder: Path) -> Document:
    """A file's bytes through the reader for its format; its hash is of these very bytes."""
    source = path.relative_to(folder).as_posix()
    extracted = reader_for(path.suffix)(raw, path)
    return Document(
        source,
        extracted.text,
        hashlib.sha256(raw).hexdigest(),
        extracted.kind,
        extracted.title,
        extracted.page_starts,
    )


def corpus_hashes(folder: Path, *, memo: dict | None = None) -> dict[str, str]:
    """sha256 of every corpus file's bytes, duplicates and skipped files included: what an index was built from.

    With `memo` (kept by the caller between calls), a file whose size, times and inode are unchanged
    is not read again: a running server checks freshness per request at the cost of a stat.
    """
    hashes = {}
    for path in corpus_files(folder):
        name = path.relative_to(folder).as_posix()
        if memo is None:
            hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest()
            continue
        info = path.stat()
        signature = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        known = memo.get(name)
        if known is None or known[0] != signature:
            known = memo[name] = (signature, hashlib.sha256(path.read_bytes()).hexdigest())
        hashes[name] = known[1]
    return hashes
