"""Do two stores answer alike? The same corpus built for FAISS and for another store, every gold question
asked of both: the share whose top 10 (ids, in order) and answer status agree.

    compare_stores(corpus, questions, embedder, parse_store("milvus:///tmp/a.db"), work)
    -> Agreement(questions=300, same_top10=300, same_status=300, differing=[])
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rag.engine import Engine
from rag.index.build import build_index
from rag.index.stores import StoreSpec

K = 10


@dataclass(frozen=True)
class Agreement:
    questions: int
    same_top10: int
    same_status: int
    differing: list[dict] = field(default_factory=list)  # question, and each store's ids and status

    @property
    def top10_share(self) -> float:
        return self.same_top10 / self.questions if self.questions else 1.0

    @property
    def status_share(self) -> float:
        return self.same_status / self.questions if self.questions else 1.0

    def summary(self, other: str) -> str:
        return (
            f"{self.questions} questions: same top-{K} as FAISS for {self.same_top10} ({self.top10_share:.1%}), "
            f"same status for {self.same_status} ({self.status_share:.1%}) on {other}"
        )


def compare_stores(
    corpus: Path, questions: list[str], embedder, other: StoreSpec, work: Path, *, log=print
) -> Agreement:
    """Builds `corpus` into work/faiss and (from a copy, so the embedding cache is shared) work/other."""
    faiss_dir, other_dir = work / "faiss", work / "other"
    build_index(corpus, faiss_dir, embedder, progress=False, log=log)
    shutil.rmtree(other_dir, ignore_errors=True)
    shutil.copytree(faiss_dir, other_dir, symlinks=True)
    build_index(corpus, other_dir, embedder, store_spec=other, progress=False, log=log)
    engines = [
        Engine(index_dir=faiss_dir, corpus_dir=corpus, embedder=embedder, store=StoreSpec()),
        Engine(index_dir=other_dir, corpus_dir=corpus, embedder=embedder, store=other),
    ]
    same_top, same_status, differing = 0, 0, []
    for question in questions:
        a, b = (engine.search(question, k=K) for engine in engines)
        status_a, status_b = (engine.live().judge.verdict(r).status for engine, r in zip(engines, (a, b), strict=True))
        ids_a, ids_b = [h.chunk.id for h in a.hits], [h.chunk.id for h in b.hits]
        same_top += ids_a == ids_b
        same_status += status_a == status_b
        if ids_a != ids_b or status_a != status_b:
            differing.append({"question": question, "faiss": [ids_a, status_a], other.describe(): [ids_b, status_b]})
    return Agreement(len(questions), same_top, same_status, differing)
