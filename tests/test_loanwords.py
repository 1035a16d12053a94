"""An English word reaches the katakana word a document coins for it when no dictionary has that word."""

from __future__ import annotations

import numpy as np
import pytest

from rag.engine import Engine
from rag.index.build import build_index
from rag.language.loanwords import loanword_index, sound_key
from rag.search.lexicon import Lexicon

from .conftest import QUIET


@pytest.mark.parametrize(
    ("english", "katakana"),
    [
        ("smartphone", "スマートフォン"),  # ph is f; the r before t is silent
        ("blockchain", "ブロックチェーン"),  # ck is k; ch is チ
        ("stakeholder", "ステークホルダー"),  # -er is a long vowel
        ("reshoring", "リショアリング"),
        ("doomscrolling", "ドゥームスクローリング"),  # ドゥ is du; a double l is one sound
    ],
)
def test_a_loanword_sounds_like_its_english_word(english, katakana):
    assert sound_key(english, english=True) == sound_key(katakana, english=False) is not None


def test_other_words_and_short_words_have_no_key_in_common():
    assert sound_key("stakeholder", english=True) != sound_key("スマートフォン", english=False)
    assert sound_key("tank", english=True) is None and sound_key("タンク", english=False) is None
    assert sound_key("リショアリング", english=True) is None and sound_key("reshoring", english=False) is None


def test_only_words_no_dictionary_glosses_are_keyed():
    index = loanword_index(["リショアリング", "スマートフォン", "供給網"], glossed={"スマートフォン": ["smartphone"]})
    assert index == {sound_key("reshoring", english=True): ["リショアリング"]}


def test_an_english_word_is_translated_to_the_coined_word_it_sounds_like():
    lexicon = Lexicon(
        ["リショアリング", "供給網"],
        np.ones((2, 2), np.float32),
        loanwords=loanword_index(["リショアリング", "供給網"], glossed={}),
    )
    found = lexicon.translate("What is reshoring?", embedder=None, known={}, match_at_least=None)
    assert found == ["リショアリング"]
    assert lexicon.sound_of("reshoring") == lexicon.sound_of("Reshorings") == "rsrng"
    assert lexicon.sound_of("rethinking") is None


def test_an_english_question_finds_the_passage_that_coins_the_word(tmp_path, hash_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "trade.md").write_text(
        "# 通商白書\n\n## 生産拠点\n\n海外の工場を国内に戻すリショアリングが広がり、部品の調達先も見直された。\n\n"
        "## 消費\n\n夜遅くまでニュースを見続けるドゥームスクローリングが若者の睡眠を削っている。\n\n"
        "## 物流\n\n港湾の混雑で輸送費が上がり、在庫を厚めに持つ企業が増えた。\n",
        encoding="utf-8",
    )
    build_index(corpus, tmp_path / "index", hash_embedder, **QUIET)
    live = Engine(index_dir=tmp_path / "index", corpus_dir=corpus, embedder=hash_embedder).live()
    for question, held in (
        ("What is reshoring?", "リショアリング"),
        ("Why is doomscrolling bad?", "ドゥームスクローリング"),
    ):
        result = live.retriever.search(question, k=3)
        assert held in result.hits[0].chunk.text
        assert sound_key(held, english=False) in result.forms.english  # the English field meets it too
