"""How many answerable questions each abstention quantile would mark not covered, on any gold set.

    J=../shared/benchmarks/jsquad-valid
    python scripts/abstention_check.py --gold $J/gold.jsonl --corpus-dir $J/corpus --index-dir /tmp/jsquad-index

For each quantile of the calibration questions' best hybrid scores (per script, as a build
measures them), the share of the gold set's answerable questions whose best score falls below it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gold_engine import gold_parser, open_engine  # noqa: E402

from rag.evaluation.gold import load_gold  # noqa: E402
from rag.index.calibration import calibration_questions  # noqa: E402
from rag.language.script import script_of  # noqa: E402

QUANTILES = (0.8, 0.85, 0.9, 0.95, 0.98, 1.0)


def best_scores(retriever, embedder, questions: list[str]) -> np.ndarray:
    texts = [retriever.analyzer.analyze(q).search_text for q in questions]
    vectors = embedder.encode_queries(texts)
    return np.array(
        [retriever.search(q, k=1, query_vector=v).hits[0].score for q, v in zip(questions, vectors, strict=True)]
    )


def main() -> int:
    parser = gold_parser(__doc__)
    args = parser.parse_args()
    engine = open_engine(args)
    retriever = engine.retriever()
    answerable = [q.question for q in load_gold(Path(args.gold)) if not q.unanswerable]
    print("| quantile | " + " | ".join(f"{s} threshold | {s} answerable below" for s in ("ja", "other")) + " |")
    print("|---|---|---|---|---|")
    by_script = {}
    for script in ("ja", "other"):
        calibration = [q for q in calibration_questions() if script_of(q) == script]
        asked = [q for q in answerable if script_of(q) == script]
        by_script[script] = (
            best_scores(retriever, engine.embedder, calibration),
            best_scores(retriever, engine.embedder, asked) if asked else np.zeros(0),
        )
    for quantile in QUANTILES:
        cells = []
        for calibration, asked in by_script.values():
            threshold = float(np.quantile(calibration, quantile))
            below = f"{(asked < threshold).mean():.4f} of {len(asked)}" if len(asked) else "-"
            cells += [f"{threshold:.2f}", below]
        print(f"| {quantile} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
