"""`rag ask` hands its question only to a server that proves it is ours, and says what a local run says.

The impostor is a real second server, run as another user (`nobody`), answering `/rag/v1/info` with
our paths; the real one is `rag serve` (hashing embedder) given an edited corpus and a damaged build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rag.index import store
from rag.serve import client, proof
from tests.tooling.faults import damage
from tests.tooling.launch import free_port, start_app

from .conftest import BRIEFING, edit_briefing, run_cli
from .test_client import modules_after
from .test_integrity import switch_to_copy

pytestmark = pytest.mark.slow

QUESTION = "OSAの予算は"
IMPOSTOR = r"""
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
info = json.loads(sys.argv[2])
class Handler(BaseHTTPRequestHandler):
    def reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
    def do_GET(self):
        self.reply({**info, "proof": "0" * 64})  # it cannot sign the nonce: a guess
    def do_POST(self):
        print("QUESTION", self.rfile.read(int(self.headers["Content-Length"])).decode(), flush=True)
        self.reply({"json": {"hits": []}, "text": "FABRICATED: OSA has no budget.", "build": None, "notice": None})
server = HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print("ready", flush=True)
server.serve_forever()
"""


def where(corpus, index, port) -> dict:
    return {
        "RAG_CORPUS_DIR": str(corpus),
        "RAG_INDEX_DIR": str(index),
        "RAG_EMBED_MODEL": "hash",
        "GRADIO_SERVER_PORT": str(port),
    }


@pytest.fixture()
def impostor(hash_workspace):
    """Another local user's 15-line server on the port `rag ask` probes, claiming to serve our index."""
    corpus, index = hash_workspace
    port = free_port()
    claims = {
        "service": "rag",
        "index_dir": str(index.resolve()),
        "corpus_dir": str(corpus.resolve()),
        "model": "hash",
        "build": store.build_id(index),
    }
    as_root = os.geteuid() == 0
    other_user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if as_root else []
    python = "/usr/bin/python3" if as_root else sys.executable  # one `nobody` may run (not root's pyenv)
    proc = subprocess.Popen(
        [*other_user, python, "-c", IMPOSTOR, str(port), json.dumps(claims)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield port, proc
    finally:
        proc.kill()
        proc.wait()


def test_an_impostor_on_the_default_port_gets_no_question_and_prints_nothing(hash_workspace, impostor):
    corpus, index = hash_workspace
    port, proc = impostor
    proof.server_key(index, create=True)  # as our `rag serve` left it: the impostor cannot read it
    env = where(corpus, index, port)
    local = run_cli("ask", QUESTION, "--local", env=env)
    asked = run_cli("ask", QUESTION, env=env)
    assert asked.returncode == 0 and "FABRICATED" not in asked.stdout
    assert asked.stdout == local.stdout  # answered here, from the index
    assert "says it serves this index but cannot prove it" in asked.stderr
    proc.kill()
    assert "QUESTION" not in proc.communicate()[0]  # the question never left this process


def test_with_no_key_no_server_is_trusted_and_no_request_carries_the_question(hash_workspace, impostor):
    corpus, index = hash_workspace
    port, proc = impostor
    proof.key_path(index).unlink(missing_ok=True)
    asked = run_cli("ask", QUESTION, env=where(corpus, index, port))
    assert asked.returncode == 0 and "FABRICATED" not in asked.stdout and asked.stderr == ""
    proc.kill()
    assert "QUESTION" not in proc.communicate()[0]


def test_a_key_other_users_can_read_is_not_trusted(hash_workspace):
    corpus, index = hash_workspace
    proof.server_key(index, create=True)
    proof.key_path(index).chmod(0o644)
    assert proof.server_key(index) is None  # another user may have read it: no proof can rest on it
    assert proof.server_key(index, create=True) is not None and proof.key_path(index).stat().st_mode & 0o777 == 0o600


def test_a_named_server_is_the_users_choice(hash_workspace, impostor):
    corpus, index = hash_workspace
    port, _ = impostor
    named = run_cli("ask", QUESTION, "--server", f"http://127.0.0.1:{port}", env=where(corpus, index, free_port()))
    assert named.returncode == 0 and "FABRICATED" in named.stdout  # --server: asked, whatever it is


# --- the real server: the live build and why a local run would refuse ------------------------------------


def test_the_delegated_answer_says_what_the_local_one_says(hash_workspace, tmp_path):
    corpus, index = hash_workspace
    hashing = {"RAG_EMBED_MODEL": "hash"}
    with start_app(corpus_dir=corpus, index_dir=index, feedback=tmp_path / "fb.jsonl", env=hashing) as app:
        env = where(corpus, index, app.port)
        good = store.build_id(index)
        rc, heavy, out = modules_after(["ask", QUESTION], env=env)
        assert rc == 0 and heavy == [] and out == run_cli("ask", QUESTION, "--local", env=env).stdout

        # a corpus edit: the server still answers from its build, but a local run refuses
        original = edit_briefing(corpus, "OSA", "ODA")
        local = run_cli("ask", QUESTION, "--local", env=env)
        assert local.returncode == 1 and local.stderr.startswith("error: corpus differs from the index (changed: ")
        delegated = run_cli("ask", QUESTION, env=env)
        assert (delegated.returncode, delegated.stdout, delegated.stderr) == (1, "", local.stderr)
        rc, heavy, _ = modules_after(["ask", QUESTION], env=env)
        assert rc == 1 and heavy == []  # that refusal came from the server, not from a local load
        (corpus / BRIEFING.name).write_text(original, encoding="utf-8")
        assert run_cli("ask", QUESTION, env=env).returncode == 0

        # a damaged build switched in: kept out by the server, refused by a local run, with the same line
        folder = switch_to_copy(index, "29991231T000000.000000-1")
        damage(folder / "dense.faiss", "middle bit flipped")
        local = run_cli("ask", QUESTION, "--local", env=env)
        assert local.returncode == 1 and "dense.faiss does not match its checksum" in local.stderr
        client.ServerClient(app.url).info()  # the server notices the new build on a request and loads it
        app.wait_for(rf"kept build {good}: .*dense.faiss", 60)
        info = client.ServerClient(app.url).info()
        assert (info["build"], info["current"]) == (good, store.build_id(index))  # names the build that answers
        assert info["notice"] == local.stderr.removeprefix("error: ").strip()
        delegated = run_cli("ask", QUESTION, env=env)
        assert (delegated.returncode, delegated.stdout, delegated.stderr) == (1, "", local.stderr)
