"""Retrieval metrics over question outcomes, and the targets `rag eval --gate` holds the hybrid to."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rag.evaluation.gold import GoldQuestion, is_relevant

TOP_K = 10
TARGETS = {  # issue 4: the hybrid must hold these on any gold set written the same way
    "hit@1": 0.90,
    "hit@5": 0.98,
    "mrr@10": 0.93,
    "en_hit@1": 0.85,
    "unanswerable_abstained": 0.80,
    "answerable_abstained_max": 0.05,
    "mean_passage_chars_max": 400,
    "max_passage_chars_max": 600,
}


@dataclass
class QuestionOutcome:
    question: GoldQuestion
    ranked_texts: list[str]  # top TOP_K passage texts
    ranked_ids: list[str]
    abstained: bool
    relevant_total: int  # passages in the whole index that contain an answer
    first_relevant: int | None = field(init=False)  # 1-based rank, None when not in the top TOP_K
    gains: list[int] = field(init=False)
    highlight_has_answer: bool | None = None  # when the top passage is relevant: is the answer highlighted?

    def __post_init__(self):
        self.gains = [int(is_relevant(t, self.question)) for t in self.ranked_texts]
        self.first_relevant = next((i + 1 for i, g in enumerate(self.gains) if g), None)


def metrics(outcomes: list[QuestionOutcome], passage_lengths: list[int] | None = None) -> dict:
    answerable = [o for o in outcomes if not o.question.unanswerable]
    unanswerable = [o for o in outcomes if o.question.unanswerable]
    result = _ranking_metrics(answerable)
    for lang in sorted({o.question.lang for o in answerable}):
        for key, value in _ranking_metrics([o for o in answerable if o.question.lang == lang]).items():
            result[f"{lang}_{key}"] = value
    result["unanswerable_abstained"] = _share(o.abstained for o in unanswerable)
    result["answerable_abstained"] = _share(o.abstained for o in answerable)
    result["questions"] = len(outcomes)
    if passage_lengths:
        result["mean_passage_chars"] = sum(passage_lengths) / len(passage_lengths)
        result["max_passage_chars"] = max(passage_lengths)
    return result


def _share(flags) -> float:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else 0.0


def _ranking_metrics(outcomes: list[QuestionOutcome]) -> dict:
    if not outcomes:
        return {}
    out = {
        f"hit@{k}": _share(o.first_relevant is not None and o.first_relevant <= k for o in outcomes)
        for k in range(1, TOP_K + 1)
    }
    out["mrr@10"] = sum(1 / o.first_relevant for o in outcomes if o.first_relevant) / len(outcomes)
    out["ndcg@10"] = sum(_ndcg(o) for o in outcomes) / len(outcomes)
    judged = [o.highlight_has_answer for o in outcomes if o.highlight_has_answer is not None]
    if judged:
        out["highlight@1"] = sum(judged) / len(judged)
    out["n"] = len(outcomes)
    return out


def _ndcg(o: QuestionOutcome) -> float:
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(o.gains))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(max(o.relevant_total, 1), TOP_K)))
    return dcg / ideal


def gate_failures(m: dict) -> list[str]:
    """Which targets the hybrid misses, each as a readable line."""
    checks = [
        ("hit@1", m.get("hit@1", 0), ">=", TARGETS["hit@1"]),
        ("hit@5", m.get("hit@5", 0), ">=", TARGETS["hit@5"]),
        ("mrr@10", m.get("mrr@10", 0), ">=", TARGETS["mrr@10"]),
        ("en hit@1", m.get("en_hit@1", 0), ">=", TARGETS["en_hit@1"]),
        ("unanswerable abstained", m.get("unanswerable_abstained", 0), ">=", TARGETS["unanswerable_abstained"]),
        ("answerable abstained", m.get("answerable_abstained", 1), "<=", TARGETS["answerable_abstained_max"]),
        ("mean passage chars", m.get("mean_passage_chars", 1e9), "<=", TARGETS["mean_passage_chars_max"]),
        ("max passage chars", m.get("max_passage_chars", 1e9), "<=", TARGETS["max_passage_chars_max"]),
    ]
    return [
        f"{name} = {value:.3f}, target {op} {target}"
        for name, value, op, target in checks
        if not (value >= target if op == ">=" else value <= target)
    ]
