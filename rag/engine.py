"""The question-answering service: one embedder per process, the live index, hot reload."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from rag import store
from rag.answer import Answer, cite
from rag.chunking import CHUNKER_VERSION
from rag.corpus import corpus_hashes
from rag.errors import IndexStaleError, RagError
from rag.highlight import Highlighter
from rag.question import validate_k, validate_question
from rag.retrieval import MODES, Retriever, SearchResult


@dataclass(frozen=True)
class DocumentInfo:
    source: str  # path inside the corpus folder: what `sources=` filters on
    title: str  # what people see: the document's own title, else its file name
    passages: int


@dataclass(frozen=True)
class LiveIndex:
    """Everything one question needs from one build; swapped as a whole on reload."""

    build: str | None
    retriever: Retriever
    highlighter: Highlighter
    rows: dict[str, int]  # chunk id -> row


class Engine:
    """Answers questions from the current build, switching to a newer build between questions.

    A newer build is loaded outside the lock and swapped in whole, so questions never wait for
    each other's loading. With `background_reload` (the server) no question waits at all: the one
    that notices a new build starts its load in a thread and is answered from the current build.
    Without it (scripts, `rag.open_index`) the noticing question loads it, so it sees the new build.
    """

    def __init__(self, *, index_dir: Path, corpus_dir: Path, embedder, background_reload: bool = False):
        self.index_dir, self.corpus_dir, self.embedder = index_dir, corpus_dir, embedder
        self.background_reload = background_reload
        self._lock = threading.Lock()  # guards the fields below; never held while loading
        self._live: LiveIndex | None = None
        self._seen_build: str | None = None  # the newest build looked at, taken or not
        self._loading: str | None = None  # the build a thread is loading now, if any
        self._loaded = threading.Condition(self._lock)
        self.reload_error: str | None = None  # why a newer build was not taken, if so

    def live(self) -> LiveIndex:
        build = store.build_id(self.index_dir)
        live = self._live
        if live is not None and build == self._seen_build:
            return live
        with self._lock:
            if self._live is None:  # nothing to answer from yet: wait for a load, or do it
                while self._loading is not None and self._live is None:
                    self._loaded.wait()
            if self._live is not None and (build == self._seen_build or self._loading is not None):
                return self._live  # current, or a newer one is on its way
            self._loading = build
        if self._live is not None and self.background_reload:
            threading.Thread(target=self._reload, args=(build,), name="rag-reload", daemon=True).start()
            return self._live
        self._reload(build)
        if self._live is None:
            raise RagError(self.reload_error or f"no index in {self.index_dir}; run: rag build")
        return self._live

    def retriever(self) -> Retriever:
        return self.live().retriever

    def _reload(self, build: str | None) -> None:
        """Load `build` with no lock held, then swap it in; a failure keeps the build that works."""
        try:
            fresh, error = self._load(build), None
        except Exception as exc:  # noqa: BLE001 - whatever failed, the loading mark must be cleared
            fresh, error = None, exc
        with self._lock:
            self._loading = None
            self._seen_build = build
            if fresh is not None:
                self._live, self.reload_error = fresh, None
            else:
                self.reload_error = str(error) if isinstance(error, RagError) else f"{type(error).__name__}: {error}"
            self._loaded.notify_all()
        if fresh is None and self._live is None:
            raise error

    def _load(self, build: str | None) -> LiveIndex:
        folder = store.current_build(self.index_dir)
        if folder is None or not folder.exists():
            raise IndexStaleError(f"no index in {self.index_dir}; run: rag build")
        loaded = store.load_build(folder)
        store.check_fresh(
            loaded.manifest,
            corpus=corpus_hashes(self.corpus_dir),
            embedder=self.embedder.identity,
            chunker=CHUNKER_VERSION,
        )
        mode = loaded.manifest.get("bm25_tokenizer", {}).get("mode", "C")
        rows = {c.id: i for i, c in enumerate(loaded.chunks)}
        return LiveIndex(build, Retriever(loaded, self.embedder, bm25_mode=mode), Highlighter(loaded), rows)

    def document_text(self, source: str) -> str:
        """The full text a passage's offsets point into (`text[start:end] == passage`)."""
        path = (self.corpus_dir / source).resolve()
        if self.corpus_dir.resolve() not in path.parents:
            raise RagError(f"{source!r} is not a document of this corpus")
        for chunk in self.live().retriever.index.chunks:
            if chunk.source == source:
                return path.read_text(encoding="utf-8")
        raise RagError(f"{source!r} is not a document of this index")

    def documents(self) -> list[DocumentInfo]:
        """The documents of the live index, in corpus order."""
        counts: dict[str, int] = {}
        titles: dict[str, str] = {}
        for chunk in self.live().retriever.index.chunks:
            counts[chunk.source] = counts.get(chunk.source, 0) + 1
            titles.setdefault(chunk.source, chunk.section[0] if chunk.section else chunk.source)
        return [DocumentInfo(source, titles[source], n) for source, n in counts.items()]

    def search(self, question: str, *, k: int = 5, mode: str = "hybrid", sources=None) -> SearchResult:
        """Ranked passages for a question, without highlights; `sources` limits it to some documents."""
        return self._search(self.live(), question, k, mode, sources)

    def ask(self, question: str, *, k: int = 5, mode: str = "hybrid", sources=None) -> Answer:
        """Ranked passages with their answering sentences marked: what the CLI and the UI show."""
        live = self.live()  # one build for the whole question, even if a swap happens meanwhile
        result = self._search(live, question, k, mode, sources)
        return cite(result, live.highlighter, live.rows)

    @staticmethod
    def _search(live: LiveIndex, question: str, k, mode: str, sources) -> SearchResult:
        question, k = validate_question(question), validate_k(k)
        if mode not in MODES:
            raise RagError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if sources is not None:
            sources = frozenset([sources] if isinstance(sources, str) else sources)
            if unknown := sorted(sources - live.retriever.sources):
                raise RagError(f"no document {', '.join(map(repr, unknown))} in the index; see the list of documents")
        return live.retriever.search(question, k=k, mode=mode, sources=sources)
