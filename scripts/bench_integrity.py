"""What checking a build's checksums costs, next to loading it: on a real build, or a synthetic one of N passages.

    python scripts/bench_integrity.py --index-dir index          # the live build of an index folder
    python scripts/bench_integrity.py --synthetic 100000         # a made-up build of 100k passages (temp folder)

Prints JSON: bytes per file, the build-time cost (hash + fsync of every file), the load-time check with the
files in the page cache (just written or recently read) and out of it (evicted with posix_fadvise, for our
files only), the whole load_build for comparison, and the raw speed of sha256 and blake2b here.
The CPU may be shared: the figures are indicative; run it again on a quiet machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.documents.chunking import Chunk  # noqa: E402
from rag.index import checksums, store  # noqa: E402
from rag.search.lexicon import Lexicon  # noqa: E402

# Shape of a synthetic build, per passage, taken from the briefing's real build (31 passages,
# 161 sentences, ~1 KB of JSON per chunk record) and e5-small's 384 dimensions.
SENTENCES_PER_PASSAGE = 161 / 31
PASSAGE_CHARS = 330
TOKENS_PER_PASSAGE = 120


def timed(fn, repeat: int = 3) -> float:
    """Median seconds of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def evict(folder: Path) -> None:
    """Drop our files from the page cache (only ours: other people's caches stay)."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def cold(fn, folder: Path, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        evict(folder)
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def hash_speed(mb: int = 256) -> dict:
    data = os.urandom(mb << 20)
    return {name: round(mb / timed(lambda n=name: hashlib.new(n, data).digest()), 0) for name in ("sha256", "blake2b")}


def synthetic_build(folder: Path, passages: int, *, dim: int, terms: int, seed: int = 0) -> dict:
    """Write a build of `passages` made-up passages with store.write_build, as `rag build` would."""
    import bm25s

    rng = np.random.default_rng(seed)

    def unit(n: int) -> np.ndarray:
        v = rng.standard_normal((n, dim), dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    n_sentences = round(passages * SENTENCES_PER_PASSAGE)
    text = "外交力の強化について。" * (PASSAGE_CHARS // 11)
    chunks = [
        Chunk(f"{i:012x}", f"doc{i // 100}.md", ("文書", f"節{i}"), 0, len(text), text, ((0, len(text)),))
        for i in range(passages)
    ]
    vocab = [f"語{i}" for i in range(terms)]
    zipf = np.minimum(rng.zipf(1.3, size=(passages, TOKENS_PER_PASSAGE)) - 1, terms - 1)
    bm25 = bm25s.BM25()
    bm25.index([[vocab[j] for j in row] for row in zipf], show_progress=False)
    spans = np.stack(
        [rng.integers(0, passages, n_sentences), np.zeros(n_sentences), np.full(n_sentences, 10)], axis=1
    ).astype(np.int64)
    started = time.perf_counter()
    store.write_build(
        folder,
        manifest={"embedder": {"name": "synthetic", "dim": dim}, "corpus": {}, "chunks": passages},
        chunks=chunks,
        vectors=unit(passages),
        bm25=bm25,
        sentence_spans=spans,
        sentence_vectors=unit(n_sentences),
        lexicon=Lexicon(vocab, unit(terms)),
    )
    return {"passages": passages, "sentences": n_sentences, "terms": terms, "write_s": time.perf_counter() - started}


def measure(folder: Path) -> dict:
    store.load_build(folder)  # imports faiss and bm25s once, outside the timings
    manifest = store.read_manifest(folder)
    files = manifest["files"]
    total = sum(f["bytes"] for f in files.values())
    build_side = timed(lambda: checksums.describe_files(folder, skip=store.MANIFEST), repeat=1)
    warm = timed(lambda: checksums.verify_files(folder, files))
    cold_check = cold(lambda: checksums.verify_files(folder, files), folder)
    load = timed(lambda: store.load_build(folder), repeat=2)
    cold_load = cold(lambda: store.load_build(folder), folder, repeat=2)
    return {
        "folder": str(folder),
        "bytes": {name: f["bytes"] for name, f in sorted(files.items(), key=lambda kv: -kv[1]["bytes"])},
        "total_mb": round(total / 1e6, 1),
        "build_hash_and_fsync_s": round(build_side, 3),
        "check_warm_s": round(warm, 3),
        "check_cold_s": round(cold_check, 3),
        "load_build_warm_s (includes the check)": round(load, 3),
        "load_build_cold_s (includes the check)": round(cold_load, 3),
        "check_share_of_warm_load": round(warm / load, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--index-dir", help="measure the live build of this index folder")
    source.add_argument("--synthetic", type=int, metavar="N", help="write and measure a build of N passages")
    parser.add_argument("--dim", type=int, default=384, help="vector dimension (e5-small: 384)")
    parser.add_argument("--terms", type=int, default=100_000, help="lexicon terms and BM25 vocabulary (synthetic)")
    args = parser.parse_args()
    report = {"hash_mb_per_s": hash_speed()}
    if args.index_dir:
        report |= measure(store.live_folder(Path(args.index_dir)))
    else:
        scratch = Path(tempfile.mkdtemp(prefix="bench-integrity-"))
        try:
            folder = scratch / "build"
            folder.mkdir()
            report["synthetic"] = synthetic_build(folder, args.synthetic, dim=args.dim, terms=args.terms)
            report |= measure(folder)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
