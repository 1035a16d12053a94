"""Fit the hybrid score's weights on training questions (rag/evaluation/fusion_fit.py) and print the table.

    python scripts/fit_fusion.py --jsquad-dir D     # D: a copy of the JSQuAD abstention variant (corpus/, index/)

Trained on the JSQuAD abstention variant's training half (its answerable questions) and the briefing's dev
gold set (eval/gold.jsonl, answerable questions), never on JSQuAD's held-out half or eval/test.jsonl.
For each sentence weight of a small grid, the dense centre and spread are measured again on each index
as a build would, and the three lexical weights are fitted; the row with the best training MRR@10 wins.
The signals come from the retriever's own code (FeatureScorer on every passage of the index).
Whether the weights generalise is then measured with `rag eval` on the held-out half (docs/decisions.md).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import paths  # noqa: E402
from rag.embedding.embedder import load_embedder  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.evaluation.fusion_fit import WEIGHTS, Group, columns, fit, ranking  # noqa: E402
from rag.evaluation.gold import is_relevant, load_gold  # noqa: E402
from rag.index.build import ensure_index  # noqa: E402
from rag.index.cache import EmbeddingCache  # noqa: E402
from rag.index.calibration import _dense_range, calibration_questions  # noqa: E402

SENTENCE_WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7)


class Corpus:
    """One index and its training questions' exact signals on every passage."""

    def __init__(self, name: str, engine: Engine, gold):
        self.name = name
        live = engine.live()
        retriever = live.retriever
        self.index, self.config = retriever.index, retriever.config
        rows = np.arange(len(self.index.chunks))
        forms = [retriever.analyzer.analyze(q.question) for q in gold]
        vectors = engine.embedder.encode_queries([f.search_text for f in forms])
        self.features, self.coverage, self.relevant = [], [], []
        for q, f, qv in zip(gold, forms, vectors, strict=True):
            relevant = np.array([is_relevant(c, q) for c in self.index.chunks])
            if not relevant.any():
                continue  # no passage holds the answer: nothing to rank
            self.features.append(retriever._features.features(rows, retriever.prepare(f, qv)))
            self.coverage.append(f.coverage)
            self.relevant.append(relevant)
        cache = EmbeddingCache(engine.index_dir, engine.embedder.identity)
        self.generic = cache.embed(list(calibration_questions()), engine.embedder.encode_queries, kind="query")

    def groups(self, sentence_weight: float) -> list[Group]:
        """The questions' signals in the units a build with this sentence weight would measure."""
        config = replace(self.config, sentence_weight=sentence_weight)
        center, scale = _dense_range(self.index, self.generic, config)
        config = config.with_measured(dense_center=center, dense_scale=scale)
        return [
            Group(columns(f, c, config), r) for f, c, r in zip(self.features, self.coverage, self.relevant, strict=True)
        ]


def engine_for(corpus_dir: str | None, index_dir: str | None, embedder) -> Engine:
    engine = Engine(index_dir=paths.index_dir(index_dir), corpus_dir=paths.corpus_dir(corpus_dir), embedder=embedder)
    ensure_index(engine, log=lambda m: print(m, file=sys.stderr))
    return engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsquad-dir", required=True, help="holds corpus/, index/ and gold_halves.jsonl")
    parser.add_argument("--gold", default=str(ROOT / "eval" / "gold.jsonl"), help="the briefing's dev gold")
    parser.add_argument("--briefing-share", type=float, default=0.5, help="of the loss, the briefing's share")
    args = parser.parse_args()
    embedder = load_embedder(log=lambda _: None)
    jsquad = Path(args.jsquad_dir)
    train = [q for q in load_gold(jsquad / "gold_halves.jsonl") if q.split == "train" and not q.unanswerable]
    dev = [q for q in load_gold(Path(args.gold)) if q.split == "dev" and not q.unanswerable]
    corpora = [
        Corpus("briefing dev", engine_for(None, None, embedder), dev),
        Corpus("JSQuAD train", engine_for(str(jsquad / "corpus"), str(jsquad / "index"), embedder), train),
    ]
    shipped = corpora[0].config
    start = np.array([getattr(shipped, name) for name in WEIGHTS])
    names = [c.name for c in corpora]
    print("| sentence weight | " + " | ".join(WEIGHTS) + " | " + " | ".join(f"{n} hit@1 | {n} mrr@10" for n in names))
    print("|---|" + "---|" * (len(WEIGHTS) + 2 * len(names)))
    best = None
    for w in (shipped.sentence_weight, *[s for s in SENTENCE_WEIGHTS if s != shipped.sentence_weight]):
        groups = {c.name: c.groups(w) for c in corpora}
        candidates = [("shipped", start)] if w == shipped.sentence_weight else []
        shares = (args.briefing_share, 1 - args.briefing_share)
        every = [g for c in corpora for g in groups[c.name]]
        per_question = [s / len(groups[c.name]) for c, s in zip(corpora, shares, strict=True) for _ in groups[c.name]]
        candidates.append(("fitted", fit(every, per_question, start=start)))
        for label, weights in candidates:
            m = {n: ranking(groups[n], weights) for n in names}
            cells = [f"{x:.3f}" for x in weights] + [f"{m[n][k]:.3f}" for n in names for k in ("hit@1", "mrr@10")]
            print(f"| {w} {label} | " + " | ".join(cells) + " |", flush=True)
            objective = sum(s * m[n]["mrr@10"] for n, s in zip(names, shares, strict=True))
            if label == "fitted" and (best is None or objective > best[0]):
                best = (objective, w, weights)
    _, w, weights = best
    chosen = " ".join(f"{n}={x:.2f}" for n, x in zip(WEIGHTS, weights, strict=True))
    print(f"\nbest on training MRR@10: sentence_weight={w} {chosen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
