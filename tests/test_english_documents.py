"""Documents in English: indexed in the words an English question uses, and judged as text in the
question's own language, not as the briefing's cross-language case."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from rag.answer import specifics
from rag.answer.answerability import AnswerabilityModel, asked_across, signals
from rag.answer.specifics import asked_kinds
from rag.engine import Engine
from rag.index.build import build_index
from rag.language.sudachi import tokenize

from .conftest import QUIET

REPORT = """# Harbour Water Authority: annual report

## Supply

The authority supplies drinking water to 214,000 households from two reservoirs, Greywell and Amber
Lake. Greywell holds 38 million cubic metres when full; Amber Lake holds 12 million.

In the dry summer the authority asked households to stop using garden hoses for six weeks.

## Treatment

All water passes through sand filters and ultraviolet disinfection at the Northgate plant, which was
rebuilt in 2019. Chlorine is added before the water enters the pipes.

## Leaks and repairs

Crews repaired 1,480 leaking pipes this year. Leaks are found with acoustic sensors fitted to the
main pipes, which listen for the sound of escaping water at night.

## Prices

The average household bill rose by 4 percent to 412 pounds a year, to pay for replacing old lead pipes.
"""


def english_corpus(folder, embedder) -> Engine:
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "report.md").write_text(REPORT, encoding="utf-8")
    build_index(corpus, folder / "index", embedder, **QUIET)
    return Engine(index_dir=folder / "index", corpus_dir=corpus, embedder=embedder)


def test_an_english_word_is_indexed_as_spelled_not_in_sudachis_katakana():
    assert tokenize("Which library reads PDF files?") == ["which", "library", "reads", "pdf", "files"]
    assert tokenize("ＯＳＡの予算はいくら？") == ["osa", "予算", "幾ら"]


def test_an_english_question_of_english_text_is_not_read_as_across_languages(tmp_path, hash_embedder, hash_engine):
    mine = english_corpus(tmp_path, hash_embedder)
    live = mine.live()
    result = live.retriever.search("How are leaks found in the pipes?", k=3)
    assert {"leaks", "pipes"} <= set(result.forms.tokens)
    assert signals(result, live.judge.facts, live.judge.config, live.judge.hub)["english"] == 0.0
    briefing = hash_engine.live()
    result = briefing.retriever.search("What is the OSA budget?", k=3)
    assert signals(result, briefing.judge.facts, briefing.judge.config, briefing.judge.hub)["english"] == 1.0


def test_a_feature_past_the_range_the_model_saw_reads_as_its_edge():
    model = AnswerabilityModel(("a", "b"), (0.0, 0.0), (1.0, 1.0), (-2.0, 1.0), 0.0, 0.5, "t", (-1.0, -1.0), (1.0, 1.0))
    assert model.probability(np.array([9.0, 0.5])) == model.probability(np.array([1.0, 0.5]))
    unbounded = AnswerabilityModel(("a", "b"), (0.0, 0.0), (1.0, 1.0), (-2.0, 1.0), 0.0, 0.5, "t")
    assert unbounded.probability(np.array([9.0, 0.5])) < model.probability(np.array([9.0, 0.5]))


def test_an_english_question_of_japanese_text_meets_the_bar_across_languages():
    model = AnswerabilityModel(("a",), (0.0,), (1.0,), (1.0,), 0.0, 0.5, "t", threshold_across=0.2)
    assert (model.bar(across=True), model.bar(across=False)) == (0.2, 0.5)
    assert AnswerabilityModel(("a",), (0.0,), (1.0,), (1.0,), 0.0, 0.5, "t").bar(across=True) == 0.5

    def result(question: str, top: str) -> SimpleNamespace:
        return SimpleNamespace(query=question, hits=[SimpleNamespace(chunk=SimpleNamespace(text=top))])

    assert asked_across(result("When was the plant rebuilt?", "浄水場は2019年に建て替えられた。"))
    assert not asked_across(result("When was the plant rebuilt?", "The plant was rebuilt in 2019."))
    assert not asked_across(result("浄水場はいつ建て替えられましたか", "浄水場は2019年に建て替えられた。"))


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("What happens when a pipe leaks?", []),
        ("When was the plant rebuilt?", ["date"]),
        ("Where and when was it rebuilt?", ["date", "place"]),
        ("How many pipes were repaired, and who repaired them?", ["count:pipes", "person"]),
    ],
)
def test_a_when_or_who_inside_another_question_asks_nothing(question, kinds):
    assert sorted(asked_kinds(question)) == sorted(kinds)


@pytest.mark.slow
def test_english_questions_of_an_english_document_are_answered_from_it(tmp_path, embedder):
    engine = english_corpus(tmp_path, embedder)
    for question, says in (
        ("How are leaks found?", "acoustic sensors"),
        ("When was the Northgate plant rebuilt?", "2019"),
        ("How much is the average water bill?", "412 pounds"),
        ("Which reservoirs does the authority use?", "Greywell"),
    ):
        answer = engine.ask(question, k=3)
        assert answer.status == "answered", (question, answer.status, answer.reason)
        assert says in answer.passages[0].chunk.text, question
    for question in ("What is the capital of France?", "Who won the 2018 World Cup?"):
        assert engine.ask(question, k=3).status == "not_covered", question
    # a Japanese question whose noun the text writes inflected ("leak": "leaking", "Leaks")
    answer = engine.ask("水漏れはどうやって見つけますか", k=3)
    assert answer.status == "answered" and "acoustic sensors" in answer.passages[0].chunk.text


def test_the_page_marks_english_text_as_english_and_japanese_as_japanese(tmp_path, hash_embedder, hash_engine):
    from rag.documents.metadata import DocumentMeta
    from rag.serve.ui.about import Titled, about
    from rag.serve.ui.conversation import Conversation
    from rag.serve.ui.pages import Pages
    from rag.serve.ui.render import render_conversation

    from .conftest import answer_with_status

    for engine, question, lang in (
        (english_corpus(tmp_path, hash_embedder), "How are leaks found in the pipes?", "en"),
        (hash_engine, "OSAの予算はいくらですか", "ja"),
    ):
        card = answer_with_status(engine, question)
        page = render_conversation(
            Conversation().add(question, card=card, error=None, mode="hybrid"),
            "en",
            about([Titled("t", DocumentMeta())], {}, "en"),
        )
        assert f'<blockquote lang="{lang}">' in page and f'<span class="section" lang="{lang}">' in page
        source = engine.documents()[0].source
        assert f'<div class="doc-text" lang="{lang}"' in Pages(engine).document(source, "en")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("OSAの予算は約181億円", "ja"),
        ("The museum opens at 9:30 (開館)", "en"),
        ("2019", "ja"),
        ("進化版FOIPの特徴", "ja"),
    ],
)
def test_a_text_is_japanese_when_kana_and_kanji_outnumber_latin_letters(text, lang):
    from rag.language.script import language_of_text

    assert language_of_text(text) == lang


def test_the_words_a_question_names_its_source_by_are_not_searched_for():
    """ "the briefing", "the paper", "mention": no passage answers by holding them, and an English question's
    share of words the top passage holds (an answerability signal) fell with each: "What does the briefing say
    about Taiwan?" was declined while "What does Japan say about Taiwan?" was answered."""
    from rag.search.english import question_english

    assert question_english("What does the briefing say about Taiwan?") == ("taiwan",)
    assert question_english("Does the paper mention anything about nuclear threats?") == ("nuclear", "threat")


MUSEUM = (
    "In 2027 the museum plans to lend telescopes to schools. Last year it had 12,000 visitors and ran "
    "workshops for 3,400 children. The roof was repaired between June and September."
)


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("How many telescopes will the museum lend?", ("count:telescopes",)),  # 12,000 counts visitors
        ("How many visitors did the museum have?", ()),
        ("How many kids came to the workshops?", ()),  # a JMdict sense glosses both "kids" and "children"
        ("How many people visited?", ("count:people",)),  # visitors are people, but no sense says so
        ("Who repaired the roof?", ("person",)),  # June and September are months, not names
        ("When was the roof repaired?", ()),
    ],
)
def test_a_count_in_english_text_counts_its_own_noun(question, missing):
    assert specifics.missing(question, [MUSEUM]).kinds == missing


def test_a_year_before_a_word_counts_nothing():
    held = specifics.instances("In 2027 the museum opens. It was built in 1901 and has 3 floors.")
    assert not {"count:the", "count:and"} & held
    assert {"count:floors", "date"} <= held
