"""`rag bench`: build and search corpora of growing size made from real text, and time them.

    rag bench --sizes briefing,1000,10000,100000 --json

One JSON object per size (schema in docs/scaling.md): passages, "embedded" or "derived"
vectors, build seconds, index bytes, process RSS, embedding and search latencies, and recall@10
of the candidate-first search against scoring every passage (rag.evaluation.exhaustive). Search times leave
out embedding the question; the questions are the Japanese gold questions of the text folders.
"""

from __future__ import annotations

import contextlib
import gc
import json
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.documents.corpus import read_corpus
from rag.errors import RagError
from rag.evaluation.scaled_corpus import derive_build, write_copies
from rag.index import store
from rag.index.build import build_index
from rag.index.stores import StoreSpec
from rag.index.vector_index import EXACT_BELOW
from rag.language.script import is_japanese

BRIEFING = "briefing"  # the size of the project's own corpus, as it is
EMBED_UP_TO = 10_000  # past this many passages, vectors are derived instead of embedded
K = 10


@dataclass(frozen=True)
class BenchSettings:
    texts: tuple[Path, ...]  # corpus folders; the first is "the briefing"
    sizes: tuple[str, ...] = (BRIEFING, "1000", "10000", "100000")
    embed_up_to: int = EMBED_UP_TO
    questions: int = 200
    noise: float | None = None  # None: matched to the data (rag.evaluation.scaled_corpus.matched_noise)
    exact_below: int = EXACT_BELOW
    work: Path | None = None  # keeps the embedded base build (and its vectors) between runs
    question_threads: int | None = None  # torch threads while timing questions (None: leave as is)
    store: StoreSpec = StoreSpec()  # where candidates are searched (rag.index.stores)


def parse_sizes(text: str) -> tuple[str, ...]:
    """ "briefing,1000,1e5" -> ("briefing", "1000", "100000"); anything else is a RagError."""
    sizes = []
    for part in (p.strip() for p in text.split(",")):
        if part == BRIEFING:
            sizes.append(part)
            continue
        try:
            value = float(part)
        except ValueError:
            value = 0.0
        if not value.is_integer() or value < 1:
            raise RagError(f"--sizes takes passage counts and 'briefing', comma-separated; not {part!r}")
        sizes.append(str(int(value)))
    return tuple(sizes)


def run_bench(settings: BenchSettings, embedder, *, log=print):
    """Yields one result object per size, as soon as it is measured."""
    work = settings.work or Path(tempfile.mkdtemp(prefix="rag-bench-"))
    try:
        documents = [d for folder in settings.texts for d in read_corpus(folder, log=lambda _: None)]
        questions = _questions(settings)
        log(f"{len(documents)} documents, {len(questions)} Japanese gold questions")
        base = None
        for size in settings.sizes:
            target = int(size) if size != BRIEFING else 0
            index_dir = work / f"size-{size}"
            shutil.rmtree(index_dir, ignore_errors=True)
            started = time.perf_counter()
            if size == BRIEFING or target <= settings.embed_up_to:
                folder = settings.texts[0] if size == BRIEFING else work / f"corpus-{size}"
                if size != BRIEFING:
                    shutil.rmtree(folder, ignore_errors=True)
                    write_copies(documents, target, folder)
                log(f"size {size}: embedding and building")
                started = time.perf_counter()  # the corpus files are the input, not the build
                build_index(
                    folder,
                    index_dir,
                    embedder,
                    exact_below=settings.exact_below,
                    store_spec=settings.store,
                    progress=False,
                    log=log,
                )
                vectors = "embedded"
            else:
                if base is None:
                    base = _base_build(documents, work, embedder, settings, log)
                log(f"size {size}: deriving a build from {len(base.chunks)} embedded passages")
                started = time.perf_counter()
                derive_build(
                    base,
                    target,
                    index_dir,
                    noise=settings.noise,
                    exact_below=settings.exact_below,
                    store_spec=settings.store,
                )
                vectors = "derived"
            build_s = time.perf_counter() - started
            with _torch_threads(settings.question_threads):
                measured = _measure(index_dir, embedder, questions, log)
            yield {**measured, "vectors": vectors, "build_s": round(build_s, 1)}
            shutil.rmtree(index_dir, ignore_errors=True)
            gc.collect()
    finally:
        if settings.work is None:
            shutil.rmtree(work, ignore_errors=True)


def _base_build(documents, work: Path, embedder, settings: BenchSettings, log):
    """Every text once, embedded: what derived builds are copied from (its vectors are cached in `work`)."""
    corpus = work / "base-corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    for doc in documents:
        (corpus / doc.source).parent.mkdir(parents=True, exist_ok=True)
        (corpus / doc.source).write_text(doc.text, encoding="utf-8")
    log(f"embedding the {len(documents)} documents once, to derive larger builds from")
    build_index(corpus, work / "base-index", embedder, exact_below=settings.exact_below, progress=False, log=log)
    return store.load_build(store.current_build(work / "base-index"))


def _measure(index_dir: Path, embedder, questions: list[str], log) -> dict:
    from rag.evaluation.exhaustive import exhaustive_search
    from rag.search.retriever import Retriever
    from rag.settings import RetrievalConfig

    gc.collect()
    rss_before = _rss_mb()
    folder = store.current_build(index_dir)
    loaded = store.load_build(folder)
    mode = store.bm25_mode(loaded.manifest)
    retriever = Retriever(loaded, embedder, bm25_mode=mode, config=RetrievalConfig.from_manifest(loaded.manifest))
    index_rss = _rss_mb() - rss_before
    log(f"  {len(loaded.chunks)} passages loaded; timing {len(questions)} questions")
    for q in questions[:3]:  # the first searches pay for lazy imports and caches
        forms = retriever.analyzer.analyze(q, embed=True)
        retriever.search(q, k=K, query_vector=forms.vector, forms=forms)
    embed_ms, search_ms, search_cpu_ms, recall = [], [], [], []
    for q in questions:
        started = time.perf_counter()
        forms = retriever.analyzer.analyze(q, embed=True)  # reading the question: one model call
        qv = forms.vector
        embedded, cpu = time.perf_counter(), time.thread_time()
        got = retriever.search(q, k=K, query_vector=qv, forms=forms)
        searched, cpu = time.perf_counter(), time.thread_time() - cpu
        embed_ms.append((embedded - started) * 1000)
        search_ms.append((searched - embedded) * 1000)
        search_cpu_ms.append(cpu * 1000)  # the search runs on this thread: its CPU time ignores other loads
        want = {h.chunk.id for h in exhaustive_search(retriever, q, k=K, query_vector=qv).hits}
        recall.append(len(want & {h.chunk.id for h in got.hits}) / len(want))
    return {
        "passages": len(loaded.chunks),
        "sentences": len(loaded.sentence_spans),
        "store": StoreSpec.from_manifest(loaded.manifest.get("store")).kind,
        "index": _searched_indexes(loaded.manifest),
        "index_bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) + _lite_bytes(loaded.manifest),
        "rss_mb": round(_rss_mb()),
        "index_rss_mb": round(index_rss),
        "questions": len(questions),
        "embed_p50_ms": round(float(np.percentile(embed_ms, 50)), 2),
        "search_p50_ms": round(float(np.percentile(search_ms, 50)), 2),
        "search_p95_ms": round(float(np.percentile(search_ms, 95)), 2),
        "search_cpu_p50_ms": round(float(np.percentile(search_cpu_ms, 50)), 2),
        "search_cpu_p95_ms": round(float(np.percentile(search_cpu_ms, 95)), 2),
        "recall_at_10": round(float(np.mean(recall)), 4),
    }


def _searched_indexes(manifest: dict) -> dict[str, str]:
    """What searches each kind of vector: FAISS's plan, or the Milvus index type ("exact" for FLAT)."""
    record = manifest.get("store") or {}
    if record.get("kind") == "milvus":
        kinds = {name: info["index_type"] for name, info in record["indexes"].items()}
        return {name: "exact" if kind == "FLAT" else kind.lower() for name, kind in kinds.items()}
    return {name: plan.kind for name, plan in store.vector_plans(manifest).items()}


def _lite_bytes(manifest: dict) -> int:
    """A Milvus Lite store's files (all its collections: the live build's and the one before)."""
    spec = StoreSpec.from_manifest(manifest.get("store"))
    if not spec.lite:
        return 0
    path = Path(spec.uri)  # Milvus Lite 3 keeps a folder of that name (WAL, segments, index files)
    files = path.rglob("*") if path.is_dir() else [path] if path.is_file() else []
    return sum(p.stat().st_size for p in files if p.is_file())


def _questions(settings: BenchSettings) -> list[str]:
    """Japanese gold questions (English ones would time the word translation too), a fixed sample."""
    from rag import paths

    files = [paths.PROJECT_ROOT / "eval" / "gold.jsonl"] + [t.parent / "gold.jsonl" for t in settings.texts[1:]]
    found = []
    for path in (p for p in files if p.is_file()):
        for line in path.read_text(encoding="utf-8").splitlines():
            question = json.loads(line).get("question") if line.strip() else None
            if isinstance(question, str) and is_japanese(question):
                found.append(question)
    if not found:
        raise RagError("no Japanese gold questions found next to the text folders; add a gold.jsonl")
    random.Random(0).shuffle(found)
    return found[: settings.questions]


@contextlib.contextmanager
def _torch_threads(threads: int | None):
    """Questions are timed with the threads `rag serve` gives each; builds keep every core."""
    torch = sys.modules.get("torch")
    if threads is None or torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


COLUMNS = (  # key, title, cell format
    ("passages", "passages", "{:>9,}"),
    ("vectors", "vectors", "{:>8}"),
    ("build_s", "build s", "{:>8.1f}"),
    ("index_mb", "index MB", "{:>8.1f}"),
    ("rss_mb", "RSS MB", "{:>7}"),
    ("embed_p50_ms", "embed p50", "{:>9.1f}"),
    ("search_p50_ms", "search p50", "{:>10.2f}"),
    ("search_p95_ms", "search p95", "{:>10.2f}"),
    ("search_cpu_p95_ms", "cpu p95", "{:>7.2f}"),
    ("recall_at_10", "recall@10", "{:>9.3f}"),
    ("ratio", "(embed+search)/embed", "{:>20.3f}"),
    ("faiss", "store passages/sentences", "{:>24}"),
)


def table_header() -> str:
    return "  ".join(title.rjust(len(fmt.format(_SAMPLE[key]))) for key, title, fmt in COLUMNS)


def table_row(result: dict) -> str:
    row = {
        **result,
        "index_mb": result["index_bytes"] / 1e6,
        "ratio": (result["embed_p50_ms"] + result["search_p50_ms"]) / result["embed_p50_ms"],
        "faiss": f"{result.get('store', 'faiss')} {result['index']['passages']}/{result['index']['sentences']}",
    }
    return "  ".join(fmt.format(row[key]) for key, _, fmt in COLUMNS)


_SAMPLE = {key: ("" if key in ("vectors", "faiss") else 0) for key, _, _ in COLUMNS}
