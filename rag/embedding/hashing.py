"""A tiny deterministic embedder: hashed character n-grams, no model, no torch.

For tests of logic that does not depend on the model (`--model hash`), so they run in
seconds. It knows no meaning, only shared characters:

    HashEmbedder().encode_queries(["OSAの予算"]) @ HashEmbedder().encode_passages(["OSAの予算は181億円"]).T
    -> about 0.6; against an unrelated sentence, about 0.
"""

from __future__ import annotations

import unicodedata
import zlib

import numpy as np

NAME = "hash"


class HashEmbedder:
    def __init__(self, dim: int = 256, *, ngrams: tuple[int, ...] = (1, 2, 3)):
        self.dim, self.ngrams = dim, ngrams
        self.name, self.query_prompt, self.passage_prompt = NAME, "", ""

    @property
    def identity(self) -> dict:
        return {
            "name": NAME,
            "weights_sha256": f"ngrams-{'-'.join(map(str, self.ngrams))}",
            "dim": self.dim,
            "query_prompt": "",
            "passage_prompt": "",
        }

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            text = "".join(unicodedata.normalize("NFKC", text).lower().split())
            for n in self.ngrams:
                for i in range(len(text) - n + 1):
                    h = zlib.crc32(text[i : i + n].encode("utf-8"))
                    out[row, h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
            else:
                out[row, 0] = 1.0  # empty text: any fixed unit vector
        return out
