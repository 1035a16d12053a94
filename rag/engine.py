"""The question-answering service: one embedder per process, the live index, hot reload."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from rag.answer.citation import Citer
from rag.answer.compose import compose
from rag.answer.followup import Reading, read
from rag.answer.guide import guide
from rag.answer.messages import SURE
from rag.answer.records import Answer, Guide
from rag.answer.sentences import SentencePicker
from rag.answer.status import StatusJudge
from rag.documents.chunking import CHUNKER_VERSION
from rag.documents.corpus import corpus_hashes
from rag.documents.metadata import read_meta
from rag.errors import REBUILD, IndexCorruptError, IndexStaleError, RagError, disk_error, unknown_documents
from rag.index import store
from rag.index.stores import StoreSpec
from rag.inputs import validate_k, validate_question
from rag.language.script import is_japanese
from rag.search.retriever import MODES, Retriever, SearchResult
from rag.settings import RetrievalConfig

log = logging.getLogger(__name__)
JUDGED_WITH = 2  # hits the answer status is judged on (the top one's margin over the next), whatever k is


class LoadFault(IndexCorruptError):
    """A build failed to load in a way no check foresaw (a bug): the server log keeps its traceback."""


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
    picker: SentencePicker  # its sentence terms are cached inside, once per build
    judge: StatusJudge
    guides: dict[str, Guide]  # the help reply to a message that is not a question, per language
    rows: dict[str, int]  # chunk id -> row
    citer: Citer | None = None  # issuer, title, date and slide of each document, for citations


class Engine:
    """Answers questions from the current build, switching to a newer build between questions.

    A newer build is loaded outside the lock and swapped in whole, so questions never wait for
    each other's loading. With `background_reload` (the server) no question waits at all: the one
    that notices a new build starts its load in a thread and is answered from the current build.
    Without it (scripts, `rag.open_index`) the noticing question loads it, so it sees the new build.
    """

    def __init__(self, *, index_dir: Path, corpus_dir: Path, embedder, background_reload: bool = False, store=None):
        self.index_dir, self.corpus_dir, self.embedder = index_dir, corpus_dir, embedder
        self.store = store  # a StoreSpec the build must have been made for; None: whatever it records
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
            loaded = self._try_load(build)
        except BaseException as exc:  # the loading mark must be cleared whatever happened
            loaded = LoadFault(f"loading {build} was interrupted ({_one_line(exc)})")
        with self._lock:
            self._loading = None
            self._seen_build = build
            if isinstance(loaded, LiveIndex):
                self._live, self.reload_error = loaded, None
            else:
                self.reload_error = str(loaded)
            self._loaded.notify_all()
        if isinstance(loaded, LiveIndex):
            return
        if self._live is None:
            raise loaded  # nothing to fall back on: one line, ending in what to do
        # keep serving the build that works; the traceback too when it was a fault of ours (a bug)
        fault = loaded.__cause__ if isinstance(loaded, LoadFault) else None
        log.warning("kept build %s: %s", self._live.build, loaded, exc_info=fault)

    def _try_load(self, build: str | None) -> LiveIndex | RagError:
        """The build `current` points at, ready to answer; or, for any failure at all, a RagError saying why.

        Needs no lock: it reads only the build folder and the corpus hashes.
        """
        try:
            folder = store.live_folder(self.index_dir)
            loaded = store.load_build(folder)
            store.check_fresh(
                loaded.manifest,
                corpus=corpus_hashes(self.corpus_dir),
                embedder=self.embedder.identity,
                chunker=CHUNKER_VERSION,
            )
            _check_store(loaded.manifest, self.store)
            config = RetrievalConfig.from_manifest(loaded.manifest)
            mode = store.bm25_mode(loaded.manifest)
            retriever = Retriever(loaded, self.embedder, bm25_mode=mode, config=config)
            rows = {c.id: i for i, c in enumerate(loaded.chunks)}
            guides = {lang: guide(loaded, lang) for lang in ("ja", "en")}
            metas = {source: read_meta(self.corpus_dir, source, log=log.warning) for source in loaded.documents}
            citer = Citer(loaded.documents, metas)
            return LiveIndex(build, retriever, SentencePicker(loaded), StatusJudge(loaded, config), guides, rows, citer)
        except RagError as exc:
            return exc
        except OSError as exc:
            return disk_error(exc, writing=False)
        except Exception as exc:  # noqa: BLE001 - a build that cannot be loaded must never stop the service
            error = LoadFault(f"the index in {self.index_dir} could not be loaded ({_one_line(exc)}); {REBUILD}")
            error.__cause__ = exc  # kept for the server log
            return error

    def document_text(self, source: str, live: LiveIndex | None = None) -> str:
        """The full text a passage's offsets point into (`text[start:end] == passage`), as stored with the
        build (or with `live`, a build already in hand): for a PDF, the text extracted from it."""
        document = (live or self.live()).retriever.index.documents.get(source)
        if document is None:
            raise RagError(f"{source!r} is not a document of this index")
        return document.text

    def documents(self, live: LiveIndex | None = None) -> list[DocumentInfo]:
        """The documents of the live index (or of `live`, a build already in hand: a reload between two
        reads would mix builds), in corpus order, with the titles stored in the build."""
        index = (live or self.live()).retriever.index
        counts: dict[str, int] = {}
        for chunk in index.chunks:
            counts[chunk.source] = counts.get(chunk.source, 0) + 1
        return [DocumentInfo(source, index.documents[source].title or source, n) for source, n in counts.items()]

    def search(self, question: str, *, k: int = 5, mode: str = "hybrid", sources=None) -> SearchResult:
        """Ranked passages and the status, without quotes; `sources` limits it to some documents."""
        return self._search(self.live(), question, k, mode, sources)

    def ask(
        self, question: str, *, k: int = 5, mode: str = "hybrid", sources=None, previous: Reading | str | None = None
    ) -> Answer:
        """The judged answer every front end shows: status, quoted sentences, cited passages.

        `previous` is the turn before (its `Reading`, or the earlier question as text): a follow-up such as
        「それは何年から続いていますか」 is searched with its topic. Raises RagError for a bad question, k,
        mode, source or previous question.
        """
        if isinstance(previous, str):
            previous = read(validate_question(previous), None) if previous.strip() else None
        elif previous is not None and not isinstance(previous, Reading):
            raise RagError("the previous question must be text")
        reading = read(validate_question(question), previous)
        live = self.live()  # one build for the whole question, even if a swap happens meanwhile
        if reading.topic is not None and self._is_message(live, reading.question):
            reading = read(reading.question, None)  # 「こんにちは」 after a question is a greeting, not its follow-up
        k = validate_k(k)
        result = self._search(live, reading.query, max(k, JUDGED_WITH), mode, sources)  # the margin needs two
        verdict = live.judge.verdict(result)
        help_reply = (
            live.guides["ja" if is_japanese(reading.question) else "en"] if verdict.status == "not_a_question" else None
        )
        hits = replace(result, hits=result.hits[:k])
        synonyms = live.judge.index.lexicon.synonyms  # 米国 is no answer to a question about アメリカ
        return compose(hits, verdict, live.picker, live.rows, reading, help_reply, live.citer, synonyms)

    def _is_message(self, live: LiveIndex, question: str) -> bool:
        """The message classifier sure that the bare question is a greeting or a request, not a question."""
        messages = live.judge.messages
        if messages is None:
            return False
        vector = self.embedder.encode_queries([question])[0]
        return messages.probability(question, vector) >= SURE

    @staticmethod
    def _search(live: LiveIndex, question: str, k, mode: str, sources) -> SearchResult:
        question, k = validate_question(question), validate_k(k)
        if mode not in MODES:
            raise RagError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if sources is not None:
            sources = frozenset([sources] if isinstance(sources, str) else sources)
            if unknown := sources - live.retriever.sources:
                raise unknown_documents(unknown, live.retriever.sources)
        return live.retriever.search(question, k=k, mode=mode, sources=sources)


def _check_store(manifest: dict, wanted) -> None:
    """A build for another store than the one asked for is stale: `rag --store X build` makes one."""
    if wanted is None:
        return
    built = StoreSpec.from_manifest(manifest.get("store"))
    if (built.kind, built.uri, built.alias) != (wanted.kind, wanted.uri, wanted.alias):
        raise IndexStaleError(
            f"the index was built for store {built.describe()}, not {wanted.describe()}; "
            f"run: rag --store {wanted.describe()} build"
        )


def _one_line(exc: Exception) -> str:
    """`EOFError: No data left in file`, on one line and not too long."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__
