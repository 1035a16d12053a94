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
    """Answers questions from the current build, switching to a newer build between questions."""

    def __init__(self, *, index_dir: Path, corpus_dir: Path, embedder):
        self.index_dir, self.corpus_dir, self.embedder = index_dir, corpus_dir, embedder
        self._lock = threading.Lock()
        self._live: LiveIndex | None = None
        self._seen_build: str | None = None  # the newest build looked at, taken or not
        self.reload_error: str | None = None  # why a newer build was not taken, if so

    def live(self) -> LiveIndex:
        build = store.build_id(self.index_dir)
        if self._live is None or build != self._seen_build:
            with self._lock:
                if self._live is None or build != self._seen_build:
                    self._load(build)
        return self._live

    def retriever(self) -> Retriever:
        return self.live().retriever

    def _load(self, build: str | None) -> None:
        folder = store.current_build(self.index_dir)
        try:
            if folder is None or not folder.exists():
                raise IndexStaleError(f"no index in {self.index_dir}; run: rag build")
            loaded = store.load_build(folder)
            store.check_fresh(
                loaded.manifest,
                corpus=corpus_hashes(self.corpus_dir),
                embedder=self.embedder.identity,
                chunker=CHUNKER_VERSION,
            )
        except RagError as exc:
            if self._live is None:
                raise
            self.reload_error = str(exc)  # keep serving the build that works
            self._seen_build = build
            return
        mode = loaded.manifest.get("bm25_tokenizer", {}).get("mode", "C")
        rows = {c.id: i for i, c in enumerate(loaded.chunks)}
        self._live = LiveIndex(build, Retriever(loaded, self.embedder, bm25_mode=mode), Highlighter(loaded), rows)
        self._seen_build, self.reload_error = build, None

    def document_text(self, source: str) -> str:
        """The full text a passage's offsets point into (`text[start:end] == passage`), as stored with the
        build: for a PDF, the text extracted from it."""
        document = self.live().retriever.index.documents.get(source)
        if document is None:
            raise RagError(f"{source!r} is not a document of this index")
        return document.text

    def documents(self) -> list[DocumentInfo]:
        """The documents of the live index, in corpus order, with the titles stored in the build."""
        index = self.live().retriever.index
        counts: dict[str, int] = {}
        for chunk in index.chunks:
            counts[chunk.source] = counts.get(chunk.source, 0) + 1
        return [DocumentInfo(source, index.documents[source].title or source, n) for source, n in counts.items()]

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
            known = {c.source for c in live.retriever.index.chunks}
            if unknown := sorted(sources - known):
                raise RagError(f"no document {', '.join(map(repr, unknown))} in the index; see the list of documents")
        return live.retriever.search(question, k=k, mode=mode, sources=sources)
