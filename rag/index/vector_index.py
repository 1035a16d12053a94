"""FAISS indexes over unit vectors: exact below a size, HNSW above it; the plan is kept in the manifest.

    plan_for(31)      -> IndexPlan(kind="exact")
    plan_for(400_000) -> IndexPlan(kind="hnsw", m=32, ef_construction=80, ef_search=128)

Scores are inner products (cosines of the L2-normalised vectors) either way. The vectors stay
inside the FAISS index, and `stored_vectors` views them without a copy, so a build holds each
vector once, on disk and in memory.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import numpy as np

# Measured on this machine (docs/decisions.md, "Fast at every size"): an exact scan of 50k
# vectors costs ~2-3 ms a question; HNSW then answers in well under 1 ms at recall >= 0.99.
EXACT_BELOW = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
KINDS = ("exact", "hnsw")


@dataclass(frozen=True)
class IndexPlan:
    kind: str = "exact"  # one of KINDS
    m: int = 0  # HNSW links per node
    ef_construction: int = 0
    ef_search: int = 0  # HNSW search breadth; raised to k when a search asks for more

    @property
    def exact(self) -> bool:
        return self.kind == "exact"

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict | None) -> IndexPlan:
        """The plan a manifest records; builds from before plans existed were all exact."""
        data = data or {}
        plan = cls(**{k: data[k] for k in ("kind", "m", "ef_construction", "ef_search") if k in data})
        if plan.kind not in KINDS:
            raise ValueError(f"unknown vector index kind {plan.kind!r}")
        return plan


def plan_for(n: int, *, exact_below: int = EXACT_BELOW) -> IndexPlan:
    """Exact search while a full scan is cheap; a graph index past that."""
    if n < exact_below:
        return IndexPlan("exact")
    return IndexPlan("hnsw", m=HNSW_M, ef_construction=HNSW_EF_CONSTRUCTION, ef_search=HNSW_EF_SEARCH)


def build(vectors: np.ndarray, plan: IndexPlan):
    """A FAISS inner-product index holding `vectors` in row order (row i has id i)."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # an HNSW graph is built in parallel (this thread's setting)
    if plan.exact:
        index = faiss.IndexFlatIP(vectors.shape[1])
    else:
        index = faiss.IndexHNSWFlat(vectors.shape[1], plan.m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = plan.ef_construction
    index.add(vectors)
    configure(index, plan)
    return index


def configure(index, plan: IndexPlan) -> None:
    """Query-time settings, which FAISS does not save with the index."""
    if not plan.exact:
        index.hnsw.efSearch = plan.ef_search


def stored_vectors(index) -> np.ndarray:
    """The vectors inside a flat or HNSW-flat index as a read-only [n, dim] array, without a copy.

    The array borrows the index's memory: keep the index alive as long as the array.
    """
    import faiss

    flat = faiss.downcast_index(index.storage) if hasattr(index, "storage") else index
    if index.ntotal == 0:
        return np.zeros((0, index.d), np.float32)
    view = faiss.rev_swig_ptr(flat.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)
    view.flags.writeable = False
    return view


def top_k(index, query_vector: np.ndarray, k: int, *, selector=None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, ids) of the k best rows, best first; fewer when the index (or the selector) holds fewer."""
    import faiss

    # One question is one thread's work: OpenMP workers would only spin, taking CPU from torch meanwhile.
    # The setting is per thread, so every search thread sets it.
    faiss.omp_set_num_threads(1)
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    query = np.ascontiguousarray(query_vector[None, :], dtype=np.float32)
    params = None
    if selector is not None:
        params = faiss.SearchParameters(sel=selector)
        if hasattr(index, "hnsw"):
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(index.hnsw.efSearch, k))
    elif hasattr(index, "hnsw") and index.hnsw.efSearch < k:
        params = faiss.SearchParametersHNSW(efSearch=k)
    scores, ids = index.search(query, k, params=params)
    found = ids[0] >= 0
    return scores[0][found], ids[0][found].astype(np.int64)


class RowFilter:
    """The rows a search may return, as a FAISS selector (a bitmap: one bit a row)."""

    def __init__(self, mask: np.ndarray):
        import faiss

        bits = np.packbits(mask, bitorder="little")  # FAISS reads bit i of byte i >> 3
        self.selector = faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits))
        self.selector.bits = bits  # FAISS keeps only a pointer: the array must live as long as the selector
