"""Who can read what: the index never more readable than the corpus, feedback 0600 and never through a link."""

from __future__ import annotations

import os
import stat

import pytest

from rag.errors import RagError
from rag.index import store
from rag.index.build import build_index
from rag.serve import proof
from rag.serve.feedback import append_feedback, read_feedback

from .conftest import BRIEFING, QUIET


def modes_under(index) -> dict[str, int]:
    """Permission bits of the index folder and of everything in it (links left out)."""
    found = {".": stat.S_IMODE(index.stat().st_mode)}
    for path in index.rglob("*"):
        if not path.is_symlink():
            found[path.relative_to(index).as_posix()] = stat.S_IMODE(path.stat().st_mode)
    return found


def corpus_with_mode(tmp_path, mode: int):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / BRIEFING.name).write_bytes(BRIEFING.read_bytes())
    corpus.chmod(mode)
    return corpus


def test_a_private_corpus_gets_a_private_index(tmp_path, hash_embedder):
    corpus, index = corpus_with_mode(tmp_path, 0o700), tmp_path / "index"
    build_index(corpus, index, hash_embedder, **QUIET)
    proof.server_key(index, create=True)
    found = modes_under(index)
    assert {p for p, m in found.items() if m & 0o077} == set()  # nothing readable by group or others
    assert found["builds"] == 0o700 and found[".server-key"] == 0o600
    assert all(m & 0o700 == 0o600 for p, m in found.items() if (index / p).is_file())


def test_a_shared_corpus_gives_read_access_and_never_write(tmp_path, hash_embedder):
    corpus, index = corpus_with_mode(tmp_path, 0o755), tmp_path / "index"
    build_index(corpus, index, hash_embedder, **QUIET)
    proof.server_key(index, create=True)
    found = modes_under(index)
    folders = {p: m for p, m in found.items() if (index / p).is_dir()}
    files = {p: m for p, m in found.items() if (index / p).is_file() and p != ".server-key"}
    assert set(folders.values()) == {0o755} and set(files.values()) == {0o644}
    assert found[".server-key"] == 0o600  # the server's secret is never shared


def test_an_index_made_readable_before_is_tightened_by_the_next_build(tmp_path, hash_embedder):
    corpus, index = corpus_with_mode(tmp_path, 0o755), tmp_path / "index"
    build_index(corpus, index, hash_embedder, **QUIET)
    corpus.chmod(0o700)  # the user makes the corpus private: the index follows at the next build
    build_index(corpus, index, hash_embedder, **QUIET)
    assert {p for p, m in modes_under(index).items() if m & 0o077} == set()


def test_an_index_folder_the_user_named_is_never_loosened(tmp_path, hash_embedder):
    corpus, index = corpus_with_mode(tmp_path, 0o755), tmp_path / "index"
    index.mkdir(mode=0o700)
    build_index(corpus, index, hash_embedder, **QUIET)
    assert stat.S_IMODE(index.stat().st_mode) == 0o700


def test_feedback_is_created_0600_in_a_private_folder(tmp_path):
    path = tmp_path / "new" / "feedback.jsonl"
    append_feedback(path, {"question": "OSAの予算は", "rating": "down"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_symlink_at_the_feedback_path_is_refused_not_followed(tmp_path):
    target = tmp_path / "victim.txt"
    target.write_text("someone else's file\n", encoding="utf-8")
    path = tmp_path / "feedback.jsonl"
    os.symlink(target, path)
    with pytest.raises(RagError, match=r"the feedback file .*feedback.jsonl is a symbolic link; remove it"):
        append_feedback(path, {"question": "OSAの予算は", "rating": "down"})
    assert target.read_text(encoding="utf-8") == "someone else's file\n" and read_feedback(target) == []


def test_the_key_file_name_is_the_same_in_the_store_and_the_server():
    assert store.KEY_FILE == proof.KEY_FILE
