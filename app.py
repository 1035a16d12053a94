"""Start the web UI: build the index first if it is missing or stale, then serve on 127.0.0.1.

python app.py [--port 7860] [--host 127.0.0.1]
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def main(argv: list[str] | None = None) -> int:
    import argparse

    from rag import paths
    from rag.embedding import load_embedder
    from rag.engine import Engine
    from rag.errors import RagError
    from rag.indexer import ensure_index
    from rag.webapp import serve

    parser = argparse.ArgumentParser(description="Web UI for 「外交力の強化について」")
    parser.add_argument("--host", default=os.environ.get("RAG_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    parser.add_argument("--model", help="sentence-transformers model name or folder")
    parser.add_argument("--feedback", help="feedback JSONL file (default: feedback.jsonl)")
    args = parser.parse_args(argv)
    try:
        embedder = load_embedder(args.model)
        engine = Engine(index_dir=paths.index_dir(), corpus_dir=paths.corpus_dir(), embedder=embedder)
        report = ensure_index(engine, log=lambda m: print(m, file=sys.stderr))
        if report:
            print(report.summary(), file=sys.stderr)
        serve(engine, host=args.host, port=args.port, feedback_path=args.feedback)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
