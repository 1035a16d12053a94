"""Shared fixtures.

The default run (`pytest`) uses the tiny hashing embedder and never loads a model: a guard below
makes importing torch fail, and the run fails if it was imported anyway. Tests marked `slow` use
the real bundled model, the real corpus and a real browser; `./test.sh` runs everything.
"""

from __future__ import annotations

import importlib.abc
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.runtime import use_process_defaults  # noqa: E402

use_process_defaults()  # offline, as the command line runs; before anything heavy loads

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BRIEFING = CORPUS / "gaikoryoku_no_kyoka.txt"
HEAVY = ("torch", "sentence_transformers", "transformers")
QUIET = {"log": lambda _: None, "progress": False}


def fast_run(config) -> bool:
    """True when slow tests are deselected (the default): then no model may load."""
    return config.getoption("markexpr", "") == "not slow"


class _BlockHeavyImports(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY:
            raise ImportError(f"{name} imported in the fast test run; mark the test slow or use the hash embedder")
        return None


def pytest_configure(config):
    if fast_run(config):
        sys.meta_path.insert(0, _BlockHeavyImports())


def pytest_sessionfinish(session, exitstatus):
    loaded = [m for m in HEAVY if m in sys.modules]
    if fast_run(session.config) and loaded:
        print(f"\nerror: the fast run imported {', '.join(loaded)}", file=sys.stderr)
        session.exitstatus = 1


def answer_with_status(engine, question: str, status: str = "answered", *, previous=None, missing=(), k: int = 3):
    """The judged answer with a status chosen by the test: the hash engine declines everything, so
    fast tests set the status to see how an answered, partial or not-covered question is shown."""

    from rag.answer.compose import compose
    from rag.answer.followup import read
    from rag.answer.records import Reason
    from rag.answer.status import Verdict

    reading = read(question, previous)
    result = engine.search(reading.query, k=k)
    reason = Reason("missing", tuple(missing)) if missing else Reason("answers")
    live = engine.live()
    return compose(result, Verdict(status, reason, tuple(missing)), live.picker, live.rows, reading, None, live.citer)


def build_copy(tmp_path_factory, name: str, embedder):
    """A private copy of corpus/ and an index built from it: (corpus, index, report)."""
    from rag.index.build import build_index

    base = tmp_path_factory.mktemp(name)
    shutil.copytree(CORPUS, base / "corpus")
    return base / "corpus", base / "index", build_index(base / "corpus", base / "index", embedder, **QUIET)


def copy_built(corpus: Path, index: Path, dest: Path) -> tuple[Path, Path]:
    shutil.copytree(corpus, dest / "corpus")
    shutil.copytree(index, dest / "index", symlinks=True)
    return dest / "corpus", dest / "index"


def edit_briefing(corpus: Path, old: str, new: str) -> str:
    """Replace text in the corpus copy's briefing; returns the original text."""
    path = corpus / BRIEFING.name
    original = path.read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new), encoding="utf-8")
    return original


def run_cli(*args, env=None, input=None, timeout=300, model: str | None = None):
    """Run `rag` in a fresh process, as a user would (`model="hash"` keeps it fast)."""
    import os

    full_env = {**os.environ, **(env or {})}
    if model:
        full_env["RAG_EMBED_MODEL"] = model
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
        cwd=ROOT,
    )


# --- the fast world: the hashing embedder over the real corpus -------------------------------------


@pytest.fixture(scope="session")
def hash_embedder():
    from rag.embedding.hashing import HashEmbedder

    return HashEmbedder()


@pytest.fixture(scope="session")
def hash_built(tmp_path_factory, hash_embedder):
    """The corpus and an index built with the hashing embedder (tests never touch the repo's)."""
    return build_copy(tmp_path_factory, "hash-built", hash_embedder)


@pytest.fixture()
def hash_workspace(hash_built, tmp_path):
    """A private copy of the hash-built corpus and index that a test may edit, kill and corrupt."""
    return copy_built(hash_built[0], hash_built[1], tmp_path)


@pytest.fixture(scope="session")
def hash_engine(hash_built, hash_embedder):
    from rag.engine import Engine

    return Engine(index_dir=hash_built[1], corpus_dir=hash_built[0], embedder=hash_embedder)


# --- the real world: the bundled model (slow) -------------------------------------------------------


@pytest.fixture(scope="session")
def embedder():
    """The bundled model, remembering each text's vector for the session (in memory, never saved): the
    suite builds the same corpus several times (as a PDF, with a compressed cosine range, after an
    edit), and a text's vector never changes."""
    from rag.embedding.embedder import load_embedder
    from rag.index.cache import CachedEmbedder, EmbeddingCache

    model = load_embedder(log=lambda _: None)
    return CachedEmbedder(model, EmbeddingCache(Path("memory-only"), model.identity, empty=True))


@pytest.fixture(scope="session")
def built(tmp_path_factory, embedder):
    """The corpus and an index built with the real model."""
    return build_copy(tmp_path_factory, "built", embedder)


@pytest.fixture()
def workspace(built, tmp_path):
    return copy_built(built[0], built[1], tmp_path)


@pytest.fixture(scope="session")
def engine(built, embedder):
    from rag.engine import Engine

    return Engine(index_dir=built[1], corpus_dir=built[0], embedder=embedder)


@pytest.fixture(scope="session")
def server(built, tmp_path_factory):
    """`rag serve` on a free loopback port over the real build; yields (url, feedback file, app)."""
    from tests.tooling.launch import start_app

    feedback = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    with start_app(corpus_dir=built[0], index_dir=built[1], feedback=feedback) as app:
        yield app.url, feedback, app
