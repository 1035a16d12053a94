"""Follow-ups: which questions lean on the turn before, how they are searched and shown; the terms
(focus, topic, numbers) read from a question with Sudachi."""

from __future__ import annotations

import pytest

from rag.answer.followup import MIN_STANDALONE_TERMS, Reading, leans_on_previous, read, topic_of
from rag.language.terms import content_terms, focus_terms, numbers, topic_phrase


@pytest.mark.parametrize(
    "question",
    [
        "それは何年から続いていますか",
        "その予算は？",
        "この方針はいつからですか",
        "同国との関係はどうなっていますか",
        "予算は？",
        "いつから？",
        "What is its budget?",
        "When did it start?",
        "Do they include Iran?",
    ],
)
def test_questions_that_lean_on_the_previous_turn(question):
    assert leans_on_previous(question)


@pytest.mark.parametrize(
    "question",
    [
        "フィリピン沿岸警備隊への支援で人員はどう変わりましたか",
        "日米同盟の位置付けは",  # 同 inside 同盟 is not 「同国」
        "同志国との安全保障協力の内容は",
        "OSAではこれまで何か国に何件の案件が決まりましたか",  # これまで after a content word
        "マーラーは長女を亡くしたが、その長女の名前は？",  # その points inside the question
        "これまで政府開発援助は安全保障面でどんな役割を果たしてきましたか",  # これまで: "so far"
        "『その女アレックス』は何万部売れた？",  # a title, not an anaphor
        "OSAとは",  # short, but names its subject
        "What is FOIP?",
        "How does North Korea fund its nuclear and missile programs?",
    ],
)
def test_questions_that_stand_alone(question):
    assert not leans_on_previous(question)


def test_too_short_is_a_count_of_content_terms():
    assert len(content_terms("予算は？")) < MIN_STANDALONE_TERMS <= len(content_terms("OSAの予算は？"))


def test_the_pcg_chain_is_searched_with_the_first_question_and_shown_as_read():
    first = read("フィリピン沿岸警備隊への支援について教えて", None)
    assert first == Reading("フィリピン沿岸警備隊への支援について教えて", "フィリピン沿岸警備隊への支援について教えて")
    second = read("それは何年から続いていますか", first)
    assert second.topic == "フィリピン沿岸警備隊への支援"
    assert second.query == "フィリピン沿岸警備隊への支援 それは何年から続いていますか"
    assert second.shown == "(フィリピン沿岸警備隊への支援について) それは何年から続いていますか"


def test_the_issue_example_reads_as_written():
    assert read("その予算は？", read("OSAとは何ですか", None)).shown == "(OSAについて) その予算は？"
    assert read("What is its budget?", read("What is OSA?", None)).shown == "(about OSA) What is its budget?"


def test_a_chain_keeps_its_topic_and_a_new_question_starts_a_new_one():
    chain = read("いつ始まりましたか", read("その予算は？", read("OSAとは何ですか", None)))
    assert chain.topic == "OSA"
    fresh = read("中国とはどのような関係を築く方針ですか", chain)
    assert fresh.topic is None and fresh.query == fresh.question


def test_without_a_previous_turn_nothing_is_added():
    assert read("それは何年から続いていますか", None).topic is None


@pytest.mark.parametrize(
    "question, topic",
    [
        ("フィリピン沿岸警備隊への支援について教えて", "フィリピン沿岸警備隊への支援"),
        ("OSAとは何ですか", "OSA"),
        ("中国とはどのような関係を築く方針ですか", "中国"),
        ("なぜ重要なのですか", "なぜ重要なのですか"),  # no opening noun: the question itself
        ("What is the OSA budget?", "OSA budget"),
    ],
)
def test_topic_of_a_question(question, topic):
    assert topic_of(question) == topic


@pytest.mark.parametrize(
    "question, focus",
    [
        ("フィリピン沿岸警備隊への支援で人員はどう変わりましたか", {"人員"}),
        ("どの国と連携していますか", {"国"}),
        ("OSAの予算は？", {"予算"}),
        ("What is the OSA budget?", set()),  # Japanese grammar only
    ],
)
def test_focus_is_the_noun_the_question_asks_about(question, focus):
    assert focus_terms(question) == focus


def test_numbers_and_topic_phrase():
    assert numbers("令和8(2026)年度（予算約１８１億円）") == {"8", "2026", "181"}
    assert topic_phrase("それは何年から続いていますか") == ""
