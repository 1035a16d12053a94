"""The house style holds: ruff's lint rules (E F W I UP B) and formatting."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import ROOT

PATHS = ["rag", "tests", "scripts", "app.py"]


@pytest.mark.skipif(shutil.which("ruff") is None and not (ROOT / ".venv/bin/ruff").exists(), reason="ruff missing")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff(command):
    ruff = shutil.which("ruff") or str(ROOT / ".venv/bin/ruff")
    result = subprocess.run([ruff, *command, *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
