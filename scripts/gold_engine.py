"""The common opening of the measuring scripts: a gold file, a corpus, an index built if needed.

parser = gold_parser(__doc__)
args = parser.parse_args()
engine = open_engine(args)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import paths  # noqa: E402
from rag.embedding.embedder import load_embedder  # noqa: E402
from rag.engine import Engine  # noqa: E402
from rag.index.build import ensure_index  # noqa: E402


def gold_parser(doc: str) -> argparse.ArgumentParser:
    """--gold, --corpus-dir and --index-dir, defaulting to the briefing's."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--gold", default=str(ROOT / "eval" / "gold.jsonl"))
    parser.add_argument("--corpus-dir")
    parser.add_argument("--index-dir")
    return parser


def open_engine(args) -> Engine:
    """The bundled model on the chosen corpus; the index is built first when missing or stale."""
    engine = Engine(
        index_dir=paths.index_dir(args.index_dir),
        corpus_dir=paths.corpus_dir(args.corpus_dir),
        embedder=load_embedder(log=lambda _: None),
    )
    ensure_index(engine, log=lambda m: print(m, file=sys.stderr))
    return engine
