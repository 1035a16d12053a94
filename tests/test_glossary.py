"""The English glossary reads each term as the sentence uses it (JMdict offline, Sudachi's parts of speech)."""

from __future__ import annotations

from rag.answer.glossary import sentence_glosses
from rag.language.script import is_hiragana, is_kana


def glossed(sentence: str) -> dict[str, str]:
    return {g.term: g.english for g in sentence_glosses(sentence)}


def test_a_set_phrase_is_glossed_whole_in_any_spelling():
    for spelling in ("以下のとおり", "以下の通り"):
        found = glossed(f"方針は{spelling}。")
        assert "as follows" in found[spelling], found
        assert not any("avenue" in english for english in found.values())  # とおり alone is a street


def test_a_compound_is_kept_whole_with_its_english_composed():
    found = glossed("海上法執行能力の強化を支援する。")
    assert found["海上法執行能力"].startswith("maritime law enforcement"), found  # 海上法 + 法執行 share 法
    assert glossed("フィリピン沿岸警備隊の人員")["フィリピン沿岸警備隊"] == "Philippines coast guard"


def test_a_noun_gets_a_noun_sense_and_an_adjective_an_adjective_one():
    assert glossed("威圧による現状変更")["威圧"].startswith("coercion")  # not "to overpower"
    assert glossed("不透明な軍事力の拡張")["不透明"].startswith("opaque")  # not "opacity"


def test_specialised_and_unusual_senses_give_way_to_plain_ones():
    assert "monk" not in glossed("判決を執行する")["執行"]  # JMdict's Buddhist sense comes second
    assert glossed("中国の海警")["中国"] == "China"  # the abbreviation for the Chūgoku region is left out


def test_kana_is_read_as_the_word_written_in_kana():
    found = glossed("対話により平和的に解決されることを期待する")
    assert "similarity" not in found.get("により", "")  # 似寄り is read により too
    assert "こと" not in found  # grammar, not a term (and not the zither 琴)


def test_spelling_variants_are_shown_once():
    assert glossed("認知の問題")["認知"] == "acknowledgement; recognition"


def test_a_compound_with_a_part_no_dictionary_has_glosses_the_parts_it_has():
    assert glossed("ルビオ国務長官と会談した。")["国務長官"] == "Secretary of State"


def test_scripts():
    assert is_kana("フィリピン") and is_kana("こと") and not is_kana("事")
    assert is_hiragana("こと") and not is_hiragana("フィリピン")
