"""Compare ways of fusing the dense and BM25 signals, by ranking alone (hit@1, hit@5, MRR@10).

    python scripts/fusion_compare.py                       # the briefing, dev and test
    python scripts/fusion_compare.py --gold G --corpus-dir C --index-dir I --split all --sample 800

The per-passage signals come from the retriever's own code (scripts/tune.py's Sweep); each row
fuses them differently:

- calibrated: the shipped rule, dense in spreads measured per build plus BM25 in typical-term units;
- raw: dense cosine + 0.008 x BM25 points (round 1's absolute weight, fitted to e5-small);
- rrf: reciprocal-rank fusion, 1/(60 + dense rank) + 1/(60 + BM25 rank);
- zscore / minmax: each signal normalised within the question, then added.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from gold_engine import gold_parser, open_engine  # noqa: E402
from tune import Sweep  # noqa: E402

from rag.evaluation.gold import load_gold  # noqa: E402
from rag.evaluation.metrics import TOP_K, QuestionOutcome, metrics  # noqa: E402
from rag.search.retriever import fuse  # noqa: E402
from rag.settings import RetrievalConfig  # noqa: E402


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(-x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    return ranks


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() or 1.0)


def _minmax(x: np.ndarray) -> np.ndarray:
    span = x.max() - x.min()
    return (x - x.min()) / span if span else np.zeros_like(x)


def fusions(config: RetrievalConfig):
    def parts(s):
        w = config.sentence_weight
        return (1 - w) * s.passage + w * s.sentence, s.coverage * s.bm25 + s.translated

    return {
        "calibrated (shipped)": lambda s: fuse(*parts(s)[:1], s.bm25, s.translated, s.coverage, config),
        "raw: cosine + 0.008 x BM25": lambda s: parts(s)[0] + 0.008 * parts(s)[1],
        "rrf (k=60)": lambda s: 1 / (60 + _ranks(parts(s)[0])) + 1 / (60 + _ranks(parts(s)[1])),
        "zscore per question": lambda s: _z(parts(s)[0]) + _z(parts(s)[1]),
        "minmax per question": lambda s: _minmax(parts(s)[0]) + _minmax(parts(s)[1]),
        "dense only": lambda s: parts(s)[0],
        "bm25 only": lambda s: parts(s)[1],
    }


def main() -> int:
    parser = gold_parser(__doc__)
    parser.add_argument("--split", default="dev,test")
    parser.add_argument("--sample", type=int, help="this many questions, drawn with a fixed seed")
    args = parser.parse_args()
    engine = open_engine(args)
    gold = [q for q in load_gold(Path(args.gold)) if not q.unanswerable]
    if args.sample and args.sample < len(gold):
        gold = random.Random(0).sample(gold, args.sample)
    sweep = Sweep(engine, gold)
    config = engine.retriever().config  # the measured units of this build
    signals, _ = sweep.signals(config.lexicon_quantile, config.translation_senses)
    chunks = sweep.index.chunks
    splits = args.split.split(",")
    print("| fusion | " + " | ".join(f"{s} {m}" for s in splits for m in ("hit@1", "hit@5", "mrr@10")) + " |")
    print("|---|" + "---|" * (3 * len(splits)))
    for name, fused in fusions(config).items():
        outcomes = []
        for q, s in zip(gold, signals, strict=True):
            order = np.argsort(-fused(s), kind="stable")[:TOP_K]
            outcomes.append(QuestionOutcome(q, [chunks[i] for i in order], "answered", 1))
        cells = []
        for split in splits:
            m = metrics([o for o in outcomes if split == "all" or o.question.split == split])
            cells += [f"{m['hit@1']:.3f}", f"{m['hit@5']:.3f}", f"{m['mrr@10']:.3f}"]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
