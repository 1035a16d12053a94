"""Drive the running app with many concurrent gradio_client users and report latency and failures.

    python scripts/load_test.py --start                  # start `rag serve` on a free port, then load it
    python scripts/load_test.py --start --rebuild        # ... and run `rag build` when half the questions are done
    python scripts/load_test.py --url http://127.0.0.1:7860/ --clients 50 --questions 20

With --start it also reports the server's resident memory (RSS): once started, after one question
(what loads lazily), right after the load, and after --idle seconds without requests, with the peak (VmHWM).

Traffic goes to loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tooling.launch import start_app  # noqa: E402

QUEUE_FULL = ("queue is full", "too many requests")
RETRIES = 40  # a queue-full answer is retried; anything else is a failure


def questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["question"] for r in rows]


def memory_mb(pid: int) -> dict:
    """Resident and peak memory of a process, from /proc (MB)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {key: round(int(fields[key].split()[0]) / 1024) for key in ("VmRSS", "VmHWM")}


def rebuild() -> dict:
    """`rag build` in its own process, as an operator would run it while the app serves (same RAG_* settings)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "rag.cli", "build"], cwd=ROOT, capture_output=True, text=True)
    return {
        "exit": done.returncode,
        "seconds": round(time.perf_counter() - started, 1),
        "summary": (done.stdout or done.stderr).strip().splitlines()[-1:],
    }


def run(
    url: str, clients: int, per_client: int, timeout_s: float, *, rebuild_at: int | None = None, wait_s: float = 60
) -> dict:
    from gradio_client import Client

    pool = questions()
    latencies, failures, retries = [], [], [0]
    lock = threading.Lock()
    deadline = time.time() + timeout_s
    halfway, rebuilt = threading.Event(), {}

    def rebuilder() -> None:
        halfway.wait()
        rebuilt.update(rebuild())

    def user(n: int) -> None:
        client = None  # connected inside the loop, so a failed connection is counted like any failure
        for i in range(per_client):
            question = pool[(n * per_client + i) % len(pool)]
            for attempt in range(RETRIES):
                if time.time() > deadline:
                    with lock:
                        failures.append("time limit reached")
                    return
                try:
                    # httpx's default 5 s read timeout counts a long queue wait on a busy machine as an error;
                    # the wait is latency, and is reported as such
                    client = client or Client(url, verbose=False, httpx_kwargs={"timeout": wait_s})
                    started = time.perf_counter()
                    result = client.predict(question, 5, api_name="/search")
                    assert result["hits"], "no hits"
                    with lock:
                        latencies.append(time.perf_counter() - started)
                        if rebuild_at is not None and len(latencies) >= rebuild_at:
                            halfway.set()
                    break
                except Exception as exc:  # noqa: BLE001 - classify, then count
                    if any(k in str(exc).lower() for k in QUEUE_FULL) and attempt < RETRIES - 1:
                        with lock:
                            retries[0] += 1
                        time.sleep(min(2.0, 0.25 * (attempt + 1)) + random.random() * 0.5)  # back off, spread out
                        continue
                    with lock:
                        failures.append(repr(exc)[:200])
                    break

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(clients)]
    builder = threading.Thread(target=rebuilder) if rebuild_at is not None else None
    for t in threads + ([builder] if builder else []):
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if builder:
        halfway.set()  # never reached halfway (failures): build anyway, so the report says what happened
        builder.join()
    latencies.sort()
    return {
        "clients": clients,
        "questions_each": per_client,
        "requests_ok": len(latencies),
        "failed": len(failures),
        "queue_full_retries": retries[0],
        "wall_s": round(wall, 1),
        "throughput_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(1000 * statistics.median(latencies)) if latencies else None,
        "p95_ms": round(1000 * latencies[int(0.95 * len(latencies)) - 1]) if latencies else None,
        "max_ms": round(1000 * latencies[-1]) if latencies else None,
        "failures": failures[:5],
        **({"rebuild": rebuilt} if rebuild_at is not None else {}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--start", action="store_true", help="start `rag serve` on a free loopback port first")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="run `rag build` once half the questions are answered")
    parser.add_argument("--idle", type=float, default=30, help="seconds to leave the started app idle before its RSS")
    parser.add_argument("--time-limit", type=float, default=600, help="seconds before the run gives up")
    parser.add_argument("--client-timeout", type=float, default=60, help="seconds a client waits for one answer")
    parser.add_argument("--corpus-dir", help="for --start and --rebuild (default: corpus/ or $RAG_CORPUS_DIR)")
    parser.add_argument("--index-dir", help="for --start and --rebuild (default: index/ or $RAG_INDEX_DIR)")
    parser.add_argument("--model", help="for --start and --rebuild, e.g. hash (default: the bundled model)")
    args = parser.parse_args()
    if not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        print("error: load tests only target this machine (127.0.0.1 or localhost)", file=sys.stderr)
        return 1
    for option, variable in (
        ("corpus_dir", "RAG_CORPUS_DIR"),
        ("index_dir", "RAG_INDEX_DIR"),
        ("model", "RAG_EMBED_MODEL"),
    ):
        if getattr(args, option):  # for the started app and the rebuild alike
            os.environ[variable] = getattr(args, option)
    app = start_app(feedback=os.devnull) if args.start else None
    if app:
        args.url = app.url
    try:
        rss = {}
        if app:
            from gradio_client import Client

            rss["started_mb"] = memory_mb(app.proc.pid)
            Client(args.url, verbose=False).predict(questions()[0], 5, api_name="/search")
            rss["after_one_question_mb"] = memory_mb(app.proc.pid)  # what the first question loads lazily
        rebuild_at = args.clients * args.questions // 2 if args.rebuild else None
        report = run(
            args.url, args.clients, args.questions, args.time_limit, rebuild_at=rebuild_at, wait_s=args.client_timeout
        )
        if app:
            rss["after_mb"] = memory_mb(app.proc.pid)
            time.sleep(args.idle)  # what memory an idle server holds on to is the measurement
            rss[f"idle_{args.idle:g}s_mb"] = memory_mb(app.proc.pid)
            report["server_memory"] = rss
    finally:
        if app:
            app.stop()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["failed"] == 0 and report.get("rebuild", {}).get("exit", 0) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
