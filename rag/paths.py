"""Where the corpus and the index live unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def corpus_dir(override: str | None = None) -> Path:
    """The folder given, else $RAG_CORPUS_DIR, else ./corpus (where the command runs, not where rag is installed)."""
    return Path(override or os.environ.get("RAG_CORPUS_DIR") or "corpus")


def index_dir(override: str | None = None) -> Path:
    """The folder given, else $RAG_INDEX_DIR, else ./index."""
    return Path(override or os.environ.get("RAG_INDEX_DIR") or "index")


def feedback_file(override: str | None = None) -> Path:
    """Where the UI appends thumbs up/down and `rag eval --feedback` reads them."""
    return Path(override or os.environ.get("RAG_FEEDBACK") or "feedback.jsonl")
