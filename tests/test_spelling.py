"""A katakana word typed a little wrong is read as the corpus's own word; a real word never is."""

from __future__ import annotations

from rag.search.spelling import NearSpellings, loose_key

CORPUS_WORDS = ["カピバラ", "パス", "チェーン", "ボストン", "ポストン", "アマゾン", "OSA", "港湾"]


def test_a_voicing_mark_or_a_small_kana_typed_wrong_is_respelled():
    near = NearSpellings(CORPUS_WORDS)
    assert near.rewrite("カヒバラの生息地は").text == "カピバラの生息地は"
    assert near.rewrite("カピハラ").replaced == (("カピハラ", "カピバラ"),)
    assert near.rewrite("ドラッグチエーン").text == "ドラッグチエーン"  # the run as a whole is no corpus word
    assert near.rewrite("チエーン店").text == "チェーン店"


def test_a_real_word_or_the_corpus_spelling_is_left_as_typed():
    near = NearSpellings(CORPUS_WORDS)
    assert near.rewrite("バスで行く").replaced == ()  # バス is a word (JMdict), not a misspelt パス
    assert near.rewrite("カピバラ").replaced == ()


def test_two_corpus_words_with_one_loose_key_respell_to_neither():
    near = NearSpellings(CORPUS_WORDS)
    assert loose_key("ボストン") == loose_key("ポストン")
    assert near.rewrite("ホストン").replaced == ()
    assert NearSpellings(["ボストン"]).rewrite("ホストン").text == "ボストン"  # alone, it would be


def test_short_runs_are_not_guessed():
    assert NearSpellings(["ガザ"]).rewrite("カザ").replaced == ()  # two kana match too much
