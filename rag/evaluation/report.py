"""Reading an evaluation: the metric table, the misses, and report.md with its hit@k plot."""

from __future__ import annotations

import os
from pathlib import Path

from rag.evaluation.metrics import TOP_K, gate_failures
from rag.evaluation.runner import RETRIEVERS, Evaluation


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
