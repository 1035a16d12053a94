"""The `rag` command: argument parsing, printing and exit codes; the work happens elsewhere."""

from __future__ import annotations

import argparse
import json
import os
import sys

from rag.runtime import use_process_defaults

use_process_defaults()  # before anything heavy loads: offline, no analytics, one BLAS thread

from rag import paths  # noqa: E402 - light modules only, after the defaults
from rag.errors import RagError, unknown_documents  # noqa: E402
from rag.inputs import printable, validate_k, validate_question  # noqa: E402
from rag.terminal import safe_json, safe_text, shown  # noqa: E402

SERVED_AT_ONCE = 2  # rag.serve.ui.app.CONCURRENCY, without importing Gradio for `rag bench`


def _log(msg: str) -> None:
    print(safe_text(msg), file=sys.stderr)


def _say(text: str) -> None:
    """stdout for people: corpus text may hold ESC sequences, CRs and bidi overrides (rag/terminal.py)."""
    print(safe_text(text))


def _embedder(args):
    from rag.embedding.embedder import load_embedder

    return load_embedder(args.model, log=_log)


def _engine(args, *, background_reload: bool = False):
    from rag.engine import Engine

    return Engine(
        index_dir=paths.index_dir(args.index_dir),
        corpus_dir=paths.corpus_dir(args.corpus_dir),
        embedder=_embedder(args),
        background_reload=background_reload,
        store=_store(args),
    )


def _store(args):
    """The store --store or $RAG_STORE names, or None (rag.index.stores)."""
    from rag.index.stores import chosen_store

    return chosen_store(args.store)


def _answering_engine(args):
    """The engine for ask/search; on first use (no index at all) the index is built first.

    A stale or damaged index is not rebuilt behind the user's back: that stops with what differs.
    """
    from rag.index import store

    engine = _engine(args)
    if store.current_build(engine.index_dir) is None:
        from rag.index.build import build_index

        _log(f"no index in {engine.index_dir} yet: building it (first use)")
        report = build_index(
            engine.corpus_dir, engine.index_dir, engine.embedder, store_spec=engine.store, progress=False, log=_log
        )
        _log(report.summary())
    return engine


def _server(args):
    """A running `rag serve` to ask instead of loading the model here, or None (rag.serve.client)."""
    if args.local:
        return None
    from rag.serve.client import find_server

    return find_server(
        url=args.server,
        index_dir=paths.index_dir(args.index_dir),
        corpus_dir=paths.corpus_dir(args.corpus_dir),
        model=args.model,
        log=_log,
    )


def _delegated(server, question: str, *, k: int, mode: str, sources) -> dict:
    """The server's answer, or the same refusal a local run would give: the server keeps answering
    from its last good build when a newer one is damaged or the corpus changed, and says so in "notice"."""
    reply = server.search(question, k=k, mode=mode, sources=sources)
    if isinstance(reply.get("notice"), str):
        raise RagError(reply["notice"])
    if not isinstance(reply.get("json"), dict) or not isinstance(reply.get("text"), str):
        raise RagError(f"{server.url} sent an answer without its text; see its log, or use --local")
    return reply


def cmd_build(args) -> int:
    from rag.index.build import build_index

    store_spec = _store(args)  # before the model loads
    report = build_index(
        paths.corpus_dir(args.corpus_dir),
        paths.index_dir(args.index_dir),
        _embedder(args),
        store_spec=store_spec,
        full=args.full,
        wait=args.wait,
        progress=sys.stderr.isatty() or args.progress,
        log=_log,
    )
    _say(report.summary())
    return 0


def cmd_ask(args) -> int:
    question, k, sources = validate_question(args.question), validate_k(args.k), _sources(args)  # before loading
    if server := _server(args):
        _say(_delegated(server, question, k=k, mode=args.mode, sources=sources)["text"])
        return 0
    _say(_answering_engine(args).ask(question, k=k, mode=args.mode, sources=sources).to_text())
    return 0


def _sources(args) -> list[str] | None:
    """--source a.pdf --source b.md, or --source a.pdf,b.md: the documents to search (None: all)."""
    if not args.source:
        return None
    names = [name.strip() for value in args.source for name in value.split(",")]
    if not all(names):
        raise RagError("--source needs document names, e.g. --source report.pdf (paths inside the corpus folder)")
    return names


def cmd_search(args) -> int:
    if (args.question is None) == (args.queries is None):
        raise RagError("give a question or --queries FILE (one of them)")
    k, sources = validate_k(args.k), _sources(args)
    if args.question is not None:
        question = validate_question(args.question)  # before anything loads
        if server := _server(args):
            reply = _delegated(server, question, k=k, mode=args.mode, sources=sources)
            print(safe_json(reply["json"]) if args.json else safe_text(reply["text"]))
            return 0
        answer = _answering_engine(args).ask(question, k=k, mode=args.mode, sources=sources)
        print(safe_json(answer.to_json()) if args.json else safe_text(answer.to_text()))
        return 0
    if args.queries != "-" and not os.path.isfile(args.queries):
        raise RagError(f"{args.queries}: no such file")
    return _search_batch(args, k, sources)


def _search_batch(args, k: int, sources: list[str] | None) -> int:
    from rag.inputs import read_questions

    server = _server(args)
    if server is None:
        engine = _answering_engine(args)
        known = {d.source for d in engine.documents()}
        if sources and (unknown := set(sources) - known):
            raise unknown_documents(unknown, known)

        def ask(item) -> dict:
            return engine.ask(item.question, k=k, mode=args.mode, sources=sources).to_json(query_id=item.id)
    else:

        def ask(item) -> dict:
            return {**_delegated(server, item.question, k=k, mode=args.mode, sources=sources)["json"], "id": item.id}

    failed = 0
    for item in read_questions(args.queries):
        record = {
            "id": item.id,
            "query": printable(item.question),
            "abstained": True,
            "status": "error",  # not searched: no status of the documents, not even "not covered"
            "missing": [],
            "hits": [],
            "error": item.error,
        }
        if item.error is None:
            try:
                record = ask(item)
            except RagError as exc:  # one bad question does not stop the batch
                record["error"] = str(exc)
        failed += record.get("error") is not None
        print(safe_json(record), flush=True)
    if failed:
        _log(f'error: {failed} question(s) could not be searched; see their "error" field')
    return 1 if failed else 0


def cmd_eval(args) -> int:
    from pathlib import Path

    if args.feedback is not None:
        from rag.serve.feedback import gold_candidates

        for row in gold_candidates(paths.feedback_file(args.feedback or None)):
            print(safe_json(row))
        return 0
    from rag.evaluation.gold import load_gold
    from rag.evaluation.metrics import TARGETS, gate_failures, gold_key, load_floors
    from rag.evaluation.report import describe, misses, table, write_report
    from rag.evaluation.runner import run_evaluation
    from rag.index.build import ensure_index

    gold_path = Path(args.gold) if args.gold else Path("eval") / "gold.jsonl"  # the project's dev set
    gold = load_gold(gold_path)  # before the model loads
    engine = _engine(args)
    report = ensure_index(engine, log=_log)  # a benchmark corpus gets its own index on first use
    if report:
        _log(report.summary())
    evaluation = run_evaluation(engine, gold)
    gated = "test" if "test" in evaluation.metrics else "all"
    hybrid = evaluation.metrics[gated]["hybrid"]
    missed = gate_failures(hybrid, TARGETS)
    floors = load_floors(Path("eval") / "gate.json", gold_key(gold_path, Path.cwd()))
    # the gate: the recorded floors when there are some (no regression), else the targets themselves
    failures = gate_failures(hybrid, floors or TARGETS) if args.gate else None
    if args.json:
        payload = {"gold": str(gold_path), "metrics": evaluation.metrics, "misses": misses(evaluation)}
        payload["targets_missed"] = missed
        if failures is not None:
            payload["gate_failures"] = failures
        print(safe_json(payload, indent=2))
    else:
        for split in evaluation.splits:
            _say(f"## {describe(evaluation, split)}\n\n{table(evaluation, split)}\n")
        for row in misses(evaluation):
            _say(
                f"miss {row['id']} ({row['split']}, {row['kind']}, {row['what']}): {row['question']}\n"
                f"    expected: {row['expected']}\n    first:    {row['first']}"
            )
        print(f"\ntargets ({gated} split): " + ("all met" if not missed else "missed: " + "; ".join(missed)))
        if failures is not None:
            kind = "floors" if floors else "targets"
            print(f"gate ({gated} split, {kind}): " + ("passed" if not failures else "FAILED: " + "; ".join(failures)))
    if args.report:
        _log(f"report: {write_report(evaluation, Path(args.report), gold_path, gate=failures, missed=missed)}")
    return 1 if failures else 0


def _threads_per_question(concurrent: int) -> int:
    """Each of `concurrent` questions' share of the cores for the model.

    torch's threads wait for each other at every layer: with 2 threads for one question, a single
    other busy process made a question take ~1 s instead of 27 ms on one thread (2 cores, measured).
    """
    return max(1, (os.cpu_count() or 1) // concurrent)


def cmd_serve(args) -> int:
    from rag.index.build import ensure_index
    from rag.serve.ui import serve

    engine = _engine(args, background_reload=True)  # a rebuild must not hold up the questions
    report = ensure_index(engine, log=_log)
    if report:
        _log(report.summary())
    _limit_torch_threads()
    serve(
        engine,
        host=args.host,
        port=args.port,
        feedback_path=paths.feedback_file(args.feedback),
        allow_hosts=tuple(name.strip() for value in args.allow_host for name in value.split(",") if name.strip()),
    )
    return 0


def _limit_torch_threads() -> None:
    if "torch" in sys.modules:  # the hashing embedder loads no torch
        import torch

        torch.set_num_threads(_threads_per_question(SERVED_AT_ONCE))


def cmd_mcp(args) -> int:
    import contextlib
    import time

    from rag.index.build import ensure_index

    started = time.perf_counter()
    # stdout carries the protocol: whatever loading prints goes to stderr, the client's log
    with contextlib.redirect_stdout(sys.stderr):
        engine = _engine(args, background_reload=True)  # a rebuild is picked up as in `rag serve`
        report = ensure_index(engine, log=_log)
        if report:
            _log(report.summary())
        _limit_torch_threads()
        from rag.serve.mcp import serve_stdio, warm_up

        warm_up(engine)  # the model and the rest load now, not on the first call
    _log(f"rag mcp: loaded in {time.perf_counter() - started:.1f} s")
    serve_stdio(engine, log=_log)
    return 0


def cmd_bench(args) -> int:
    from pathlib import Path

    from rag.evaluation.bench import BRIEFING, BenchSettings, parse_sizes, run_bench, table_header, table_row
    from rag.index.stores import StoreSpec

    sizes = parse_sizes(args.sizes)  # before the model loads
    texts = [paths.corpus_dir(args.corpus_dir), *(Path(t) for t in args.text)]
    for folder in texts:
        if not folder.is_dir():
            raise RagError(f"{folder}: no such folder of texts; pass real text folders with --text DIR")
    if len(texts) == 1 and any(s != BRIEFING for s in sizes):
        raise RagError("bigger sizes need more text than the briefing: add --text DIR (e.g. a JSQuAD corpus)")
    settings = BenchSettings(
        texts=tuple(texts),
        sizes=sizes,
        embed_up_to=args.embed_up_to,
        questions=args.questions,
        work=Path(args.work) if args.work else None,
        noise=args.noise,
        question_threads=_threads_per_question(SERVED_AT_ONCE),  # timed as `rag serve` runs them
        store=_store(args) or StoreSpec(),
        **({"exact_below": args.exact_below} if args.exact_below else {}),
    )
    if not args.json:
        print(table_header(), flush=True)
    for result in run_bench(settings, _embedder(args), log=_log):
        print(json.dumps(result, ensure_ascii=False) if args.json else table_row(result), flush=True)
    if not args.json and any(s != BRIEFING and int(s) > args.embed_up_to for s in sizes):
        print(f"derived: past {args.embed_up_to:,} passages the vectors are perturbed copies of embedded ones")
    return 0


def _common_options(parser: argparse.ArgumentParser, *, default) -> None:
    """Options every subcommand takes, before or after its name.

    `rag --index-dir d search x` and `rag search x --index-dir d` mean the same.
    """
    group = parser.add_argument_group("common options")
    group.add_argument(
        "--corpus-dir", default=default, help="folder of documents (default: corpus/ or $RAG_CORPUS_DIR)"
    )
    group.add_argument("--index-dir", default=default, help="index folder (default: index/ or $RAG_INDEX_DIR)")
    group.add_argument(
        "--model",
        default=default,
        help="sentence-transformers model name or folder (default: the bundled multilingual-e5-small, "
        "or $RAG_EMBED_MODEL)",
    )
    group.add_argument(
        "--store",
        default=default,
        help="where candidates are searched: faiss (default), milvus://PATH.db (Milvus Lite) or "
        "http://HOST:19530 (a Milvus server); or $RAG_STORE. A search uses the store its build recorded",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers from the documents in corpus/.")
    _common_options(parser, default=None)
    sub = parser.add_subparsers(dest="command", required=True, metavar="{build,ask,search,eval,serve,mcp,bench}")

    def command(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        # SUPPRESS: a value given before the subcommand is not overwritten by this parser's default.
        _common_options(p, default=argparse.SUPPRESS)
        p.set_defaults(func=func)
        return p

    p = command("build", cmd_build, "build or rebuild the index (incremental by default)")
    p.add_argument("--full", action="store_true", help="re-embed everything, ignoring the cache")
    p.add_argument("--wait", action="store_true", help="wait for another running build instead of stopping")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    p.add_argument(
        "--nice",
        type=int,
        default=10,
        help="as a command, lower its CPU priority by this much, so a server on the same machine keeps "
        "answering at full speed during the rebuild (default: %(default)s; 0 keeps it)",
    )

    for name, func, help_text in (
        ("ask", cmd_ask, "print a readable cited answer"),
        ("search", cmd_search, "print ranked passages (JSON with --json)"),
    ):
        p = command(name, func, help_text)
        p.add_argument("question", nargs=None if name == "ask" else "?")
        p.add_argument("-k", default="5", help="number of passages (1-20, default 5)")
        p.add_argument("--mode", default="hybrid", choices=("hybrid", "dense", "bm25"))
        p.add_argument(
            "--source",
            action="append",
            metavar="DOC",
            help="search only this document (its path in the corpus folder); repeat it or separate with commas",
        )
        where = p.add_mutually_exclusive_group()
        where.add_argument(
            "--server",
            metavar="URL",
            help="ask the `rag serve` at URL (default: the one on the default port, when it serves the same "
            "index, corpus and model; otherwise the model is loaded here)",
        )
        where.add_argument("--local", action="store_true", help="load the model here even if a server is running")
        if name == "search":
            p.add_argument("--json", action="store_true", help="one JSON object per question")
            p.add_argument("--queries", help='JSONL file of {"id", "question"} per line, - for stdin')

    p = command("eval", cmd_eval, "retrieval metrics on a gold set")
    p.add_argument(
        "--gold",
        help="gold JSONL (default: eval/gold.jsonl); span-based sets such as JSQuAD need their own "
        "--corpus-dir and --index-dir",
    )
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--report", metavar="DIR", help="write report.md and hit_at_k.png into DIR")
    p.add_argument(
        "--gate", action="store_true", help="exit 1 when the hybrid misses a target on the test split (for CI)"
    )
    p.add_argument(
        "--feedback",
        nargs="?",
        const="",
        metavar="FILE",
        help="instead of evaluating, print the thumbs-down answers of the feedback file "
        "(default: feedback.jsonl or $RAG_FEEDBACK) as gold-set candidates",
    )

    p = command("bench", cmd_bench, "build and search corpora of growing size; time them and check recall")
    p.add_argument(
        "--sizes",
        default="briefing,1000,10000,100000",
        help="passage counts, comma-separated; 'briefing' is the corpus as it is (default: %(default)s)",
    )
    p.add_argument(
        "--text",
        action="append",
        default=[os.environ["RAG_BENCH_TEXT"]] if os.environ.get("RAG_BENCH_TEXT") else [],
        metavar="DIR",
        help="more real text to replicate, e.g. benchmarks/jsquad-valid/corpus; its gold.jsonl next to it "
        "gives questions (default: $RAG_BENCH_TEXT)",
    )
    p.add_argument("--embed-up-to", type=int, default=10_000, help="past this many passages, derive vectors")
    p.add_argument("--questions", type=int, default=200, help="Japanese gold questions timed per size")
    p.add_argument("--work", metavar="DIR", help="keep the embedded base build here between runs")
    p.add_argument(
        "--noise",
        type=float,
        default=None,
        help="norm of the perturbation of derived vectors (default: a copy is as far from its original as "
        "a real passage from its nearest other one)",
    )
    p.add_argument(
        "--exact-below",
        type=int,
        default=None,
        help="vector count from which FAISS uses HNSW (default: rag.index.vector_index.EXACT_BELOW)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per size")

    p = command("serve", cmd_serve, "start the web UI")
    p.add_argument("--host", default=os.environ.get("RAG_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    p.add_argument(
        "--feedback",
        metavar="FILE",
        help="where thumbs up/down are appended (default: feedback.jsonl or $RAG_FEEDBACK)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests addressed to this host name (repeat or separate with commas); only "
        "loopback names are answered otherwise, so no web page can reach the server by DNS rebinding. "
        "For a deliberate network deployment, with --host 0.0.0.0",
    )
    command(
        "mcp",
        cmd_mcp,
        "serve the corpus to an AI assistant as MCP tools over stdio (search, ask, list_documents, read)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name in ("corpus_dir", "index_dir", "model", "store"):
        setattr(args, name, getattr(args, name, None))
    if argv is None and args.func is cmd_build and args.nice > 0:
        os.nice(args.nice)  # only as a program: a caller's process (a test, a script) keeps its priority
    try:
        return args.func(args)
    except RagError as exc:
        _log(f"error: {exc}")
        return 1
    except BrokenPipeError:  # before OSError, which it is: `rag search ... | head` is not an error
        return 0
    except OSError as exc:  # a file the user named, the disk or its permissions: which file, and why
        where = f"{shown(exc.filename)}: " if exc.filename is not None else ""
        _log(f"error: {where}{exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        _log("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
