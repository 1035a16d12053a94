"""A PDF is read in a child process with memory and time limits: a bomb or a stalled read is one line
naming the file, the build stops, and the index in use stays as it was."""

from __future__ import annotations

import pytest

from rag.index import store

from .conftest import run_cli
from .pdfs import bomb_pdf, reportlab_pdf


def build(corpus, index, **env):
    return run_cli("build", "--corpus-dir", str(corpus), "--index-dir", str(index), model="hash", env=env)


@pytest.mark.slow
def test_a_decompression_bomb_is_one_line_and_the_live_index_is_kept(hash_workspace):
    corpus, index = hash_workspace
    live, files = store.build_id(index), sorted(p.name for p in (index / "builds").iterdir())
    (corpus / "bomb.pdf").write_bytes(bomb_pdf())  # 1 MB that inflates to 1 GB
    result = build(corpus, index)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"error: {corpus / 'bomb.pdf'}: ")
    assert "under the 1024 MB memory limit for one PDF" in lines[0] or "needed more than 1024 MB" in lines[0]
    assert lines[0].endswith("it may be a decompression bomb, replace it with a good copy or remove it from corpus/")
    assert store.build_id(index) == live and sorted(p.name for p in (index / "builds").iterdir()) == files
    assert store.load_build(store.live_folder(index)).chunks  # the live build is whole


def test_a_pdf_that_takes_too_long_is_one_line(hash_workspace):
    corpus, index = hash_workspace
    live = store.build_id(index)
    reportlab_pdf(corpus / "slow.pdf", [["外交力の強化について", "", "本文です。"]])
    result = build(corpus, index, RAG_PDF_SECONDS="0.01")  # less than a Python start: the deadline passes
    assert result.returncode == 1 and result.stderr.splitlines() == [
        f"error: {corpus / 'slow.pdf'}: reading it took over 0.01 s, the limit for one PDF (RAG_PDF_SECONDS); "
        "it may be built to stall readers: replace it with a good copy or remove it from corpus/"
    ]
    assert store.build_id(index) == live


def test_a_good_pdf_reads_through_the_child_process(hash_workspace):
    corpus, index = hash_workspace
    reportlab_pdf(corpus / "good.pdf", [["外交力の強化について", "", "OSAの新しい予算は999億円です。"]])
    assert build(corpus, index).returncode == 0
    found = run_cli(
        "search",
        "OSAの新しい予算",
        "--source",
        "good.pdf",
        "--json",
        "--local",
        "--corpus-dir",
        str(corpus),
        "--index-dir",
        str(index),
        model="hash",
    )
    assert found.returncode == 0 and "999億円" in found.stdout
