"""Starting the web app in a child process and waiting, with a deadline, until it serves.

Tests, the load test and the benchmarks all start the app this one way:

    with start_app(corpus_dir=c, index_dir=i, feedback=f) as app:
        Client(app.url).predict(...)
"""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from rag.paths import PROJECT_ROOT

READY = re.compile(r"serving on (http://\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningApp:
    """A `rag serve` child process; its output lines are collected so tests can wait on them."""

    def __init__(self, proc: subprocess.Popen, port: int):
        self.proc, self.port = proc, port
        self.url = f"http://127.0.0.1:{port}/"
        self.lines: list[str] = []
        self._new: queue.Queue = queue.Queue()
        self._closed = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)
        self._closed.set()
        self._new.put(None)

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        """The first output line (seen or still to come) matching `pattern`; RuntimeError at the deadline."""
        regex, deadline, seen = re.compile(pattern), time.monotonic() + timeout, 0
        while True:
            closed = self._closed.is_set()  # read before the lines, so none can slip in unseen
            for line in self.lines[seen:]:
                if match := regex.search(line):
                    return match
            seen = len(self.lines)
            if closed:
                raise RuntimeError(f"app exited ({self.proc.wait()}) before printing {pattern!r}:\n" + self.tail())
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"app did not print {pattern!r} within {timeout:.0f} s:\n" + self.tail())
            try:
                self._new.get(timeout=left)
            except queue.Empty:
                pass

    def tail(self, chars: int = 3000) -> str:
        return self.output()[-chars:]

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> RunningApp:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_app(
    *,
    corpus_dir: Path | None = None,
    index_dir: Path | None = None,
    feedback: Path | str | None = None,
    extra_args: tuple[str, ...] = (),
    env: dict | None = None,
    ready_timeout: float = 180,
    prefix: tuple[str, ...] = (),
) -> RunningApp:
    """`rag serve` on a free loopback port; returns once it prints "serving on" (it may build first).

    `prefix` runs it under another command (setpriv, to drop root's permission override)."""
    port = free_port()
    child_env = {**os.environ, **(env or {}), "GRADIO_SERVER_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    if corpus_dir is not None:
        child_env["RAG_CORPUS_DIR"] = str(corpus_dir)
    if index_dir is not None:
        child_env["RAG_INDEX_DIR"] = str(index_dir)
    args = [*prefix, sys.executable, "-m", "rag.cli", "serve", "--port", str(port), *extra_args]
    if feedback is not None:
        args += ["--feedback", str(feedback)]
    proc = subprocess.Popen(
        args, env=child_env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    app = RunningApp(proc, port)
    try:
        app.wait_for(READY.pattern, ready_timeout)
    except BaseException:
        app.stop()
        raise
    return app
