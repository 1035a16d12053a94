"""Metrics on a hand-ranked example, gold-set hygiene, the report, and the CI gate on the real gold set."""

from __future__ import annotations

import json

import pytest

from rag.errors import RagError
from rag.evaluation.gold import GoldQuestion, is_relevant, load_gold, normalise
from rag.evaluation.metrics import TARGETS, QuestionOutcome, gate_failures, load_floors, metrics
from rag.evaluation.runner import Window

from .conftest import BRIEFING, ROOT

GOLD = ROOT / "eval" / "gold.jsonl"


def q(qid, answers, lang="ja", unanswerable=False, kind=None):
    return GoldQuestion(qid, "?", lang, tuple(answers), unanswerable, kind or ("offtopic" if unanswerable else "x"))


def p(text, source="f.txt", start=0):
    return Window(source, start, start + len(text), text)


def test_metrics_on_a_hand_ranked_example():
    outcomes = [
        QuestionOutcome(q("a", ["日米同盟"]), [p("日米同盟は基軸"), p("x")], "answered", 1),  # rank 1
        QuestionOutcome(q("b", ["OSA"], "en"), [p("x"), p("y"), p("OSAの予算")], "not_covered", 1),  # rank 3
        QuestionOutcome(q("c", ["北方四島"]), [p("x")] * 10, "partial", 1),  # miss
        QuestionOutcome(q("d", [], unanswerable=True), [p("x")], "not_covered", 0),
        QuestionOutcome(q("e", [], unanswerable=True, kind="ontopic_unanswerable"), [p("x")], "partial", 0),
        QuestionOutcome(q("f", [], unanswerable=True, kind="ontopic_unanswerable"), [p("x")], "answered", 0),
    ]
    m = metrics(outcomes, [100, 300])
    assert m["hit@1"] == pytest.approx(1 / 3) and m["hit@3"] == pytest.approx(2 / 3)
    assert m["mrr@10"] == pytest.approx((1 + 1 / 3) / 3)
    assert m["ndcg@10"] == pytest.approx((1 + 0.5) / 3)  # 1/log2(4) = 0.5
    assert m["en_hit@1"] == 0 and m["ja_hit@1"] == 0.5 and m["x_hit@1"] == pytest.approx(1 / 3)
    assert m["answerable_not_covered"] == pytest.approx(1 / 3) and m["answerable_partial"] == pytest.approx(1 / 3)
    assert m["offtopic_not_covered"] == 1.0 and m["ontopic_unanswerable_declined"] == 0.5
    assert m["unanswerable_declined"] == pytest.approx(2 / 3)
    assert (m["mean_passage_chars"], m["max_passage_chars"]) == (200, 300)


def test_relevance_ignores_width_whitespace_and_emphasis():
    assert normalise("**ＯＳＡ**の 予算\n") == "OSAの予算"
    assert is_relevant(p("- ✓ **日米同盟**を\n強化"), q("x", ["日米同盟を強化"]))


def test_span_relevance_needs_the_same_file_and_the_whole_span():
    gold = GoldQuestion("j", "?", "ja", ("雨季",), False, source="a00.md", answer_span=(118, 120))
    assert is_relevant(Window("a00.md", 100, 200, "…"), gold)
    assert not is_relevant(Window("a01.md", 100, 200, "雨季"), gold)  # the words alone do not count
    assert not is_relevant(Window("a00.md", 119, 200, "雨季"), gold)  # the span cut in half


def test_the_jsquad_records_load(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(
        '{"id": "x", "lang": "ja", "question": "梅雨とは何季の一種か?", "answers": ["雨季"], '
        '"source": "a00.md", "answer_span": [118, 120], "paragraph_span": [6, 127]}\n',
        encoding="utf-8",
    )
    (gold,) = load_gold(path)
    assert (gold.source, gold.answer_span, gold.split, gold.kind) == ("a00.md", (118, 120), "", "answerable")


def test_gate_lists_every_missed_target():
    good = {key: target for key, (op, target) in TARGETS.items()}  # exactly at each target: met
    assert gate_failures(good) == []
    beyond = {key: target + (0.01 if op == ">=" else -0.01) for key, (op, target) in TARGETS.items()}
    assert gate_failures(beyond) == []
    short = {key: target - (0.01 if op == ">=" else -0.01) for key, (op, target) in TARGETS.items()}
    assert len(gate_failures(short)) == len(TARGETS)  # every side of every target is checked
    failures = gate_failures({**good, "hit@1": 0.5, "max_passage_chars": 700})
    assert [f.split(" =")[0] for f in failures] == ["hit@1", "max_passage_chars"]
    assert gate_failures({k: v for k, v in good.items() if k != "en_hit@1"}) == [
        "en_hit@1: not measured by this gold set, target >= 0.85"
    ]


def test_floors_are_keyed_by_gold_path_so_a_benchmark_is_not_gated_with_the_briefings(tmp_path):
    from rag.evaluation.metrics import gold_key

    gate = tmp_path / "gate.json"
    gate.write_text(json.dumps({"eval/test.jsonl": {"floors": {"hit@1": [">=", 0.9]}}}), encoding="utf-8")
    assert gold_key(ROOT / "eval" / "test.jsonl", ROOT) == "eval/test.jsonl"
    assert load_floors(gate, gold_key(ROOT / "eval" / "test.jsonl", ROOT)) == {"hit@1": (">=", 0.9)}
    elsewhere = tmp_path / "jsquad" / "gold.jsonl"
    assert gold_key(elsewhere, ROOT) == str(elsewhere.resolve())
    assert load_floors(gate, gold_key(elsewhere, ROOT)) is None


def test_gold_sets_are_split_grounded_and_cover_every_kind():
    dev, test = load_gold(GOLD), load_gold(GOLD.with_name("test.jsonl"))
    assert {g.split for g in dev} == {"dev"} and {g.split for g in test} == {"test"}
    assert not {g.question for g in dev} & {g.question for g in test}
    kinds = {g.kind for g in test}
    named = {"paraphrase", "english", "why", "polite", "compare", "short", "everyday", "casual"}
    assert named | {"near_topic", "offtopic", "social", "meta", "request"} <= kinds  # every kind the issues name
    assert kinds <= {g.kind for g in dev}  # and each was tuned on in dev, never on test
    assert len(test) >= 100
    briefing = normalise(BRIEFING.read_text(encoding="utf-8"))
    for g in [g for g in dev + test if not g.unanswerable]:
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

    gold = load_gold(GOLD)[::7]
    evaluation = run_evaluation(hash_engine, gold)
    assert evaluation.splits == ["dev", "all"]
    assert all(set(evaluation.metrics[split]) == set(RETRIEVERS) for split in evaluation.splits)
    assert all(0 <= m["hit@1"] <= m["hit@5"] <= 1 for m in evaluation.metrics["all"].values())
    assert "| hit@1 |" in table(evaluation, "dev")
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
def test_ci_gate_hybrid_holds_its_recorded_floors_on_the_test_split(engine):
    """The floors in eval/gate.json (the frozen test split's shipped figures less one question) guard
    against regressions; the issue's targets are printed, met or not, so the log shows the distance."""
    from rag.evaluation.metrics import gold_key
    from rag.evaluation.runner import run_evaluation

    test_split = GOLD.with_name("test.jsonl")
    evaluation = run_evaluation(engine, load_gold(test_split))
    split = "test" if "test" in evaluation.metrics else "all"
    hybrid = evaluation.metrics[split]["hybrid"]
    floors = load_floors(ROOT / "eval" / "gate.json", gold_key(test_split, ROOT))
    assert floors and set(floors) <= set(hybrid), "eval/gate.json must record floors for eval/test.jsonl"
    assert gate_failures(hybrid, floors) == [], "\n".join(gate_failures(hybrid, floors))
    print("targets missed:", gate_failures(hybrid) or "none")
    assert evaluation.unreachable == []
    # each component earns its place: the hybrid beats both halves and the naive baseline
    for other in ("bm25", "dense", "naive"):
        assert hybrid["mrr@10"] > evaluation.metrics[split][other]["mrr@10"], other
