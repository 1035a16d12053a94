"""Reading an evaluation: metric tables per split, the misses, and report.md with its hit@k plot."""

from __future__ import annotations

import os
from pathlib import Path

from rag.evaluation.metrics import TOP_K
from rag.evaluation.runner import RETRIEVERS, Evaluation

FIRST_KEYS = ("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10", "highlight@1")
LAST_KEYS = ("answerable_not_covered", "answerable_partial", "mean_passage_chars", "max_passage_chars")


def misses(evaluation: Evaluation, name: str = "hybrid") -> list[dict]:
    rows = []
    for o in evaluation.outcomes[name]:
        q = o.question
        if q.unanswerable and o.status == "answered":
            what = "answered a question the documents do not answer"
        elif q.kind == "offtopic" and o.status != "not_covered":
            what = f"off-topic question marked {o.status}"
        elif not q.unanswerable and o.status == "not_covered":
            what = "answerable question marked not covered"
        elif not q.unanswerable and o.first_relevant != 1:
            what = f"relevant at rank {o.first_relevant}" if o.first_relevant else "relevant not in top 10"
        else:
            continue
        first = o.ranked[0].text if o.ranked else ""
        rows.append(
            {
                "id": q.id,
                "split": q.split or "-",
                "kind": q.kind,
                "what": what,
                "question": q.question,
                "expected": " | ".join(q.answers) or ("(decline)" if q.unanswerable else f"span {q.answer_span}"),
                "first": " ".join(first.split())[:90],
            }
        )
    return rows


def table_keys(evaluation: Evaluation, split: str) -> list[str]:
    """The rows worth printing for this gold set: overall ranking, per language and kind, statuses."""
    present = {key for m in evaluation.metrics[split].values() for key in m}
    middle = sorted(k for k in present if k.endswith(("_hit@1", "_declined", "_not_covered")) and k not in LAST_KEYS)
    return [k for k in FIRST_KEYS if k in present] + middle + [k for k in LAST_KEYS if k in present]


def table(evaluation: Evaluation, split: str) -> str:
    columns = evaluation.metrics[split]
    names = [n for n in RETRIEVERS if n in columns]
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for key in table_keys(evaluation, split):
        cells = []
        for n in names:
            value = columns[n].get(key)
            if n == "naive" and ("declined" in key or "not_covered" in key or "partial" in key):
                value = None  # the naive baseline never declines; its status rows say nothing
            cells.append("-" if value is None else (f"{value:.0f}" if "chars" in key else f"{value:.3f}"))
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def describe(evaluation: Evaluation, split: str) -> str:
    gold = [q for q in evaluation.gold if split == "all" or q.split == split]
    kinds = sorted({q.kind for q in gold})
    counts = ", ".join(f"{kind} {sum(q.kind == kind for q in gold)}" for kind in kinds)
    return f"{split}: {len(gold)} questions ({counts})"


def write_report(
    evaluation: Evaluation,
    folder: Path,
    gold_path: Path,
    *,
    gate: list[str] | None = None,
    missed: list[str] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    plot = folder / "hit_at_k.png"
    _plot_hit_at_k(evaluation, plot)
    lines = [
        "# Retrieval evaluation",
        "",
        f"Gold set: `{gold_path.name}`. `naive` = fixed 500-character windows with 50 overlap, dense only, "
        "same model; it never declines.",
        "",
    ]
    for split in evaluation.splits:
        lines += [f"## {describe(evaluation, split)}", "", table(evaluation, split), ""]
    if missed is not None:
        lines += ["Targets (hybrid): " + ("all met." if not missed else "missed: " + "; ".join(missed)), ""]
    if gate is not None:
        lines += ["CI gate (hybrid): " + ("passed." if not gate else "FAILED: " + "; ".join(gate))]
    lines += [
        "",
        f"![hit@k]({plot.name})",
        "",
        "## Misses (hybrid)",
        "",
        "| id | split | kind | what | question | expected | first passage |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in misses(evaluation):
        keys = ("id", "split", "kind", "what", "question", "expected", "first")
        lines.append("| " + " | ".join(str(row[k]).replace("|", "\\|") for k in keys) + " |")
    if evaluation.unreachable:
        lines += ["", "Answers no single passage contains: " + ", ".join(q.id for q in evaluation.unreachable)]
    report = folder / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def _plot_hit_at_k(evaluation: Evaluation, path: Path) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt

    split = "test" if "test" in evaluation.metrics else "all"
    columns = evaluation.metrics[split]
    ks = list(range(1, TOP_K + 1))
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    for name in RETRIEVERS:
        if name in columns and "hit@1" in columns[name]:
            ax.plot(ks, [columns[name][f"hit@{k}"] for k in ks], marker="o", label=name)
    ax.set_xlabel("k")
    ax.set_ylabel("hit@k (answerable questions)")
    ax.set_xticks(ks)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title(f"Retrieval, {split} split")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
