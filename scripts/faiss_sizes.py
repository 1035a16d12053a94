"""Exact scan against HNSW by index size: the numbers behind rag.index.vector_index.EXACT_BELOW.

    python scripts/faiss_sizes.py [--sizes 10000,50000,100000,400000] [--k 256]

Unit vectors in a narrow cone like e5's (cosines of unrelated texts ~0.7-0.8), one query at a time
on one thread, as the query path runs. Prints, per size: build seconds and per-query milliseconds
(median and 95th percentile) for both, and HNSW's recall of the exact top k.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.index import vector_index  # noqa: E402


def cone(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """Vectors around a shared direction, with cluster structure, normalised."""
    centre = rng.standard_normal(dim)
    topics = rng.standard_normal((max(8, n // 200), dim))
    v = 2.0 * centre / np.linalg.norm(centre) + topics[rng.integers(len(topics), size=n)] / np.sqrt(dim)
    v += 0.6 * rng.standard_normal((n, dim)) / np.sqrt(dim)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def timed(index, queries: np.ndarray, k: int) -> tuple[list[float], list[np.ndarray]]:
    seconds, ids = [], []
    for q in queries:
        started = time.perf_counter()
        ids.append(vector_index.top_k(index, q, k)[1])
        seconds.append(time.perf_counter() - started)
    return seconds, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000,400000")
    parser.add_argument("--k", type=int, default=256)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    for n in (int(s) for s in args.sizes.split(",")):
        vectors = cone(n + args.queries, args.dim, rng)
        base, queries = vectors[:n], vectors[n:]
        row = {"vectors": n, "k": args.k}
        results = {}
        for plan in (vector_index.IndexPlan(), vector_index.plan_for(n, exact_below=0)):
            started = time.perf_counter()
            index = vector_index.build(base, plan)
            row[f"{plan.kind}_build_s"] = round(time.perf_counter() - started, 2)
            seconds, results[plan.kind] = timed(index, queries, args.k)
            row[f"{plan.kind}_p50_ms"] = round(float(np.percentile(seconds, 50)) * 1000, 3)
            row[f"{plan.kind}_p95_ms"] = round(float(np.percentile(seconds, 95)) * 1000, 3)
        overlap = [len(set(a) & set(b)) / len(a) for a, b in zip(results["exact"], results["hnsw"], strict=True)]
        row["hnsw_recall"] = round(float(np.mean(overlap)), 4)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
