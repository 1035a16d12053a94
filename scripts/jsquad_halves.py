"""Split JSQuAD valid (and its abstention variant) into two fixed halves of its articles.

The learned parts (answerability, ranking) train on one half (articles whose number is 0 or 1 mod 4:
a00, a01, a04, a05, ...) and are checked on the other (2 or 3 mod 4), which no choice was made on.
Mod 4 rather than first/second half: it splits both the questions (1,743 / 2,295) and the abstention
variant's removed articles (5 / 5) evenly, where a00-a29 against a30-a58 gave 3,114 / 924.
Writes a copy of a gold file with "split" set to "train" or "heldout" by the article each question is about.

    python scripts/jsquad_halves.py GOLD OUT           # GOLD: the benchmark's gold.jsonl, or the
                                                       # abstention variant's (make_abstain.py)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "jsquad-valid"


def half_of(source: str) -> str:
    """ "a05.md" -> "train", "a07.md" -> "heldout" """
    return "train" if int(Path(source).stem[1:]) % 4 < 2 else "heldout"


def main(gold: Path, out: Path) -> None:
    sources = {}
    for line in (BENCHMARK / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        sources[record["id"]] = record["source"]
    with open(out, "w", encoding="utf-8") as w:
        for line in gold.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record["split"] = half_of(record.get("source") or sources[record["id"]])
            w.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
