"""The index folder: incremental builds, pruning, the build lock, kill -9, corrupt files, bad corpus files.

All with the hashing embedder: none of this depends on the model.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rag.cli import main
from rag.engine import Engine
from rag.index import store
from rag.index.build import _diff, build_index
from rag.index.cache import EmbeddingCache

from .conftest import BRIEFING, QUIET, ROOT, edit_briefing, run_cli

QUESTIONS = ["OSAの令和8年度の予算は？", "フィリピン沿岸警備隊の人数は", "What is POWER Asia?"]


def answers(corpus: Path, index: Path, embedder) -> list[tuple]:
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=embedder)
    return [tuple((p.hit.chunk.id, p.hit.chunk.text) for p in engine.ask(q, k=3).passages) for q in QUESTIONS]


def hash_env(corpus: Path, index: Path) -> dict:
    return {"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index), "RAG_EMBED_MODEL": "hash"}


def start_build(corpus: Path, index: Path, *extra, pause: str | None = None) -> subprocess.Popen:
    env = {**os.environ, **hash_env(corpus, index)}
    command = ["-m", "tests.tooling.faults", pause] if pause else ["-m", "rag.cli"]
    return subprocess.Popen(
        [sys.executable, *command, "build", *extra],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(stream, expected: str) -> None:
    """Read lines until one starts with `expected` (the test's timeout bounds the wait)."""
    seen = []
    for line in stream:
        seen.append(line)
        if line.startswith(expected):
            return
    raise AssertionError(f"never printed {expected!r}: {seen}")


# --- build diffs and the cache ------------------------------------------------------------------------


def test_diff_counts_added_changed_removed_unchanged():
    from rag.documents.chunking import Chunk

    def c(cid, section):
        return Chunk(cid, "f.txt", (section,), 0, 1, "x", ())

    old = [c("a", "s1"), c("b", "s2"), c("c", "s3")]
    new = [c("a", "s1"), c("b2", "s2"), c("d", "s4")]
    assert _diff(old, new) == (1, 1, 1, 1)  # d added, b changed to b2, c removed, a unchanged


def test_full_rebuild_reembeds_everything_and_changes_nothing(hash_workspace, hash_embedder):
    corpus, index = hash_workspace
    report = build_index(corpus, index, hash_embedder, full=True, **QUIET)
    assert report.reused == 0 and report.embedded > report.chunks
    assert (report.added, report.changed, report.removed) == (0, 0, 0)


def test_incremental_edit_reembeds_only_that_section(hash_workspace, hash_embedder):
    corpus, index = hash_workspace
    edit_briefing(corpus, "拉致問題の即時解決に向けて", "拉致問題の一日も早い解決に向けて")
    report = build_index(corpus, index, hash_embedder, **QUIET)
    assert (report.added, report.changed, report.removed) == (0, 1, 0)
    assert report.embedded == 2  # the 対北朝鮮政策 passage and its edited sentence; nothing else


def test_the_cache_is_per_model(hash_workspace, hash_embedder):
    _, index = hash_workspace
    assert EmbeddingCache(index, hash_embedder.identity).vectors
    other = {**hash_embedder.identity, "name": "cl-nagoya/ruri-v3-30m"}
    assert EmbeddingCache(index, other).vectors == {}  # another model re-embeds everything


def test_old_builds_are_pruned_to_the_live_one_and_one_before(hash_workspace, hash_embedder):
    corpus, index = hash_workspace
    for n in range(3):
        edit_briefing(corpus, "約3万人" if n == 0 else f"約{n + 3}万人", f"約{n + 4}万人")
        build_index(corpus, index, hash_embedder, **QUIET)
    builds = [p for p in (index / "builds").iterdir()]
    assert len(builds) == 2 and store.current_build(index).resolve() in [b.resolve() for b in builds]


def test_a_removed_file_is_refused_then_dropped_by_a_rebuild(hash_workspace, hash_embedder, capsys):
    corpus, index = hash_workspace
    (corpus / "extra.md").write_text(
        "# 追加資料\n\n## 補足\n\n補足の説明です。ODAの補足事項を述べる。\n", encoding="utf-8"
    )
    build_index(corpus, index, hash_embedder, **QUIET)
    (corpus / "extra.md").unlink()
    assert main(["search", "ODA", "--corpus-dir", str(corpus), "--index-dir", str(index), "--model", "hash"]) == 1
    err = capsys.readouterr().err
    assert "removed: extra.md" in err and err.rstrip().endswith("run: rag build")
    report = build_index(corpus, index, hash_embedder, **QUIET)
    assert report.removed == 1 and report.added == 0


def test_duplicate_files_are_indexed_once(hash_workspace, hash_embedder):
    corpus, index = hash_workspace
    shutil.copy(corpus / BRIEFING.name, corpus / "copy_of_briefing.txt")
    notes = []
    report = build_index(corpus, index, hash_embedder, progress=False, log=notes.append)
    assert any("same content" in n for n in notes)
    assert report.added == 0 and report.removed == 0  # the copy added no twin passages
    answer = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder).ask("OSAの予算は", k=5)
    assert {p.hit.chunk.source for p in answer.passages} == {BRIEFING.name}


# --- kill -9 and concurrent builds ----------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["embedded", "written", "renamed"])
def test_build_killed_at_any_point_leaves_the_old_index_answering(hash_workspace, hash_embedder, stage):
    corpus, index = hash_workspace
    before = answers(corpus, index, hash_embedder)
    live_before = store.build_id(index)
    original = edit_briefing(corpus, "約3万人", "約5万人")
    proc = start_build(corpus, index, pause=stage)
    wait_for_line(proc.stdout, f"paused at {stage}")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    (corpus / BRIEFING.name).write_text(original, encoding="utf-8")
    assert store.build_id(index) == live_before
    assert answers(corpus, index, hash_embedder) == before
    # the next build runs (the lock died with the killed process) and clears its leftovers
    report = build_index(corpus, index, hash_embedder, **QUIET)
    assert report.chunks == len(store.load_chunks(store.current_build(index)))
    assert not [p for p in (index / "builds").iterdir() if p.name.startswith(".partial-")]


def test_a_second_build_stops_clearly_or_waits(hash_workspace):
    corpus, index = hash_workspace
    first = start_build(corpus, index, pause="embedded")
    wait_for_line(first.stdout, "paused at embedded")
    try:
        second = run_cli("build", env=hash_env(corpus, index))
        assert second.returncode == 1
        assert second.stderr.strip().splitlines()[-1].startswith("error: another rag build is running (pid ")
        waiting = start_build(corpus, index, "--wait")
        wait_for_line(waiting.stderr, "waiting for another rag build (pid ")
        assert waiting.poll() is None  # it said it waits, and it does
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert out.startswith("indexed ")


# --- corrupt or partial index files -----------------------------------------------------------------------


def _truncate_faiss(folder: Path):
    path = folder / "dense.faiss"
    path.write_bytes(path.read_bytes()[:1000])
    return "dense.faiss"


def _drop_a_chunk(folder: Path):
    path = folder / "chunks.jsonl"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    return "chunks.jsonl is"


def _garble_manifest(folder: Path):
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    return "manifest.json is not valid JSON"


def _garble_chunk_record(folder: Path):
    path = folder / "chunks.jsonl"
    path.write_text(path.read_text(encoding="utf-8")[:-200] + "\n", encoding="utf-8")
    return "chunks.jsonl is"


@pytest.mark.parametrize("damage", [_truncate_faiss, _drop_a_chunk, _garble_manifest, _garble_chunk_record])
def test_corrupt_index_files_give_one_line_naming_the_file(hash_workspace, damage):
    corpus, index = hash_workspace
    expected = damage(store.current_build(index))
    result = run_cli("search", "OSAの予算", env=hash_env(corpus, index))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: ") and expected in line and line.endswith("run: rag build")


def test_a_damaged_new_build_does_not_stop_a_running_engine(hash_workspace, hash_embedder):
    corpus, index = hash_workspace
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    before = engine.ask("OSAの予算は", k=1).passages[0].hit.chunk.id
    damaged = index / "builds" / "29991231T000000.000000-1"
    shutil.copytree(store.current_build(index), damaged)
    (damaged / "manifest.json").write_text("{", encoding="utf-8")
    os.symlink(os.path.relpath(damaged, index), index / "next")
    os.replace(index / "next", index / "current")
    assert engine.ask("OSAの予算は", k=1).passages[0].hit.chunk.id == before
    assert "manifest.json is not valid JSON" in engine.reload_error


# --- bad corpus files --------------------------------------------------------------------------------------


def _empty_corpus(corpus: Path):
    for p in corpus.iterdir():
        p.unlink()
    return "has no readable .txt, .md or .pdf files"


def _binary_file(corpus: Path):
    (corpus / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return "scan.txt: looks binary"


def _not_utf8(corpus: Path):
    (corpus / "sjis.txt").write_bytes("外交力の強化について".encode("shift_jis"))
    return "sjis.txt: not UTF-8"


def _twenty_megabytes(corpus: Path):
    (corpus / "huge.txt").write_text("外交。\n" * 2_000_000, encoding="utf-8")  # 20 MB
    return "huge.txt: 20.0 MB is over the 10 MB limit"


@pytest.mark.parametrize("damage", [_empty_corpus, _binary_file, _not_utf8, _twenty_megabytes])
def test_bad_corpus_files_stop_the_build_and_keep_the_index(hash_workspace, damage, capsys):
    corpus, index = hash_workspace
    live = store.build_id(index)
    expected = damage(corpus)
    assert main(["build", "--corpus-dir", str(corpus), "--index-dir", str(index), "--model", "hash"]) == 1
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("error: ") and expected in line
    assert store.build_id(index) == live  # nothing already saved is lost


def test_an_index_built_with_other_dictionaries_or_settings_is_stale(hash_workspace, hash_embedder, monkeypatch):
    """An upgraded Sudachi dictionary or a changed setting would answer from tokens or thresholds of
    before: check_fresh names what differs and asks for a rebuild."""
    from rag.errors import IndexStaleError
    from rag.index import provenance

    corpus, index = hash_workspace
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    assert engine.ask("OSAの予算", k=1).passages
    recorded = provenance.provenance()
    newer = {**recorded, "versions": {**recorded["versions"], "sudachidict-core": "29991231"}}
    monkeypatch.setattr(provenance, "provenance", lambda: newer)
    fresh = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    with pytest.raises(IndexStaleError, match=r"sudachidict-core .* -> 29991231.*rag build"):
        fresh.ask("OSAの予算", k=1)
    changed = {**recorded, "settings": {**recorded["settings"], "message_sure": 0.5}}
    assert provenance.differences(recorded, changed) == ["message_sure"]
