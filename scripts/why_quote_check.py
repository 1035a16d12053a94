"""Whether the quote of a why or how question holds its answer, for a sweep of the clause bonus.

    .venv/bin/python scripts/why_quote_check.py                      # dev set (eval/gold.jsonl)
    .venv/bin/python scripts/why_quote_check.py --gold J/gold_halves.jsonl --split train \\
        --corpus-dir J/corpus --index-dir J/index                    # JSQuAD, one half of its articles

Counts the answerable questions that ask a reason or a means (scripts/clauses.py), those whose top
passage answers (hybrid), and, for each bonus, how many quotes hold the answer: the gold answer text
within the quoted sentences, or a span gold's offsets within one of them. The bonus, in dense spreads
like the picker's focus bonus, goes to the sentences that give the asked kind of clause; bonus 0 is
the shipped picker. Other questions are not affected by it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from clauses import asked_clause, gives_clause
from gold_engine import gold_parser, open_engine

from rag.answer.sentences import dense_spread
from rag.evaluation.gold import is_relevant, load_gold, normalise

BONUSES = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0)


def holds_answer(q, chunk, spans) -> bool:
    if q.answer_span is not None:
        a, b = q.answer_span
        return any(s <= a and b <= e for s, e in spans)
    marked = normalise("".join(chunk.text[s - chunk.start : e - chunk.start] for s, e in spans))
    return any(normalise(a) in marked for a in q.answers)


def main() -> None:
    parser = gold_parser(__doc__)
    parser.add_argument("--split", default="dev", help="dev (the briefing), train or heldout (JSQuAD halves)")
    args = parser.parse_args()
    if "test" in args.gold.rsplit("/", 1)[-1]:
        sys.exit("the test split is reported once, at the end of a round: tune on the dev set (eval/gold.jsonl)")
    engine = open_engine(args)
    live = engine.live()
    picker, spread = live.picker, dense_spread(live.retriever.index)
    gold = [q for q in load_gold(Path(args.gold)) if q.split == args.split and not q.unanswerable]
    asked = [(q, asked_clause(q.question)) for q in gold]
    asked = [(q, kind) for q, kind in asked if kind]
    held = {b: 0 for b in BONUSES}
    answered, rows = 0, []
    for q, kind in asked:
        result = live.retriever.search(q.question, k=1)
        top = result.hits[0].chunk
        if not is_relevant(top, q):
            continue
        answered += 1
        row = live.rows[top.id]
        scores = picker.scores(row, result.query_vector, q.question)
        texts = [top.text[s - top.start : e - top.start] for s, e in picker.sentences(row)]
        gives = np.array([gives_clause(t, kind) for t in texts])
        marks = []
        for b in BONUSES:
            spans = picker.pick(scores + b * spread * gives, row)
            ok = holds_answer(q, top, spans)
            held[b] += ok
            marks.append("+" if ok else "-")
        rows.append(f"{q.id} {kind:6} {''.join(marks)} {q.question}")
    print(f"{args.split}: {len(gold)} answerable, {len(asked)} ask a reason or means, top passage answers {answered}")
    for b in BONUSES:
        print(f"clause bonus {b:>4}: quote holds the answer {held[b]}/{answered}")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
