"""Running the gold set through every retriever and the naive baseline; the table and the report."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag import paths
from rag.corpus import read_corpus
from rag.engine import Engine
from rag.evaluation import (
    TOP_K,
    GoldQuestion,
    QuestionOutcome,
    gate_failures,
    is_relevant,
    load_gold,
    metrics,
)
from rag.indexer import text_key
from rag.retrieval import ABSTAIN_BELOW, Retriever, script_of
from rag.store import EmbeddingCache

RETRIEVERS = ("naive", "bm25", "dense", "hybrid")
NAIVE_WINDOW, NAIVE_OVERLAP = 500, 50  # what a tutorial builds
DEFAULT_GOLD = paths.PROJECT_ROOT / "eval" / "gold.jsonl"


@dataclass
class Evaluation:
    gold: list[GoldQuestion]
    outcomes: dict[str, list[QuestionOutcome]]
    metrics: dict[str, dict]
    unreachable: list[GoldQuestion]  # answers no passage contains whole: a chunking or gold-set fault


def evaluate_retriever(
    retriever: Retriever, gold: list[GoldQuestion], query_vectors: np.ndarray, mode: str
) -> list[QuestionOutcome]:
    chunks = retriever.index.chunks
    source_text = {}
    outcomes = []
    for q, qv in zip(gold, query_vectors, strict=True):
        result = retriever.search(q.question, k=TOP_K, mode=mode, query_vector=qv)
        total = sum(is_relevant(c.text, q) for c in chunks) if not q.unanswerable else 0
        outcome = QuestionOutcome(
            q, [h.chunk.text for h in result.hits], [h.chunk.id for h in result.hits], result.abstained, total
        )
        top = result.hits[0]
        if outcome.first_relevant == 1:
            text = source_text.setdefault(top.chunk.id, top.chunk.text)
            spans = retriever.highlights(top, qv)
            marked = "".join(text[s - top.chunk.start : e - top.chunk.start] for s, e in spans)
            outcome.highlight_has_answer = is_relevant(marked, q)
        outcomes.append(outcome)
    return outcomes


def naive_windows(text: str, size: int = NAIVE_WINDOW, overlap: int = NAIVE_OVERLAP) -> list[str]:
    step = size - overlap
    return [text[i : i + size] for i in range(0, max(len(text) - overlap, 1), step)]


def evaluate_naive(
    embedder, corpus_dir: Path, index_dir: Path, gold: list[GoldQuestion], query_vectors: np.ndarray
) -> list[QuestionOutcome]:
    windows = [w for doc in read_corpus(corpus_dir, log=lambda _: None) for w in naive_windows(doc.text)]
    cache = EmbeddingCache(index_dir, embedder.identity)
    keys = [text_key("naive\x1f" + w) for w in windows]
    missing = [(k, w) for k, w in zip(keys, windows, strict=True) if k not in cache.vectors]
    if missing:
        cache.vectors.update(
            zip((k for k, _ in missing), embedder.encode_passages([w for _, w in missing]), strict=True)
        )
    vectors = np.stack([cache.vectors[k] for k in keys])
    outcomes = []
    for q, qv in zip(gold, query_vectors, strict=True):
        sims = vectors @ qv
        order = np.argsort(-sims)[:TOP_K]
        total = sum(is_relevant(w, q) for w in windows) if not q.unanswerable else 0
        outcomes.append(
            QuestionOutcome(
                q,
                [windows[i] for i in order],
                [f"w{i}" for i in order],
                bool(sims.max() < ABSTAIN_BELOW[script_of(q.question)]),
                total,
            )
        )
    return outcomes


def run_evaluation(engine: Engine, gold: list[GoldQuestion], *, with_naive: bool = True) -> Evaluation:
    retriever = engine.retriever()
    query_vectors = engine.embedder.encode_queries([q.question for q in gold])
    outcomes = {mode: evaluate_retriever(retriever, gold, query_vectors, mode) for mode in ("bm25", "dense", "hybrid")}
    if with_naive:
        outcomes["naive"] = evaluate_naive(engine.embedder, engine.corpus_dir, engine.index_dir, gold, query_vectors)
    chunk_lengths = [len(c.text) for c in retriever.index.chunks]
    results = {}
    for name, outs in outcomes.items():
        cited = [len(t) for o in outs for t in o.ranked_texts[:5]]
        m = metrics(outs, cited)
        if name != "naive":
            m["max_passage_chars"] = max(m["max_passage_chars"], max(chunk_lengths))
        results[name] = m
    hybrid = outcomes["hybrid"]
    unreachable = [o.question for o in hybrid if not o.question.unanswerable and o.relevant_total == 0]
    return Evaluation(gold, outcomes, results, unreachable)


def misses(evaluation: Evaluation, name: str = "hybrid") -> list[dict]:
    rows = []
    for o in evaluation.outcomes[name]:
        q = o.question
        if q.unanswerable and not o.abstained:
            kind = "answered an unanswerable question"
        elif not q.unanswerable and o.abstained:
            kind = "abstained on an answerable question"
        elif not q.unanswerable and o.first_relevant != 1:
            kind = f"relevant at rank {o.first_relevant}" if o.first_relevant else "relevant not in top 10"
        else:
            continue
        first = o.ranked_texts[0] if o.ranked_texts else ""
        rows.append(
            {
                "id": q.id,
                "lang": q.lang,
                "kind": kind,
                "question": q.question,
                "expected": " | ".join(q.answers) or "(abstain)",
                "first": " ".join(first.split())[:90],
            }
        )
    return rows


TABLE_KEYS = (
    "hit@1",
    "hit@3",
    "hit@5",
    "mrr@10",
    "ndcg@10",
    "ja_hit@1",
    "en_hit@1",
    "en_mrr@10",
    "highlight@1",
    "unanswerable_abstained",
    "answerable_abstained",
    "mean_passage_chars",
    "max_passage_chars",
)


def table(evaluation: Evaluation) -> str:
    names = [n for n in RETRIEVERS if n in evaluation.metrics]
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for key in TABLE_KEYS:
        cells = []
        for n in names:
            value = evaluation.metrics[n].get(key)
            cells.append("-" if value is None else (f"{value:.0f}" if "chars" in key else f"{value:.3f}"))
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_report(evaluation: Evaluation, folder: Path, gold_path: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    plot = folder / "hit_at_k.png"
    _plot_hit_at_k(evaluation, plot)
    m = evaluation.metrics["hybrid"]
    failures = gate_failures(m)
    n_ans = sum(not q.unanswerable for q in evaluation.gold)
    lines = [
        "# Retrieval evaluation",
        "",
        f"Gold set: `{gold_path.name}`, {len(evaluation.gold)} questions ({n_ans} answerable, "
        f"{len(evaluation.gold) - n_ans} unanswerable; "
        + ", ".join(
            f"{lang}: {sum(q.lang == lang for q in evaluation.gold)}"
            for lang in sorted({q.lang for q in evaluation.gold})
        )
        + ").",
        "",
        "`naive` = fixed 500-character windows with 50 overlap, dense only, same model.",
        "",
        table(evaluation),
        "",
        "Gate (hybrid): " + ("all targets met." if not failures else "MISSED: " + "; ".join(failures)),
        "",
        f"![hit@k]({plot.name})",
        "",
        "## Misses (hybrid)",
        "",
        "| id | lang | what | question | expected | first passage |",
        "|---|---|---|---|---|---|",
    ]
    for row in misses(evaluation):
        cells = [row[k].replace("|", "\\|") for k in ("id", "lang", "kind", "question", "expected", "first")]
        lines.append("| " + " | ".join(cells) + " |")
    if evaluation.unreachable:
        lines += ["", "Answers no single passage contains: " + ", ".join(q.id for q in evaluation.unreachable)]
    report = folder / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def _plot_hit_at_k(evaluation: Evaluation, path: Path) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt

    ks = list(range(1, TOP_K + 1))
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    for name in RETRIEVERS:
        if name in evaluation.metrics:
            ax.plot(ks, [evaluation.metrics[name][f"hit@{k}"] for k in ks], marker="o", label=name)
    ax.set_xlabel("k")
    ax.set_ylabel("hit@k (answerable questions)")
    ax.set_xticks(ks)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title("Retrieval on the gold set")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def feedback_candidates(feedback_path: Path) -> list[dict]:
    """Thumbs-down answers as gold-set rows for a person to complete (answers left empty)."""
    from rag.feedback import read_feedback

    rows = []
    for n, entry in enumerate(e for e in read_feedback(feedback_path) if e.get("rating") == "down"):
        question = entry.get("question", "")
        lang = "ja" if any("\u3040" <= ch <= "\u9fff" for ch in question) else "en"
        rows.append(
            {
                "id": f"fb{n + 1:03d}",
                "question": question,
                "lang": lang,
                "answers": [],
                "unanswerable": False,
                "cited": entry.get("cited", []),
                "todo": "add short answer substrings from the briefing, or set unanswerable",
            }
        )
    return rows


def run_eval(args, *, embedder, log) -> int:
    engine = Engine(
        index_dir=paths.index_dir(args.index_dir), corpus_dir=paths.corpus_dir(args.corpus_dir), embedder=embedder
    )
    if args.feedback:
        for row in feedback_candidates(Path(args.feedback)):
            print(json.dumps(row, ensure_ascii=False))
        return 0
    gold_path = Path(args.gold) if args.gold else DEFAULT_GOLD
    evaluation = run_evaluation(engine, load_gold(gold_path))
    failures = gate_failures(evaluation.metrics["hybrid"])
    if args.json:
        print(
            json.dumps(
                {
                    "gold": str(gold_path),
                    "metrics": evaluation.metrics,
                    "misses": misses(evaluation),
                    "gate_failures": failures,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(table(evaluation))
        print()
        for row in misses(evaluation):
            print(
                f"miss {row['id']} ({row['lang']}, {row['kind']}): {row['question']}\n"
                f"    expected: {row['expected']}\n    first:    {row['first']}"
            )
        print("\ngate: " + ("all targets met" if not failures else "MISSED: " + "; ".join(failures)))
    if args.report:
        log(f"report: {write_report(evaluation, Path(args.report), gold_path)}")
    return 1 if failures else 0
