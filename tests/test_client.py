"""The quick CLI: input refused before anything heavy loads, and answers from a running server.

The fast tests cover the server's JSON API in process and the client's choice of server; the slow
one starts a real server (hashing embedder) and runs `rag ask` against it as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rag.errors import RagError
from rag.serve import client, http_api
from tests.tooling.launch import free_port

from .conftest import ROOT, run_cli

HEAVY_FOR_A_CLIENT = ("numpy", "torch", "sentence_transformers", "faiss", "gradio", "bm25s", "sudachipy")


def modules_after(args: list[str], env: dict | None = None) -> tuple[int, list[str], str]:
    """Run `rag *args` in a fresh interpreter: (exit code, heavy modules it imported, stdout)."""
    code = (
        "import sys\nfrom rag.cli import main\ntry:\n    rc = main(sys.argv[1:])\nfinally:\n"
        f"    print('MODULES', sorted(m for m in {HEAVY_FOR_A_CLIENT!r} if m in sys.modules))\nsys.exit(rc)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    out, _, modules = result.stdout.rpartition("MODULES ")
    return result.returncode, eval(modules), out  # noqa: S307 - our own printed list


@pytest.mark.parametrize("args", [["search", ""], ["ask", "   "], ["search", "OSA", "-k", "0"]])
def test_bad_input_exits_1_having_imported_nothing_heavy(args):
    rc, heavy, _ = modules_after([*args, "--model", "/no/such/model"])
    assert rc == 1 and heavy == []


def test_the_server_api_answers_like_the_engine(hash_engine):
    status, body = http_api.answer(hash_engine, {"question": "OSAの予算", "k": 2, "mode": "hybrid"})
    local = hash_engine.ask("OSAの予算", k=2, mode="hybrid")
    assert status == 200 and body == {
        "json": local.to_json(),
        "text": local.to_text(),
        "build": hash_engine.live().build,  # the build that answered
        "notice": None,  # nothing a local run would refuse over
    }


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"question": "", "k": 3}, "the question is empty"),
        ({"question": "OSA", "k": "inf"}, "k must be a whole number"),
        ({"question": "OSA", "mode": "fuzzy"}, "unknown mode 'fuzzy'"),
        ({"question": "OSA", "sources": "notes.md"}, "sources must be a list"),
        ({"question": "OSA", "sources": []}, "sources is an empty list"),
        ({"question": "OSA", "sources": ["nope.md"]}, "no document 'nope.md'"),
        ([1, 2], "send a JSON object"),
        (None, "send a JSON object"),
    ],
)
def test_the_server_api_refuses_bad_requests_with_one_line(hash_engine, body, expected):
    status, reply = http_api.answer(hash_engine, body)
    assert status == 400 and reply["error"].startswith(expected) and "\n" not in reply["error"]


def test_the_server_describes_what_it_serves(hash_engine, hash_built):
    info = http_api.describe(hash_engine)
    assert client.serves(info, index_dir=hash_built[1], corpus_dir=hash_built[0], model="hash")
    assert not client.serves(info, index_dir=hash_built[1], corpus_dir=hash_built[0], model=None)  # other model
    assert not client.serves(info, index_dir=ROOT / "index", corpus_dir=hash_built[0], model="hash")  # other index


def test_the_default_model_has_the_same_names_as_in_the_embedding_module():
    from rag.embedding.embedder import _DEFAULT_ALIASES, DEFAULT_MODEL

    assert client.DEFAULT_MODEL_NAMES == _DEFAULT_ALIASES | {DEFAULT_MODEL}
    info = {"service": "rag", "model": DEFAULT_MODEL, "index_dir": "/i", "corpus_dir": "/c"}
    assert client.serves(info, index_dir="/i", corpus_dir="/c", model="default")


def test_with_no_server_on_the_default_port_the_cli_answers_locally(monkeypatch, hash_built):
    monkeypatch.setenv("GRADIO_SERVER_PORT", str(free_port()))
    assert client.find_server(url=None, index_dir=hash_built[1], corpus_dir=hash_built[0], model="hash") is None


@pytest.mark.parametrize(
    "url, expected",
    [
        (f"http://127.0.0.1:{free_port()}", "cannot reach a rag server at http://127.0.0.1:"),
        ("https://example.org", "--server wants an http:// URL"),
    ],
)
def test_a_named_server_that_is_not_there_is_one_clear_line(url, expected):
    result = run_cli("ask", "OSA", "--server", url, model="/no/such/model")  # no model would load: no fallback
    assert result.returncode == 1 and result.stderr.startswith(f"error: {expected}")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_rag_ask_answers_from_a_running_server_without_loading_anything(hash_workspace, tmp_path):
    from rag.cli import SERVED_AT_ONCE
    from rag.serve.ui.app import CONCURRENCY
    from tests.tooling.launch import start_app

    assert CONCURRENCY == SERVED_AT_ONCE  # rag bench times questions as the server runs them

    corpus, index = hash_workspace
    env = {"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index), "RAG_EMBED_MODEL": "hash"}
    with start_app(corpus_dir=corpus, index_dir=index, feedback=tmp_path / "fb.jsonl", env=env) as app:
        found = {**env, "GRADIO_SERVER_PORT": str(app.port)}
        local = run_cli("ask", "OSAの予算は", "-k", "3", "--local", env=found)
        for args in (["ask", "OSAの予算は", "-k", "3"], ["ask", "OSAの予算は", "-k", "3", "--server", app.url]):
            rc, heavy, out = modules_after(args, env=found)
            assert rc == 0 and heavy == [] and out == local.stdout  # the server's answer, word for word
        rc, heavy, out = modules_after(["search", "OSAの予算は", "--json"], env=found)
        assert rc == 0 and heavy == [] and len(json.loads(out)["hits"]) == 5
        rc, _, _ = modules_after(["ask", "OSA", "--server", app.url, "--mode", "fuzzy"], env=found)
        assert rc == 2  # argparse refuses it before any request
        bad = run_cli("ask", "OSA", "-k", "3", "--server", app.url, "--corpus-dir", "/elsewhere", env=found)
        assert bad.returncode == 0  # --server is explicit: it is asked whatever the local settings
        other = {**found, "RAG_INDEX_DIR": str(tmp_path / "other-index")}
        alone = run_cli("--model", "hash", "ask", "OSA", env=other)  # the server serves another index: not used
        assert alone.returncode == 0 and "first use" in alone.stderr  # answered here, from an index of its own
    with pytest.raises(RagError, match="cannot reach a rag server"):
        client.ServerClient(app.url).info()
