"""Where a build's candidates come from: the store choice, and what every store answers.

    parse_store("faiss")                -> StoreSpec("faiss")
    parse_store("milvus:///tmp/x.db")   -> StoreSpec("milvus", "/tmp/x.db", "rag")         (Milvus Lite)
    parse_store("http://db:19530?alias=gaiko") -> StoreSpec("milvus", "http://db:19530", "gaiko")

Only candidate retrieval goes through a store (rag.search.candidates): dense top-k of passages and of
sentences, BM25 top-k of a field, each optionally kept to some documents. Everything above it (question
analysis, exact features, the calibrated fusion, status, answer card) is the same code for every store.
FAISS (rag.index.faiss_store) reads the build's own files; Milvus (rag.index.milvus_store) holds the
same vectors and BM25 points in collections, for archives past one machine.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

import numpy as np

from rag.errors import RagError

KINDS = ("faiss", "milvus")
DEFAULT_ALIAS = "rag"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
USAGE = "use --store faiss, milvus://PATH.db (Milvus Lite) or http://HOST:19530 (a Milvus server)"


@dataclass(frozen=True)
class StoreSpec:
    kind: str = "faiss"
    uri: str = ""  # Milvus: the Lite file (absolute) or the server's URL
    alias: str = ""  # Milvus: the alias naming the live build; collections are <alias>_<build>_passages/_sentences

    def describe(self) -> str:
        if self.kind == "faiss":
            return "faiss"
        shown = f"milvus://{self.uri}" if self.lite else self.uri
        return shown if self.alias == DEFAULT_ALIAS else f"{shown}?alias={self.alias}"

    @property
    def lite(self) -> bool:
        return self.kind == "milvus" and not self.uri.startswith(("http://", "https://"))

    def to_manifest(self) -> dict:
        return (
            {"kind": self.kind} if self.kind == "faiss" else {"kind": self.kind, "uri": self.uri, "alias": self.alias}
        )

    @classmethod
    def from_manifest(cls, record: dict | None) -> StoreSpec:
        record = record or {"kind": "faiss"}  # builds from before stores existed were FAISS
        if record.get("kind") not in KINDS:
            raise ValueError(f"unknown store {record.get('kind')!r}")
        return cls(record["kind"], record.get("uri", ""), record.get("alias", ""))


def parse_store(text: str | None) -> StoreSpec:
    """The store a --store value or $RAG_STORE names; a RagError saying what is accepted otherwise."""
    text = (text or "").strip()
    if text in ("", "faiss"):
        return StoreSpec()
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    alias = query.pop("alias", [DEFAULT_ALIAS])[-1]
    if query or parts.fragment:
        raise RagError(f"--store {text!r}: the only option is ?alias=NAME; {USAGE}")
    if not _NAME.fullmatch(alias):
        raise RagError(f"--store alias {alias!r}: letters, digits and _ only, not starting with a digit")
    if parts.scheme == "milvus":
        path = (parts.netloc + parts.path).strip()
        if not path.endswith(".db") or path.endswith("/.db"):
            raise RagError(f"--store {text!r}: a Milvus Lite store is a file ending in .db, e.g. milvus://index.db")
        return StoreSpec("milvus", os.path.abspath(Path(path).expanduser()), alias)
    if parts.scheme in ("http", "https") and parts.hostname:
        base = f"{parts.scheme}://{parts.netloc}"
        if parts.path not in ("", "/"):
            raise RagError(f"--store {text!r}: a server is HOST:PORT with no path, e.g. http://localhost:19530")
        return StoreSpec("milvus", base, alias)
    raise RagError(f"--store {text!r} is not a store; {USAGE}")


def chosen_store(value: str | None) -> StoreSpec | None:
    """The store asked for with --store or $RAG_STORE; None when neither says (a build then uses FAISS,
    and a search uses the store its build recorded)."""
    value = value if value is not None else os.environ.get("RAG_STORE")
    return None if value is None or not value.strip() else parse_store(value)


class CandidateStore(Protocol):
    """What the candidate finder asks a store. Rows are passage rows of the build (chunks.jsonl order),
    sentence ids rows of sentences.npz; scores are cosines or BM25 points, best first."""

    passages_exact: bool  # a short dense pool then holds every vector there is
    sentences_exact: bool
    max_k: int  # the most one search may ask for

    def only(self, rows: np.ndarray, sources: frozenset[str]) -> object:
        """The store's own form of "these passages only" (they are the passages of `sources`)."""

    def passages(self, vector: np.ndarray, k: int, only=None) -> tuple[np.ndarray, np.ndarray]:
        """(cosines, rows) of the k nearest passages."""

    def sentences(self, vector: np.ndarray, k: int, only=None) -> tuple[np.ndarray, np.ndarray]:
        """(cosines, sentence ids) of the k nearest sentences."""

    def lexical(self, field: str, token_ids: np.ndarray, k: int, only=None) -> tuple[np.ndarray, np.ndarray]:
        """(BM25 points, rows) of the k best passages for `token_ids` (repeats count again) in `field`,
        "native" or "english". Fewer than k back: every other passage scores 0."""


def open_store(index) -> CandidateStore:
    """The candidate store of a loaded build, as its manifest records it."""
    spec = StoreSpec.from_manifest(index.manifest.get("store"))
    if spec.kind == "milvus":
        from rag.index.milvus_store import MilvusStore

        return MilvusStore(index)
    from rag.index.faiss_store import FaissStore

    return FaissStore(index)
