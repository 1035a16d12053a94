"""Sweep the chosen retrieval settings on a gold set and print the tables behind docs/decisions.md.

    python scripts/tune.py                                   # the briefing, eval/gold.jsonl
    python scripts/tune.py --gold G --corpus-dir C --index-dir I --split all --only bm25_weight

Each row changes one setting of RetrievalConfig from the shipped default. Measured settings
(dense centre and spread, thresholds) are re-measured for every row on the calibration
questions, as a build would. Choices are made on the dev split; the test split is printed beside
it to show what a choice does on questions it was not chosen on.

The per-passage signals (passage and sentence cosines, native and translated BM25) are computed
once per question, so a sweep is arithmetic over arrays; the retriever's own code computes them.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gold_engine import gold_parser, open_engine  # noqa: E402

from rag.engine import Engine  # noqa: E402
from rag.evaluation.gold import load_gold  # noqa: E402
from rag.evaluation.metrics import TOP_K, QuestionOutcome, metrics  # noqa: E402
from rag.index.cache import EmbeddingCache  # noqa: E402
from rag.index.calibration import bm25_scale, calibration_questions, lexicon_threshold  # noqa: E402
from rag.language.script import script_of  # noqa: E402
from rag.search.forms import QueryAnalyzer  # noqa: E402
from rag.search.retriever import Hit, Retriever, fuse  # noqa: E402
from rag.settings import RetrievalConfig  # noqa: E402

COLUMNS = (
    "hit@1",
    "hit@5",
    "paraphrase_hit@1",
    "english_hit@1",
    "everyday_hit@1",
    "casual_hit@1",
    "answerable_not_covered",
    "answerable_partial",
    "ontopic_unanswerable_declined",
    "offtopic_not_covered",
)
SWEEPS = {
    "bm25_weight": (0.25, 0.5, 1.0, 1.5, 2.0, 3.0),
    "translated_weight": (0.5, 1.0, 1.5, 2.0, 3.0, 4.0),
    "sentence_weight": (0.0, 0.25, 0.5, 0.75, 1.0),
    "abstain_quantile": (0.9, 0.95, 0.98, 0.99, 1.0),
    "lexicon_quantile": (0.9, 0.95, 0.98, 1.0),
    "translation_senses": (1, 2, 3),
    "evidence_passages": (1, 2, 3),
}
FORM_SETTINGS = ("lexicon_quantile", "translation_senses")  # these change how questions are read


@dataclass
class Signals:
    """One question's per-passage signals."""

    passage: np.ndarray
    sentence: np.ndarray
    bm25: np.ndarray
    translated: np.ndarray
    coverage: float
    forms: object  # rag.search.forms.QueryForms


class Sweep:
    def __init__(self, engine: Engine, gold):
        self.engine, self.gold = engine, gold
        self.retriever = engine.live().retriever
        self.index = self.retriever.index
        self.cache = EmbeddingCache(engine.index_dir, engine.embedder.identity)
        self.texts = [c.text for c in self.index.chunks]
        self.bm25_scale = bm25_scale(self.index.bm25)
        self.vectors: dict[str, np.ndarray] = {}
        self._statuses: dict = {}

    @functools.cache  # noqa: B019 - one sweep object per run
    def signals(self, lexicon_quantile: float, senses: int) -> tuple[list[Signals], list[Signals]]:
        """(gold, calibration) signals for one way of reading questions."""
        config = replace(RetrievalConfig(), lexicon_quantile=lexicon_quantile, translation_senses=senses)
        questions = list(calibration_questions())
        config = config.with_measured(
            match_at_least=lexicon_threshold(self.index, self.engine.embedder, questions, config, self.cache)
        )
        analyzer = QueryAnalyzer(
            self.index.lexicon,
            self.retriever._vocab,
            bm25_mode=self.retriever.bm25_mode,
            embedder=self.engine.embedder,
            config=config,
        )
        return [self._signals(analyzer, q.question) for q in self.gold], [self._signals(analyzer, q) for q in questions]

    def _signals(self, analyzer, question: str) -> Signals:
        forms = analyzer.analyze(question)
        if forms.search_text not in self.vectors:
            self.vectors[forms.search_text] = self.engine.embedder.encode_queries([forms.search_text])[0]
        qv = self.vectors[forms.search_text]
        r = self.retriever
        f = r._features.features(np.arange(len(r.index.chunks)), r.prepare(forms, qv))
        return Signals(f.passage, f.sentence, f.bm25, f.translated, forms.coverage, forms)

    def outcomes(self, config: RetrievalConfig) -> list[QuestionOutcome]:
        gold_signals, calibration = self.signals(config.lexicon_quantile, config.translation_senses)
        w = config.sentence_weight
        dense = [(1 - w) * s.passage + w * s.sentence for s in calibration]
        center = float(np.mean([d.mean() for d in dense]))
        scale = float(np.mean([d.std() for d in dense]))
        config = config.with_measured(dense_center=center, dense_scale=scale, bm25_scale=self.bm25_scale)
        tops: dict[str, list[float]] = {"ja": [], "other": []}
        for q, s in zip(calibration_questions(), calibration, strict=True):
            tops[script_of(q)].append(float(self.fused(s, config).max()))
        threshold = {script: float(np.quantile(v, config.abstain_quantile)) for script, v in tops.items()}
        config = config.with_measured(abstain_below={"hybrid": threshold}, calibrated=True)
        retriever = Retriever(self.index, self.engine.embedder, bm25_mode=self.retriever.bm25_mode, config=config)
        outcomes = []
        for q, s in zip(self.gold, gold_signals, strict=True):
            scores = self.fused(s, config)
            order = np.argsort(-scores, kind="stable")[:TOP_K]
            hits = tuple(Hit(self.index.chunks[i], r + 1, float(scores[i])) for r, i in enumerate(order))
            status, _ = self._status(retriever, q.question, s.forms, hits, config)
            outcomes.append(QuestionOutcome(q, [h.chunk for h in hits], status, 1))
        return outcomes

    @staticmethod
    def fused(s: Signals, config: RetrievalConfig) -> np.ndarray:
        w = config.sentence_weight
        return fuse((1 - w) * s.passage + w * s.sentence, s.bm25, s.translated, s.coverage, config)

    def _status(self, retriever, question, forms, hits, config):
        """The retriever's own status rule; memoised, since most sweeps leave it unchanged."""
        key = (question, tuple(h.chunk.id for h in hits[: config.evidence_passages]), hits[0].score >= 0, str(config))
        if key not in self._statuses:
            self._statuses[key] = retriever.status(question, forms, "hybrid", hits)
        return self._statuses[key]


def row(label: str, outcomes: list, splits: list[str]) -> str:
    cells = []
    for split in splits:
        m = metrics([o for o in outcomes if split == "all" or o.question.split == split])
        cells += [f"{m[c]:.3f}" if c in m else "-" for c in COLUMNS]
    return f"| {label} | " + " | ".join(cells) + " |"


def header(title: str, splits: list[str]) -> str:
    names = [f"{split} {c}" for split in splits for c in COLUMNS]
    return f"\n### {title}\n\n| setting | " + " | ".join(names) + " |\n|---|" + "---|" * len(names)


def main() -> int:
    parser = gold_parser(__doc__)
    parser.add_argument("--split", default="dev,test", help="comma-separated splits to print (dev,test or all)")
    parser.add_argument("--only", help="comma-separated settings to sweep (default: all)")
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE: a base setting other than shipped")
    args = parser.parse_args()
    engine = open_engine(args)
    sweep = Sweep(engine, load_gold(Path(args.gold)))
    splits = args.split.split(",")
    base = RetrievalConfig()
    for assignment in args.set:
        name, value = assignment.split("=", 1)
        base = replace(base, **{name: type(getattr(base, name))(value)})
    print(header("Base configuration", splits))
    print(row("base", sweep.outcomes(base), splits), flush=True)
    for name, values in SWEEPS.items():
        if args.only and name not in args.only.split(","):
            continue
        print(header(f"{name} (base: {getattr(base, name)})", splits))
        for value in values:
            print(row(f"{name} = {value}", sweep.outcomes(replace(base, **{name: value})), splits), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
