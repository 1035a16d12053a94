"""Building the index: corpus -> chunks -> vectors (cached by content) and BM25 -> a new live build."""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.answer.judge_calibration import calibrate_judge
from rag.documents.chunking import CHUNKER_VERSION, TARGET_CHARS, Chunk, chunk_documents, with_titles
from rag.documents.corpus import read_corpus
from rag.errors import IndexCorruptError, IndexStaleError, RagError, disk_error
from rag.index import store
from rag.index.cache import EmbeddingCache
from rag.index.calibration import calibrate
from rag.index.provenance import provenance
from rag.index.stages import reached
from rag.index.stores import StoreSpec
from rag.index.vector_index import EXACT_BELOW, IndexPlan, plan_for
from rag.language.jmdict import glosses
from rag.language.loanwords import loanword_index
from rag.language.sudachi import DEFAULT_MODE, tokenize
from rag.search.english import SENSES_PER_WORD, passage_english
from rag.search.lexicon import Lexicon, compound_names, corpus_nouns, gloss_index
from rag.search.passage_terms import PassageTerms
from rag.search.readings import corpus_readings
from rag.search.rerank import RerankModel
from rag.settings import RetrievalConfig
from rag.terminal import shown


@dataclass(frozen=True)
class BuildReport:
    chunks: int
    added: int
    changed: int
    removed: int
    unchanged: int
    embedded: int  # passages and sentences sent through the model
    reused: int  # taken from the embedding cache
    seconds: float
    folder: Path

    def summary(self) -> str:
        return (
            f"indexed {self.chunks} chunks: {self.added} added, {self.changed} changed, "
            f"{self.removed} removed, {self.unchanged} unchanged; embedded {self.embedded} texts, "
            f"reused {self.reused} from cache; {self.seconds:.1f} s -> {self.folder}"
        )


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder,
    *,
    full: bool = False,
    wait: bool = False,
    bm25_mode: str = DEFAULT_MODE,
    chunk_target: int = TARGET_CHARS,
    config: RetrievalConfig | None = None,
    exact_below: int = EXACT_BELOW,
    store_spec: StoreSpec | None = None,
    progress: bool = True,
    log=print,
) -> BuildReport:
    """Embed what is new, index it, and switch the new build in.

    `exact_below`: passage or sentence counts from which FAISS (or Milvus) uses an HNSW graph instead
    of an exact scan (rag.index.vector_index). `store_spec`: where candidates are searched (rag.index.stores);
    FAISS by default.
    """
    store_spec = store_spec or StoreSpec()
    started = time.perf_counter()
    modes = store.access_modes(corpus_dir)  # no one reads the index who cannot read the corpus
    made_index = not index_dir.exists()
    with _disk_errors(corpus_dir), store.build_lock(index_dir, wait=wait, log=log):
        store.restrict(index_dir, modes)  # an index from before this rule, or a loosened one, first
        previous = _previous_chunks(index_dir)
        hashes: dict[str, str] = {}  # of the bytes read: a file edited from here on makes the build stale
        documents = read_corpus(
            corpus_dir, log=log, already_indexed=frozenset(c.source for c in previous), hashes=hashes
        )
        chunks = chunk_documents(documents, target=chunk_target)
        for source in sorted({d.source for d in documents} - {c.source for c in chunks}):
            log(f"note: {shown(source)} gave no passage to index (no text left once read); check its content")
        documents = with_titles(documents, chunks)
        cache = EmbeddingCache(index_dir, embedder.identity, empty=full)
        sentence_texts, sentence_spans = _sentences(chunks)
        terms, noun_runs = corpus_nouns([c.indexed_text for c in chunks])
        bar = "embedding" if progress else None
        passage_vectors = cache.embed([c.indexed_text for c in chunks], embedder.encode_passages, progress=bar)
        sentence_vectors = cache.embed(sentence_texts, embedder.encode_passages, progress=bar)
        term_vectors = cache.embed(terms, embedder.encode_queries, kind="query", progress=bar)
        reached("embedded")

        import bm25s

        bm25 = bm25s.BM25()
        passage_tokens = [tokenize(c.indexed_text, mode=bm25_mode) for c in chunks]
        bm25.index(passage_tokens, show_progress=False)
        bm25_en = bm25s.BM25()
        bm25_en.index(passage_english([c.indexed_text for c in chunks], bm25_mode=bm25_mode), show_progress=False)
        passage_terms = PassageTerms.tokenize(chunks, passage_tokens, bm25.vocab_dict, mode=bm25_mode)
        texts = [c.indexed_text for c in chunks]
        glossed = glosses(terms)
        lexicon = Lexicon(
            terms,
            term_vectors,
            glosses=gloss_index(glossed),
            readings=corpus_readings(texts),
            names=compound_names(noun_runs),
            loanwords=loanword_index(terms, glossed),
        )

        manifest = {
            "embedder": embedder.identity,
            "corpus": hashes,
            "chunker_version": CHUNKER_VERSION,
            "bm25_tokenizer": {"name": "sudachipy", "mode": bm25_mode},
            "english_field": {"senses_per_word": SENSES_PER_WORD, "stemmer": "snowball english"},
            "provenance": provenance(),
            "chunks": len(chunks),
            "vector_index": vector_index_plans(len(chunks), len(sentence_texts), exact_below=exact_below),
            "store": {"kind": "faiss"},
            "reranker": reranker.to_manifest() if (reranker := RerankModel.shipped()) else None,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        in_memory = store.in_memory_index(
            manifest,
            chunks,
            passage_vectors,
            bm25,
            sentence_spans,
            sentence_vectors,
            lexicon,
            documents,
            bm25_en,
            passage_terms,
        )
        config = calibrate(in_memory, embedder, config or RetrievalConfig(), cache)
        manifest["retrieval"] = config.to_manifest()
        judge, records = calibrate_judge(in_memory, embedder, config, cache)
        manifest.update(records)
        with store.partial_build(index_dir) as folder, store_switch(index_dir, store_spec, log) as switch:
            switch.write(
                folder,
                manifest,
                chunks=chunks,
                vectors=passage_vectors,
                sentence_spans=sentence_spans,
                sentence_vectors=sentence_vectors,
                bm25=bm25,
                bm25_en=bm25_en,
            )
            store.write_build(
                folder,
                manifest=manifest,
                chunks=chunks,
                vectors=passage_vectors,
                bm25=bm25,
                sentence_spans=sentence_spans,
                sentence_vectors=sentence_vectors,
                lexicon=lexicon,
                documents=documents,
                judge=judge,
                bm25_en=bm25_en,
                terms=passage_terms,
            )
            reached("written")
            cache.save()  # keeps what this build used, calibration questions included
            store.restrict(folder, modes)
            if moved := store.repair_current(index_dir):
                log(f"note: {index_dir / 'current'} was a folder, not a link to a build; moved it to {moved}")
            switch.switch()
            final = store.publish(index_dir, folder)
        store.restrict(index_dir, modes, made_root=made_index)
    diff = _diff(previous, chunks)
    return BuildReport(
        len(chunks),
        *diff,
        embedded=cache.embedded,
        reused=len(cache.touched) - cache.embedded,
        seconds=time.perf_counter() - started,
        folder=final,
    )


@contextlib.contextmanager
def _disk_errors(corpus_dir: Path):
    """Disk full, permissions, a read-only disk: one line naming the path (the partial build is gone by now)."""
    try:
        yield
    except OSError as exc:
        in_corpus = exc.filename is not None and Path(os.fsdecode(exc.filename)).is_relative_to(corpus_dir)
        raise disk_error(exc, writing=not in_corpus) from exc


class StoreSwitch:
    """A Milvus build's collections and alias: switched just before the local build is published, and
    undone (alias back, new collections dropped) if anything fails before the publication is done.
    For FAISS it does nothing: the build folder is the store."""

    def __init__(self, spec: StoreSpec, log):
        self.spec, self.log, self.record, self.before, self.switched = spec, log, None, None, False

    def write(self, folder: Path, manifest: dict, **arrays) -> None:
        """Milvus: write the collections and record them in `manifest`; the local vectors then only feed
        the exact features, so they are kept flat (the plans by size go to Milvus)."""
        manifest["store"] = self.spec.to_manifest()
        if self.spec.kind != "milvus":
            return
        from rag.index.milvus_store import write_collections

        searched = store.vector_plans(manifest)
        self.record = write_collections(self.spec, folder.name, plans=searched, log=self.log, **arrays)
        manifest["store"] = self.record
        manifest["vector_index"] = {name: IndexPlan().to_json() for name in searched}

    def switch(self) -> None:
        if self.record is not None:
            from rag.index.milvus_store import switch

            self.before, self.switched = switch(self.spec, self.record), True


@contextlib.contextmanager
def store_switch(index_dir: Path, spec: StoreSpec, log=print):
    state = StoreSwitch(spec, log)
    try:
        yield state
    except BaseException:
        if state.record is not None:
            from rag.index.milvus_store import drop, switch_back

            if state.switched:
                with contextlib.suppress(Exception):
                    switch_back(spec, state.before)
            drop(spec, state.record["collections"].values())
        raise
    if state.record is not None:
        from rag.index.milvus_store import prune

        kept = [p.name for p in (index_dir / "builds").iterdir() if p.is_dir()]
        if gone := prune(spec, kept):
            log(f"Milvus: dropped {len(gone)} collections of older builds")


def vector_index_plans(passages: int, sentences: int, *, exact_below: int = EXACT_BELOW) -> dict:
    """The manifest's record of which FAISS index each kind of vector gets, chosen by its count."""
    return {
        "passages": plan_for(passages, exact_below=exact_below).to_json(),
        "sentences": plan_for(sentences, exact_below=exact_below).to_json(),
    }


def _sentences(chunks: list[Chunk]) -> tuple[list[str], np.ndarray]:
    texts, spans = [], []
    for row, chunk in enumerate(chunks):
        texts.extend(chunk.sentence_texts())  # in search form, like the passages
        spans.extend((row, start, end) for start, end in chunk.sentences)
    return texts, np.array(spans, dtype=np.int64).reshape(-1, 3)


def _previous_chunks(index_dir: Path) -> list[Chunk]:
    try:
        return store.load_chunks(store.live_folder(index_dir))
    except (RagError, OSError):
        return []  # no build, or a damaged one: it is simply replaced


def _diff(old: list[Chunk], new: list[Chunk]) -> tuple[int, int, int, int]:
    """(added, changed, removed, unchanged); a changed chunk is a new id in a section that lost one."""
    old_ids, new_ids = {c.id for c in old}, {c.id for c in new}
    gone = Counter((c.source, c.section) for c in old if c.id not in new_ids)
    came = Counter((c.source, c.section) for c in new if c.id not in old_ids)
    changed = sum(min(n, gone[s]) for s, n in came.items())
    return (sum(came.values()) - changed, changed, sum(gone.values()) - changed, len(new_ids & old_ids))


def ensure_index(engine, *, log=print) -> BuildReport | None:
    """Build the index when it is missing, stale or damaged, so the UI can start; None if it was fine."""
    try:
        engine.retriever()
        return None
    except (IndexStaleError, IndexCorruptError) as exc:
        log(f"{exc}; building it now")
    store_spec = getattr(engine, "store", None)
    return build_index(
        engine.corpus_dir, engine.index_dir, engine.embedder, store_spec=store_spec, progress=False, log=log
    )
