"""How often an answered question that asks for a figure, date, name or count gets an answer line, and
whether the line is in the gold answer (dev set only: eval/gold.jsonl).

    .venv/bin/python scripts/answer_line_check.py            # the summary, then one row per such question
    .venv/bin/python scripts/answer_line_check.py --all      # also the answered questions asking no kind

Row: id, asked kinds, the line (or "-"), agrees (the line is in a gold answer, or one is in the line),
the question, the gold answers.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gold_engine import gold_parser, open_engine

from rag.answer.specifics import asked_kinds
from rag.evaluation.gold import load_gold, normalise


def main() -> None:
    parser = gold_parser(__doc__)
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    if "test" in args.gold.rsplit("/", 1)[-1]:
        sys.exit("the test split is reported once, at the end of a round: tune on the dev set (eval/gold.jsonl)")
    engine = open_engine(args)
    gold = [q for q in load_gold(Path(args.gold)) if q.split in ("dev", "")]
    rows, asked, lined, agrees, unasked_lined = [], 0, 0, 0, 0
    for q in gold:
        answer = engine.ask(q.question)
        if answer.status != "answered":
            continue
        kinds = asked_kinds(q.question)
        line = answer.short.text if answer.short else ""
        if not kinds:
            unasked_lined += bool(line)
            if args.all:
                rows.append((q.id, "-", line or "-", "", q.question, q.answers))
            continue
        asked += 1
        lined += bool(line)
        agree = bool(line) and any(
            normalise(line) in normalise(a) or normalise(a) in normalise(line) for a in q.answers
        )
        agrees += agree
        rows.append((q.id, ",".join(kinds), line or "-", "yes" if agree else "", q.question, q.answers))
    print(f"answered, asking a figure/date/name/count kind: {asked}; with a line: {lined}; in a gold answer: {agrees}")
    print(f"answered, asking no such kind, with a line (should be 0): {unasked_lined}")
    for row in rows:
        print(" | ".join(str(x) for x in row))


if __name__ == "__main__":
    main()
