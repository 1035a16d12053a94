"""Reading `corpus/`: which files count, decoding them, and `Document` records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError

SUFFIXES = (".txt", ".md")
MAX_FILE_BYTES = 10 * 1024 * 1024  # a briefing is kilobytes; 10 MB means a wrong file


@dataclass(frozen=True)
class Document:
    source: str  # path relative to the corpus folder, with forward slashes
    text: str  # decoded verbatim: citations are character offsets into it
    sha256: str


def corpus_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise RagError(f"corpus folder {folder} does not exist; create it and add .txt or .md files")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def read_corpus(folder: Path, *, log=print, already_indexed: frozenset[str] = frozenset()) -> list[Document]:
    """Every .txt/.md file under `folder`, sorted by path; duplicates by content are kept once.

    Of two identical files, the one already in the index keeps its place, so citations stay put.
    """
    files = sorted(corpus_files(folder), key=lambda p: p.relative_to(folder).as_posix() not in already_indexed)
    if not files:
        raise RagError(f"corpus folder {folder} has no .txt or .md files; add the briefing's text and run: rag build")
    documents, seen = [], {}
    for path in files:
        doc = read_document(path, folder)
        if doc.sha256 in seen:
            # The same text twice would only give every answer a twin citation.
            log(f"note: {doc.source} has the same content as {seen[doc.sha256]}; indexing it once")
            continue
        seen[doc.sha256] = doc.source
        documents.append(doc)
    return sorted(documents, key=lambda d: d.source)


def read_document(path: Path, folder: Path) -> Document:
    source = path.relative_to(folder).as_posix()
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RagError(
            f"{path}: {size / 1e6:.1f} MB is over the {MAX_FILE_BYTES // 2**20} MB limit for a "
            "corpus file; split it or remove it from corpus/"
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise RagError(f"{path}: looks binary (contains NUL bytes); corpus files must be UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RagError(f"{path}: not UTF-8 (byte {exc.start}); convert it, e.g. iconv -f SHIFT_JIS -t UTF-8") from exc
    if not text.strip():
        raise RagError(f"{path}: is empty; add text or remove it from corpus/")
    return Document(source, text, hashlib.sha256(raw).hexdigest())


def corpus_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every corpus file, duplicates included: what an index must have been built from."""
    return {d.source: d.sha256 for d in (read_document(p, folder) for p in corpus_files(folder))}
