"""The library API: the README's example runs as written, and importing rag changes no environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from .conftest import CORPUS, ROOT


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use as a library", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_library_example_runs(tmp_path):
    """The example as written, in a fresh process, with the hashing embedder standing in for the model
    (RAG_EMBED_MODEL=hash: no torch); it builds, asks, prints and follows up."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    env = {**os.environ, "RAG_EMBED_MODEL": "hash", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", readme_example()], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "index" / "current").is_symlink()
    assert "gaikoryoku_no_kyoka.txt" in result.stdout  # the cited passages


def test_importing_rag_changes_no_environment():
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HF_HUB_OFFLINE", "OPENBLAS_NUM_THREADS", "GRADIO_ANALYTICS_ENABLED", "TOKENIZERS_PARALLELISM")
    }
    code = "import rag, os; e = dict(os.environ); rag.open_index; rag.build; rag.Answer; assert dict(os.environ) == e"
    result = subprocess.run([sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_open_index_builds_only_when_asked(tmp_path, hash_embedder):
    import rag

    shutil.copytree(CORPUS, tmp_path / "corpus")
    with pytest.raises(rag.IndexStaleError, match="rag build"):
        rag.open_index(tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder=hash_embedder).ask("OSA")
    engine = rag.open_index(
        tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder=hash_embedder, build="if-missing"
    )
    answer = engine.ask("OSAの予算", k=2)
    assert isinstance(answer, rag.Answer) and isinstance(answer.passages[0].hit, rag.Hit)
    assert isinstance(hash_embedder, rag.Embedder)
    with pytest.raises(rag.RagError, match="build must be one of"):
        rag.open_index(tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder=hash_embedder, build="always")
