"""The index folder on disk: versioned builds, the manifest, the `current` switch, the build lock.

Layout::

    index/current -> builds/<id>      (a symlink, replaced in one rename)
    index/builds/<id>/manifest.json   embedder identity, corpus hashes, chunker version, file checksums
    index/builds/<id>/chunks.jsonl    chunk records, in vector order
    index/builds/<id>/documents.jsonl each document's text as read (what offsets point into), title, pages
    index/builds/<id>/dense.faiss     inner-product index of passage vectors (exact, or HNSW when large)
    index/builds/<id>/sentences.faiss the same over sentence vectors (best-sentence scores, highlights)
    index/builds/<id>/sentences.npz   sentence spans: chunk row, start, end
    index/builds/<id>/lexicon.npz     corpus terms and vectors for English-to-Japanese matching
    index/builds/<id>/bm25/           bm25s data
    index/cache/                      passage vectors by content hash and model
    index/.server-key                 the secret a running `rag serve` proves it holds (rag/serve/proof.py)

Who can read it: everything is created private (0700 folders) and then given the corpus folder's
read access and no more (`access_modes`): an index holds the full text of the corpus, so it must
never be readable by a user who cannot read the corpus itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.documents.chunking import Chunk
from rag.documents.corpus import Document
from rag.errors import REBUILD, IndexCorruptError, IndexStaleError, RagError, about
from rag.index import checksums, vector_index
from rag.index.stages import reached
from rag.index.vector_index import IndexPlan
from rag.search.lexicon import Lexicon
from rag.search.passage_terms import PassageTerms
from rag.terminal import shown

MANIFEST, CHUNKS, DENSE, SENTENCE_DENSE, SENTENCES, LEXICON, BM25_DIR = (
    "manifest.json",
    "chunks.jsonl",
    "dense.faiss",
    "sentences.faiss",
    "sentences.npz",
    "lexicon.npz",
    "bm25",
)
DOCUMENTS = "documents.jsonl"
KEY_FILE = ".server-key"  # rag.serve.proof.KEY_FILE: only the server and its user may read it
BM25_EN_DIR = "bm25_en"  # the English field: the passages' words glossed through JMdict (rag.search.english)
TERMS = "terms.npz"  # each passage's tokens in order, with its sentences' and heading's (rag.search.passage_terms)
JUDGE = "judge.npz"  # arrays the answer status is judged with, measured at build (rag.answer.judge_calibration)
KEEP_BUILDS = 2  # the live build and the one before, for readers still holding it


@dataclass
class LoadedIndex:
    folder: Path
    manifest: dict
    chunks: list[Chunk]
    dense: object  # faiss.Index
    bm25: object  # bm25s.BM25
    sentence_spans: np.ndarray  # [n, 3] chunk row, start, end; each chunk's sentences are contiguous
    sentence_vectors: np.ndarray  # [n, dim], a view into sentence_dense
    lexicon: Lexicon
    documents: dict[str, Document] = field(default_factory=dict)  # by source: the text offsets point into
    sentence_dense: object = None  # faiss.Index over the sentence vectors
    judge: dict[str, np.ndarray] = field(default_factory=dict)  # "hub" per passage, the message classifier
    bm25_en: object = None  # bm25s.BM25 over the English field
    terms: PassageTerms | None = None  # what the reranker reads (rag.search.rerank)


def current_build(index_dir: Path) -> Path | None:
    link = index_dir / "current"
    if not link.is_symlink() and not link.exists():
        return None
    return (index_dir / os.readlink(link)) if link.is_symlink() else link


def live_folder(index_dir: Path) -> Path:
    """The build folder `current` points at, or a RagError saying why there is none."""
    folder = current_build(index_dir)
    if folder is None:
        raise IndexStaleError(f"no index in {index_dir}; {REBUILD}")
    link = index_dir / "current"
    if not link.is_symlink() and link.is_dir():
        raise IndexCorruptError(f"{link} is a folder, not a link to a build; {REBUILD} (it moves the folder aside)")
    if not folder.exists():
        raise IndexCorruptError(f"{index_dir / 'current'} points at {folder}, which does not exist; {REBUILD}")
    if not folder.is_dir():
        link = index_dir / "current"
        what = f"points at {folder}, which is not a build folder" if link.is_symlink() else "is not a link to a build"
        raise IndexCorruptError(f"{link} {what}; {REBUILD}")
    return folder


def build_id(index_dir: Path) -> str | None:
    """What `current` points at; changes exactly when a new build is switched in (None if unreadable)."""
    try:
        return os.readlink(index_dir / "current")
    except OSError:  # no link, not a link, or no permission: loading then says which
        return None


@contextlib.contextmanager
def partial_build(index_dir: Path):
    """A new `.partial-*` build folder, removed again if anything fails before it is published."""
    folder = new_build_folder(index_dir)
    try:
        with about(folder):  # a failed write() names no file; the folder is the best guess
            yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # gone already once published (renamed)
        raise


def new_build_folder(index_dir: Path) -> Path:
    (index_dir / "builds").mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = index_dir / "builds" / f".partial-{_build_name()}"
    folder.mkdir(mode=0o700)  # private while written; `restrict` opens it up as far as the corpus is
    return folder


def _build_name() -> str:
    now = time.time()  # microseconds too: two builds in one second must not share a folder
    return time.strftime("%Y%m%dT%H%M%S", time.localtime(now)) + f"{now % 1:.6f}"[1:] + f"-{os.getpid()}"


def repair_current(index_dir: Path) -> Path | None:
    """A `current` that is a real folder (not the link a build leaves) blocks the switch: moved into
    builds/ under a build name, so the next build prunes it. Returns where it went, or None."""
    link = index_dir / "current"
    if link.is_symlink() or not link.is_dir():
        return None
    (index_dir / "builds").mkdir(mode=0o700, parents=True, exist_ok=True)
    moved = index_dir / "builds" / f"{_build_name()}-was-current"
    os.replace(link, moved)
    return moved


def access_modes(corpus_dir: Path) -> tuple[int, int]:
    """(folder mode, file mode) for the index: read access for group and others only where the corpus
    folder grants it, never write. corpus 0700 -> (0o700, 0o600); corpus 0755 -> (0o755, 0o644)."""
    try:
        shared = corpus_dir.stat().st_mode & 0o044
    except OSError:
        shared = 0
    return 0o700 | shared | (shared >> 2), 0o600 | shared


def restrict(root: Path, modes: tuple[int, int], *, made_root: bool = False) -> None:
    """Give everything under `root` (links not followed) the group and other bits of `modes`; owners'
    bits stay as they are (a folder made read-only stays so), and the key file stays 0600.

    `root` itself, unless this build `made_root`, may be a folder the user named (--index-dir): it is
    only ever tightened, and only when it is an index or build folder that is not a shared one like /tmp.
    """
    folder_mode, file_mode = modes
    info = root.stat()
    if made_root:
        _set_shared_bits(str(root), folder_mode)
    elif stat.S_ISDIR(info.st_mode) and not info.st_mode & stat.S_ISVTX and _ours(root):
        _set_shared_bits(str(root), info.st_mode & folder_mode & 0o077)
    for path, dirs, files in os.walk(root):
        for name in dirs:
            _set_shared_bits(os.path.join(path, name), folder_mode)
        for name in files:
            if name != KEY_FILE:
                _set_shared_bits(os.path.join(path, name), file_mode)


def _set_shared_bits(path: str, mode: int) -> None:
    info = os.lstat(path)
    if not stat.S_ISLNK(info.st_mode) and info.st_mode & 0o077 != mode & 0o077:
        os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o077 | (mode & 0o077))


def _ours(folder: Path) -> bool:
    """An index folder or a build folder: what `rag build` made, so its mode is ours to set."""
    return any((folder / name).exists() or (folder / name).is_symlink() for name in ("builds", "current", MANIFEST))


def publish(index_dir: Path, partial: Path) -> Path:
    """Make a finished build live: rename it into place, then swap `current` in one rename."""
    final = partial.with_name(partial.name.removeprefix(".partial-"))
    os.replace(partial, final)
    reached("renamed")
    tmp_link = index_dir / f".current-{os.getpid()}"
    try:
        if tmp_link.is_symlink():
            tmp_link.unlink()
        os.symlink(os.path.relpath(final, index_dir), tmp_link)
        _fsync_dir(final)
        os.replace(tmp_link, index_dir / "current")
    except BaseException:  # not switched: the live build stays, this one goes
        tmp_link.unlink(missing_ok=True)
        shutil.rmtree(final, ignore_errors=True)
        raise
    _fsync_dir(index_dir)
    _prune(index_dir, keep=final)
    return final


def _prune(index_dir: Path, *, keep: Path) -> None:
    """Drop all but the live build and the newest other one (a reader may still be loading it)."""
    builds = sorted(p for p in (index_dir / "builds").iterdir() if p.is_dir())
    finished = [p for p in builds if not p.name.startswith(".partial-") and p != keep]
    for old in finished[: -(KEEP_BUILDS - 1)]:
        shutil.rmtree(old, ignore_errors=True)
    for partial in (p for p in builds if p.name.startswith(".partial-")):
        if not _pid_alive(partial.name.rsplit("-", 1)[-1]):
            shutil.rmtree(partial, ignore_errors=True)  # left by a killed build


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        with about(path):
            os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def build_lock(index_dir: Path, *, wait: bool = False, log=print):
    """One build at a time; a second one stops with a clear message, or says it waits and waits."""
    index_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            if not wait:
                raise RagError(
                    f"another rag build is running ({holder}); wait for it or run: rag build --wait"
                ) from None
            log(f"waiting for another rag build ({holder}) to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        with about(index_dir / ".lock"):
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def in_memory_index(
    manifest, chunks, vectors, bm25, sentence_spans, sentence_vectors, lexicon, documents, bm25_en=None, terms=None
) -> LoadedIndex:
    """A build not yet written, searchable, for calibrating it before it is saved."""
    plans = vector_plans(manifest)
    dense = vector_index.build(vectors, plans["passages"])
    sentence_dense = vector_index.build(sentence_vectors, plans["sentences"])
    by_source = {d.source: d for d in documents}
    return LoadedIndex(
        None,
        manifest,
        chunks,
        dense,
        bm25,
        sentence_spans,
        sentence_vectors,
        lexicon,
        by_source,
        sentence_dense,
        bm25_en=bm25_en,
        terms=terms,
    )


def write_build(
    folder: Path,
    *,
    manifest: dict,
    chunks: list[Chunk],
    vectors: np.ndarray,
    bm25,
    sentence_spans: np.ndarray,
    sentence_vectors: np.ndarray,
    lexicon: Lexicon,
    documents: Sequence[Document] = (),
    judge: dict[str, np.ndarray] | None = None,
    bm25_en=None,
    terms: PassageTerms | None = None,
) -> None:
    with open(folder / DOCUMENTS, "w", encoding="utf-8") as f:
        for d in documents:
            record = {
                "source": d.source,
                "title": d.title,
                "kind": d.kind,
                "sha256": d.sha256,
                "page_starts": list(d.page_starts),
                "text": d.text,
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    with open(folder / CHUNKS, "w", encoding="utf-8") as f:
        for c in chunks:
            record = {
                "id": c.id,
                "source": c.source,
                "section": list(c.section),
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "sentences": [list(s) for s in c.sentences],
                "page": c.page,
                "pages": list(c.pages) if c.pages else None,
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    write_vector_indexes(folder, manifest, passages=vectors, sentences=sentence_vectors)
    bm25.save(str(folder / BM25_DIR), show_progress=False)
    if bm25_en is not None:
        bm25_en.save(str(folder / BM25_EN_DIR), show_progress=False)
    np.savez(folder / SENTENCES, spans=sentence_spans)
    lexicon.save(folder / LEXICON)
    np.savez(folder / JUDGE, **(judge or {}))
    if terms is not None:
        terms.save(folder / TERMS)
    write_manifest(folder, manifest)


def write_faiss(index, path: Path) -> None:
    """faiss.write_index can drop a failed write silently (a full disk gave a short file and no error):
    serialise in memory and write with Python, which raises."""
    import faiss

    with open(path, "wb") as f:
        f.write(memoryview(faiss.serialize_index(index)))


def write_manifest(folder: Path, manifest: dict) -> None:
    """Last: a folder with a manifest is a complete build, and the manifest vouches for every other file."""
    sealed = checksums.seal({**manifest, "files": checksums.describe_files(folder, skip=MANIFEST)})
    with open(folder / MANIFEST, "w", encoding="utf-8") as f:
        f.write(json.dumps(sealed, ensure_ascii=False, indent=2))
        f.flush()
        os.fsync(f.fileno())


def bm25_mode(manifest: dict) -> str:
    """The Sudachi split mode the build's BM25 was tokenised with (questions must be cut the same way)."""
    from rag.language.sudachi import DEFAULT_MODE

    return manifest.get("bm25_tokenizer", {}).get("mode", DEFAULT_MODE)


def vector_plans(manifest: dict) -> dict[str, IndexPlan]:
    """The FAISS index kind of the passages and of the sentences, as the build chose them."""
    recorded = manifest.get("vector_index", {})
    return {name: IndexPlan.from_json(recorded.get(name)) for name in ("passages", "sentences")}


def write_vector_indexes(folder: Path, manifest: dict, *, passages: np.ndarray, sentences: np.ndarray) -> None:
    plans = vector_plans(manifest)
    for name, vectors, file in (("passages", passages, DENSE), ("sentences", sentences, SENTENCE_DENSE)):
        write_faiss(vector_index.build(vectors, plans[name]), folder / file)


def read_vector_index(folder: Path, file: str, plan: IndexPlan, *, rows: int, dim) -> object:
    """A FAISS index of the build, checked to hold `rows` vectors of `dim` and set up for searching."""
    import faiss

    path = folder / file
    if not path.exists():
        raise IndexCorruptError(f"{path} is missing; the index is incomplete or older than this version, {REBUILD}")
    try:
        index = faiss.read_index(str(path))
    except RuntimeError:
        raise IndexCorruptError(f"{path} is unreadable (truncated or damaged); {REBUILD}") from None
    if index.ntotal != rows or index.d != dim:
        raise IndexCorruptError(
            f"{path} holds {index.ntotal} vectors of dim {index.d} but the build has {rows} of dim {dim}; {REBUILD}"
        )
    vector_index.configure(index, plan)
    return index


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorruptError(f"{path} is missing; the index is incomplete, {REBUILD}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexCorruptError(f"{path} is not valid JSON; the index is damaged, {REBUILD}") from None
    if not isinstance(manifest, dict):
        raise IndexCorruptError(f"{path} is not a JSON object; the index is damaged, {REBUILD}")
    if "checksum" not in manifest:
        raise IndexStaleError(f"{path} has no checksums (built by an older version); {REBUILD}")
    if not checksums.is_sealed(manifest):
        raise IndexCorruptError(f"{path} does not match its checksum: damaged on disk; {REBUILD}")
    if "corpus" not in manifest or "embedder" not in manifest:
        raise IndexCorruptError(f"{path} lacks corpus or embedder fields; {REBUILD}")
    return manifest


def check_fresh(manifest: dict, *, corpus: dict[str, str], embedder: dict, chunker: int) -> None:
    """Refuse an index built from other text, another model, another chunker, or other dictionaries,
    data files or settings (rag.index.provenance)."""
    built = manifest.get("corpus", {})
    changed = [shown(k) for k in sorted(k for k in corpus.keys() & built.keys() if corpus[k] != built[k])]
    added = [shown(k) for k in sorted(corpus.keys() - built.keys())]
    removed = [shown(k) for k in sorted(built.keys() - corpus.keys())]
    problems = []
    if changed:
        problems.append("changed: " + ", ".join(changed))
    if added:
        problems.append("new: " + ", ".join(added))
    if removed:
        problems.append("removed: " + ", ".join(removed))
    if problems:
        raise IndexStaleError(f"corpus differs from the index ({'; '.join(problems)}); {REBUILD}")
    mine = manifest.get("embedder", {})
    for key in ("name", "weights_sha256", "dim", "query_prompt", "passage_prompt"):
        if mine.get(key) != embedder.get(key):
            raise IndexStaleError(
                f"index was built with embedder {mine.get('name')!r} ({key} differs from "
                f"{embedder.get('name')!r}); {REBUILD}"
            )
    if manifest.get("chunker_version") != chunker:
        raise IndexStaleError(
            f"index was built by chunker v{manifest.get('chunker_version')}, this is v{chunker}; {REBUILD}"
        )
    from rag.index.provenance import differences, provenance

    if changed := differences(manifest.get("provenance"), provenance()):
        shown_changes = ", ".join(changed[:4]) + (f" and {len(changed) - 4} more" if len(changed) > 4 else "")
        raise IndexStaleError(f"index was built with other dictionaries or settings ({shown_changes}); {REBUILD}")


def load_build(folder: Path) -> LoadedIndex:
    """A build, checked byte for byte against its manifest before any file is parsed."""
    import bm25s

    if not folder.is_dir():
        raise IndexCorruptError(f"{folder} is not a build folder; {REBUILD}")
    manifest = read_manifest(folder)
    checksums.verify_files(folder, manifest.get("files"))
    chunks = load_chunks(folder)
    documents = load_documents(folder)
    if missing := sorted({c.source for c in chunks} - documents.keys()):
        raise IndexCorruptError(f"{folder / DOCUMENTS} lacks {', '.join(missing)}; {REBUILD}")
    try:
        plans = vector_plans(manifest)
    except (TypeError, ValueError) as exc:
        raise IndexCorruptError(f"{folder / MANIFEST} has a bad vector_index entry ({exc}); {REBUILD}") from None
    dim = manifest["embedder"].get("dim")
    dense = read_vector_index(folder, DENSE, plans["passages"], rows=len(chunks), dim=dim)
    try:
        bm25 = bm25s.BM25.load(str(folder / BM25_DIR), show_progress=False)
        with np.load(folder / SENTENCES) as data:
            spans = data["spans"]
        lexicon = Lexicon.load(folder / LEXICON)
        with np.load(folder / JUDGE) as data:
            judge = {name: data[name] for name in data.files}
        bm25_en = None
        if manifest.get("english_field"):
            bm25_en = bm25s.BM25.load(str(folder / BM25_EN_DIR), show_progress=False)
        terms = PassageTerms.load(folder / TERMS) if TERMS in manifest.get("files", {}) else None
    except FileNotFoundError:
        raise IndexStaleError(f"{folder} was built by an older version (no {JUDGE}); {REBUILD}") from None
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{folder} has damaged BM25 or sentence data ({exc}); {REBUILD}") from None
    if bm25.scores["num_docs"] != len(chunks) or (bm25_en is not None and bm25_en.scores["num_docs"] != len(chunks)):
        raise IndexCorruptError(f"{folder / BM25_DIR} does not match {CHUNKS}; {REBUILD}")
    sentence_dense = read_vector_index(folder, SENTENCE_DENSE, plans["sentences"], rows=len(spans), dim=dim)
    sentence_vectors = vector_index.stored_vectors(sentence_dense)
    if "hub" in judge and len(judge["hub"]) != len(chunks):
        raise IndexCorruptError(f"{folder / JUDGE} does not match {CHUNKS}; {REBUILD}")
    if manifest.get("reranker") and terms is None:
        raise IndexCorruptError(f"{folder} has a reranker but no {TERMS}; {REBUILD}")
    if terms is not None and not terms.matches(len(chunks), len(spans)):
        raise IndexCorruptError(f"{folder / TERMS} does not match {CHUNKS}; {REBUILD}")
    return LoadedIndex(
        folder,
        manifest,
        chunks,
        dense,
        bm25,
        spans,
        sentence_vectors,
        lexicon,
        documents,
        sentence_dense,
        judge,
        bm25_en,
        terms,
    )


def load_documents(folder: Path) -> dict[str, Document]:
    path = folder / DOCUMENTS
    try:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        documents = [
            Document(r["source"], r["text"], r["sha256"], r["kind"], r["title"], tuple(r["page_starts"]))
            for r in records
        ]
    except FileNotFoundError:
        raise IndexCorruptError(f"{path} is missing; {REBUILD}") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
        raise IndexCorruptError(f"{path} has a damaged record; {REBUILD}") from None
    return {d.source: d for d in documents}


def load_chunks(folder: Path) -> list[Chunk]:
    path = folder / CHUNKS
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [_chunk_from_record(json.loads(line)) for line in lines]
    except FileNotFoundError:
        raise IndexCorruptError(f"{path} is missing; {REBUILD}") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
        raise IndexCorruptError(f"{path} has a damaged record; {REBUILD}") from None


def _chunk_from_record(r: dict) -> Chunk:
    return Chunk(
        r["id"],
        r["source"],
        tuple(r["section"]),
        r["start"],
        r["end"],
        r["text"],
        tuple(tuple(s) for s in r["sentences"]),
        r.get("page"),
        tuple(r["pages"]) if r.get("pages") else None,
    )
