"""Server memory before, during and after a spike of costly questions (issue 24: "memory returns").

    python scripts/memory_spike.py [--port 7931] [--questions 40] [--clients 4]

Starts `rag serve` with the real model on --port, reads its resident memory (VmRSS) when idle, sends
--questions questions of ~1,000 characters of random English words through the JSON API from
--clients threads at once, then reads it again right after and once the server has been idle a few
seconds. The figures go to docs/integrity.md; they are not a test (they vary with the machine).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def english_questions(n: int, seed: int = 0) -> list[str]:
    from rag.language.jmdict import _database

    with sqlite3.connect(_database()) as con:
        rows = con.execute("select text from SenseGloss where lang = 'eng' limit 200000").fetchall()
    pool = sorted({w for (g,) in rows for w in g.split() if w.isalpha() and len(w) > 3})
    rng, questions = random.Random(seed), []
    for _ in range(n):
        words: list[str] = []
        while len(" ".join(words)) < 990:
            words.append(rng.choice(pool))
        questions.append(" ".join(words)[:1000])
    return questions


def ask(url: str, question: str) -> int:
    body = json.dumps({"question": question, "k": 5}).encode()
    request = urllib.request.Request(url + "/rag/v1/search", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return response.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=7931)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before the last reading")
    options = parser.parse_args()
    url = f"http://127.0.0.1:{options.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--port", str(options.port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in server.stdout:
            if line.startswith("serving on"):
                break
        else:
            raise SystemExit("the server exited before serving")
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        ask(url, "外交力とは何ですか")
        idle = rss_mb(server.pid)
        questions = english_questions(options.questions)
        peak, started = idle, time.perf_counter()
        pending = list(questions)
        lock = threading.Lock()

        def client():
            nonlocal peak
            while True:
                with lock:
                    if not pending:
                        return
                    question = pending.pop()
                ask(url, question)
                with lock:
                    peak = max(peak, rss_mb(server.pid))

        threads = [threading.Thread(target=client) for _ in range(options.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        right_after = rss_mb(server.pid)
        time.sleep(options.idle)
        later = rss_mb(server.pid)
        print(
            f"{options.questions} questions of 1,000 random English characters from {options.clients} clients "
            f"in {seconds:.1f} s; server RSS idle {idle:.0f} MB, peak seen {peak:.0f} MB, "
            f"right after {right_after:.0f} MB, after {options.idle:.0f} s idle {later:.0f} MB"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
