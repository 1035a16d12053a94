"""The measurements behind the web UI's choices (docs/decisions.md, "Web UI").

    python scripts/ui_choices.py            # gold set: sentence choice, answering passages, follow-ups
    python scripts/ui_choices.py --jsquad   # also sentence choice on 400 JSQuAD questions (~5 min)

Needs the index built with the real model (`rag build`). Sentence choice is judged like the eval's
highlight@1: among questions whose top passage holds the answer, how often the best sentence
(sentence@1) or the one or two quoted sentences (quoted) contain it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import paths  # noqa: E402
from rag.answer.followup import leans_on_previous  # noqa: E402
from rag.answer.sentences import FOCUS_BONUS, NUMBER_BONUS, SentencePicker  # noqa: E402
from rag.evaluation.gold import is_relevant, load_gold, normalise  # noqa: E402

JSQUAD = Path("/work/shared/benchmarks/jsquad-valid")
# in dense spreads of the build (rag.answer.sentences)
BONUSES = [(0.0, 0.0), (1.5, 0.0), (4.0, 0.0), (0.0, 4.0), (FOCUS_BONUS, NUMBER_BONUS), (8.0, 4.0)]


def contains_answer(text: str, answers) -> bool:
    return any(normalise(a) in normalise(text) for a in answers)


def sentence_choice(live, gold, vectors) -> None:
    print("\n## Sentence choice on the gold set (hybrid top passage, when it holds the answer)\n")
    print("| focus bonus | number bonus | sentence@1 | quoted | judged |\n|---|---|---|---|---|")
    results = [live.retriever.search(q.question, k=5, query_vector=v) for q, v in zip(gold, vectors, strict=True)]
    for focus, number in BONUSES:
        picker = SentencePicker(live.retriever.index, focus_bonus=focus, number_bonus=number)
        first = quoted = judged = 0
        for q, v, result in zip(gold, vectors, results, strict=True):
            top = result.hits[0].chunk
            if q.unanswerable or not is_relevant(top.text, q):
                continue
            row = live.rows[top.id]
            scores = picker.scores(row, v, q.question)
            spans = picker.sentences(row)
            best = spans[int(np.argmax(scores))]
            judged += 1
            first += contains_answer(top.text[best[0] - top.start : best[1] - top.start], q.answers)
            marked = "".join(top.text[s - top.start : e - top.start] for s, e in sorted(picker.pick(scores, row)))
            quoted += contains_answer(marked, q.answers)
        print(f"| {focus} | {number} | {first / judged:.3f} | {quoted / judged:.3f} | {judged} |")


def answering_passages(gold, results) -> None:
    print("\n## Lower-ranked passages: can their scores tell which also answer? (k=3)\n")
    data = [
        (np.array([h.score for h in r.hits]), [is_relevant(h.chunk.text, q) for h in r.hits])
        for q, r in zip(gold, results, strict=True)
        if not q.unanswerable and not r.abstained
    ]
    holding = sum(sum(rel[1:3]) for _, rel in data)
    print(f"{holding} of {2 * len(data)} passages at ranks 2-3 hold the answer.\n")
    print("| rule: rank i answers when top - score_i <= share x (top - reference) | flagged | precision | recall |")
    print("|---|---|---|---|")
    for reference in ("last cited", "median of top 10"):
        for share in (0.1, 0.25, 0.5):
            tp = fp = fn = 0
            for scores, rel in data:
                low = scores[2] if reference == "last cited" else float(np.median(scores))
                for i in (1, 2):
                    flag = scores[0] - scores[i] <= share * (scores[0] - low)
                    tp, fp, fn = tp + (flag and rel[i]), fp + (flag and not rel[i]), fn + (not flag and rel[i])
            precision = tp / (tp + fp) if tp + fp else 0.0
            print(
                f"| share {share}, reference {reference} | {tp + fp} | {precision:.2f} | {tp / max(tp + fn, 1):.2f} |"
            )


def follow_up_detector(gold_questions: list[str]) -> None:
    print("\n## Follow-up detector on standalone questions (false readings)\n")
    sets = {"gold set": gold_questions}
    if (JSQUAD / "gold.jsonl").exists():
        lines = (JSQUAD / "gold.jsonl").read_text(encoding="utf-8").splitlines()
        sets["JSQuAD"] = [json.loads(line)["question"] for line in lines if line.strip()]
    print("| questions | n | read as follow-ups |\n|---|---|---|")
    for name, questions in sets.items():
        flagged = sum(leans_on_previous(q) for q in questions)
        print(f"| {name} | {len(questions)} | {flagged} ({flagged / len(questions):.1%}) |")


def jsquad_sentences(embedder, sample: int = 400) -> None:
    """Sentence choice inside the paragraph that holds the answer: no index needed."""
    from rag.documents.chunking import _sentences
    from rag.language.terms import content_terms, focus_terms, numbers

    lines = (JSQUAD / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    gold = random.Random(0).sample([json.loads(line) for line in lines if line.strip()], sample)
    texts, rows = {}, []
    for g in gold:
        text = texts.setdefault(g["source"], (JSQUAD / "corpus" / g["source"]).read_text(encoding="utf-8"))
        spans = _sentences(text, *g["paragraph_span"])
        right = [i for i, (s, e) in enumerate(spans) if s <= g["answer_span"][0] and g["answer_span"][1] <= e]
        if len(spans) > 1 and right:
            rows.append((g, spans, right, text))
    sentence_vectors = embedder.encode_passages([t[s:e] for _, spans, _, t in rows for s, e in spans])
    query_vectors = embedder.encode_queries([g["question"] for g, *_ in rows])
    print(f"\n## Sentence choice on JSQuAD ({len(rows)} questions whose paragraph has 2+ sentences)\n")
    print("| focus bonus | number bonus | sentence@1 |\n|---|---|---|")
    features, at = [], 0
    for (g, spans, right, text), qv in zip(rows, query_vectors, strict=True):
        cosine = sentence_vectors[at : at + len(spans)] @ qv
        at += len(spans)
        focus, asked = focus_terms(g["question"]), numbers(g["question"])
        hits = [(bool(focus & set(content_terms(text[s:e]))), bool(asked & numbers(text[s:e]))) for s, e in spans]
        features.append((cosine, np.array(hits, dtype=float), right))
    for focus, number in BONUSES:
        right_first = sum(int(np.argmax(c + h @ [focus, number])) in r for c, h, r in features)
        print(f"| {focus} | {number} | {right_first / len(features):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jsquad", action="store_true", help="also measure sentence choice on JSQuAD")
    args = parser.parse_args()
    from rag.embedding.embedder import load_embedder
    from rag.engine import Engine

    embedder = load_embedder(log=lambda _: None)
    engine = Engine(index_dir=paths.index_dir(), corpus_dir=paths.corpus_dir(), embedder=embedder)
    live = engine.live()
    gold = load_gold(paths.PROJECT_ROOT / "eval" / "gold.jsonl")
    vectors = embedder.encode_queries([q.question for q in gold])
    sentence_choice(live, gold, vectors)
    results = [live.retriever.search(q.question, k=10, query_vector=v) for q, v in zip(gold, vectors, strict=True)]
    answering_passages(gold, results)
    follow_up_detector([q.question for q in gold])
    if args.jsquad:
        jsquad_sentences(embedder)


if __name__ == "__main__":
    main()
