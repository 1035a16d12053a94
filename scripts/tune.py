"""Sweep the retrieval choices on the gold set and print the tables in docs/decisions.md.

    python scripts/tune.py > /tmp/sweep.md

Each row changes one choice from the shipped configuration; the index is rebuilt in a
temporary folder when the choice is made at build time (chunk size, tokeniser mode).
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from rag import language, lexicon, paths, retrieval  # noqa: E402
from rag.embedding import load_embedder  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.evaluation.gold import load_gold  # noqa: E402
from rag.evaluation.runner import run_evaluation  # noqa: E402
from rag.indexer import build_index  # noqa: E402

COLUMNS = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "en_hit@1",
    "unanswerable_abstained",
    "answerable_abstained",
    "mean_passage_chars",
)


@contextlib.contextmanager
def patched(module, **values):
    old = {k: getattr(module, k) for k in values}
    for k, v in values.items():
        setattr(module, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(module, k, v)


def row(label: str, m: dict) -> str:
    cells = [f"{m[c]:.0f}" if "chars" in c else f"{m[c]:.3f}" for c in COLUMNS]
    return f"| {label} | " + " | ".join(cells) + " |"


def header(title: str) -> str:
    return f"\n### {title}\n\n| choice | " + " | ".join(COLUMNS) + " |\n|---|" + "---|" * len(COLUMNS)


def main() -> None:
    embedder = load_embedder(log=lambda _: None)
    gold = load_gold(paths.PROJECT_ROOT / "eval" / "gold.jsonl")
    corpus = paths.corpus_dir()
    work = Path(tempfile.mkdtemp(prefix="rag-tune-"))
    shutil.copytree(paths.index_dir() / "cache", work / "cache", dirs_exist_ok=True)  # reuse vectors
    try:

        def evaluate(**build) -> tuple[Engine, dict]:
            build_index(corpus, work, embedder, progress=False, log=lambda _: None, **build)
            engine = Engine(index_dir=work, corpus_dir=corpus, embedder=embedder)
            return engine, run_evaluation(engine, gold, with_naive=False).metrics["hybrid"]

        print(header("Chunk size (greedy packing target; sections shorter than it stay whole)"))
        for target in (200, 300, 400, 550):
            print(row(f"target {target}", evaluate(chunk_target=target)[1]))
        print(header("Sudachi split mode for BM25"))
        for mode in ("A", "B", "C"):
            print(row(f"mode {mode}", evaluate(bm25_mode=mode)[1]))

        engine, _ = evaluate()
        print(header("Fusion (shipped: sentence weight 0.5, BM25 weight 0.008, English words mapped)"))
        for sw in (0.0, 0.5, 1.0):
            with patched(retrieval, SENTENCE_WEIGHT=sw):
                print(row(f"sentence weight {sw}", run_evaluation(engine, gold, with_naive=False).metrics["hybrid"]))
        for bw in (0.0, 0.004, 0.008, 0.016):
            with patched(retrieval, BM25_WEIGHT=bw):
                print(row(f"BM25 weight {bw}", run_evaluation(engine, gold, with_naive=False).metrics["hybrid"]))
        for match in (1.01, 0.88, 0.90, 0.92):
            with patched(lexicon, MATCH_AT_LEAST=match):
                label = "English mapping off" if match > 1 else f"English mapping at cosine >= {match}"
                print(row(label, run_evaluation(engine, gold, with_naive=False).metrics["hybrid"]))

        print("\n### Abstention: top hybrid score of each question, by script\n")
        retriever = engine.retriever()
        vectors = embedder.encode_queries([q.question for q in gold])
        tops = [
            float(retriever.search(q.question, k=1, query_vector=v).hits[0].score)
            for q, v in zip(gold, vectors, strict=True)
        ]
        for script in ("ja", "other"):
            idx = [i for i, q in enumerate(gold) if language.script_of(q.question) == script]
            ans = np.array([tops[i] for i in idx if not gold[i].unanswerable])
            una = np.array([tops[i] for i in idx if gold[i].unanswerable])
            print(f"\n{script}: {len(ans)} answerable, {len(una)} unanswerable\n")
            print("| threshold | unanswerable abstained | answerable abstained |\n|---|---|---|")
            for t in np.arange(0.78, 0.876, 0.005):
                print(f"| {t:.3f} | {np.mean(una < t):.3f} | {np.mean(ans < t):.3f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
