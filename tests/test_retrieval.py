"""Search, fusion, highlights and the answer forms, on the real corpus with the hashing embedder."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from rag.answer.render import splice
from rag.errors import RagError
from rag.search.retriever import fuse
from rag.settings import RetrievalConfig

from .conftest import BRIEFING, answer_with_status


def test_fusion_adds_bm25_in_its_own_units_to_dense_in_its_own():
    config = RetrievalConfig(
        bm25_weight=1.5, translated_weight=1.5, dense_center=0.78, dense_scale=0.02, bm25_scale=3.0
    )
    dense, bm25, none = np.array([0.80, 0.82]), np.array([3.0, 0.0]), np.zeros(2)
    assert np.allclose(fuse(dense, bm25, none, 1.0, config), [2.5, 2.0])
    assert np.allclose(fuse(dense, bm25, none, 0.0, config), [1.0, 2.0])  # words the corpus does not know
    assert np.allclose(fuse(dense, none, bm25, 0.0, config), [2.5, 2.0])  # translated words count in full
    assert np.allclose(fuse(dense, none, bm25, 0.0, replace(config, translated_weight=0.5)), [1.5, 2.0])


def test_fusion_ranks_alike_whatever_the_cosine_range():
    """The same scores squeezed into a narrower cosine range, with the spread measured on them, rank alike."""
    wide = RetrievalConfig(dense_center=0.5, dense_scale=0.1, bm25_scale=2.0)
    narrow = RetrievalConfig(dense_center=0.95, dense_scale=0.01, bm25_scale=2.0)
    dense = np.array([0.62, 0.55, 0.70])
    bm25 = np.array([0.0, 4.0, 0.6])
    squeezed = 0.95 + (dense - 0.5) * 0.1
    ranked = np.argsort(-fuse(dense, bm25, np.zeros(3), 1.0, wide))
    assert list(np.argsort(-fuse(squeezed, bm25, np.zeros(3), 1.0, narrow))) == list(ranked)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_every_mode_ranks_k_distinct_passages(hash_engine, mode):
    result = hash_engine.search("OSAの令和8年度の予算", k=4, mode=mode)
    assert [h.rank for h in result.hits] == [1, 2, 3, 4]
    assert len({h.chunk.id for h in result.hits}) == 4
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


def test_shared_words_find_the_passage(hash_engine):
    top = hash_engine.search("OSA 令和8(2026)年度 予算約181億円", k=1).hits[0]
    assert "予算約181億円" in top.chunk.text


def test_unknown_mode_is_refused(hash_engine):
    with pytest.raises(RagError, match="unknown mode 'fuzzy'"):
        hash_engine.ask("OSA", mode="fuzzy")


def test_only_the_answering_passage_is_highlighted_with_whole_sentences(hash_engine):
    answer = answer_with_status(hash_engine, "PCGの人員は4千人から約3万人に増加", k=3)
    first, *others = answer.passages
    assert 1 <= len(first.highlights) <= 2 and all(p.highlights == () for p in others)
    assert all(span in first.hit.chunk.sentences for span in first.highlights)
    assert "約3万人" in answer.quotes[0].text  # the sentence the question repeats is the one quoted


def test_splice_marks_exactly_the_highlighted_offsets(hash_engine):
    p = answer_with_status(hash_engine, "北方四島の帰属の問題を解決", k=1).passages[0]
    marked = splice(p, lambda s: f"【{s}】")
    assert marked.replace("【", "").replace("】", "") == p.hit.chunk.text
    text = BRIEFING.read_text(encoding="utf-8")
    inside = [part.split("】")[0] for part in marked.split("【")[1:]]
    assert inside == [text[s:e] for s, e in p.highlights]


def test_json_schema_and_offsets_slice_the_source(hash_engine):
    record = hash_engine.ask("日米同盟の強化", k=2).to_json(query_id="q1")
    assert (
        set(record) == {"id", "query", "abstained", "status", "missing", "reason", "guide", "short_answer", "hits"}
        and record["id"] == "q1"
    )
    text = BRIEFING.read_text(encoding="utf-8")
    for h in record["hits"]:
        keys = {"rank", "chunk_id", "source", "section", "text", "score", "start", "end", "highlights", "page", "pages"}
        keys.add("citation")
        assert set(h) == keys
        assert text[h["start"] : h["end"]] == h["text"]
        assert h["page"] is None and h["pages"] is None  # a text file has no pages
        assert all(h["start"] <= s < e <= h["end"] for s, e in h["highlights"])


def test_text_form_numbers_and_cites_each_passage(hash_engine):
    answer = answer_with_status(hash_engine, "日米同盟の強化", k=2)
    text = answer.to_text()
    for p in answer.passages:
        c = p.hit.chunk
        assert f"[{p.label}] {c.section_label}  ({c.source} {c.start}-{c.end}, id {c.id}" in text
    assert text.count("【") == sum(len(p.highlights) for p in answer.passages)


def test_a_saved_index_loads_back_to_the_same_answers(hash_built, hash_embedder):
    from rag.engine import Engine

    corpus, index, _ = hash_built
    first = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    second = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    for q in ("OSAの予算", "What is FOIP?", "認知戦"):
        a, b = first.ask(q, k=5), second.ask(q, k=5)
        assert [(p.hit.chunk.id, p.hit.score, p.highlights) for p in a.passages] == [
            (p.hit.chunk.id, p.hit.score, p.highlights) for p in b.passages
        ]


def test_a_source_filter_keeps_to_those_documents(hash_workspace, hash_embedder):
    from rag.engine import Engine
    from rag.index.build import build_index

    from .conftest import QUIET

    corpus, index = hash_workspace
    (corpus / "notes.md").write_text("# 補足資料\n\n## OSA\n\nOSAの予算について補足する。\n", encoding="utf-8")
    build_index(corpus, index, hash_embedder, **QUIET)
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    assert [(d.source, d.title) for d in engine.documents()] == [
        (BRIEFING.name, "外交力の強化について"),
        ("notes.md", "補足資料"),
    ]
    only_notes = engine.ask("OSAの予算", k=5, sources=["notes.md"])
    assert [p.hit.chunk.source for p in only_notes.passages] == ["notes.md"]
    both = engine.ask("OSAの予算", k=5, sources=[BRIEFING.name, "notes.md"])
    assert len(both.passages) == 5
    with pytest.raises(RagError, match="no document 'nope.md' in the index"):
        engine.ask("OSA", sources=["nope.md"])


@pytest.mark.parametrize("question", ["What is the budget of the peace treaty?", "OSAの予算", "おーえすえーのよさんは"])
def test_a_search_calls_the_model_once_english_words_included(hash_engine, question):
    """The question and the English words its translation looks up are embedded in one call."""
    retriever = hash_engine.retriever()
    analyzer, original, calls = retriever.analyzer, retriever.embedder, []

    class Counting:
        def __getattr__(self, name):
            return getattr(original, name)

        def encode_queries(self, texts):
            calls.append(list(texts))
            return original.encode_queries(texts)

    counting = Counting()
    analyzer.embedder, retriever.embedder = counting, counting
    try:
        result = retriever.search(question, k=3)
    finally:
        analyzer.embedder, retriever.embedder = original, original
    assert len(calls) == 1, calls
    assert calls[0][0] == result.forms.search_text
    alone = original.encode_queries([result.forms.search_text])[0]
    assert np.allclose(result.query_vector, alone)
