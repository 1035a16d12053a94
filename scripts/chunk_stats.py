"""Chunking only (no model): passages per corpus, their length histogram, and the boundary checks.

    python scripts/chunk_stats.py ../shared/benchmarks/jsquad-valid/corpus
    python scripts/chunk_stats.py corpus

Prints which sectioner each document got, the passage-length histogram, whether any passage
crosses an article (a passage holding a `# ` title line of another article), and whether
every document's heading survives as the root of its passages' section paths.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.documents.chunking import chunk_documents  # noqa: E402
from rag.documents.corpus import read_corpus  # noqa: E402
from rag.documents.sectioners import sectioner_for  # noqa: E402

BINS = (0, 100, 200, 300, 400, 500, 600)


def main(folder: Path) -> None:
    started = time.perf_counter()
    documents = read_corpus(folder, log=lambda note: print(note, file=sys.stderr))
    chunks = chunk_documents(documents)
    seconds = time.perf_counter() - started
    kinds = Counter(sectioner_for(d.text, d.kind) for d in documents)
    lengths = sorted(len(c.text) for c in chunks)
    print(f"{len(documents)} documents ({dict(kinds)}), {len(chunks)} passages, chunked in {seconds:.2f} s")
    print(
        f"length: min {lengths[0]}, median {lengths[len(lengths) // 2]}, mean {sum(lengths) / len(lengths):.0f}, "
        f"max {lengths[-1]}\n"
    )
    print("| characters | passages | |")
    print("|---|---|---|")
    for low, high in zip(BINS, BINS[1:], strict=False):
        n = sum(low <= n < high for n in lengths) if high != BINS[-1] else sum(low <= n <= high for n in lengths)
        print(f"| {low}-{high} | {n} | {'#' * round(60 * n / len(lengths))} |")
    texts = {d.source: d.text for d in documents}
    crossing = [c.id for c in chunks if any(line.startswith("# ") for line in c.text.splitlines()[1:])]
    exact = all(texts[c.source][c.start : c.end] == c.text for c in chunks)
    first_headings = {
        d.source: d.text.lstrip().splitlines()[0].removeprefix("# ").strip() for d in documents if d.kind == "markdown"
    }
    kept = sum(all(c.section[0] == first_headings[c.source] for c in chunks if c.source == s) for s in first_headings)
    print(f"\npassages holding another article's title line: {len(crossing)}")
    print(f"offsets slice back to the passage text: {exact}")
    print(f"Markdown documents whose `#` title heads every passage: {kept}/{len(first_headings)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "corpus")
