"""The question-answering service: one embedder per process, the live index, hot reload."""

from __future__ import annotations

import threading
from pathlib import Path

from rag import store
from rag.answer import Answer, CitedPassage
from rag.chunking import CHUNKER_VERSION
from rag.corpus import corpus_hashes
from rag.errors import IndexStaleError, RagError
from rag.retrieval import MODES, Retriever, clean_question

MAX_QUESTION_CHARS = 1000
MAX_K = 20


def validate_question(question: str) -> str:
    if not isinstance(question, str):
        raise RagError("the question must be text")
    if len(question) > MAX_QUESTION_CHARS:
        raise RagError(f"the question is {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}")
    cleaned = clean_question(question)
    if not cleaned:
        raise RagError("the question is empty; type a question about the briefing")
    if not any(ch.isalnum() for ch in cleaned):
        raise RagError("the question has no words, only symbols or emoji; type a question about the briefing")
    return cleaned


class Engine:
    """Answers questions from the current build, switching to a newer build between questions."""

    def __init__(self, *, index_dir: Path, corpus_dir: Path, embedder):
        self.index_dir, self.corpus_dir, self.embedder = index_dir, corpus_dir, embedder
        self._lock = threading.Lock()
        self._retriever: Retriever | None = None
        self._build: str | None = None
        self.reload_error: str | None = None  # why a newer build was not taken, if so

    def retriever(self) -> Retriever:
        build = store.build_id(self.index_dir)
        if self._retriever is None or build != self._build:
            with self._lock:
                if self._retriever is None or build != self._build:
                    self._load(build)
        return self._retriever

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
            if self._retriever is None:
                raise
            self.reload_error = str(exc)  # keep serving the build that works
            self._build = build
            return
        mode = loaded.manifest.get("bm25_tokenizer", {}).get("mode", "C")
        self._retriever = Retriever(loaded, self.embedder, bm25_mode=mode)
        self._build, self.reload_error = build, None

    def ask(self, question: str, *, k: int = 5, mode: str = "hybrid") -> Answer:
        question = validate_question(question)
        if mode not in MODES:
            raise RagError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if not 1 <= int(k) <= MAX_K:
            raise RagError(f"k must be between 1 and {MAX_K}")
        retriever = self.retriever()  # one build for the whole question, even if a swap happens
        result = retriever.search(question, k=int(k), mode=mode)
        passages = tuple(
            CitedPassage(n, hit, tuple(retriever.highlights(hit, result.query_vector)))
            for n, hit in enumerate(result.hits, start=1)
        )
        return Answer(question, result.abstained, passages, mode)
