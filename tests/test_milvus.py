"""The Milvus store (Milvus Lite, a local file): the same search as FAISS, and builds switched by alias.

The store-independent comparisons of test_candidates run here on a Milvus build: the candidate-first
search over Milvus gives what scoring every passage gives. The hashing embedder on the real corpus; the
tests that start a Milvus Lite server are marked slow (the full run, ./test.sh, runs them).
"""

from __future__ import annotations

import pytest

from rag.engine import Engine
from rag.errors import IndexStaleError, RagError
from rag.index import milvus_store, store
from rag.index.build import build_index
from rag.index.stores import StoreSpec, parse_store
from rag.search.candidates import Pools
from rag.search.retriever import MODES, Retriever

from .conftest import BRIEFING, QUIET, build_copy, copy_built, run_cli
from .test_candidates import GOLD, TINY, assert_same


@pytest.fixture(scope="module")
def milvus_built(tmp_path_factory, hash_embedder):
    """The corpus, an index whose store is Milvus Lite, and that store."""
    base = tmp_path_factory.mktemp("milvus-built")
    spec = parse_store(f"milvus://{base / 'store.db'}")
    corpus, index, _ = build_copy(tmp_path_factory, "milvus-corpus", hash_embedder)
    build_index(corpus, index, hash_embedder, store_spec=spec, **QUIET)
    return corpus, index, spec


@pytest.fixture(scope="module")
def milvus_engine(milvus_built, hash_embedder):
    corpus, index, spec = milvus_built
    return Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder, store=spec)


@pytest.mark.parametrize(
    "text, kind, uri, alias",
    [
        ("faiss", "faiss", "", ""),
        ("", "faiss", "", ""),
        ("milvus:///tmp/x.db", "milvus", "/tmp/x.db", "rag"),
        ("http://db.example:19530", "milvus", "http://db.example:19530", "rag"),
        ("https://db.example:443?alias=gaiko", "milvus", "https://db.example:443", "gaiko"),
    ],
)
def test_store_values_are_read(text, kind, uri, alias):
    assert parse_store(text) == StoreSpec(kind, uri, alias)


@pytest.mark.parametrize(
    "text, said",
    [
        ("milvus:///tmp/x", "ending in .db"),
        ("redis://h:1", "is not a store"),
        ("http://h:19530/db", "no path"),
        ("milvus:///tmp/x.db?alias=1bad", "letters, digits"),
        ("milvus:///tmp/x.db?user=me", "only option"),
    ],
)
def test_bad_store_values_say_what_is_accepted(text, said):
    with pytest.raises(RagError, match=said):
        parse_store(text)


@pytest.mark.slow  # a Milvus Lite server per build
def test_the_manifest_records_the_store_and_its_collections(milvus_built):
    _, index, spec = milvus_built
    manifest = store.read_manifest(store.live_folder(index))
    record = manifest["store"]
    assert (record["kind"], record["uri"], record["alias"]) == ("milvus", spec.uri, "rag")
    client = milvus_store.client(spec)
    assert client.describe_alias("rag")["collection_name"] == record["collections"]["passages"]
    for kind, name in record["collections"].items():
        assert milvus_store.count(client, name) == record["counts"][kind]
    assert record["counts"]["passages"] == manifest["chunks"]


@pytest.mark.slow  # a Milvus Lite server per build
@pytest.mark.parametrize("pools, every", [(Pools(), 2), (TINY, 5)], ids=["default-pools", "tiny-pools"])
def test_milvus_candidates_get_the_exhaustive_results(milvus_engine, pools, every):
    r = milvus_engine.retriever()
    assert type(r._candidates.store).__name__ == "MilvusStore"
    retriever = Retriever(r.index, r.embedder, bm25_mode=r.bm25_mode, config=r.config, pools=pools)
    questions = GOLD[::every]
    assert assert_same(retriever, questions) == len(questions) * len(MODES) * 2


@pytest.mark.slow  # a Milvus Lite server per build
def test_milvus_source_filters_get_the_exhaustive_results(milvus_engine):
    r = milvus_engine.retriever()
    tight = Pools(passages=2, sentences=3, bm25=2, grow=2, whole_below=1)  # the filter goes to Milvus
    retriever = Retriever(r.index, r.embedder, bm25_mode=r.bm25_mode, config=r.config, pools=tight)
    assert assert_same(retriever, GOLD[::9], ks=(5,), sources=frozenset({BRIEFING.name}))


@pytest.mark.slow  # a Milvus Lite server per build
def test_milvus_and_faiss_give_the_same_answers(milvus_engine, hash_engine):
    for question in GOLD[::3]:
        got, want = milvus_engine.ask(question, k=10), hash_engine.ask(question, k=10)
        assert got.to_json() == want.to_json(), question


@pytest.mark.slow  # a Milvus Lite server per build
def test_a_rebuild_switches_the_alias_and_drops_the_build_before_last(milvus_built, hash_embedder, tmp_path):
    corpus, index = copy_built(*milvus_built[:2], tmp_path)
    spec = StoreSpec("milvus", str(tmp_path / "own.db"), "rag")
    names = []
    for _ in range(3):
        build_index(corpus, index, hash_embedder, store_spec=spec, **QUIET)
        names.append(store.read_manifest(store.live_folder(index))["store"]["collections"]["passages"])
    client = milvus_store.client(spec)
    assert client.describe_alias("rag")["collection_name"] == names[-1]
    held = set(client.list_collections())
    assert names[0] not in held and {names[1], names[2]} <= held  # the live build and the one before


@pytest.mark.slow  # a Milvus Lite server per build
def test_a_failed_build_leaves_the_alias_and_drops_its_collections(milvus_built, hash_embedder, tmp_path, monkeypatch):
    corpus, index = copy_built(*milvus_built[:2], tmp_path)
    spec = StoreSpec("milvus", str(tmp_path / "own.db"), "rag")
    build_index(corpus, index, hash_embedder, store_spec=spec, **QUIET)
    client = milvus_store.client(spec)
    before, collections = client.describe_alias("rag")["collection_name"], set(client.list_collections())

    def broken_publish(*args, **kwargs):
        raise OSError(28, "No space left on device", str(index))

    monkeypatch.setattr(store, "publish", broken_publish)
    with pytest.raises(RagError, match="No space left"):
        build_index(corpus, index, hash_embedder, store_spec=spec, **QUIET)
    assert client.describe_alias("rag")["collection_name"] == before
    assert set(client.list_collections()) == collections


@pytest.mark.slow  # a Milvus Lite server per build
def test_a_count_that_does_not_match_stops_the_build_before_the_switch(
    milvus_built, hash_embedder, tmp_path, monkeypatch
):
    corpus, index = copy_built(*milvus_built[:2], tmp_path)
    spec = StoreSpec("milvus", str(tmp_path / "own.db"), "rag")
    build_index(corpus, index, hash_embedder, store_spec=spec, **QUIET)
    client = milvus_store.client(spec)
    before = client.describe_alias("rag")["collection_name"]
    monkeypatch.setattr(milvus_store, "BATCH", 7)
    real_insert = type(client).insert
    calls = []

    def lossy_insert(self, name, rows, **kwargs):  # one batch silently lost on the way
        calls.append(name)
        return real_insert(self, name, rows[1:] if len(calls) == 2 else rows, **kwargs)

    monkeypatch.setattr(type(client), "insert", lossy_insert)
    with pytest.raises(RagError, match="holds .* rows, the build has"):
        build_index(corpus, index, hash_embedder, store_spec=spec, **QUIET)
    monkeypatch.undo()
    assert client.describe_alias("rag")["collection_name"] == before
    assert Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder).ask(GOLD[0]).passages


@pytest.mark.slow  # a Milvus Lite server per build
def test_asking_with_another_store_than_the_build_is_stale(milvus_built, hash_embedder):
    corpus, index, _ = milvus_built
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder, store=StoreSpec())
    with pytest.raises(IndexStaleError, match="built for store milvus://.*run: rag --store faiss build"):
        engine.ask(GOLD[0])


@pytest.mark.slow  # a Milvus Lite server per build
def test_a_missing_collection_is_one_line_naming_it(milvus_built, hash_embedder, tmp_path):
    corpus, index = copy_built(*milvus_built[:2], tmp_path)
    spec = StoreSpec("milvus", str(tmp_path / "own.db"), "rag")
    build_index(corpus, index, hash_embedder, store_spec=spec, **QUIET)
    name = store.read_manifest(store.live_folder(index))["store"]["collections"]["sentences"]
    milvus_store.client(spec).drop_collection(name)
    with pytest.raises(RagError, match=f"Milvus collection {name} .* cannot be read.*run: rag build"):
        Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder).ask(GOLD[0])


@pytest.mark.slow  # a Milvus Lite server per build
def test_the_cli_builds_and_answers_on_milvus(milvus_built, tmp_path):
    corpus, index = copy_built(*milvus_built[:2], tmp_path)
    env = {"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)}
    db = tmp_path / "cli.db"
    built = run_cli("--store", f"milvus://{db}", "build", env=env, model="hash")
    assert built.returncode == 0, built.stderr
    faiss_index = tmp_path / "faiss-index"
    assert run_cli("build", env={**env, "RAG_INDEX_DIR": str(faiss_index)}, model="hash").returncode == 0
    for question in GOLD[:3]:
        on_milvus = run_cli("search", question, "--json", "--local", env=env, model="hash")
        on_faiss = run_cli(
            "search", question, "--json", "--local", env={**env, "RAG_INDEX_DIR": str(faiss_index)}, model="hash"
        )
        assert on_milvus.returncode == on_faiss.returncode == 0, on_milvus.stderr
        assert on_milvus.stdout == on_faiss.stdout
    bad = run_cli("--store", "milvus://nowhere", "build", env=env, model="hash")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "ending in .db" in bad.stderr
