"""Metrics on a hand-ranked example, gold-set hygiene, the report, and the CI gate on the real gold set."""

from __future__ import annotations

import json

import pytest

from rag.errors import RagError
from rag.evaluation.gold import GoldQuestion, is_relevant, load_gold, normalise
from rag.evaluation.metrics import QuestionOutcome, gate_failures, metrics

from .conftest import BRIEFING, ROOT

GOLD = ROOT / "eval" / "gold.jsonl"


def q(qid, answers, lang="ja", unanswerable=False):
    return GoldQuestion(qid, "?", lang, tuple(answers), unanswerable)


def test_metrics_on_a_hand_ranked_example():
    outcomes = [
        QuestionOutcome(q("a", ["日米同盟"]), ["日米同盟は基軸", "x"], ["1", "2"], False, 1),  # rank 1
        QuestionOutcome(q("b", ["OSA"], "en"), ["x", "y", "OSAの予算"], ["1", "2", "3"], True, 1),  # rank 3
        QuestionOutcome(q("c", ["北方四島"]), ["x"] * 10, ["i"] * 10, False, 1),  # miss
        QuestionOutcome(q("d", [], unanswerable=True), ["x"], ["1"], True, 0),
    ]
    m = metrics(outcomes, [100, 300])
    assert m["hit@1"] == pytest.approx(1 / 3) and m["hit@3"] == pytest.approx(2 / 3)
    assert m["mrr@10"] == pytest.approx((1 + 1 / 3) / 3)
    assert m["ndcg@10"] == pytest.approx((1 + 0.5) / 3)  # 1/log2(4) = 0.5
    assert m["en_hit@1"] == 0 and m["ja_hit@1"] == 0.5
    assert m["unanswerable_abstained"] == 1.0 and m["answerable_abstained"] == pytest.approx(1 / 3)
    assert (m["mean_passage_chars"], m["max_passage_chars"]) == (200, 300)


def test_relevance_ignores_width_whitespace_and_emphasis():
    assert normalise("**ＯＳＡ**の 予算\n") == "OSAの予算"
    assert is_relevant("- ✓ **日米同盟**を\n強化", q("x", ["日米同盟を強化"]))


def test_gate_lists_every_missed_target():
    good = {
        "hit@1": 0.95,
        "hit@5": 0.99,
        "mrr@10": 0.96,
        "en_hit@1": 0.9,
        "unanswerable_abstained": 0.9,
        "answerable_abstained": 0.01,
        "mean_passage_chars": 300,
        "max_passage_chars": 590,
    }
    assert gate_failures(good) == []
    assert [f.split(" =")[0] for f in gate_failures({**good, "hit@1": 0.5, "max_passage_chars": 700})] == [
        "hit@1",
        "max passage chars",
    ]


def test_gold_set_is_big_enough_and_grounded_in_the_briefing():
    gold = load_gold(GOLD)
    answerable = [g for g in gold if not g.unanswerable]
    assert len(gold) >= 100
    assert sum(g.lang == "ja" for g in answerable) >= 70 and sum(g.lang == "en" for g in answerable) >= 20
    assert sum(g.unanswerable for g in gold) >= 10
    briefing = normalise(BRIEFING.read_text(encoding="utf-8"))
    for g in answerable:
        assert all(normalise(a) in briefing for a in g.answers), g.id
        # paraphrased, not copied: no answer string is quoted inside its question
        assert not any(normalise(a) in normalise(g.question) for a in g.answers if len(a) > 6), g.id


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "q1"}', "line 1"),
        ("not json", "line 1"),
        ('{"id": "q1", "question": "?", "answers": []}', "no answers"),
    ],
)
def test_bad_gold_lines_are_named(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(RagError, match=message):
        load_gold(path)


def test_a_run_writes_the_table_the_report_and_the_plot(hash_engine, tmp_path):
    """The whole evaluation pipeline on the hashing embedder: plumbing, not quality."""
    from rag.evaluation.report import table, write_report
    from rag.evaluation.runner import RETRIEVERS, run_evaluation

    gold = load_gold(GOLD)[:20]
    evaluation = run_evaluation(hash_engine, gold)
    assert set(evaluation.metrics) == set(RETRIEVERS)
    assert all(0 <= m["hit@1"] <= m["hit@5"] <= 1 for m in evaluation.metrics.values())
    assert "| hit@1 |" in table(evaluation)
    report = write_report(evaluation, tmp_path / "report", GOLD).read_text(encoding="utf-8")
    assert "| hit@1 |" in report and "hit_at_k.png" in report and "## Misses" in report
    png = (tmp_path / "report" / "hit_at_k.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_the_gate_is_opt_in(hash_built, capsys):
    from rag.cli import main

    where = ["--corpus-dir", str(hash_built[0]), "--index-dir", str(hash_built[1]), "--model", "hash"]
    assert main(["eval", "--json", *where]) == 0  # the hashing embedder misses every target
    assert "gate_failures" not in json.loads(capsys.readouterr().out)
    assert main(["eval", "--json", "--gate", *where]) == 1
    assert json.loads(capsys.readouterr().out)["gate_failures"]


@pytest.mark.slow
def test_ci_gate_hybrid_meets_every_target_on_the_gold_set(engine):
    from rag.evaluation.runner import run_evaluation

    evaluation = run_evaluation(engine, load_gold(GOLD))
    hybrid = evaluation.metrics["hybrid"]
    assert gate_failures(hybrid) == [], "\n".join(gate_failures(hybrid))
    assert evaluation.unreachable == []
    # each component earns its place: the hybrid beats both halves and the naive baseline
    for other in ("bm25", "dense", "naive"):
        assert hybrid["mrr@10"] > evaluation.metrics[other]["mrr@10"], other
    assert hybrid["highlight@1"] >= 0.8
