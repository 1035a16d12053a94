"""Drive the running app with many concurrent gradio_client users and report latency and failures.

    python scripts/load_test.py --start                  # start app.py on a free port, then load it
    python scripts/load_test.py --url http://127.0.0.1:7860/ --clients 50 --questions 20

Traffic goes to loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.launch import start_app  # noqa: E402

QUEUE_FULL = ("queue is full", "too many requests")
RETRIES = 40  # a queue-full answer is retried; anything else is a failure


def questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["question"] for r in rows]


def run(url: str, clients: int, per_client: int, timeout_s: float) -> dict:
    from gradio_client import Client

    pool = questions()
    latencies, failures, retries = [], [], [0]
    lock = threading.Lock()
    deadline = time.time() + timeout_s

    def user(n: int) -> None:
        client = Client(url, verbose=False)
        for i in range(per_client):
            question = pool[(n * per_client + i) % len(pool)]
            for attempt in range(RETRIES):
                if time.time() > deadline:
                    with lock:
                        failures.append("time limit reached")
                    return
                started = time.perf_counter()
                try:
                    result = client.predict(question, 5, api_name="/search")
                    assert result["hits"], "no hits"
                    with lock:
                        latencies.append(time.perf_counter() - started)
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
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
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
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--start", action="store_true", help="start app.py on a free loopback port first")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=600, help="seconds before the run gives up")
    args = parser.parse_args()
    if not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        print("error: load tests only target this machine (127.0.0.1 or localhost)", file=sys.stderr)
        return 1
    app = start_app(feedback=os.devnull) if args.start else None
    if app:
        args.url = app.url
    try:
        report = run(args.url, args.clients, args.questions, args.time_limit)
    finally:
        if app:
            app.stop()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
