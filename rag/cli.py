"""The `rag` command: argument parsing, printing and exit codes; the work happens elsewhere."""

from __future__ import annotations

import argparse
import json
import os
import sys

from rag import paths
from rag.errors import RagError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _log(msg: str) -> None:
    print(msg, file=sys.stderr)


def _embedder(args):
    from rag.embedding import load_embedder

    return load_embedder(args.model, log=_log)


def _engine(args):
    from rag.engine import Engine

    return Engine(
        index_dir=paths.index_dir(args.index_dir),
        corpus_dir=paths.corpus_dir(args.corpus_dir),
        embedder=_embedder(args),
    )


def cmd_build(args) -> int:
    from rag.indexer import build_index

    report = build_index(
        paths.corpus_dir(args.corpus_dir),
        paths.index_dir(args.index_dir),
        _embedder(args),
        full=args.full,
        wait=args.wait,
        progress=sys.stderr.isatty() or args.progress,
        log=_log,
    )
    print(report.summary())
    return 0


def cmd_ask(args) -> int:
    from rag.answer import format_text

    print(format_text(_engine(args).ask(args.question, k=args.k, mode=args.mode)))
    return 0


def _read_queries(path: str):
    handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                yield str(record.get("id", n)), record["question"]
            except (json.JSONDecodeError, KeyError, AttributeError):
                raise RagError(f'{path} line {n}: expected a JSON object with "id" and "question"') from None
    finally:
        if handle is not sys.stdin:
            handle.close()


def cmd_search(args) -> int:
    from rag.answer import format_text, to_json

    if (args.question is None) == (args.queries is None):
        raise RagError("give a question or --queries FILE (one of them)")
    if args.queries is not None and args.queries != "-" and not os.path.isfile(args.queries):
        raise RagError(f"{args.queries}: no such file")
    engine = _engine(args)
    if args.question is not None:
        answer = engine.ask(args.question, k=args.k, mode=args.mode)
        print(json.dumps(to_json(answer), ensure_ascii=False) if args.json else format_text(answer))
        return 0
    failed = 0
    for query_id, question in _read_queries(args.queries):
        try:
            record = to_json(engine.ask(question, k=args.k, mode=args.mode), query_id=query_id)
        except RagError as exc:  # one bad question does not stop the batch
            failed += 1
            record = {"id": query_id, "query": question, "abstained": True, "hits": [], "error": str(exc)}
        print(json.dumps(record, ensure_ascii=False), flush=True)
    if failed:
        _log(f'error: {failed} question(s) could not be searched; see their "error" field')
    return 1 if failed else 0


def cmd_eval(args) -> int:
    from rag.eval_run import run_eval

    return run_eval(args, embedder=_embedder(args), log=_log)


def cmd_serve(args) -> int:
    from rag.indexer import ensure_index
    from rag.webapp import serve

    engine = _engine(args)
    report = ensure_index(engine, log=_log)
    if report:
        _log(report.summary())
    serve(engine, host=args.host, port=args.port, feedback_path=args.feedback)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers from 「外交力の強化について」.")
    parser.add_argument("--corpus-dir", help="folder of .txt/.md files (default: corpus/ or $RAG_CORPUS_DIR)")
    parser.add_argument("--index-dir", help="index folder (default: index/ or $RAG_INDEX_DIR)")
    parser.add_argument(
        "--model",
        help="sentence-transformers model name or folder (default: the bundled "
        "multilingual-e5-small, or $RAG_EMBED_MODEL)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build or rebuild the index")
    p.add_argument("--full", action="store_true", help="re-embed everything, ignoring the cache")
    p.add_argument("--wait", action="store_true", help="wait for another running build instead of stopping")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    p.set_defaults(func=cmd_build)

    for name, func, help_text in (
        ("ask", cmd_ask, "print a readable cited answer"),
        ("search", cmd_search, "print ranked passages (JSON with --json)"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("question", nargs=None if name == "ask" else "?")
        p.add_argument("-k", type=int, default=5, help="number of passages (1-20, default 5)")
        p.add_argument("--mode", default="hybrid", choices=("hybrid", "dense", "bm25"))
        if name == "search":
            p.add_argument("--json", action="store_true", help="one JSON object per question")
            p.add_argument("--queries", help='JSONL file of {"id", "question"} per line, - for stdin')
        p.set_defaults(func=func)

    p = sub.add_parser("eval", help="retrieval metrics on the gold set")
    p.add_argument("--gold", help="gold JSONL (default: eval/gold.jsonl)")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--report", metavar="DIR", help="write report.md and hit_at_k.png into DIR")
    p.add_argument("--feedback", metavar="FILE", help="turn thumbs-down feedback into gold-set candidates")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the web UI")
    p.add_argument("--host", default=os.environ.get("RAG_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    p.add_argument("--feedback", help="feedback JSONL file (default: feedback.jsonl)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RagError as exc:
        _log(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        _log("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
