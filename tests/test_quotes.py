"""What may be quoted: whole sentences with words in them, slide numbers never, and for a question that
names a year only sentences about that year (or about none)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.answer.sentences import quotable
from rag.documents.chunking import chunk_document
from rag.documents.corpus import Document
from rag.documents.slide_numbers import slide_at, slide_markers

DECK = (
    "OSAの説明\n\nOSAの現状\n\n- 令和7(2025)年度の予算は約80億円。\n- 令和8(2026)年度の予算は約181億円。\n"
    "- 対象国を拡大する。\n12\n\n次の話題\n\n- 海洋安全保障を優先する。**\n13\n\n最後\n\n- 連携を強化。\n14\n"
)


@pytest.mark.parametrize(
    "text, ok", [("**", False), ("25", False), (" 12 ", False), ("・", False), ("予算は約181億円。", True)]
)
def test_markup_and_slide_numbers_are_never_quotable(text, ok):
    assert quotable(text) is ok


def test_slide_numbers_are_in_passages_but_in_no_sentence():
    doc = Document("deck.txt", DECK, "x")
    chunks = chunk_document(doc)
    sentences = [DECK[a:b] for c in chunks for a, b in c.sentences]
    assert not any(s.strip().isdigit() or s.rstrip().endswith(("12", "13", "14")) for s in sentences), sentences
    assert "- 海洋安全保障を優先する。**" in sentences  # the closing ** stays with its sentence
    lines = {line for c in chunks for line in c.text.splitlines()}
    assert {"12", "13", "14"} <= lines  # still in the passages, so still cited


def test_slide_numbers_say_which_slide_a_passage_is_on():
    markers = slide_markers(DECK)
    assert [n for _, n in markers] == [12, 13, 14]
    assert slide_at(markers, DECK.index("対象国")) == 12
    assert slide_at(markers, DECK.index("海洋")) == 13
    assert slide_at(markers, len(DECK) - 1) is None


@pytest.mark.parametrize("text", ["a\n3\nb\n2\nc\n1\n", "a\n12\nb\n13\n"])  # falling, or too few to be a numbering
def test_numbers_that_do_not_count_up_are_no_slides(text):
    assert slide_markers(text) == ()


def _picker_scores(hash_engine, question: str, needle: str):
    live = hash_engine.live()
    row = next(i for i, c in enumerate(live.retriever.index.chunks) if needle in c.text)
    zero = live.retriever.embedder.encode_queries(["x"])[0] * 0  # only the bonuses and the masks count
    chunk = live.retriever.index.chunks[row]
    texts = [chunk.text[s - chunk.start : e - chunk.start] for s, e in live.picker.sentences(row)]
    return live.picker, row, live.picker.scores(row, zero, question), texts


def test_a_year_in_the_question_keeps_other_years_out_of_the_quote(hash_engine):
    picker, row, scores, texts = _picker_scores(hash_engine, "OSAの令和8年度の予算は？", "予算約181億円")
    quoted = [texts[picker.sentences(row).index(span)] for span in picker.pick(scores, row)]
    assert quoted and all("令和8" in q or "2026" in q for q in quoted), quoted
    assert all(not np.isfinite(s) for s, t in zip(scores, texts, strict=True) if "令和7" in t or "令和5" in t)


def test_a_year_the_passage_never_names_quotes_nothing(hash_engine):
    picker, row, scores, _ = _picker_scores(hash_engine, "OSAの令和9年度の予算は？", "予算約181億円")
    assert picker.pick(scores, row) == ()


def test_without_a_year_every_sentence_with_words_may_be_quoted(hash_engine):
    _, _, scores, texts = _picker_scores(hash_engine, "OSAの予算は？", "予算約181億円")
    assert all(np.isfinite(s) == quotable(t) for s, t in zip(scores, texts, strict=True))


@pytest.mark.parametrize(
    "text, said",
    [
        ("令和8(2026)年度(予算約181億円)", [("令和8(2026)年度", "FY2026"), ("約181億円", "about ¥18.1 billion")]),
        ("令和5(2023)年のOSA創設", [("令和5(2023)年", "2023")]),
        ("予算20億円、約1兆2,000億円", [("20億円", "¥2 billion"), ("約1兆2,000億円", "about ¥1.2 trillion")]),
        ("平成元年度に5000円", [("平成元年度", "FY1989"), ("5000円", "¥5,000")]),
        ("円滑な協力", []),
    ],
)
def test_figures_are_said_for_english_readers(text, said):
    from rag.answer.figures import figures

    assert figures(text) == said
