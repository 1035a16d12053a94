"""Cited, offline question answering over a folder of documents.

    import rag
    index = rag.open_index()                      # corpus/ and index/ of this checkout
    answer = index.ask("OSAの令和8年度の予算は？", k=3)
    print(rag.format_text(answer))

Importing `rag` loads no model: the embedder is loaded by `open_index`.
"""

from __future__ import annotations

import os

# Offline by default, everywhere the package is used: no model hub, no analytics.
# numpy's BLAS only ever multiplies a question by a few thousand vectors here; its threads cost far
# more than they save there (15 ms against 0.06 ms on a busy 2-core machine) and compete with torch's.
for _name, _value in (
    ("HF_HUB_OFFLINE", "1"),
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("TOKENIZERS_PARALLELISM", "false"),
    ("OPENBLAS_NUM_THREADS", "1"),
):
    os.environ.setdefault(_name, _value)

from rag.errors import IndexCorruptError, IndexStaleError, RagError  # noqa: E402

__all__ = ["IndexCorruptError", "IndexStaleError", "RagError", "format_text", "open_index", "to_json"]


def open_index(index_dir=None, *, corpus_dir=None, model: str | None = None, embedder=None):
    """An `Engine` over an index folder, with `.ask()` and `.search()`.

    `index_dir`/`corpus_dir` default to $RAG_INDEX_DIR/$RAG_CORPUS_DIR, else this checkout's
    index/ and corpus/. `model` names a sentence-transformers model (default: the bundled
    multilingual-e5-small); pass `embedder` to share one already loaded.
    """
    from rag import paths
    from rag.embedding.embedder import load_embedder
    from rag.engine import Engine

    return Engine(
        index_dir=paths.index_dir(index_dir),
        corpus_dir=paths.corpus_dir(corpus_dir),
        embedder=embedder or load_embedder(model),
    )


def format_text(answer) -> str:
    """A cited answer as readable text (what `rag ask` prints)."""
    return answer.to_text()


def to_json(answer, *, query_id: str | None = None) -> dict:
    """A cited answer as the documented JSON object (what `rag search --json` prints)."""
    return answer.to_json(query_id=query_id)
