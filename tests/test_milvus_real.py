"""The Milvus store with the real model: the briefing's gold questions get FAISS's top 10 and status.

The whole gold set and JSQuAD valid are compared by scripts/store_agreement.py (figures in
docs/decisions.md); here a fixed third of the briefing's gold questions, on Milvus Lite.
"""

from __future__ import annotations

import pytest

from rag.evaluation.store_agreement import compare_stores
from rag.index.stores import parse_store

from .conftest import copy_built
from .test_candidates import GOLD


@pytest.mark.slow
def test_milvus_answers_the_gold_questions_as_faiss_does(built, embedder, tmp_path):
    corpus, index = copy_built(built[0], built[1], tmp_path)
    index.rename(tmp_path / "faiss")  # compare_stores' FAISS build then only reuses it (cached vectors)
    questions = GOLD[::3]
    spec = parse_store(f"milvus://{tmp_path / 'milvus.db'}")
    result = compare_stores(corpus, questions, embedder, spec, tmp_path, log=lambda _: None)
    assert result.questions == len(questions)
    assert result.top10_share >= 0.99 and result.status_share >= 0.99, result.differing
