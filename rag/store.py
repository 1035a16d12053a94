"""The index folder on disk: versioned builds, the manifest, the `current` switch, the build lock.

Layout::

    index/current -> builds/<id>      (a symlink, replaced in one rename)
    index/builds/<id>/manifest.json   embedder identity, corpus hashes, chunker version
    index/builds/<id>/chunks.jsonl    chunk records, in vector order
    index/builds/<id>/dense.faiss     inner-product index of passage vectors (exact, or HNSW when large)
    index/builds/<id>/sentences.faiss the same over sentence vectors (best-sentence scores, highlights)
    index/builds/<id>/sentences.npz   sentence spans: chunk row, start, end
    index/builds/<id>/lexicon.npz     corpus terms and vectors for English-to-Japanese matching
    index/builds/<id>/bm25/           bm25s data
    index/cache/                      passage vectors by content hash and model
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag import vector_index
from rag.chunking import Chunk
from rag.errors import IndexCorruptError, IndexStaleError, RagError
from rag.faults import checkpoint
from rag.lexicon import Lexicon
from rag.vector_index import IndexPlan

MANIFEST, CHUNKS, DENSE, SENTENCE_DENSE, SENTENCES, LEXICON, BM25_DIR = (
    "manifest.json",
    "chunks.jsonl",
    "dense.faiss",
    "sentences.faiss",
    "sentences.npz",
    "lexicon.npz",
    "bm25",
)
KEEP_BUILDS = 2  # the live build and the one before, for readers still holding it
REBUILD = "run: rag build"


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
    sentence_dense: object = None  # faiss.Index over the sentence vectors


def current_build(index_dir: Path) -> Path | None:
    link = index_dir / "current"
    if not link.is_symlink() and not link.exists():
        return None
    return (index_dir / os.readlink(link)) if link.is_symlink() else link


def build_id(index_dir: Path) -> str | None:
    """What `current` points at; changes exactly when a new build is switched in."""
    link = index_dir / "current"
    return os.readlink(link) if link.is_symlink() else None


def new_build_folder(index_dir: Path) -> Path:
    (index_dir / "builds").mkdir(parents=True, exist_ok=True)
    now = time.time()  # microseconds too: two builds in one second must not share a folder
    name = time.strftime("%Y%m%dT%H%M%S", time.localtime(now)) + f"{now % 1:.6f}"[1:] + f"-{os.getpid()}"
    folder = index_dir / "builds" / f".partial-{name}"
    folder.mkdir()
    return folder


def publish(index_dir: Path, partial: Path) -> Path:
    """Make a finished build live: rename it into place, then swap `current` in one rename."""
    final = partial.with_name(partial.name.removeprefix(".partial-"))
    os.replace(partial, final)
    checkpoint("renamed")
    tmp_link = index_dir / f".current-{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(os.path.relpath(final, index_dir), tmp_link)
    _fsync_dir(final)
    os.replace(tmp_link, index_dir / "current")
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
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def build_lock(index_dir: Path, *, wait: bool = False, log=print):
    """One build at a time; a second one stops with a clear message, or says it waits and waits."""
    index_dir.mkdir(parents=True, exist_ok=True)
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
) -> None:
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
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    write_vector_indexes(folder, manifest, passages=vectors, sentences=sentence_vectors)
    bm25.save(str(folder / BM25_DIR), show_progress=False)
    np.savez(folder / SENTENCES, spans=sentence_spans)
    np.savez(folder / LEXICON, terms=np.array(lexicon.terms, dtype=str), vectors=lexicon.vectors)
    # The manifest goes last: a folder with a manifest is a complete build.
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def vector_plans(manifest: dict) -> dict[str, IndexPlan]:
    """The FAISS index kind of the passages and of the sentences, as the build chose them."""
    recorded = manifest.get("vector_index", {})
    return {name: IndexPlan.from_json(recorded.get(name)) for name in ("passages", "sentences")}


def write_vector_indexes(folder: Path, manifest: dict, *, passages: np.ndarray, sentences: np.ndarray) -> None:
    import faiss

    plans = vector_plans(manifest)
    for name, vectors, file in (("passages", passages, DENSE), ("sentences", sentences, SENTENCE_DENSE)):
        faiss.write_index(vector_index.build(vectors, plans[name]), str(folder / file))


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
    if not isinstance(manifest, dict) or "corpus" not in manifest or "embedder" not in manifest:
        raise IndexCorruptError(f"{path} lacks corpus or embedder fields; {REBUILD}")
    return manifest


def check_fresh(manifest: dict, *, corpus: dict[str, str], embedder: dict, chunker: int) -> None:
    """Refuse an index built from other text, another model or another chunker."""
    built = manifest.get("corpus", {})
    changed = sorted(k for k in corpus.keys() & built.keys() if corpus[k] != built[k])
    added, removed = sorted(corpus.keys() - built.keys()), sorted(built.keys() - corpus.keys())
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


def load_build(folder: Path) -> LoadedIndex:
    import bm25s

    manifest = read_manifest(folder)
    chunks = load_chunks(folder)
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
        with np.load(folder / LEXICON) as data:
            lexicon = Lexicon(data["terms"].tolist(), data["vectors"])
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{folder} has damaged BM25 or sentence data ({exc}); {REBUILD}") from None
    if bm25.scores["num_docs"] != len(chunks):
        raise IndexCorruptError(f"{folder / BM25_DIR} does not match {CHUNKS}; {REBUILD}")
    sentence_dense = read_vector_index(folder, SENTENCE_DENSE, plans["sentences"], rows=len(spans), dim=dim)
    sentence_vectors = vector_index.stored_vectors(sentence_dense)
    return LoadedIndex(folder, manifest, chunks, dense, bm25, spans, sentence_vectors, lexicon, sentence_dense)


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
    )
