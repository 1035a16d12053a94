"""What the rest of the project needs from an embedding model: pass any object with these members."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32, L2-normalised rows of one fixed dimension.

    `identity` names the model and its weights: an index records it, and an index built by another
    model is refused. Questions and passages may be encoded differently (e5's "query: "/"passage: ").
    """

    name: str

    @property
    def identity(self) -> dict: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...
