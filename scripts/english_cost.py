"""CPU per question of ~1,000 characters of random English words, by the cap on English lookups.

    python scripts/english_cost.py 0 7 12 200    # caps to try (RetrievalConfig.max_translated_words)

Four questions of random JMdict gloss words with the real model, and one normal English question for
scale. The figures go to docs/integrity.md ("Security"); they vary with the machine's load.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory_spike import english_questions  # noqa: E402

import rag  # noqa: E402


def main() -> None:
    caps = [int(a) for a in sys.argv[1:]] or [12]
    index = rag.open_index()
    index.ask("外交力とは何ですか", k=3)
    analyzer = index.retriever().analyzer
    questions = english_questions(4)
    for cap in caps:
        analyzer.config = dataclasses.replace(analyzer.config, max_translated_words=cap)
        cpu = []
        for question in questions:
            started = time.process_time()
            index.ask(question, k=5)
            cpu.append(time.process_time() - started)
        started = time.process_time()
        index.ask("What is the OSA budget for the peace treaty?", k=5)
        normal = time.process_time() - started
        print(
            f"cap {cap:>3}: 1,000-character random English question {sum(cpu) / len(cpu):.2f} s CPU "
            f"(max {max(cpu):.2f}); a normal English question {normal:.2f} s"
        )


if __name__ == "__main__":
    main()
