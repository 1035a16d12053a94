"""Embedding speed on this machine: conversion, load, one-query latency, batch throughput.

python scripts/bench_embedding.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.embedding.bundled import ensure_converted  # noqa: E402
from rag.embedding.embedder import load_embedder  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "gaikoryoku_no_kyoka.txt"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ensure_converted(Path(tmp) / "model", log=lambda _: None)
        conversion = time.perf_counter() - started

    started = time.perf_counter()
    embedder = load_embedder(log=lambda _: None)  # the cached conversion, as every later run
    load = time.perf_counter() - started

    questions = ["OSAの予算はいくらですか", "What is FOIP?", "日米同盟の位置付けは", "認知戦への対応とは"] * 25
    embedder.encode_queries(questions[:2])  # warm-up
    latencies = []
    for q in questions:
        t = time.perf_counter()
        embedder.encode_queries([q])
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * len(latencies)) - 1]

    passages = [p for p in CORPUS.read_text(encoding="utf-8").split("\n\n") if p.strip()] * 3
    t = time.perf_counter()
    embedder.encode_passages(passages)
    throughput = len(passages) / (time.perf_counter() - t)

    import torch

    print(f"machine: {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"conversion (first run): {conversion:.1f} s")
    print(f"model load (converted): {load:.1f} s")
    print(f"one-query latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms (n={len(latencies)})")
    print(
        f"batch: {throughput:.0f} passages/s ({len(passages)} passages, mean "
        f"{sum(map(len, passages)) / len(passages):.0f} chars)"
    )


if __name__ == "__main__":
    main()
