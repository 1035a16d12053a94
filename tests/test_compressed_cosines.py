"""Settings that travel: a model whose cosines crowd into a narrow range answers alike after a rebuild.

The compressed embedder is the same embedder with a constant component appended and the vector
renormalised: every cosine c becomes (c + a^2) / (1 + a^2). With a = 2 the range shrinks five-fold
(e5-small's 0.70-0.90 becomes 0.94-0.98). Fusion, thresholds and highlight margins are measured per
build in units of the dense spread, so rankings and answer statuses must not change.
"""

from __future__ import annotations

import numpy as np
import pytest

from rag.engine import Engine
from rag.evaluation.gold import load_gold
from rag.index.build import build_index

from .conftest import QUIET, ROOT

CONSTANT = 2.0


class CompressedEmbedder:
    def __init__(self, base, constant: float = CONSTANT):
        self.base, self.constant = base, constant
        self.dim = base.dim + 1
        self.name = f"{base.name}+constant{constant}"
        self.query_prompt, self.passage_prompt = base.query_prompt, base.passage_prompt

    @property
    def identity(self) -> dict:
        return {**self.base.identity, "name": self.name, "dim": self.dim}

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._compress(self.base.encode_queries(texts))

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._compress(self.base.encode_passages(texts))

    def _compress(self, vectors: np.ndarray) -> np.ndarray:
        column = np.full((len(vectors), 1), self.constant, np.float32)
        return (np.hstack([vectors, column]) / np.sqrt(1 + self.constant**2)).astype(np.float32)


def answers(engine: Engine, questions: list[str]) -> list[tuple]:
    out = []
    for q in questions:
        answer = engine.ask(q, k=3)
        out.append((q, answer.status, answer.missing, [p.chunk_id for p in answer.passages]))
    return out


def compressed_engine(corpus, tmp_path, base) -> Engine:
    compressed = CompressedEmbedder(base)
    build_index(corpus, tmp_path / "compressed-index", compressed, **QUIET)
    return Engine(index_dir=tmp_path / "compressed-index", corpus_dir=corpus, embedder=compressed)


def test_the_compressed_embedder_really_compresses(hash_embedder):
    texts = ["OSAの予算", "日米同盟の抑止力", "偽情報への対策"]
    plain = hash_embedder.encode_queries(texts) @ hash_embedder.encode_passages(texts).T
    squeezed = CompressedEmbedder(hash_embedder)
    narrow = squeezed.encode_queries(texts) @ squeezed.encode_passages(texts).T
    assert np.allclose(narrow, (plain + CONSTANT**2) / (1 + CONSTANT**2), atol=1e-6)
    assert np.ptp(narrow) < np.ptp(plain) / 4


def test_hash_embedder_statuses_and_rankings_survive_a_compressed_range(
    hash_built, hash_engine, hash_embedder, tmp_path
):
    questions = [q.question for q in load_gold(ROOT / "eval" / "gold.jsonl")]
    squeezed = compressed_engine(hash_built[0], tmp_path, hash_embedder)
    assert squeezed.retriever().config.dense_scale < hash_engine.retriever().config.dense_scale / 4
    assert answers(squeezed, questions) == answers(hash_engine, questions)


@pytest.mark.slow
@pytest.mark.timeout(1800)  # one more build with the real model
def test_real_model_statuses_survive_a_compressed_range(built, engine, embedder, tmp_path):
    questions = [q.question for q in load_gold(ROOT / "eval" / "gold.jsonl")]
    squeezed = compressed_engine(built[0], tmp_path, embedder)
    plain, narrow = answers(engine, questions), answers(squeezed, questions)
    assert [a[1] for a in narrow] == [a[1] for a in plain]  # answered / partial / not_covered / not_a_question
    first = [(a[3] or [None])[0] for a in plain]  # a message gets no passage
    assert [(a[3] or [None])[0] for a in narrow] == first and sum(f is not None for f in first) > len(first) / 2
