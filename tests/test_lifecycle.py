"""The running app during a rebuild, and on a fresh clone with no index (a real server).

The hashing embedder keeps these quick: what is tested is the index lifecycle, not the model.
"""

from __future__ import annotations

import threading
import urllib.request

import pytest

from rag.index import store
from tests.tooling.launch import start_app

from .conftest import edit_briefing, run_cli

pytestmark = pytest.mark.slow


HASH = {"RAG_EMBED_MODEL": "hash"}


def test_rebuild_while_the_app_answers_in_a_loop(hash_workspace, tmp_path):
    from gradio_client import Client

    corpus, index = hash_workspace
    with start_app(corpus_dir=corpus, index_dir=index, feedback=tmp_path / "fb.jsonl", env=HASH) as app:
        client = Client(app.url, verbose=False)
        results, failures, stop = [], [], threading.Event()
        answered = threading.Condition()

        def loop():
            while not stop.is_set():
                try:
                    hit = client.predict("PCGの人員は4千人から約3万人に増加", 1, api_name="/search")["hits"][0]
                    with answered:
                        results.append(hit["text"])
                        answered.notify_all()
                except Exception as exc:  # noqa: BLE001 - every failure is what this test counts
                    failures.append(repr(exc))

        def wait_until(predicate, timeout: float) -> None:
            with answered:
                assert answered.wait_for(predicate, timeout=timeout), (results[-3:], failures)

        worker = threading.Thread(target=loop)
        worker.start()
        try:
            wait_until(lambda: len(results) >= 3, 60)  # answering from the first build
            edit_briefing(corpus, "約3万人", "約7万人")
            build = run_cli("build", env={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index), **HASH})
            assert build.returncode == 0, build.stderr
            wait_until(lambda: any("約7万人" in t for t in results), 60)  # the new build is picked up
            first_new = next(i for i, t in enumerate(results) if "約7万人" in t)
            wait_until(lambda: len(results) >= first_new + 5, 60)
        finally:
            stop.set()
            worker.join(timeout=60)
        assert failures == []
        assert "約3万人" in results[0]
        assert all("約7万人" in t for t in results[first_new:])  # once switched, never back


def test_the_app_builds_a_missing_index_before_serving(hash_built, tmp_path):
    corpus, _, _ = hash_built
    index = tmp_path / "index"  # nothing built yet, as on a fresh clone
    with start_app(corpus_dir=corpus, index_dir=index, feedback=tmp_path / "fb.jsonl", env=HASH) as app:
        output = app.output()
        assert "no index in" in output and "building it now" in output and "indexed " in output
        assert store.current_build(index) is not None
        assert urllib.request.urlopen(app.url, timeout=10).status == 200
