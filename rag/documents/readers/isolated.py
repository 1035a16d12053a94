"""Reading a PDF in a child process with a memory and a time limit, so no PDF can take the build down.

A 1 MB PDF whose stream inflates to 1 GB made PDFium allocate 2.9 GB, and under a memory limit it
aborted the whole process (SIGABRT) with no message. Here PDFium runs in `python -m` this module,
limited to PDF_MEMORY_BYTES of address space and PDF_SECONDS; whatever happens to it (an abort, a
segfault, MemoryError, the deadline) the build gets one line naming the file and stops, and the
index in use stays as it was. The bytes go in on stdin, the extracted text comes back as JSON.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from rag.documents.readers import Extracted, SkipFile
from rag.errors import RagError
from rag.terminal import shown

# Address space, not resident memory. Reading the 300-page, 2 MB PDF of docs/decisions.md peaks at 45 MB
# of it; a PDF at the 200 MB size limit is held about three times (bytes, PDFium's copy, text): ~650 MB.
PDF_MEMORY_BYTES = int(os.environ.get("RAG_PDF_MEMORY_MB", "1024")) * 2**20
PDF_SECONDS = float(os.environ.get("RAG_PDF_SECONDS", "120"))  # the 300-page PDF: 1-10 s, idle to busy
REMEDY = "replace it with a good copy or remove it from corpus/"


def extract_isolated(raw: bytes, path: Path) -> Extracted:
    """The PDF's text as `pdf.extract` gives it, read by a limited child process."""
    package_root = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH"))))}
    command = [sys.executable, "-m", __name__, str(PDF_MEMORY_BYTES), str(int(PDF_SECONDS) + 1), os.fsdecode(path)]
    try:
        done = subprocess.run(command, input=raw, capture_output=True, timeout=PDF_SECONDS, env=env)
    except subprocess.TimeoutExpired:
        raise RagError(
            f"{shown(path)}: reading it took over {PDF_SECONDS:g} s, the limit for one PDF "
            f"(RAG_PDF_SECONDS); it may be built to stall readers: {REMEDY}"
        ) from None
    reply = _reply(done.stdout) if done.returncode == 0 else None
    if reply is None or "memory" in reply:
        raise RagError(f"{shown(path)}: {_failure(done.returncode, reply)}; it may be a decompression bomb, {REMEDY}")
    if "skip" in reply:
        raise SkipFile(reply["skip"])
    if "error" in reply:
        raise RagError(reply["error"])
    return Extracted(reply["text"], "pdf", reply["title"], tuple(reply["page_starts"]))


def _reply(stdout: bytes) -> dict | None:
    try:
        reply = json.loads(stdout.decode("utf-8"))
    except ValueError:
        return None
    return reply if isinstance(reply, dict) else None


def _failure(returncode: int, reply: dict | None) -> str:
    limit = f"{PDF_MEMORY_BYTES // 2**20} MB"
    if reply is not None:
        return f"reading it needed more than {limit}, the memory limit for one PDF (RAG_PDF_MEMORY_MB)"
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else -returncode
        return f"PDFium stopped reading it ({name}) under the {limit} memory limit for one PDF (RAG_PDF_MEMORY_MB)"
    return f"the PDF reader failed on it (exit {returncode}) under the {limit} memory limit for one PDF"


def _child(memory: int, seconds: int, path: str) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))  # the parent's deadline is the real one
    raw = sys.stdin.buffer.read()
    from rag.documents.readers.pdf import extract

    try:
        extracted = extract(raw, path)
        reply = {"text": extracted.text, "title": extracted.title, "page_starts": list(extracted.page_starts)}
    except SkipFile as exc:
        reply = {"skip": str(exc)}
    except RagError as exc:
        reply = {"error": str(exc)}
    except MemoryError:
        reply = {"memory": True}
    sys.stdout.buffer.write(json.dumps(reply, ensure_ascii=False).encode("utf-8"))


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
