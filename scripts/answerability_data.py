"""The answerability signals of every question of a gold set (and of the generic and non-question
messages), as JSONL for scripts/train_answerability.py.

    python scripts/answerability_data.py --out /tmp/briefing.jsonl
    python scripts/answerability_data.py --gold G --corpus-dir C --index-dir I --out /tmp/jsquad.jsonl

Each line: {"id", "set", "split", "kind", "lang", "label", "top1", "status", "signals": {...}, "question"}
where label is 1 for a question the documents answer, "top1" whether the top passage answers it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gold_engine import gold_parser, open_engine  # noqa: E402

from rag.answer.answerability import signals  # noqa: E402
from rag.answer.messages import exemplars  # noqa: E402
from rag.evaluation.gold import is_relevant, load_gold  # noqa: E402
from rag.index.cache import EmbeddingCache  # noqa: E402
from rag.index.calibration import calibration_questions, passage_hubness  # noqa: E402
from rag.language.script import is_japanese  # noqa: E402

K = 5


def main() -> int:
    parser = gold_parser(__doc__)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    engine = open_engine(args)
    live = engine.live()
    retriever, config, facts = live.retriever, live.retriever.config, live.judge.facts
    cache = EmbeddingCache(engine.index_dir, engine.embedder.identity)
    generic = list(calibration_questions())
    hub = retriever.index.judge.get("hub")
    if hub is None:  # a build from before hubness was stored: measure it the way the build does
        hub = passage_hubness(
            retriever.index, cache.embed(generic, engine.embedder.encode_queries, kind="query"), config
        )
    items = [(q.id, "gold", q.split, q.kind, q.question, q) for q in load_gold(Path(args.gold))]
    items += [(f"cal{n}", "calibration", "", "generic", q, None) for n, q in enumerate(generic)]
    items += [(f"msg{n}", "messages", "", kind, q, None) for n, (kind, q) in enumerate(exemplars())]
    with open(args.out, "w", encoding="utf-8") as out:
        for qid, group, split, kind, question, gold in items:
            result = retriever.search(question, k=K)
            verdict = live.judge.verdict(result)
            answerable = gold is not None and not gold.unanswerable
            record = {
                "id": qid,
                "set": group,
                "split": split,
                "kind": kind,
                "lang": "ja" if is_japanese(question) else "en",
                "label": int(answerable),
                "top1": bool(answerable and is_relevant(result.hits[0].chunk, gold)),
                "status": verdict.status,
                "signals": signals(result, facts, config, hub),
                "question": question,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(items)} questions -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
