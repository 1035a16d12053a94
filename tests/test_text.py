"""Tokenising, the script test and the English-to-corpus-term lexicon."""

from __future__ import annotations

import pytest

from rag.language.script import is_japanese, script_of
from rag.language.sudachi import tokenize
from rag.search.lexicon import corpus_terms, latin_words


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("ＯＳＡの予算はいくら？", ["osa", "予算", "幾ら"]),
        ("OSAの予算はいくら?", ["osa", "予算", "幾ら"]),
        ("**日米同盟**の強化", ["日米", "同盟", "強化"]),
        ("", []),
        ("。、！", []),
    ],
)
def test_tokenize_gives_normalised_content_words(text, tokens):
    assert tokenize(text) == tokens


def test_tokenize_handles_text_longer_than_sudachi_accepts():
    assert len(tokenize("外交。" * 20_000)) == 20_000


@pytest.mark.parametrize(
    "text, japanese", [("OSAとは", True), ("What is OSA?", False), ("ｶﾀｶﾅ", True), ("日本", True), ("123", False)]
)
def test_one_script_test(text, japanese):
    assert is_japanese(text) is japanese
    assert script_of(text) == ("ja" if japanese else "other")


def test_latin_words_keep_content_words_once():
    assert latin_words("What is the budget of the OSA budget in 2026?") == ["budget", "OSA"]


def test_corpus_terms_are_japanese_nouns():
    terms = corpus_terms(["OSAの予算は約181億円。日米同盟を強化する。"])
    assert {"予算", "同盟", "強化"} <= set(terms) and not {"OSA", "181", "の"} & set(terms)
