"""The pipeline end to end on the real corpus and model: build, search, cite, refuse stale indexes."""

from __future__ import annotations

import json

import pytest

from rag.engine import Engine
from rag.errors import IndexStaleError, RagError
from rag.index.build import build_index
from rag.language.script import script_of

from .conftest import QUIET, edit_briefing, run_cli

pytestmark = pytest.mark.slow


def test_build_reports_and_writes_a_complete_index(built):
    _, index, report = built
    assert report.chunks > 20 and report.added == report.chunks
    live = index / "current"
    assert live.is_symlink()
    names = {p.name for p in live.resolve().iterdir()}
    assert {"manifest.json", "chunks.jsonl", "dense.faiss", "bm25", "sentences.npz", "lexicon.npz"} <= names
    manifest = json.loads((live / "manifest.json").read_text())
    assert manifest["embedder"]["name"] == "intfloat/multilingual-e5-small"
    assert (
        set(manifest["corpus"]) == {"gaikoryoku_no_kyoka.txt"}
        and len(manifest["corpus"]["gaikoryoku_no_kyoka.txt"]) == 64
    )
    assert {"chunker_version", "built_at", "bm25_tokenizer"} <= manifest.keys()


@pytest.mark.parametrize(
    "question, phrase",
    [
        ("OSAの令和8年度の予算は？", "予算約181億円"),
        ("フィリピン沿岸警備隊の人数はどう変わった", "約3万人"),
        ("How many times did Japan talk with Iran by phone?", "首脳レベルで3回"),
        ("What does Japan do about rare earths?", "レアアース"),
    ],
)
def test_answers_cite_the_passage_and_highlight_inside_it(engine, question, phrase):
    answer = engine.ask(question, k=3)
    top = answer.passages[0]
    assert phrase in top.hit.chunk.text
    if script_of(question) == "ja":  # English abstention runs close to its threshold (docs/decisions.md)
        assert not answer.abstained
    assert [p.label for p in answer.passages] == [1, 2, 3]
    assert 1 <= len(top.highlights) <= 2
    for start, end in top.highlights:
        assert top.hit.chunk.start <= start < end <= top.hit.chunk.end


def test_highlights_are_whole_sentences_of_the_source_file(engine, built):
    corpus, _, _ = built
    answer = engine.ask("2026年度のOSAの予算はいくら", k=1)
    p = answer.passages[0]
    source = (corpus / p.hit.chunk.source).read_text(encoding="utf-8")
    assert all((s, e) in p.hit.chunk.sentences for s, e in p.highlights)
    assert any("予算約181億円" in source[s:e] for s, e in p.highlights)


def test_off_topic_question_abstains_but_still_lists_passages(engine):
    answer = engine.ask("来年のオリンピックの開催都市はどこですか", k=3)
    assert answer.abstained and len(answer.passages) == 3


@pytest.mark.parametrize(
    "bad, message",
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * 100_000, "limit is 1,000"),
        ("？？！！…", "no words"),
        ("😀😀😀", "no words"),
    ],
)
def test_bad_questions_are_refused_clearly(engine, bad, message):
    with pytest.raises(RagError, match=message):
        engine.ask(bad)


def test_stale_index_is_refused_with_the_remedy(workspace, embedder):
    copy_corpus, copy_index = workspace
    edit_briefing(copy_corpus, "約3万人", "約4万人")
    with pytest.raises(IndexStaleError, match=r"changed: gaikoryoku_no_kyoka.txt.*run: rag build"):
        Engine(index_dir=copy_index, corpus_dir=copy_corpus, embedder=embedder).ask("PCGの人員は")


def test_rebuild_after_one_edit_changes_only_that_section(workspace, embedder):
    copy_corpus, copy_index = workspace
    edit_briefing(copy_corpus, "約3万人", "約4万人")
    report = build_index(copy_corpus, copy_index, embedder, **QUIET)
    assert (report.added, report.changed, report.removed) == (0, 1, 0)
    assert report.unchanged == report.chunks - 1
    # the edited passage plus the one sentence that changed in it
    assert report.embedded == 2
    answer = Engine(index_dir=copy_index, corpus_dir=copy_corpus, embedder=embedder).ask("PCGの人員は何人に増えた")
    assert "約4万人" in answer.passages[0].hit.chunk.text


def test_the_cli_answers_with_the_real_model(built):
    corpus, index, _ = built
    result = run_cli(
        "search",
        "OSAの令和8年度の予算は？",
        "-k",
        "1",
        "--json",
        "--index-dir",
        str(index),
        "--corpus-dir",
        str(corpus),
    )
    assert result.returncode == 0, result.stderr
    assert "予算約181億円" in json.loads(result.stdout)["hits"][0]["text"]
