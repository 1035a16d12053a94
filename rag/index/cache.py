"""Vectors cached by model and text, so rebuilds and evaluation embed only what is new."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rag.errors import about

Encode = Callable[[list[str]], np.ndarray]


def text_key(text: str, kind: str = "passage") -> str:
    """Passages, terms embedded as queries and baseline windows must not share keys."""
    prefix = "" if kind == "passage" else f"{kind}\x1f"
    return hashlib.sha256((prefix + text).encode("utf-8")).hexdigest()


class CachedEmbedder:
    """An embedder whose vectors go through an `EmbeddingCache`: each distinct text is embedded once."""

    def __init__(self, embedder, cache: EmbeddingCache):
        self._embedder, self._cache = embedder, cache

    def __getattr__(self, name):
        return getattr(self._embedder, name)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._cache.embed(list(texts), self._embedder.encode_queries, kind="query")

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._cache.embed(list(texts), self._embedder.encode_passages, kind="passage")


class EmbeddingCache:
    """An .npz file per embedder under `index/cache/`, keyed by (kind, text)."""

    def __init__(self, index_dir: Path, embedder_identity: dict, *, empty: bool = False):
        key = json.dumps(embedder_identity, sort_keys=True)
        self.path = index_dir / "cache" / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        self.embedded = 0  # texts sent through the model by this cache object
        self.touched: set[str] = set()  # keys asked for through this object: what its build uses
        if self.path.exists() and not empty:
            try:
                with np.load(self.path) as data:
                    self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
            except Exception:  # noqa: BLE001 - truncated, bad CRC, unreadable: a damaged cache only costs a re-embed
                self.vectors = {}

    def embed(self, texts: list[str], encode: Encode, *, kind: str = "passage", progress=None) -> np.ndarray:
        """Vectors for `texts` in order, embedding only those not cached yet (each distinct text once)."""
        keys = [text_key(t, kind) for t in texts]
        self.touched.update(keys)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}
        if missing:
            vectors = _batched(encode, list(missing.values()), progress)
            self.vectors.update(zip(missing, vectors, strict=True))
            self.embedded += len(missing)
        if not keys:
            return np.asarray(encode([]), np.float32)  # (0, dim)
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

    def save(self, keep: set[str] | None = None) -> None:
        """Write the vectors whose keys are in `keep` (default: those this object was asked for), dropping the rest."""
        keep = self.touched if keep is None else keep
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(k for k in self.vectors if k in keep)
        if not keys:
            return
        tmp = self.path.with_suffix(".tmp.npz")
        try:
            with about(tmp):
                np.savez(tmp, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]))
            os.replace(tmp, self.path)
        except BaseException:  # e.g. a full disk: the old cache stays, the half-written one goes
            tmp.unlink(missing_ok=True)
            raise


def _batched(encode: Encode, texts: list[str], progress, batch: int = 32) -> np.ndarray:
    starts = range(0, len(texts), batch)
    if progress:
        from tqdm import tqdm

        starts = tqdm(starts, desc=progress, unit="batch", total=(len(texts) + batch - 1) // batch)
    return np.concatenate([encode(texts[i : i + batch]) for i in starts])
