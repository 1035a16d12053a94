"""Cited, offline question answering over a folder of documents.

    import rag
    rag.build("corpus", "index")                          # or open_index(..., build="if-missing")
    index = rag.open_index("index", corpus_dir="corpus")
    answer = index.ask("OSAの令和8年度の予算は？", k=3)
    print(answer.to_text())                               # what `rag ask` prints
    record = answer.to_json()                             # the `rag search --json` object

Importing `rag` loads no model and changes nothing in the environment: the embedder is loaded by
`open_index` or `build` (from the installed package, offline), and the command line and the web app set
their own process defaults (rag.runtime).
"""

from __future__ import annotations

from rag.errors import IndexCorruptError, IndexStaleError, RagError

# The public types, imported when first asked for (PEP 562): `import rag` stays light, so `rag --help`
# is instant and the command line can set its process defaults before numpy loads.
_LAZY = {
    "STATUSES": "rag.answer.records",
    "Answer": "rag.answer.records",
    "CitedPassage": "rag.answer.records",
    "Guide": "rag.answer.records",
    "Quote": "rag.answer.records",
    "Reason": "rag.answer.records",
    "Embedder": "rag.embedding.protocol",
    "Hit": "rag.search.retriever",
    "SearchResult": "rag.search.retriever",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")


__all__ = [
    "STATUSES",
    "Answer",
    "CitedPassage",
    "Embedder",
    "Guide",
    "Hit",
    "IndexCorruptError",
    "IndexStaleError",
    "Quote",
    "RagError",
    "Reason",
    "SearchResult",
    "build",
    "format_text",
    "open_index",
    "to_json",
]
BUILD_CHOICES = ("never", "if-missing", "if-stale")


def build(corpus_dir, index_dir, *, model: str | None = None, embedder=None, full: bool = False):
    """Build (or update) the index of `corpus_dir` in `index_dir`; returns a report with `.summary()`.

    Only new or changed passages are embedded; the new build is switched in whole.
    """
    from pathlib import Path

    from rag.embedding.embedder import load_embedder
    from rag.index.build import build_index

    embedder = embedder or load_embedder(model)
    return build_index(Path(corpus_dir), Path(index_dir), embedder, full=full, progress=False, log=lambda _: None)


def open_index(
    index_dir=None,
    *,
    corpus_dir=None,
    model: str | None = None,
    embedder=None,
    build: str = "never",
):
    """An `Engine` over an index folder, with `.ask()` (the judged `Answer`) and `.search()`.

    `index_dir`/`corpus_dir` default to $RAG_INDEX_DIR/$RAG_CORPUS_DIR, else ./index and ./corpus.
    `model` names a sentence-transformers model (default: the bundled multilingual-e5-small); pass
    `embedder` to share one already loaded. `build`: "never" (a missing or stale index raises
    IndexStaleError), "if-missing" (build when there is none), "if-stale" (also rebuild a stale or
    damaged one).
    """
    from rag import paths
    from rag.embedding.embedder import load_embedder
    from rag.engine import Engine
    from rag.index import store
    from rag.index.build import build_index, ensure_index

    if build not in BUILD_CHOICES:
        raise RagError(f"build must be one of {', '.join(BUILD_CHOICES)}, not {build!r}")
    engine = Engine(
        index_dir=paths.index_dir(index_dir),
        corpus_dir=paths.corpus_dir(corpus_dir),
        embedder=embedder or load_embedder(model),
    )
    quiet = {"progress": False, "log": lambda _: None}
    if build == "if-missing" and store.current_build(engine.index_dir) is None:
        build_index(engine.corpus_dir, engine.index_dir, engine.embedder, **quiet)
    elif build == "if-stale":
        ensure_index(engine, log=lambda _: None)
    return engine


def format_text(answer) -> str:
    """A cited answer as readable text (what `rag ask` prints): `answer.to_text()`."""
    return answer.to_text()


def to_json(answer, *, query_id: str | None = None) -> dict:
    """A cited answer as the documented JSON object (what `rag search --json` prints): `answer.to_json()`."""
    return answer.to_json(query_id=query_id)
