"""Shared fixtures: the real corpus, the real bundled model (loaded once), a real built index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BRIEFING = CORPUS / "gaikoryoku_no_kyoka.txt"


@pytest.fixture(scope="session")
def embedder():
    from rag.embedding import load_embedder

    return load_embedder(log=lambda _: None)


@pytest.fixture(scope="session")
def built(tmp_path_factory, embedder):
    """A private corpus copy and an index built from it (tests must not touch the repo's index)."""
    from rag.indexer import build_index

    base = tmp_path_factory.mktemp("built")
    corpus, index = base / "corpus", base / "index"
    shutil.copytree(CORPUS, corpus)
    report = build_index(corpus, index, embedder, progress=False, log=lambda _: None)
    return corpus, index, report


@pytest.fixture()
def workspace(built, tmp_path):
    """A private copy of the built corpus and index that a test may edit, kill and corrupt."""
    corpus, index, _ = built
    shutil.copytree(corpus, tmp_path / "corpus")
    shutil.copytree(index, tmp_path / "index", symlinks=True)
    return tmp_path / "corpus", tmp_path / "index"


def edit_briefing(corpus: Path, old: str, new: str) -> str:
    """Replace text in the corpus copy's briefing; returns the original text."""
    path = corpus / BRIEFING.name
    original = path.read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new), encoding="utf-8")
    return original


@pytest.fixture(scope="session")
def engine(built, embedder):
    from rag.engine import Engine

    corpus, index, _ = built
    return Engine(index_dir=index, corpus_dir=corpus, embedder=embedder)


def run_cli(*args, env=None, input=None, timeout=300):
    """Run `rag` in a fresh process, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
        cwd=ROOT,
    )


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(built, tmp_path_factory):
    """app.py on a free loopback port, serving the test build; yields (url, feedback file)."""
    import time
    import urllib.request

    corpus, index, _ = built
    feedback = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    port = free_port()
    log = open(tmp_path_factory.mktemp("server") / "server.log", "w+")  # noqa: SIM115
    env = {**os.environ, "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index), "GRADIO_SERVER_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--feedback", str(feedback)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                log.seek(0)
                proc.kill()
                raise RuntimeError("app.py did not start:\n" + log.read()[-3000:]) from None
            time.sleep(0.5)
    yield url, feedback
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
