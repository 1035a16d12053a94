"""Draw (term, sentence) pairs whose word has three or more plain JMdict glosses, for hand labelling.

    python scripts/glossary_candidates.py corpus/gaikoryoku_no_kyoka.txt 40 1 > pairs.jsonl

Terms are read as the glossary read them before it chose senses in context (Sudachi's noun runs and
content words, split into the longest JMdict words), so the draw does not favour the new reading.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rag.answer.glossary import known_words  # noqa: E402
from rag.language.jmdict import senses  # noqa: E402
from rag.language.terms import morphemes  # noqa: E402


def terms(sentence: str) -> list[str]:
    found, run = [], []
    for m in [*morphemes(sentence, mode="C"), None]:
        if m is not None and m.is_content and m.pos[0] in ("名詞", "接尾辞") and not m.surface.isascii():
            run.append(m.surface)
            continue
        if len("".join(run)) > 1:
            found += known_words("".join(run))
        run = []
        if m is not None and m.is_content and not m.surface.isascii() and len(m.form) > 1:
            found.append(m.form)
    return found


def main(path: str, wanted: int, seed: int) -> None:
    text = Path(path).read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"(?<=。)|\n", text) if 15 < len(s) < 150]
    random.seed(seed)
    random.shuffle(sentences)
    pairs: dict[str, dict] = {}
    for sentence in sentences:
        for term in terms(sentence):
            plain = [g for s in senses(term) if not s.tags for g in s.glosses]
            if len(plain) >= 3 and term not in pairs:
                pairs[term] = {"sentence": sentence, "term": term, "glosses": plain}
        if len(pairs) >= wanted:
            break
    for i, pair in enumerate(list(pairs.values())[:wanted]):
        print(json.dumps({"i": i, **pair}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
