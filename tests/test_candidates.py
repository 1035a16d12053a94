"""Candidate-first search gives what scoring every passage gives: hits, order, scores, status.

The reference is rag.evaluation.exhaustive (the search as it was: full score vectors and a full sort). The
fast tests use the hashing embedder on the real corpus; the slow one repeats the comparison on the
real model's index.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.answer.status import StatusJudge
from rag.engine import Engine
from rag.evaluation.exhaustive import exhaustive_search
from rag.index import store, vector_index
from rag.index.build import build_index
from rag.search.candidates import Pools
from rag.search.features import Features
from rag.search.retriever import MODES, Retriever, top_k

from .conftest import BRIEFING, QUIET, ROOT

GOLD = [json.loads(line)["question"] for line in (ROOT / "eval" / "gold.jsonl").read_text().splitlines()]
# Pools far smaller than the briefing's 31 passages, so the bound and the growing are exercised.
TINY = Pools(passages=2, sentences=3, bm25=2, grow=2)


def outcome(result, judge: StatusJudge) -> tuple:
    verdict = judge.verdict(result)
    return [h.chunk.id for h in result.hits], verdict.status, verdict.missing


def assert_same(retriever: Retriever, questions, *, modes=MODES, ks=(1, 10), sources=None) -> int:
    """Compares every question, mode and k; returns how many searches were compared."""
    compared, judge = 0, StatusJudge(retriever.index, retriever.config)
    for q in questions:
        qv = retriever.embedder.encode_queries([q])[0]
        for mode in modes:
            for k in ks:
                got = retriever.search(q, k=k, mode=mode, query_vector=qv, sources=sources)
                want = exhaustive_search(retriever, q, k=k, mode=mode, query_vector=qv, sources=sources)
                assert outcome(got, judge) == outcome(want, judge), (q, mode, k)
                # FAISS and numpy round cosines differently in the last float32 bit (scores count dense spreads)
                noise = 1e-6 / retriever.config.dense_scale
                assert [h.score for h in got.hits] == pytest.approx([h.score for h in want.hits], rel=1e-6, abs=noise)
                for name in Features.NAMES:  # the signals the status is judged on
                    assert getattr(got.signals, name) == pytest.approx(getattr(want.signals, name), abs=1e-5), name
                compared += 1
    return compared


@pytest.mark.parametrize("pools, every", [(Pools(), 1), (TINY, 3)], ids=["default-pools", "tiny-pools"])
def test_the_gold_questions_get_the_exhaustive_results(hash_engine, pools, every):
    r = hash_engine.retriever()
    retriever = Retriever(r.index, r.embedder, bm25_mode=r.bm25_mode, config=r.config, pools=pools)
    assert retriever.reranker is not None  # the hybrid hits are the reranked ones, on both sides
    questions = GOLD[::every]
    assert assert_same(retriever, questions) == len(questions) * len(MODES) * 2


def test_source_filters_get_the_exhaustive_results(hash_workspace, hash_embedder):
    corpus, index = hash_workspace
    (corpus / "notes.md").write_text(
        "# 補足資料\n\n## OSA\n\nOSAの予算について補足する。同志国の安全保障能力を強化する。\n\n"
        "## 偽情報\n\n偽情報対策の体制を整える。\n",
        encoding="utf-8",
    )
    build_index(corpus, index, hash_embedder, **QUIET)
    live = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder).live().retriever
    questions = GOLD[::11]
    for pools in (Pools(), Pools(passages=2, sentences=3, bm25=2, grow=2, whole_below=1)):
        retriever = Retriever(live.index, live.embedder, bm25_mode=live.bm25_mode, config=live.config, pools=pools)
        for sources in ({"notes.md"}, {BRIEFING.name}, {"notes.md", BRIEFING.name}):
            assert_same(retriever, questions, ks=(5,), sources=frozenset(sources))


def test_an_hnsw_index_is_chosen_by_size_recorded_and_searched(hash_workspace, hash_embedder):
    corpus, index = hash_workspace
    build_index(corpus, index, hash_embedder, exact_below=1, **QUIET)  # every index counts as "large"
    manifest = store.read_manifest(store.current_build(index))
    assert manifest["vector_index"]["passages"]["kind"] == "hnsw"
    assert manifest["vector_index"]["sentences"] == vector_index.plan_for(10**9).to_json()
    retriever = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder).retriever()
    assert retriever.index.dense.hnsw.efSearch == vector_index.HNSW_EF_SEARCH  # set again at load
    assert assert_same(retriever, GOLD[::5], ks=(5,)) > 0  # 31 passages: the graph finds them all


def test_the_manifest_records_exact_indexes_for_a_small_corpus(hash_built):
    manifest = store.read_manifest(store.current_build(hash_built[1]))
    assert manifest["vector_index"] == {"passages": {"kind": "exact", "m": 0, "ef_construction": 0, "ef_search": 0}} | {
        "sentences": {"kind": "exact", "m": 0, "ef_construction": 0, "ef_search": 0}
    }


def test_bm25_points_of_candidates_equal_bm25s_full_scores(hash_engine):
    retriever = hash_engine.retriever()
    bm25, scorer = retriever.index.bm25, retriever._features
    rng = np.random.default_rng(0)
    for q in GOLD[:20]:
        prepared = retriever.prepare(retriever.analyzer.analyze(q), np.zeros(1, np.float32))
        if len(prepared.token_ids) == 0:
            continue
        full = bm25.get_scores(prepared.token_ids.tolist())
        rows = np.sort(rng.choice(len(full), size=10, replace=False))
        assert np.array_equal(scorer.bm25_points(rows, prepared.token_ids), full[rows])  # bit for bit


@pytest.mark.parametrize(
    "scores, rows, k, expected",
    [
        ([0.2, 0.9, 0.5, 0.9], [0, 1, 2, 3], 2, [1, 3]),  # a tie goes to the lower row
        ([0.2, 0.9, 0.5, 0.9], [7, 5, 6, 4], 1, [3]),  # rows, not positions, break ties
        ([0.2, 0.9], [0, 1], 5, [1, 0]),  # fewer than k
        ([0.5, 0.5, 0.5], [2, 0, 1], 2, [1, 2]),
    ],
)
def test_top_k_selects_like_a_stable_full_sort(scores, rows, k, expected):
    assert top_k(np.array(scores, np.float32), np.array(rows), k).tolist() == expected


def test_plans_follow_the_size():
    assert vector_index.plan_for(10).exact
    assert vector_index.plan_for(vector_index.EXACT_BELOW).kind == "hnsw"
    assert vector_index.plan_for(50, exact_below=40).kind == "hnsw"
    assert vector_index.IndexPlan.from_json(None).exact  # builds from before plans: exact
    with pytest.raises(ValueError, match="unknown vector index kind"):
        vector_index.IndexPlan.from_json({"kind": "ivf"})


def test_stored_vectors_are_the_index_vectors_without_a_copy():
    vectors = np.random.default_rng(1).standard_normal((40, 8)).astype(np.float32)
    for plan in (vector_index.IndexPlan(), vector_index.plan_for(1, exact_below=1)):
        index = vector_index.build(vectors, plan)
        view = vector_index.stored_vectors(index)
        assert np.array_equal(view, vectors) and not view.flags.owndata and not view.flags.writeable


def test_a_row_filter_keeps_searches_to_its_rows():
    vectors = np.random.default_rng(2).standard_normal((300, 8)).astype(np.float32)
    mask = np.zeros(300, bool)
    mask[[3, 77, 150, 299]] = True
    exact = vector_index.build(vectors, vector_index.IndexPlan())
    _, ids = vector_index.top_k(exact, vectors[0], 10, selector=vector_index.RowFilter(mask).selector)
    assert sorted(ids.tolist()) == [3, 77, 150, 299]
    # a graph search may miss some of so few rows (such filters are scored whole), never return others
    hnsw = vector_index.build(vectors, vector_index.plan_for(1, exact_below=1))
    _, ids = vector_index.top_k(hnsw, vectors[0], 10, selector=vector_index.RowFilter(mask).selector)
    assert 0 < len(ids) and set(ids.tolist()) <= {3, 77, 150, 299}


@pytest.mark.slow
def test_the_real_index_gets_the_exhaustive_results(engine):
    retriever = engine.retriever()
    for pools, questions in ((Pools(), GOLD[::2]), (TINY, GOLD[1::3])):  # a share each: the hash test has all
        tuned = Retriever(
            retriever.index, retriever.embedder, bm25_mode=retriever.bm25_mode, config=retriever.config, pools=pools
        )
        assert assert_same(tuned, questions) == len(questions) * len(MODES) * 2
