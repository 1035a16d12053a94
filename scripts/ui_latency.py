"""Enter → answer card rendered, in Debian Chromium against a running `rag serve`: median and spread.

    python scripts/ui_latency.py [--url http://127.0.0.1:7860/] [--rounds 2]

Measured, not asserted (a test on a shared 2-core machine would only measure the neighbours). Starts its
own server over ./index when no --url is given. Prints one line per question and the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTIONS = (
    "OSAの予算は",
    "日米同盟の位置付けは",
    "What is FOIP?",
    "北方領土の方針は",
    "認知戦とは",
    "ODAの役割は",
    "レアアースの確保は",
    "拉致問題への対応は",
    "What is POWER Asia?",
    "ガザ情勢は",
)


def enter_to_card(page, question: str) -> float:
    before = page.eval_on_selector("#conversation .rag-conv", "c => Number(c.dataset.latest)")
    page.fill("#question textarea", question)
    started = time.perf_counter()
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        "n => { const t = document.querySelector('#conversation .turn');"
        " return t && Number(t.dataset.turn) > n && t.querySelector('.card, .error'); }",
        arg=before,
        timeout=60_000,
        polling="raf",
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running rag serve (default: start one over ./index)")
    parser.add_argument("--rounds", type=int, default=2, help="times each question is asked")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.tooling.launch import start_app

    server = nullcontext(None) if args.url else start_app(corpus_dir=Path("corpus"), index_dir=Path("index"))
    with server as app, sync_playwright() as p:
        url = args.url or app.url
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        page.goto(url)
        page.wait_for_selector("#conversation .rag-conv")
        page.evaluate("() => localStorage.clear()")
        enter_to_card(page, "外交力とは")  # warm the page and the session
        times = []
        for _ in range(args.rounds):
            for question in QUESTIONS:
                seconds = enter_to_card(page, question)
                times.append(seconds)
                print(f"{seconds * 1000:7.0f} ms  {question}")
        browser.close()
    q = statistics.quantiles(times, n=10)
    print(
        f"Enter → card, {len(times)} questions: median {statistics.median(times) * 1000:.0f} ms, "
        f"p10 {q[0] * 1000:.0f} ms, p90 {q[-1] * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
