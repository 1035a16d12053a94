"""The default test run and the hashing embedder load no model: torch is never imported."""

from __future__ import annotations

import subprocess
import sys

from .conftest import CORPUS, HEAVY, ROOT


def test_build_and_ask_with_the_hash_embedder_import_no_model(tmp_path):
    code = f"""
import shutil, sys
from pathlib import Path
import rag
shutil.copytree({str(CORPUS)!r}, {str(tmp_path / "corpus")!r})
from rag.cli import main
corpus, index = {str(tmp_path / "corpus")!r}, {str(tmp_path / "index")!r}
assert main(["build", "--model", "hash", "--corpus-dir", corpus, "--index-dir", index]) == 0
index = rag.open_index(index, corpus_dir=corpus, model="hash")
assert index.ask("OSAの予算", k=2).passages
print(sorted(m for m in {HEAVY!r} if m in sys.modules))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
