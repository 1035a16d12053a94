"""Hot reload without stalls: a new build loads outside the engine's lock while questions go on.

The fast tests hold a new build's load open (a patched `store.load_build`) and check who waits
for it: with `background_reload` (the server) nobody; without it only the question that noticed
the new build. The slow test times questions to a real server through a rebuild and reload.
"""

from __future__ import annotations

import threading

import pytest

from rag.engine import Engine
from rag.index import store
from rag.index.build import build_index

from .conftest import QUIET, edit_briefing

QUESTION = "PCGの人員は4千人から約3万人に増加"


def top_text(engine: Engine) -> str:
    return engine.ask(QUESTION, k=1).passages[0].hit.chunk.text


def hold_new_loads(monkeypatch, index):
    """Loading any build but the current one blocks until `release` is set; `started` tells it began."""
    first, started, release = store.current_build(index).resolve(), threading.Event(), threading.Event()
    real = store.load_build

    def load_build(folder):
        if folder.resolve() != first:
            started.set()
            assert release.wait(60), "the test never released the load"
        return real(folder)

    monkeypatch.setattr(store, "load_build", load_build)
    return started, release


def rebuild_with(corpus, index, embedder, new: str) -> None:
    edit_briefing(corpus, "約3万人", new)
    build_index(corpus, index, embedder, **QUIET)


def join_reloads(timeout: float = 60) -> None:
    for thread in threading.enumerate():
        if thread.name == "rag-reload":
            thread.join(timeout)
            assert not thread.is_alive(), "the reload thread did not finish"


def test_in_the_background_no_question_waits_for_a_new_build(hash_workspace, hash_embedder, monkeypatch):
    corpus, index = hash_workspace
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder, background_reload=True)
    assert "約3万人" in top_text(engine)
    started, release = hold_new_loads(monkeypatch, index)
    rebuild_with(corpus, index, hash_embedder, "約7万人")
    assert "約3万人" in top_text(engine)  # the question that noticed it is answered at once, from the old build
    assert started.wait(60)  # while the new one loads in its own thread
    assert all("約3万人" in top_text(engine) for _ in range(3))  # which holds nobody up
    release.set()
    join_reloads()
    assert "約7万人" in top_text(engine) and engine.reload_error is None


def test_waiting_for_a_new_build_holds_up_only_the_question_that_loads_it(hash_workspace, hash_embedder, monkeypatch):
    corpus, index = hash_workspace
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    assert "約3万人" in top_text(engine)
    started, release = hold_new_loads(monkeypatch, index)
    rebuild_with(corpus, index, hash_embedder, "約7万人")
    loader_saw = []
    loader = threading.Thread(target=lambda: loader_saw.append(top_text(engine)))
    loader.start()
    assert started.wait(60)
    assert "約3万人" in top_text(engine)  # another question meanwhile: not held up, answered from the old build
    release.set()
    loader.join(60)
    assert len(loader_saw) == 1 and "約7万人" in loader_saw[0]  # the loading question sees the new build
    assert "約7万人" in top_text(engine)


def test_a_load_that_fails_in_any_way_keeps_the_old_build_and_the_next_one_still_loads(
    hash_workspace, hash_embedder, monkeypatch
):
    corpus, index = hash_workspace
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder, background_reload=True)
    assert "約3万人" in top_text(engine)
    real, first = store.load_build, store.current_build(index).resolve()

    def broken_once(folder):
        if folder.resolve() != first and not broken_once.failed:
            broken_once.failed = True
            raise EOFError("No data left in file")  # not a RagError: must not wedge the reloading
        return real(folder)

    broken_once.failed = False
    monkeypatch.setattr(store, "load_build", broken_once)
    rebuild_with(corpus, index, hash_embedder, "約7万人")
    top_text(engine)
    join_reloads()
    assert "約3万人" in top_text(engine) and "EOFError" in engine.reload_error
    edit_briefing(corpus, "約7万人", "約9万人")
    build_index(corpus, index, hash_embedder, **QUIET)
    top_text(engine)
    join_reloads()
    assert "約9万人" in top_text(engine) and engine.reload_error is None


def test_concurrent_first_questions_load_the_index_once(hash_built, hash_embedder, monkeypatch):
    corpus, index, _ = hash_built
    loads = []
    real = store.load_build
    monkeypatch.setattr(store, "load_build", lambda folder: loads.append(folder) or real(folder))
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder, background_reload=True)
    answers, failures = [], []

    def ask() -> None:
        try:
            answers.append(top_text(engine))
        except Exception as exc:  # noqa: BLE001 - collected, so a failing thread fails the test
            failures.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == [] and len(answers) == 4 and len(set(answers)) == 1
    assert len(loads) == 1


@pytest.mark.slow
def test_questions_to_a_server_during_a_rebuild_are_all_answered_from_a_whole_build(workspace, tmp_path):
    """Real model, real server, `rag build` in another process: every question asked before, during and
    after the rebuild and its switch is answered, each from the old text or the new, never an error.
    (How long they take under load is `python scripts/load_test.py --start --rebuild`'s to say.)"""
    from rag.serve.client import ServerClient
    from tests.tooling.launch import start_app

    from .conftest import run_cli

    corpus, index = workspace
    with start_app(corpus_dir=corpus, index_dir=index, feedback=tmp_path / "fb.jsonl") as app:
        client = ServerClient(app.url)
        texts = []

        def ask() -> None:
            texts.append(client.search(QUESTION, k=1, mode="hybrid")["json"]["hits"][0]["text"])

        for _ in range(5):
            ask()
        edit_briefing(corpus, "約3万人", "約7万人")
        env = {"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)}
        build = threading.Thread(target=lambda: build_result.append(run_cli("build", env=env)))
        build_result: list = []
        build.start()
        while build.is_alive() or not any("約7万人" in t for t in texts[-5:]):
            ask()  # during the build, the switch and the reload
        build.join()
        for _ in range(20):
            ask()
        assert build_result[0].returncode == 0, build_result[0].stderr
        assert all(("約3万人" in t) != ("約7万人" in t) for t in texts)  # the old passage or the new, whole
        switched = next(i for i, t in enumerate(texts) if "約7万人" in t)
        assert all("約7万人" in t for t in texts[switched:])  # once switched, never back
