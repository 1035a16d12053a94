"""One validation path for questions and k: the CLI, batch files and the web API all use it."""

from __future__ import annotations

import pytest

from rag.errors import RagError
from rag.inputs import MAX_K, clean_question, printable, validate_k, validate_question


@pytest.mark.parametrize(
    "question, message",
    [
        ("", "the question is empty"),
        ("  \t\n ", "the question is empty"),
        ("\x00\x01\x02", "the question is empty"),
        ("あ" * 1001, "the question is 1,001 characters; the limit is 1,000"),
        ("😀🇯🇵🎌", "the question has no words"),
        ("？！。、…!?", "the question has no words"),
        ("OSA\udcff\udcfeの予算", "not valid text (invalid UTF-8 or a lone surrogate at character 4)"),
        ("\ud800", "not valid text"),
        (None, "the question must be text"),
        (42, "the question must be text"),
    ],
)
def test_bad_questions_are_refused_with_a_reason(question, message):
    with pytest.raises(RagError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_question(question)


@pytest.mark.parametrize(
    "question, cleaned",
    [
        ("OSAの\x00予算は\x07いくら", "OSAの 予算は いくら"),
        ("  What   is\tFOIP? ", "What is FOIP?"),
        ("あ" * 1000, "あ" * 1000),
    ],
)
def test_good_questions_are_cleaned(question, cleaned):
    assert validate_question(question) == cleaned == clean_question(question)


@pytest.mark.parametrize("k, expected", [(1, 1), (3, 3), ("5", 5), (" 7 ", 7), (4.0, 4), (MAX_K, MAX_K)])
def test_whole_numbers_in_range_are_accepted_as_k(k, expected):
    assert validate_k(k) == expected


@pytest.mark.parametrize(
    "k", [0, -1, MAX_K + 1, 2.5, float("inf"), float("-inf"), float("nan"), "x", "", "1e3", None, True, [3]]
)
def test_anything_else_is_refused_as_k(k):
    with pytest.raises(RagError, match=f"k must be a whole number between 1 and {MAX_K}"):
        validate_k(k)


def test_refused_text_can_still_be_printed():
    assert printable("a\ud800b") == "a?b"
    assert printable("普通の質問") == "普通の質問"
    assert printable(None) is None
