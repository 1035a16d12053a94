"""A fitted model that ships with the code as JSON and is copied into each build's manifest.

The answerability model (rag.answer.answerability) and the reranker (rag.search.rerank) are both a
frozen dataclass of tuples and numbers; this is how either is written, read back and checked:

    model.to_manifest() -> {"features": [...], "weights": [...], ...}
    RerankModel.from_manifest(manifest.get("reranker")) -> RerankModel, or None
    RerankModel.shipped() -> the model in rag/search/data/reranker.json, or None
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import ClassVar


class ShippedModel:
    """Mixed into a frozen dataclass with a `features` field; the subclass names its signals and file."""

    FEATURES: ClassVar[tuple[str, ...]]  # the signals this code computes, in order
    MODEL_FILE: ClassVar[Path]  # where the fitted model ships

    def to_manifest(self) -> dict:
        return asdict(self)

    @classmethod
    def from_manifest(cls, stored: dict | None):
        if not stored:
            return None
        model = cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()})
        return model if model.features == cls.FEATURES else None  # a model of other signals cannot read these

    @classmethod
    def shipped(cls):
        if not cls.MODEL_FILE.exists():
            return None
        return cls.from_manifest(json.loads(cls.MODEL_FILE.read_text(encoding="utf-8")))

    def write(self) -> Path:
        """Ship this model: what the next build copies into its manifest."""
        self.MODEL_FILE.parent.mkdir(parents=True, exist_ok=True)
        self.MODEL_FILE.write_text(json.dumps(self.to_manifest(), indent=1) + "\n", encoding="utf-8")
        return self.MODEL_FILE
