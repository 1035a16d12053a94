"""The short answer line: the span of quote [1] that is the figure, date, name or count asked for (issue 20).

Fast tests read spans with Sudachi only; the slow ones check, on the real corpus and model, that the
line is the document's own text at its offsets."""

from __future__ import annotations

import json

import pytest

from rag.answer.answer_line import line, spans
from rag.answer.figures import count_in_english

from .conftest import ROOT, answer_with_status

OSA_FY2026 = "- 令和8(2026)年度(予算約181億円)の案件形成の方針は以下のとおり。"
OSA_SO_FAR = "- 令和5(2023)年のOSA創設後、これまでに11か国に対し16案件(計約150億円)を決定。"
PCG = "PCGの人員は4千人から約3万人に増加。"


@pytest.mark.parametrize(
    "question, quote, expected",
    [
        ("OSAの令和8年度の予算はいくらですか", OSA_FY2026, "約181億円"),  # not the year the question names
        ("PCGの人員は何人ですか", PCG, "約3万人"),  # 4千人 is where it started (から), not the answer
        ("OSAは何件決定しましたか", OSA_SO_FAR, "16案件"),  # 何件: a count of 件, not 11か国
        ("OSAはいつ創設されましたか", OSA_SO_FAR, "令和5(2023)年"),
        ("外務大臣は誰ですか", "茂木外務大臣が2025年10月21日に就任。", "茂木外務大臣"),
        ("When did he take office?", "茂木外務大臣が2025年10月21日に就任。", "2025年10月21日"),
        ("OSAとは何ですか", OSA_SO_FAR, None),  # asks what, not a figure
        ("なぜOSAが必要なのですか", OSA_SO_FAR, None),  # asks why
        ("OSAは何人ですか", OSA_FY2026, None),  # asks a count; the quote holds an amount and a year only
        ("OSAの令和8年度はいつですか", OSA_FY2026, None),  # the only year is the one the question names
        ("首都の年平均気温は", "首都の年平均気温は25℃である。", "25℃"),  # a measure with its unit symbol
        ("How warm is it on average?", "年平均気温は25°Cである。", None),  # no measure asked in English
        ("山の標高はどれくらい", "最高峰は標高2,351メートル。", "2,351メートル"),
        ("この魚は主にいつ移動しますか", "稚魚は日中に、この魚は主に夜間移動する。", "夜間"),  # a time of day
        ("会員数は？", "会員数は2025年度末で約1万5千人となった。", "約1万5千人"),  # 年度末 ends a date, counts nothing
        ("成長率は何%でしたか", "成長率は前年比3.2%増であった。", "3.2%"),  # read as a count of パーセント
        ("路面電車はいつ広まった？", "路面電車は19世紀末に広まり、20世紀半ばに廃れた。", "19世紀末"),
        # a katakana name Sudachi does not know
        ("声明を読んだのは協会の誰か", "地質学協会のラリー・ネイションが声明を読んだ。", "ラリー・ネイション"),
    ],
)
def test_the_line_is_the_asked_kind_in_the_quote(question, quote, expected):
    span = line(question, quote)
    assert (quote[span.start : span.end] if span else None) == expected


HALL = "The hall was rebuilt between April and August 2021 for 2.4 million euros; it has 40 staff and 900 seats."


@pytest.mark.parametrize(
    "question, quote, expected",
    [
        ("How many seats does the hall have?", HALL, "900 seats"),  # the count of what is asked, not 40 staff
        ("How many staff work there?", HALL, "40 staff"),
        ("When was the hall rebuilt?", HALL, "between April and August 2021"),
        ("How much did the rebuilding cost?", HALL, "2.4 million euros"),
        ("Who leads the museum?", "The museum is led by Anna Berg, its director since May 2020.", "Anna Berg"),
        (
            "When will the line be finished?",
            "The line, with five stations, began in 2024 and is due to finish in 2028.",
            "2028",
        ),
    ],
)
def test_english_text_has_its_figures_dates_and_names_as_words(question, quote, expected):
    span = line(question, quote)
    assert (quote[span.start : span.end] if span else None) == expected


ENTRANTS = "大会には男子は12人、女子は15人が出場した。"


@pytest.mark.parametrize(
    "question, quote, expected",
    [
        ("選手は何人出場しましたか", ENTRANTS, "男子は12人、女子は15人"),  # a count in parts: all of them
        ("女子は何人出場しましたか", ENTRANTS, "15人"),  # the part the question names
        ("部員は2004年に何人", "部員は2004年に14人、2005年17人と増えた。", "14人"),  # a year names a part too
        ("候補は何人か", "37人の候補を擁立、4人が当選した。", "37人"),  # not a list: more follows the figure
        ("人口は何人か", "人口は10億人ほどであったが、中国13億人が加わる。", "10億人"),  # a verb: clauses
    ],
)
def test_a_count_given_in_parts_is_quoted_whole_unless_one_part_is_asked(question, quote, expected):
    span = line(question, quote)
    assert quote[span.start : span.end] == expected


@pytest.mark.parametrize(
    "written, counter, english",
    [
        ("約1.5万人", "人", "about 15,000 people"),  # 万 read, 約 said
        ("1か国", "か国", "1 country"),  # one, in the singular
        ("40隻以上", "隻", "40 ships or more"),  # the main counter sense, not its parenthesis
        ("2,500件", "件", ""),  # 件's first counter sense names no one noun: no English for a plain number
        ("約1.2億人", "人", "about 120 million people"),
        ("3回目", "回", ""),  # an ordinal: not read, so not said wrongly
        ("25", "度", ""),  # 25℃ answers 何度 by its symbol: 度 here is no "occurrences"
    ],
)
def test_a_count_is_said_in_english_with_what_it_counts(written, counter, english):
    assert count_in_english(written, counter) == english


def test_a_named_year_picks_the_figure_in_its_own_clause():
    quote = "令和7年度は予算約100億円、令和8(2026)年度は予算約181億円。"
    for year, amount in (("令和7年度", "約100億円"), ("令和8年度", "約181億円")):
        span = line(f"OSAの{year}の予算はいくらですか", quote)
        assert quote[span.start : span.end] == amount


@pytest.mark.parametrize(
    ("question", "expected"), [("新庁舎が完成したのはいつ？", "2021年9月"), ("新庁舎はいつ着工しましたか", "2019年4月")]
)
def test_of_two_dates_the_one_in_the_clause_of_the_questions_verb(question, expected):
    quote = "新庁舎は2019年4月に着工し、2021年9月に完成した。"
    span = line(question, quote)
    assert span is not None and quote[span.start : span.end] == expected


def test_a_date_is_said_of_the_clauses_up_to_the_next_date():
    quote = "1903年には、兄弟の複葉機が初めて飛び、1927年には、大西洋を単独で無着陸横断する飛行が成し遂げられた。"
    span = line("大西洋の単独無着陸横断が成し遂げられたのは何年？", quote)
    assert span is not None and quote[span.start : span.end] == "1927年"


def test_a_name_the_question_says_is_no_answer_nor_a_piece_of_a_longer_name():
    quote = "- 米国は、世界最大の総合的な国力を有する、唯一の同盟国。"
    assert line("アメリカはどの国と同盟していますか", quote) is not None  # 米国: another country than asked
    same = {"アメリカ": ["米国"]}
    assert line("アメリカはどの国と同盟していますか", quote, synonyms=lambda n: same.get(n, [])) is None
    assert line("拠点はどこですか", "在外公館、国際交流基金、ジャパン・ハウスを拠点とする。") is None  # not ジャパン
    assert line("パラオの空港はどこですか", "中部太平洋に位置するパラオの国際空港。") is None  # not 太平洋


def test_english_text_gives_no_name_sudachi_invents():
    text = "All water passes through sand filters at the Northgate plant."  # "sand" is no person; Northgate a name
    assert [(text[s.start : s.end], s.kind) for s in spans(text)] == [("Northgate", "name")]
    text = "ブラザヴィル（Brazzaville）はコンゴ共和国の首都。"  # in Japanese text its Latin names stand
    assert ("Brazzaville", "place") in [(text[s.start : s.end], s.kind) for s in spans(text)]


def test_spans_are_offsets_into_the_text_as_written():
    text = "会談は２０２５年１０月２１日、予算は約１８１億円。"  # full-width digits: NFKC folds them, offsets hold
    found = [(text[s.start : s.end], s.kind) for s in spans(text)]
    assert found == [("２０２５年１０月２１日", "date"), ("約１８１億円", "amount")]
    text = "気温は25℃、湿度は80%。"  # ℃ becomes °C: a span ending inside it takes the whole character
    assert [text[s.start : s.end] for s in spans(text)] == ["25℃", "80%"]


def test_the_card_carries_the_line_only_when_answered(hash_engine):
    question = "OSAの令和8年度の予算はいくらですか"
    answered = answer_with_status(hash_engine, question, "answered", k=5)
    partial = answer_with_status(hash_engine, question, "partial", missing=("対象国",), k=5)
    assert partial.card_json()["short_answer"] is None and partial.short is None
    short = answered.short
    if short is None:  # the hash embedder's quote may hold no amount: then nothing is claimed
        assert answered.card_json()["short_answer"] is None
        return
    assert short.kind == "amount"
    assert hash_engine.document_text(short.source)[short.start : short.end] == short.text
    first = answered.quotes[0]
    assert first.start <= short.start < short.end <= first.end
    assert answered.card_json()["short_answer"] == answered.to_json()["short_answer"] == short.to_json()
    assert f"答え: {short.text}" in answered.to_text().split("\n[1]")[0]  # above the passages


@pytest.mark.slow
@pytest.mark.parametrize(
    "question, expected, english",
    [
        ("OSAの令和8年度の予算はいくらですか", "約181億円", "about ¥18.1 billion"),
        ("PCGの人員は何人ですか", "約3万人", "about 30,000 people"),
    ],
)
def test_real_corpus_lines(engine, question, expected, english):
    answer = engine.ask(question)
    assert answer.status == "answered" and answer.short is not None
    data = answer.card_json()["short_answer"]
    assert data["text"] == expected and data["english"] == english
    assert engine.document_text(data["source"])[data["start"] : data["end"]] == expected
    assert answer.to_text().lstrip().startswith(f"答え: {expected}")


@pytest.mark.slow
@pytest.mark.parametrize("question", ["OSAとは何ですか", "なぜ経済安全保障が重要なのですか"])
def test_real_corpus_no_line_for_what_or_why(engine, question):
    answer = engine.ask(question)
    assert answer.short is None and answer.card_json()["short_answer"] is None


@pytest.mark.slow
def test_every_dev_line_is_the_documents_text_at_its_offsets(engine):
    """Over the dev set: each line is an exact span of its document, inside quote [1], only when answered."""
    lines = 0
    for row in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        answer = engine.ask(json.loads(row)["question"])
        short = answer.short
        if short is None:
            continue
        lines += 1
        assert answer.status == "answered"
        assert engine.document_text(short.source)[short.start : short.end] == short.text
        first = answer.quotes[0]
        assert short.source == first.source and first.start <= short.start < short.end <= first.end
    assert lines >= 10  # the set has dozens of figure questions; a handful would mean the line broke


def test_a_name_an_english_question_says_is_no_answer_as_the_documents_write_it():
    """ "Which city near the Palau airport…?": パラオ is the question's own name, written as the documents do."""
    quote = "パラオの玄関口であるコロール近郊の国際空港を支援。"
    question = "Which city is near the airport Japan supports in Palau?"
    assert line(question, quote) is None  # two places, パラオ among them: unsure which
    span = line(question, quote, said=("パラオ",))
    assert span is not None and quote[span.start : span.end] == "コロール"
