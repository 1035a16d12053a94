"""Index lifecycle: incremental builds, kill -9 at any point, one build at a time, corrupt files, hot reload."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rag import store
from rag.engine import Engine
from rag.indexer import build_index

from .conftest import ROOT, edit_briefing, free_port, run_cli

pytestmark = pytest.mark.slow
QUESTIONS = ["OSAの令和8年度の予算は？", "フィリピン沿岸警備隊の人数は", "What is POWER Asia?"]
BRIEFING = "gaikoryoku_no_kyoka.txt"


def answers(corpus: Path, index: Path, embedder) -> list[tuple]:
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=embedder)
    return [tuple((p.hit.chunk.id, p.hit.chunk.text) for p in engine.ask(q, k=3).passages) for q in QUESTIONS]


def start_build(corpus: Path, index: Path, *extra, pause: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)}
    if pause:
        env["RAG_BUILD_PAUSE"] = pause
    return subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "build", *extra],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_pause(proc: subprocess.Popen, stage: str) -> None:
    line = proc.stdout.readline()
    assert line.strip() == f"paused at {stage}", (line, proc.stderr.read() if proc.poll() is not None else "")


# --- incremental builds ---------------------------------------------------------------------------


def test_full_rebuild_reembeds_everything_and_changes_nothing(workspace, embedder):
    corpus, index = workspace
    report = build_index(corpus, index, embedder, full=True, progress=False, log=lambda _: None)
    assert report.reused == 0 and report.embedded > report.chunks
    assert (report.added, report.changed, report.removed) == (0, 0, 0)


def test_the_cache_is_per_model(workspace, embedder):
    _, index = workspace
    assert store.EmbeddingCache(index, embedder.identity).vectors
    other = {**embedder.identity, "name": "cl-nagoya/ruri-v3-30m", "weights_sha256": "0" * 64}
    assert store.EmbeddingCache(index, other).vectors == {}  # another model re-embeds everything


def test_incremental_edit_reembeds_only_that_section(workspace, embedder):
    corpus, index = workspace
    edit_briefing(corpus, "拉致問題の即時解決に向けて", "拉致問題の一日も早い解決に向けて")
    report = build_index(corpus, index, embedder, progress=False, log=lambda _: None)
    assert (report.added, report.changed, report.removed) == (0, 1, 0)
    assert report.embedded == 2  # the 対北朝鮮政策 passage and its edited sentence; nothing else


def test_a_removed_file_is_refused_then_dropped_by_a_rebuild(workspace, embedder):
    corpus, index = workspace
    (corpus / "extra.md").write_text(
        "# 追加資料\n\n## 補足\n\n補足の説明です。ODAの補足事項を述べる。\n", encoding="utf-8"
    )
    build_index(corpus, index, embedder, progress=False, log=lambda _: None)
    (corpus / "extra.md").unlink()
    result = run_cli("search", "ODA", env={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)})
    assert result.returncode == 1 and "removed: extra.md" in result.stderr and "run: rag build" in result.stderr
    report = build_index(corpus, index, embedder, progress=False, log=lambda _: None)
    assert report.removed == 1 and report.added == 0


# --- kill -9 and concurrent builds ----------------------------------------------------------------


@pytest.mark.parametrize("stage", ["embedded", "written", "renamed"])
def test_build_killed_at_any_point_leaves_the_old_index_answering(workspace, embedder, stage):
    corpus, index = workspace
    before = answers(corpus, index, embedder)
    live_before = store.build_id(index)
    original = edit_briefing(corpus, "約3万人", "約5万人")
    proc = start_build(corpus, index, pause=stage)
    wait_for_pause(proc, stage)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    (corpus / BRIEFING).write_text(original, encoding="utf-8")
    assert store.build_id(index) == live_before
    assert answers(corpus, index, embedder) == before
    # the next build runs (the lock died with the killed process) and clears its leftovers
    report = build_index(corpus, index, embedder, progress=False, log=lambda _: None)
    assert report.chunks == len(store.load_chunks(store.current_build(index)))
    assert not [p for p in (index / "builds").iterdir() if p.name.startswith(".partial-")]


def test_a_second_build_stops_clearly_or_waits(workspace):
    corpus, index = workspace
    first = start_build(corpus, index, pause="embedded")
    wait_for_pause(first, "embedded")
    try:
        second = run_cli("build", env={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)})
        assert second.returncode == 1
        assert second.stderr.strip().splitlines()[-1].startswith("error: another rag build is running (pid ")
        waiting = start_build(corpus, index, "--wait")
        time.sleep(8)
        assert waiting.poll() is None  # still waiting for the lock
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert out.startswith("indexed ")


# --- corrupt or partial index files ---------------------------------------------------------------


def _truncate_faiss(folder: Path):
    path = folder / "dense.faiss"
    path.write_bytes(path.read_bytes()[:1000])
    return "dense.faiss"


def _drop_a_chunk(folder: Path):
    path = folder / "chunks.jsonl"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    return "dense.faiss holds"


def _garble_manifest(folder: Path):
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    return "manifest.json is not valid JSON"


def _garble_chunk_record(folder: Path):
    path = folder / "chunks.jsonl"
    path.write_text(path.read_text(encoding="utf-8")[:-200] + "\n", encoding="utf-8")
    return "chunks.jsonl has a damaged record"


@pytest.mark.parametrize("damage", [_truncate_faiss, _drop_a_chunk, _garble_manifest, _garble_chunk_record])
def test_corrupt_index_files_give_one_line_naming_the_file(workspace, damage):
    corpus, index = workspace
    expected = damage(store.current_build(index))
    result = run_cli("search", "OSAの予算", env={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: ") and expected in line and line.endswith("run: rag build")


def test_a_damaged_new_build_does_not_stop_a_running_engine(workspace, embedder):
    corpus, index = workspace
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=embedder)
    before = engine.ask("OSAの予算は", k=1).passages[0].hit.chunk.id
    damaged = index / "builds" / "29991231T000000.000000-1"
    shutil.copytree(store.current_build(index), damaged)
    (damaged / "manifest.json").write_text("{", encoding="utf-8")
    os.symlink(os.path.relpath(damaged, index), index / "next")
    os.replace(index / "next", index / "current")
    assert engine.ask("OSAの予算は", k=1).passages[0].hit.chunk.id == before
    assert "manifest.json is not valid JSON" in engine.reload_error


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, outcome",
    [
        ("", "error: the question is empty"),
        ("  \t\n ", "error: the question is empty"),
        ("あ" * 100_000, "error: the question is 100,000 characters; the limit is 1,000"),
        ("\x00\x01\x02", "error: the question is empty"),
        ("OSAの\x00予算は\x07いくら", "top: OSAの現状と当面の方向性"),
        ("😀🇯🇵🎌", "error: the question has no words"),
        ("？！。、…!?", "error: the question has no words"),
        ("OSA 예산은 얼마입니까?", "top: OSAの現状と当面の方向性"),
        ("북한의 납치 문제에 대한 일본의 입장은?", "top: 対北朝鮮政策"),
        ("日本对中国的基本立场是什么？", "top: 中国"),
    ],
)
def test_bad_questions_have_a_defined_outcome(engine, question, outcome):
    from rag.errors import RagError

    if outcome.startswith("error: "):
        with pytest.raises(RagError) as caught:
            engine.ask(question)
        assert f"error: {caught.value}".startswith(outcome)
    else:
        answer = engine.ask(question, k=3)
        assert outcome.removeprefix("top: ") in answer.passages[0].hit.chunk.section_label


def _empty_corpus(corpus: Path):
    for p in corpus.iterdir():
        p.unlink()
    return "has no .txt or .md files"


def _binary_file(corpus: Path):
    (corpus / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return "scan.txt: looks binary"


def _empty_file(corpus: Path):
    (corpus / "blank.md").write_text("\n\n  \n", encoding="utf-8")
    return "blank.md: is empty"


def _not_utf8(corpus: Path):
    (corpus / "sjis.txt").write_bytes("外交力の強化について".encode("shift_jis"))
    return "sjis.txt: not UTF-8"


def _twenty_megabytes(corpus: Path):
    (corpus / "huge.txt").write_text("外交。\n" * 2_000_000, encoding="utf-8")  # 20 MB
    return "huge.txt: 20.0 MB is over the 10 MB limit"


@pytest.mark.parametrize("damage", [_empty_corpus, _binary_file, _empty_file, _not_utf8, _twenty_megabytes])
def test_bad_corpus_files_stop_the_build_and_keep_the_index(workspace, damage):
    corpus, index = workspace
    live = store.build_id(index)
    expected = damage(corpus)
    result = run_cli("build", env={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: ") and expected in line
    assert store.build_id(index) == live  # nothing already saved is lost


def test_duplicate_files_are_indexed_once(workspace, embedder):
    corpus, index = workspace
    shutil.copy(corpus / BRIEFING, corpus / "copy_of_briefing.txt")
    notes = []
    report = build_index(corpus, index, embedder, progress=False, log=notes.append)
    assert any("same content" in n for n in notes)
    assert report.added == 0 and report.removed == 0  # the copy added no twin passages
    answer = Engine(index_dir=index, corpus_dir=corpus, embedder=embedder).ask("OSAの予算は", k=5)
    assert {p.hit.chunk.source for p in answer.passages} == {BRIEFING}


# --- hot reload under load ----------------------------------------------------------------------------


def test_rebuild_while_the_app_answers_in_a_loop(workspace, tmp_path):
    from gradio_client import Client

    corpus, index = workspace
    port = free_port()
    env = {**os.environ, "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index), "GRADIO_SERVER_PORT": str(port)}
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--feedback", str(tmp_path / "fb.jsonl")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert "serving on" in app.stdout.readline() or "serving on" in app.stdout.readline()
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        results, failures, stop = [], [], threading.Event()

        def loop():
            while not stop.is_set():
                try:
                    hit = client.predict("PCGの人員は何人に増えましたか", 1, api_name="/search")["hits"][0]
                    results.append((time.time(), hit["text"]))
                except Exception as exc:  # noqa: BLE001 - every failure is what this test counts
                    failures.append(repr(exc))

        worker = threading.Thread(target=loop)
        worker.start()
        time.sleep(2)
        edit_briefing(corpus, "約3万人", "約7万人")
        build = run_cli("build", env={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)})
        switched_at = time.time()
        assert build.returncode == 0, build.stderr
        time.sleep(3)
        stop.set()
        worker.join(timeout=60)
        assert failures == []
        assert any("約3万人" in text for _, text in results)
        after = [text for t, text in results if t > switched_at + 0.5]
        assert after and all("約7万人" in text for text in after)
    finally:
        app.terminate()
        app.wait(timeout=20)


def test_app_builds_a_missing_index_before_serving(built, tmp_path):
    import urllib.request

    corpus, _, _ = built
    index = tmp_path / "index"  # nothing built yet, as on a fresh clone
    port = free_port()
    env = {**os.environ, "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index), "GRADIO_SERVER_PORT": str(port)}
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--feedback", str(tmp_path / "fb.jsonl")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in app.stdout:
            lines.append(line)
            if "serving on" in line:
                break
        output = "".join(lines)
        assert "no index in" in output and "building it now" in output and "indexed " in output
        assert store.current_build(index) is not None
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).status == 200
    finally:
        app.terminate()
        app.wait(timeout=20)
