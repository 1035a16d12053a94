"""No input is lost or misreported without a word: every document yields a passage, the manifest holds
the hash of the bytes the build read, a `current` that is a folder is repaired, and the inputs that
used to crash (k = "²", `sources: []`) are refused in one line."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from rag.engine import Engine
from rag.errors import IndexStaleError, RagError
from rag.index import stages, store
from rag.index.build import build_index
from rag.inputs import validate_k
from rag.serve import http_api

from .conftest import BRIEFING, QUIET, run_cli

ONE_LINERS = {
    "osa9.txt": "OSAの令和9年度予算は500億円とする",  # one line, no 。
    "ok.md": "OK",
    "phone.txt": "03-1234-5678\n",
}


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / BRIEFING.name).write_bytes(BRIEFING.read_bytes())
    for name, text in ONE_LINERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("source", sorted(ONE_LINERS))
def test_a_one_line_document_is_a_passage(corpus, tmp_path, hash_embedder, source):
    build_index(corpus, tmp_path / "index", hash_embedder, **QUIET)
    engine = Engine(index_dir=tmp_path / "index", corpus_dir=corpus, embedder=hash_embedder)
    (hit,) = engine.search(ONE_LINERS[source], k=1, sources=[source]).hits
    assert hit.chunk.text == ONE_LINERS[source].strip()
    assert {d.source: d.passages for d in engine.documents()}[source] == 1


def test_every_document_read_is_indexed_or_named_in_a_note(corpus, tmp_path):
    built = run_cli("build", "--corpus-dir", str(corpus), "--index-dir", str(tmp_path / "index"), model="hash")
    assert built.returncode == 0 and "note:" not in built.stderr
    chunks = (store.current_build(tmp_path / "index") / store.CHUNKS).read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["source"] for line in chunks} == {BRIEFING.name, *ONE_LINERS}


def test_a_file_edited_during_a_build_leaves_an_index_that_says_it_is_stale(corpus, tmp_path, hash_embedder):
    briefing = corpus / BRIEFING.name
    read = briefing.read_bytes()

    def edit(stage: str) -> None:
        if stage == "embedded":  # the corpus was read and embedded; the file changes before the manifest
            briefing.write_text(read.decode("utf-8").replace("OSA", "ODA"), encoding="utf-8")

    stages.watch(edit)
    try:
        build_index(corpus, tmp_path / "index", hash_embedder, **QUIET)
    finally:
        stages._watchers.remove(edit)
    manifest = store.read_manifest(store.current_build(tmp_path / "index"))
    assert manifest["corpus"][BRIEFING.name] == hashlib.sha256(read).hexdigest()  # what was read, not what is
    engine = Engine(index_dir=tmp_path / "index", corpus_dir=corpus, embedder=hash_embedder)
    with pytest.raises(IndexStaleError, match=rf"corpus differs from the index \(changed: {BRIEFING.name}\)"):
        engine.ask("OSAの予算")


def test_a_current_that_is_a_folder_names_the_fix_and_rag_build_makes_it(hash_workspace):
    corpus, index = hash_workspace
    live = store.current_build(index)
    (index / "current").unlink()
    shutil.copytree(live, index / "current")  # e.g. `cp -r builds/x current` instead of a link
    where = ["--corpus-dir", str(corpus), "--index-dir", str(index), "--local"]
    refused = run_cli("search", "OSA", *where, model="hash")
    assert refused.returncode == 1 and refused.stderr.splitlines() == [
        f"error: {index / 'current'} is a folder, not a link to a build; run: rag build (it moves the folder aside)"
    ]
    rebuilt = run_cli("build", *where[:4], model="hash")
    assert rebuilt.returncode == 0
    assert f"note: {index / 'current'} was a folder, not a link to a build; moved it to" in rebuilt.stderr
    assert (index / "current").is_symlink() and run_cli("search", "OSA", *where, model="hash").returncode == 0


@pytest.mark.parametrize("k", ["²", "٣", "³", "1²", "𝟑"])
def test_k_is_ascii_digits(k):
    with pytest.raises(RagError, match="k must be a whole number between 1 and 20"):
        validate_k(k)


def test_a_unicode_digit_k_is_one_line_on_the_command_line():
    result = run_cli("search", "OSA", "-k", "²", model="/no/such/model")
    assert (result.returncode, result.stderr) == (1, "error: k must be a whole number between 1 and 20\n")


@pytest.mark.parametrize(
    "body, error",
    [
        ({"question": "OSAの予算", "sources": []}, "sources is an empty list; name at least one document"),
        ({"question": "OSAの予算", "sources": [""]}, "sources must be a list of document names"),
        ({"question": "OSAの予算", "k": "²"}, "k must be a whole number"),
    ],
)
def test_the_api_refuses_what_would_answer_wrongly_or_crash(hash_engine, body, error):
    status, reply = http_api.answer(hash_engine, body)
    assert status == 400 and reply["error"].startswith(error)
