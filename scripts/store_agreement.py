"""Does Milvus answer as FAISS does? One corpus built for both stores, every gold question asked of each.

    J=../shared/benchmarks/jsquad-valid
    python scripts/store_agreement.py --gold $J/gold.jsonl --corpus-dir $J/corpus --work /tmp/agree-jsquad --every 4
    python scripts/store_agreement.py --gold eval/gold.jsonl --corpus-dir corpus --work /tmp/agree-briefing

Prints the share of questions whose top 10 (ids, in order) and answer status are the same on both,
and the questions that differ. The store defaults to a Milvus Lite file in --work.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.runtime import use_process_defaults  # noqa: E402

use_process_defaults()

from rag.embedding.embedder import load_embedder  # noqa: E402
from rag.evaluation.gold import load_gold  # noqa: E402
from rag.evaluation.store_agreement import compare_stores  # noqa: E402
from rag.index.stores import parse_store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", required=True, help="a gold.jsonl (never eval/test.jsonl)")
    parser.add_argument("--corpus-dir", required=True)
    parser.add_argument("--work", required=True, help="folder for the two indexes (and the Milvus Lite file)")
    parser.add_argument("--store", help="the other store (default: milvus://WORK/milvus.db)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--every", type=int, default=1, help="ask every N-th question only (a fixed sample)")
    args = parser.parse_args()
    if Path(args.gold).name == "test.jsonl":
        parser.error("the held-out test split is not for this")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    other = parse_store(args.store or f"milvus://{work / 'milvus.db'}")
    questions = [item.question for item in load_gold(Path(args.gold))][:: args.every]
    embedder = load_embedder(args.model, log=lambda m: print(m, file=sys.stderr))
    result = compare_stores(Path(args.corpus_dir), questions, embedder, other, work, log=lambda _: None)
    for row in result.differing:
        print(json.dumps(row, ensure_ascii=False))
    print(result.summary(other.describe()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
