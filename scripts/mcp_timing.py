"""Time the MCP server as an AI assistant meets it, next to `rag search` through the web server.

    python scripts/mcp_timing.py                 # the repo's corpus/ and index/, the real model
    python scripts/mcp_timing.py --runs 3 --calls 20 --transcript

Prints:
- `rag mcp` start -> initialize answered -> first `ask` answered (the model loads before initialize),
  median of --runs cold starts;
- a warm `search` call (k=5), median of --calls different questions: over stdio, and over streamable
  HTTP at /mcp of a `rag serve` started here;
- the same questions through that server without MCP: `rag search Q --server URL` as a command (a
  new process each time) and the JSON API it uses (POST /rag/v1/search) from this process.
With --transcript, one client session as the SDK's ClientSession sees it: the tools listed, one `ask`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tooling.launch import start_app  # noqa: E402
from tests.tooling.mcp_client import http_session, stdio_session  # noqa: E402

TRANSCRIPT_QUESTION = "OSAの令和8年度の予算はいくらですか"


def questions(n: int) -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["question"] for r in rows if not r.get("unanswerable")][:n]


def ms(seconds: list[float]) -> str:
    low, high = min(seconds) * 1000, max(seconds) * 1000
    return f"median {statistics.median(seconds) * 1000:7.1f} ms  (min {low:.1f}, max {high:.1f}, n={len(seconds)})"


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def cold_starts(runs: int) -> None:
    ready, first = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with stdio_session(errlog=subprocess.DEVNULL) as client:
            ready.append(time.perf_counter() - started)
            result = client.call("ask", {"question": TRANSCRIPT_QUESTION})
            first.append(time.perf_counter() - started)
            assert not result.is_error, result.content[0].text
    print(f"rag mcp start -> initialize answered:   {ms(ready)}")
    print(f"rag mcp start -> first ask answered:    {ms(first)}")


def warm_search(client, asked: list[str]) -> list[float]:
    client.call("search", {"question": asked[0]})  # warm: the first call of a session is not measured
    seconds = []
    for question in asked:
        seconds.append(timed(lambda q=question: client.call("search", {"question": q, "k": 5})))
    return seconds


def through_the_server(url: str, asked: list[str]) -> tuple[list[float], list[float]]:
    from rag.serve.client import ServerClient

    rag = str(Path(sys.executable).parent / "rag")
    command = [
        timed(lambda q=q: subprocess.run([rag, "search", q, "--server", url], check=True, capture_output=True))
        for q in asked
    ]
    api = ServerClient(url)
    http = [timed(lambda q=q: api.search(q, k=5, mode="hybrid")) for q in asked]
    return command, http


def transcript(client) -> None:
    print("\n--- transcript: tools/list ---")
    for tool in client.list_tools():
        print(f"{tool.name}({', '.join(tool.input_schema['properties'])}): {tool.description}")
    print(f"\n--- transcript: tools/call ask {{'question': '{TRANSCRIPT_QUESTION}'}} ---")
    result = client.call("ask", {"question": TRANSCRIPT_QUESTION})
    print(f"isError: {result.is_error}\ncontent[0].text:\n{result.content[0].text}")
    print("structuredContent:\n" + json.dumps(result.structured_content, ensure_ascii=False, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="cold starts of rag mcp")
    parser.add_argument("--calls", type=int, default=20, help="warm search calls per transport")
    parser.add_argument("--transcript", action="store_true", help="print one client session")
    args = parser.parse_args()
    asked = questions(args.calls)

    cold_starts(args.runs)
    with stdio_session(errlog=subprocess.DEVNULL) as client:
        print(f"warm search over stdio (rag mcp):       {ms(warm_search(client, asked))}")
    with tempfile.TemporaryDirectory() as scratch, start_app(feedback=Path(scratch) / "feedback.jsonl") as app:
        with http_session(app.url + "mcp") as client:
            print(f"warm search over HTTP (rag serve /mcp): {ms(warm_search(client, asked))}")
        command, http = through_the_server(app.url, asked)
        print(f"rag search Q --server URL (a process):  {ms(command)}")
        print(f"POST /rag/v1/search (what it sends):    {ms(http)}")
    if args.transcript:
        with stdio_session(errlog=subprocess.DEVNULL) as client:
            transcript(client)


if __name__ == "__main__":
    main()
