"""Time and memory for a large PDF: print an N-page PDF with Chromium, then read it and build an index.

    python scripts/pdf_scale.py                 # 300 pages; the build uses the hashing embedder
    python scripts/pdf_scale.py --model real    # the build embeds with the bundled model (minutes)

Each step runs in a fresh process, so its peak resident memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pdfs import briefing_pages, pages_html, print_pdf  # noqa: E402

READ = """
import resource, sys, time
from pathlib import Path
from rag.documents.chunking import chunk_documents
from rag.documents.corpus import read_corpus
started = time.perf_counter()
documents = read_corpus(Path(sys.argv[1]), log=lambda _: None)
read = time.perf_counter() - started
chunks = chunk_documents(documents)
chunked = time.perf_counter() - started - read
pages = len(documents[0].page_starts)
mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"read {pages} pages ({len(documents[0].text):,} characters) in {read:.1f} s; "
      f"{len(chunks)} passages in {chunked:.1f} s; peak memory {mb:.0f} MB")
"""


def run(args: list[str], env: dict | None = None) -> tuple[str, float, float]:
    """(stdout, seconds, peak MB of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(done.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return done.stdout.strip(), seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--model", default="hash", help="hash (default) or real")
    options = parser.parse_args()
    text = (ROOT / "corpus" / "gaikoryoku_no_kyoka.txt").read_text(encoding="utf-8")
    deck = briefing_pages(text)
    # every block tagged with its page, so no two passages are the same text (the cache would hide the cost)
    pages = [[f"第{n + 1}部", *(f"{block}（{n + 1}）" for block in deck[n % len(deck)])] for n in range(options.pages)]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        started = time.perf_counter()
        pdf = print_pdf(pages_html(pages, title=f"{options.pages}-page test"), corpus / "big.pdf")
        print(
            f"printed {options.pages} pages with Chromium: {pdf.stat().st_size / 1e6:.1f} MB in "
            f"{time.perf_counter() - started:.0f} s"
        )
        env = {"PYTHONPATH": str(ROOT)}
        out, seconds, _ = run([sys.executable, "-c", READ, str(corpus)], env)
        print(f"{out} (process {seconds:.1f} s)")
        model = {} if options.model == "real" else {"RAG_EMBED_MODEL": options.model}
        build = [sys.executable, "-m", "rag.cli", "build", "--corpus-dir", str(corpus), "--index-dir", f"{tmp}/index"]
        out, seconds, mb = run(build, {**env, **model})
        print(f"rag build ({options.model} embedder): {seconds:.1f} s, peak memory {mb:.0f} MB\n  {out}")


if __name__ == "__main__":
    main()
