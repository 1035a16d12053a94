"""Fit the reranker (rag/search/rerank.py) and print its cross-validated gain; --write ships it.

    python scripts/train_reranker.py --jsquad-dir D            # D: the JSQuAD abstention variant
    python scripts/train_reranker.py --jsquad-dir D --write    # -> rag/search/data/reranker.json

Trained on the JSQuAD abstention variant's train half (its answerable questions) and the briefing's dev
set (eval/gold.jsonl, answerable questions), each half the loss; never on JSQuAD's held-out half or
eval/test.jsonl. The candidates and their features come from the retriever's own code (first_stage,
Reranker.features), so training sees what a query sees. Cross-validation keeps each JSQuAD article
(and each dev question) in one fold. Rebuild the indexes after --write: the model is copied into the
manifest at build.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import paths  # noqa: E402
from rag.embedding.embedder import load_embedder  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.evaluation.gold import is_relevant, load_gold  # noqa: E402
from rag.evaluation.rerank_fit import Candidates, fit, folds, hits_at_1  # noqa: E402
from rag.index.build import ensure_index  # noqa: E402
from rag.search.rerank import MODEL_FILE, Reranker  # noqa: E402

DEPTH = 20  # the hybrid ranking's best 20 hold the answer for 99.7% of JSQuAD train, 100% of dev


def candidates(engine: Engine, gold, depth: int, *, by_article: bool) -> tuple[list[Candidates], list[str]]:
    """Each answerable question's first-stage candidates, and its fold key: the article its answer is in
    (questions on one article would otherwise teach each other), or the question itself."""
    retriever = engine.live().retriever
    index = retriever.index
    reranker = Reranker(index.terms, retriever._features.first, index.bm25, None)
    forms = [retriever.analyzer.analyze(q.question) for q in gold]
    vectors = engine.embedder.encode_queries([f.search_text for f in forms])
    groups, articles = [], []
    for q, f, qv in zip(gold, forms, vectors, strict=True):
        relevant = np.array([is_relevant(c, q) for c in index.chunks])
        if not relevant.any():
            continue
        rows, fused, features, prepared = retriever.first_stage(f, qv, depth)
        groups.append(Candidates(reranker.features(rows, fused, features, prepared, retriever.config), relevant[rows]))
        articles.append(index.chunks[int(np.flatnonzero(relevant)[0])].source if by_article else q.id)
    return groups, articles


def engine_for(corpus_dir: str | None, index_dir: str | None, embedder) -> Engine:
    engine = Engine(index_dir=paths.index_dir(index_dir), corpus_dir=paths.corpus_dir(corpus_dir), embedder=embedder)
    ensure_index(engine, log=lambda m: print(m, file=sys.stderr))
    return engine


def question_weights(sizes: list[int], shares: list[float]) -> np.ndarray:
    """Each set its share of the loss, the weights averaging 1: sizes [3, 1], shares [0.5, 0.5] -> [2/3]*3 + [2]."""
    total = sum(sizes)
    return np.concatenate([np.full(n, share * total / n) for n, share in zip(sizes, shares, strict=True)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsquad-dir", required=True, help="holds corpus/, index/ and gold_halves.jsonl")
    parser.add_argument("--gold", default=str(ROOT / "eval" / "gold.jsonl"), help="the briefing's dev gold")
    parser.add_argument("--briefing-share", type=float, default=0.5, help="of the loss, the briefing's share")
    parser.add_argument("--depth", type=int, default=DEPTH)
    parser.add_argument("--write", action="store_true", help=f"write the model fitted on all to {MODEL_FILE}")
    args = parser.parse_args()
    embedder = load_embedder(log=lambda _: None)
    jsquad = Path(args.jsquad_dir)
    train = [q for q in load_gold(jsquad / "gold_halves.jsonl") if q.split == "train" and not q.unanswerable]
    dev = [q for q in load_gold(Path(args.gold)) if q.split == "dev" and not q.unanswerable]
    sets = {
        "JSQuAD train": candidates(
            engine_for(str(jsquad / "corpus"), str(jsquad / "index"), embedder), train, args.depth, by_article=True
        ),
        "briefing dev": candidates(engine_for(None, None, embedder), dev, args.depth, by_article=False),
    }
    names = list(sets)
    shares = [1 - args.briefing_share, args.briefing_share]
    fold_of = {name: folds(articles) for name, (_, articles) in sets.items()}
    cross = {name: np.zeros(len(groups), bool) for name, (groups, _) in sets.items()}
    for k in range(5):
        parts = [[g for g, f in zip(sets[n][0], fold_of[n], strict=True) if f != k] for n in names]
        model = fit(sum(parts, []), question_weights([len(p) for p in parts], shares), depth=args.depth, version="")
        for n in names:
            held_out = np.flatnonzero(fold_of[n] == k)
            cross[n][held_out] = hits_at_1([sets[n][0][i] for i in held_out], model)
    print("| set | questions | hybrid hit@1 | reranked hit@1 (5-fold, by article) |")
    print("|---|---|---|---|")
    for n in names:
        groups = sets[n][0]
        print(f"| {n} | {len(groups)} | {hits_at_1(groups, None).mean():.4f} | {cross[n].mean():.4f} |")
    groups = [g for n in names for g in sets[n][0]]
    version = (
        f"conditional logit, depth {args.depth}, on JSQuAD train {len(sets[names[0]][0])} + briefing dev "
        f"{len(sets[names[1]][0])} (shares {shares[0]:.2f}/{shares[1]:.2f}), {time.strftime('%Y-%m-%d')}"
    )
    model = fit(groups, question_weights([len(sets[n][0]) for n in names], shares), depth=args.depth, version=version)
    print("\nweights on standardised features:")
    for name, w in zip(model.features, model.weights, strict=True):
        print(f"  {name:16s} {w:+.3f}")
    if args.write:
        print(f"wrote {model.write()}; rebuild the indexes (rag build) to use it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
