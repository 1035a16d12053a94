"""How often the glossary's first English gloss is right, on hand-labelled (term, sentence) pairs.

    python scripts/glossary_check.py eval/glossary/briefing.jsonl eval/glossary/jsquad.jsonl

Each line: {"sentence", "term", "glosses" (JMdict's plain glosses in order), "right" (those that fit
the sentence)}, drawn by scripts/glossary_candidates.py and labelled by hand. "before" is JMdict's first
gloss; "after" is what the glossary shows for the term, or for the phrase or compound holding it, which
is printed for a reader to judge when it is not the term itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rag.answer.glossary import sentence_glosses  # noqa: E402


def main(paths: list[str]) -> None:
    for path in paths:
        rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
        before = after = 0
        to_judge = []
        for row in rows:
            before += row["glosses"][0] in row["right"]
            shown = sentence_glosses(row["sentence"])
            own = next((g for g in shown if g.term == row["term"]), None)
            if own is not None and own.english.split("; ")[0] in row["right"]:
                after += 1
                continue
            holder = own or next((g for g in shown if row["term"] in g.term), None)
            to_judge.append((row["term"], holder.term if holder else "-", holder.english if holder else "not shown"))
        print(f"{path}: {len(rows)} pairs; first gloss right before {before}, after {after} + judged below")
        for term, holder, english in to_judge:
            print(f"  {term}  ->  {holder}: {english}")


if __name__ == "__main__":
    main(sys.argv[1:])
