"""The answer card: only answering passages are highlighted, the quotes and sources it lists, its JSON."""

from __future__ import annotations

import dataclasses

import pytest

from rag.answer.card import _picker, ask, card_json, make_card, shared_terms
from rag.answer.cited import Answer, CitedPassage
from rag.answer.followup import Reading
from rag.answer.sentences import SentencePicker, judged_answer
from rag.errors import RagError

PCG = "フィリピン沿岸警備隊への支援で人員はどう変わりましたか"


def judged(engine, question, status, k=3):
    """The hash engine abstains on everything; set the status to see how each one is judged."""
    result = dataclasses.replace(engine.search(question, k=k), status=status)
    live = engine.live()
    return judged_answer(result, SentencePicker(live.retriever.index), live.rows, question)


@pytest.mark.parametrize("status", ["answered", "partial"])
def test_only_the_first_passage_is_highlighted(hash_engine, status):
    answer, best_first = judged(hash_engine, PCG, status)
    first, *others = answer.passages
    assert first.highlights and 1 <= len(first.highlights) <= 2
    assert all(p.highlights == () for p in others)
    assert sorted(best_first) == list(first.highlights)  # same sentences; Answer keeps text order
    chunk = first.hit.chunk
    assert all(s in chunk.sentences for s in first.highlights)  # whole sentences, never cut


def test_not_covered_has_no_highlight_at_all(hash_engine):
    answer, best_first = judged(hash_engine, "日本の人口は何人ですか", "not_covered")
    assert best_first == () and all(p.highlights == () for p in answer.passages)
    card = make_card(answer, Reading("日本の人口は何人ですか", "日本の人口は何人ですか"))
    assert card.quotes == () and not any(s.answering for s in card.sources)


def test_focus_and_numbers_lift_the_sentence_that_answers(hash_engine):
    live = hash_engine.live()
    picker = SentencePicker(live.retriever.index)
    row = next(i for i, c in enumerate(live.retriever.index.chunks) if "PCGの人員は4千人" in c.text)
    chunk = live.retriever.index.chunks[row]
    zero = live.retriever.embedder.encode_queries(["x"])[0] * 0  # no cosine at all: only the bonuses count
    scores = picker.scores(row, zero, PCG)
    best = picker.sentences(row)[int(scores.argmax())]
    assert chunk.text[best[0] - chunk.start : best[1] - chunk.start] == "PCGの人員は4千人から約3万人に増加。"


def test_card_quotes_best_first_and_lists_every_source(hash_engine):
    answer, best_first = judged(hash_engine, PCG, "answered")
    card = make_card(answer, Reading(PCG, PCG), best_first)
    assert [(q.start, q.end) for q in card.quotes] == list(best_first)
    text = hash_engine.document_text(card.quotes[0].source)
    assert all(text[q.start : q.end] == q.text for q in card.quotes)  # exact offsets
    assert [s.label for s in card.sources] == [1, 2, 3]
    assert [s.answering for s in card.sources] == [True, False, False]
    assert card.sources[0].page is None and card.sources[0].section[0] == "外交力の強化について"


def test_a_partial_answer_keeps_what_is_missing(hash_engine):
    answer, best_first = judged(hash_engine, "OSAの令和9年度の予算はいくらですか", "partial")
    answer = dataclasses.replace(answer, missing=("令和9年度",))
    card = make_card(answer, Reading("OSAの令和9年度の予算はいくらですか", "OSAの令和9年度の予算はいくらですか"))
    data = card_json(card)
    assert data["status"] == "partial" and data["missing"] == ["令和9年度"] and data["answer"]


def test_card_json_schema(hash_engine):
    data = card_json(ask(hash_engine, "OSAの予算はいくらですか", k=2))
    assert set(data) == {"question", "read_as", "searched", "status", "missing", "answer", "sources"}
    assert set(data["sources"][0]) == {
        "label",
        "chunk_id",
        "source",
        "section",
        "start",
        "end",
        "page",
        "score",
        "answering",
        "shared_terms",
    }
    assert data["question"] == data["read_as"] == data["searched"] == "OSAの予算はいくらですか"


def test_ask_reads_a_follow_up_with_the_previous_turn(hash_engine):
    first = ask(hash_engine, "フィリピン沿岸警備隊への支援について教えて")
    second = ask(hash_engine, "それは何年から続いていますか", previous=first.reading)
    assert second.reading.query == "フィリピン沿岸警備隊への支援 それは何年から続いていますか"
    assert second.answer.query == second.reading.query


@pytest.mark.parametrize("question, k", [("", 3), ("長" * 1001, 3), ("OSA", 0), (None, 3)])
def test_bad_input_is_a_rag_error(hash_engine, question, k):
    with pytest.raises(RagError):
        ask(hash_engine, question, k=k)


def test_shared_terms_are_the_question_words_the_passage_holds():
    passage = "シーレーンの要衝に位置するフィリピンに対し、2002年から支援。PCGの人員は4千人から約3万人に増加。"
    assert shared_terms(PCG, passage) == ("フィリピン", "支援", "人員")
    assert shared_terms("How large is the PCG now?", passage) == ("PCG",)


def test_a_paged_document_shows_its_page(hash_engine):
    answer, _ = judged(hash_engine, PCG, "answered", k=1)
    (p,) = answer.passages

    chunk = dataclasses.replace(p.hit.chunk, page=4, pages=(4, 5))  # as a PDF's passage would be
    paged = Answer(answer.query, "answered", (CitedPassage(1, dataclasses.replace(p.hit, chunk=chunk), ()),))
    source = make_card(paged, Reading(PCG, PCG)).sources[0]
    assert (source.page, source.pages) == (4, (4, 5))


def test_one_picker_per_build(hash_engine):
    live = hash_engine.live()
    assert _picker(live) is _picker(live)


@pytest.mark.slow
def test_the_pcg_card_quotes_the_personnel_sentence(engine):
    card = ask(engine, PCG, k=3)
    assert card.status == "answered"
    assert card.quotes[0].text == "PCGの人員は4千人から約3万人に増加。"
    assert card.sources[0].answering and not any(s.answering for s in card.sources[1:])


@pytest.mark.slow
def test_the_pcg_follow_up_chain_returns_the_pcg_passage(engine):
    first = ask(engine, "フィリピン沿岸警備隊への支援について教えて", k=3)
    second = ask(engine, "それは何年から続いていますか", k=3, previous=first.reading)
    top = second.answer.passages[0].hit.chunk
    assert "2002年から" in top.text and "PCG" in top.text
    assert any("2002年から" in q.text for q in second.quotes)


@pytest.mark.slow
def test_a_question_the_briefing_does_not_cover_quotes_nothing(engine):
    card = ask(engine, "日本の人口は何人ですか", k=3)
    assert card.status == "not_covered" and card.quotes == ()
    assert all(p.highlights == () for p in card.answer.passages)
