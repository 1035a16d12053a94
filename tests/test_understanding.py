"""Reading questions as people type them: kana respelled by reading, English through JMdict, and
what a question asks for that the passages do not hold (the 'partial' status)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from rag.answer import specifics as coverage
from rag.language.jmdict import english_words, gloss_phrases, glosses
from rag.language.terms import content_nouns, proper_nouns, telling_nouns
from rag.search.lexicon import Lexicon, gloss_index
from rag.search.readings import ReadingIndex, corpus_readings, latin_reading, reading_key

from .conftest import BRIEFING


@pytest.fixture(scope="module")
def readings():
    return ReadingIndex(corpus_readings([BRIEFING.read_text(encoding="utf-8")]))


@pytest.mark.parametrize(
    "typed, key",
    [
        ("おーえすえー", "オウエスエイ"),
        ("オーエスエー", "オウエスエイ"),
        ("ほっぽう", "ホツポウ"),
        ("ホッポー", "ホツポウ"),
        ("ふぃりぴん", "フイリピン"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("ゔぁ", "ブア"),
    ],
)
def test_reading_keys_forgive_how_people_type(typed, key):
    assert reading_key(typed) == key


def test_acronyms_are_read_letter_by_letter():
    assert latin_reading("OSA") == "オーエスエー" and latin_reading("FOIP") == "エフオーアイピー"
    assert latin_reading("Japan") is None and latin_reading("A") is None


@pytest.mark.parametrize(
    "question, respelled",
    [
        ("ほっぽうりょうどのもんだいってどうするつもり？", "北方領土の問題ってどうするつもり？"),
        ("おーえすえーのれいわ8ねんどのよさんっていくら", "OSAの令和8年度の予算っていくら"),
        ("ふぃりぴんのえんがんけいびたいのひと、どんだけふえたの", "フィリピンの沿岸警備隊のひと、どんだけふえたの"),
        ("いらんとでんわで何回はなしたの", "イランと電話で何回はなしたの"),
    ],
)
def test_kana_words_are_respelled_as_the_corpus_spells_them(readings, question, respelled):
    assert readings.rewrite(question).text == respelled


@pytest.mark.parametrize(
    "question",
    [
        "関係が冷え込む中でもロシアとの関係をどうしていきますか",  # どうし is not 同志
        "技術が流出しないようにするための取組は何ですか",  # ないよう is not 内容
        "北朝鮮のかくミサイルってどうしてほしいの",
        "OSAの予算はいくらですか",
        "機関紙に論文を掲載したのはいつか",  # ordinary text: its kana are grammar (いつか is not 一家)
        "ドミニカ人が常飲している飲み物を何と言う？",  # している is not 指定
        "コンゴ共和国の首都は",  # a katakana name in ordinary text stays (not 今後)
    ],
)
def test_grammar_in_kana_is_left_alone(readings, question):
    assert readings.rewrite(question).text == question


def test_english_words_are_stemmed_alike_in_questions_and_glosses():
    assert english_words("Japan's patrol boats") == ("japan", "patrol", "boat")
    assert gloss_phrases("the Northern Territories") == ("northern", "territory")
    assert gloss_phrases("Southern Kuril Islands (held by Russia, claimed by Japan)") == ("southern", "kuril", "island")
    assert gloss_phrases("after an inflectable word, creates a noun phrase indicating something") is None


def test_jmdict_glosses_the_corpus_terms():
    found = glosses(["予算", "平和条約", "ホルムズ海峡", "存在しない語"])
    assert "budget" in found["予算"] and "peace treaty" in found["平和条約"]
    assert "Strait of Hormuz" in found["ホルムズ海峡"] and "存在しない語" not in found


class _Table:
    """A stand-in embedder: each text's vector is looked up."""

    def __init__(self, table):
        self.table = table

    def encode_queries(self, texts):
        return np.array([self.table[t] for t in texts], np.float32)


def _lexicon():
    terms = ["予算", "平和条約", "安全", "警備", "質", "捕鯨"]
    vectors = np.eye(len(terms), dtype=np.float32)
    index = gloss_index(
        {
            "予算": ["budget"],
            "平和条約": ["peace treaty"],
            "安全": ["security"],
            "警備": ["security"],
            "質": ["security", "quality"],
            "捕鯨": ["whaling"],
        }
    )
    return Lexicon(terms, vectors, glosses=index)


def test_dictionary_phrases_come_first_and_many_senses_are_narrowed():
    embedder = _Table(
        {"budget": [1, 0, 0, 0, 0, 0], "peace treaty": [0, 1, 0, 0, 0, 0], "security": [0, 0, 0.9, 0.4, 0.1, 0]}
    )
    found = _lexicon().translate(
        "What OSA budget for the peace treaty and security?", embedder, {"osa": 0}, match_at_least=None, senses=2
    )
    assert found == ["予算", "平和条約", "安全", "警備"]  # 質 is the third sense of "security"; OSA is known


def test_words_without_a_gloss_need_a_close_embedding_match():
    embedder = _Table({"budget": [1, 0, 0, 0, 0, 0], "sashimi": [0.5, 0.5, 0.5, 0.5, 0, 0]})
    lexicon = _lexicon()
    assert lexicon.translate("budget sashimi", embedder, {}, match_at_least=0.9) == ["予算"]
    assert lexicon.translate("budget sashimi", embedder, {}, match_at_least=0.4) == ["予算"]  # found once


def test_a_japanese_name_an_english_document_writes_in_english_is_known():
    """東京 is "Tokyo" in JMdict; a corpus whose documents write tokyo mentions it. A gloss of several
    words is not matched word by word (気団 "air mass" is not held by a stray "air" and "mass")."""
    lexicon = Lexicon(["地下鉄"], np.ones((1, 2), np.float32), glosses={})
    english_corpus = {"tokyo": 0, "subway": 1, "air": 2, "mass": 3}
    assert lexicon.unknown_names(["東京", "南極", "気団"], english_corpus) == ["南極", "気団"]
    assert lexicon.unknown_names(["東京"], {"osa": 0}) == ["東京"]
    assert lexicon.unknown_names(["貯水池", "南極"], {"reservoirs": 0}) == ["南極"]  # "reservoir", inflected


def test_english_names_are_read_as_the_corpus_writes_them():
    lexicon = Lexicon(
        ["尖閣", "パラオ", "国際", "日本", "ジャパン"],
        np.ones((5, 2), np.float32),
        glosses={
            ("senkaku",): ["尖閣"],
            ("palau",): ["パラオ"],
            ("international",): ["国際"],
            ("japan",): ["ジャパン", "日本"],
        },
    )
    found = lexicon.english_names("How many ships entered the waters near the Senkaku Islands? Which Japan?")
    assert found == [("Senkaku", ["尖閣"]), ("Japan", ["ジャパン", "日本"])]  # "Which" alone is no name
    assert lexicon.english_names("When did Japan begin supporting Palau International Airport?") == [
        ("Japan", ["ジャパン", "日本"]),
        ("Palau", ["パラオ"]),  # 国際 is a common noun: "International" names nothing to check
    ]
    assert lexicon.english_names("what about the pacific islands?") == []  # no capitals, no names


def test_a_name_written_as_common_nouns_is_found_by_its_capitalised_gloss():
    """国際交流基金 is 国際 + 交流 + 基金 to Sudachi, no proper noun; JMdict glosses the run "Japan Foundation". Only a
    gloss whose words are all capitalised is a name: 日本政府 "Japanese government" is not."""
    from rag.search.lexicon import compound_names, corpus_nouns

    _, runs = corpus_nouns(["国際交流基金は文化事業を支える。国際海事機関とも連携する。日本政府の方針である。"])
    names = compound_names(runs)
    assert names[("japan", "foundation")] == ["国際交流基金"]
    assert names[("international", "maritime", "organization")] == ["国際海事機関"]
    assert ("japanese", "government") not in names
    lexicon = Lexicon(["日本"], np.ones((1, 2), np.float32), glosses={("japan",): ["日本"]}, names=names)
    assert lexicon.english_names("Who leads the Japan Foundation?") == [("Japan Foundation", ["国際交流基金"])]


def test_an_acronym_is_a_name_not_the_function_word_spelled_alike():
    lexicon = Lexicon(["米国", "日本"], np.ones((2, 2), np.float32), glosses={("us",): ["米国"], ("japan",): ["日本"]})
    assert lexicon.english_names("What does the US want from Japan?") == [("US", ["米国"]), ("Japan", ["日本"])]
    assert lexicon.english_names("Can you tell us about Japan?") == [("Japan", ["日本"])]  # "us" in lower case


def test_a_lexicon_survives_save_and_load(tmp_path):
    lexicon = Lexicon(
        ["予算"],
        np.ones((1, 2), np.float32),
        glosses={("budget",): ["予算"]},
        readings={"ヨサン": "予算"},
        names={("japan", "foundation"): ["国際交流基金"]},
    )
    lexicon.save(tmp_path / "lexicon.npz")
    back = Lexicon.load(tmp_path / "lexicon.npz")
    assert back.terms == ["予算"] and back.glosses == {("budget",): ["予算"]}
    assert back.names == {("japan", "foundation"): ["国際交流基金"]}
    assert back.readings.rewrite("よさんは").text == "予算は"


OSA = "令和5(2023)年のOSA創設後、これまでに11か国に対し16案件(計約150億円)を決定。令和8(2026)年度(予算約181億円)。"
PALAU = "中部太平洋の戦略的要衝に位置するパラオの玄関口である同国唯一の国際空港のターミナル拡張・運営等を支援。"


def absent(question: str, evidence: str, **kw) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = coverage.missing(question, [evidence], names=proper_nouns(question), **kw)
    return found.terms, found.kinds


@pytest.mark.parametrize(
    "question, evidence, terms, kinds",
    [
        ("OSAの令和9年度の予算はいくらですか", OSA, ("令和9年度",), ()),
        ("OSAの2027年度の予算は", OSA, ("2027年度",), ()),
        ("OSAの令和8年度の予算はいくらですか", OSA, (), ()),
        ("2026年度のOSAの予算はいくらですか", OSA, (), ()),  # 2026 = 令和8, written (2026)
        ("OSAはこれまで何か国に何件決まりましたか", OSA, (), ()),
        ("パラオ国際空港への支援額はいくらでしたか", PALAU, (), ("amount",)),
        ("パラオ国際空港の拡張はいつ完成しますか", PALAU, (), ("date",)),
        ("パラオ国際空港の年間の利用者数は何人ですか", PALAU, (), ("count:人",)),
        ("パラオの空港にはどんな支援をしていますか", PALAU, (), ()),
        ("GCCへの支援はいくらですか", OSA, ("GCC",), ()),
        ("What is the OSA budget for fiscal year 2027?", OSA, ("2027",), ()),
        ("When will the airport in Palau be finished?", PALAU, (), ("date",)),
        # text no one tuned on: any era, any currency, any counter, a topic word that asks nothing
        ("大正12年に起きた地震は", "1923年の関東大震災では多くの建物が倒壊した。", (), ()),
        ("明治元年に何が始まりましたか", "1868年、新しい政府が発足した。", (), ()),
        ("予算委員会の委員長は誰ですか", "予算委員会は本日、予算案の審議を始めた。", (), ("person",)),
        ("予算委員会の委員長は誰ですか", "予算委員会の山田太郎委員長は審議の開始を告げた。", (), ()),
        ("建設費はいくらでしたか", "新しい競技場の建設には約8000万ポンドが投じられた。", (), ()),
        ("建設費はいくらでしたか", "新しい競技場は市の中心部に建設された。", (), ("amount",)),
        ("スタジアムの座席はいくつありますか", "スタジアムは55000席を備える。", (), ()),
        (
            "巡視船は何隻供与されましたか",
            "人員は4千人から約3万人に増加した。",
            (),
            ("count:隻",),
        ),  # a count of other things
        ("何件の案件が決まりましたか", "16案件を決定。", (), ()),
        ("How much did the bridge cost?", "The bridge cost 2.5 million rupees.", (), ()),
        ("実現していくつもりの政策は何ですか", "政策を段階的に実現する。", (), ()),  # いくつもり asks no count
        # an English date is found as the documents write it
        ("How many views did the post have as of May 10?", "4月25日時点の閲覧数:約215万回", ("May 10",), ()),
        ("How many views did the post have on 25th April?", "4月25日時点の閲覧数:約215万回", (), ()),
        ("Which Japanese company built the port?", "港の拡張を支援した。", (), ("company",)),
        ("市長の名前は", "市は新しい条例を定めた。", (), ("person",)),  # the name of someone: a person
        ("市長の名前は", "山田太郎市長は条例を定めた。", (), ()),
        # a counter however it is spelled (か所, ヶ所), an ordinal 目, and 何人 read as "which people"
        ("灯台は全国に何か所ありますか", "灯台は全国に約3,000ヶ所ある。", (), ()),
        ("灯台は全国に何か所ありますか", "灯台は全国に設置されている。", (), ("count:か所",)),
        ("この店の主人は何代目ですか", "現在の主人は五代目にあたる。", (), ()),
        ("最初に島に来たのは何人ですか", "最初に島に来たのはスペイン人だった。", (), ()),
        ("工場の職員は何人ですか", "工場ではベトナム人職員が働いている。", (), ("count:人",)),  # which staff
        ("在留ブラジル人は何人ですか", "在留ブラジル人が多い町だ。", (), ("count:人",)),  # the question's own
        # 何川 is a surname to Sudachi; here it asks which river, so it is no name the text lacks
        ("2010年に保護区になったのは何川流域か", "2010年、ニジェール川流域が保護区に指定された。", (), ()),
        # a role is no answer to who: in a briefing every passage names some (首脳, 外相); a name is
        ("誰が式典を主催しましたか", "式典は市長が主催した。", (), ("person",)),
        ("この町の町長は誰ですか", "式典には山田太郎町長も出席した。", (), ()),
        # nor is a katakana phrase joined by ・ a person's name (グローバル・サウス, ジャパン・ハウス)
        ("声明を出したのは誰ですか", "グローバル・サウスの国々が声明を出した。", (), ("person",)),
        # counters for the same thing
        ("大会は何回開かれましたか", "大会はこれまでに3度開かれた。", (), ()),
        ("大会は何回開かれましたか", "大会は一回限りで終わった。", (), ()),
        ("大会は何回開かれましたか", "大会には3か国が参加した。", (), ("count:回",)),
        # どこから asks for a source of any kind, not a place
        ("その成分はどこから作られますか", "その成分は大豆から作られる。", (), ()),
        ("その事業の費用はどこから出ていますか", "その事業は寄付で賄われている。", (), ()),  # not an amount
        ("その会議はどこで開かれましたか", "その会議は大豆の価格を議論した。", (), ("place",)),
        # what the evidence puts in parentheses after the question's words is said by the question too
        ("その探査機はどこのメーカー製ですか", "探査機(NOVA)は昨年打ち上げられた。", (), ("company",)),
        ("その探査機はどこのメーカー製ですか", "探査機は大和重工が製造した。", (), ()),
        ("NOVAはどこのメーカー製ですか", "NOVAは大和重工が製造した。", (), ()),
        # a name given with another in parentheses is held by either
        ("欧州連合（EU）はいつ発足しましたか", "EUは1993年に発足した。", (), ()),
        ("EU（欧州連合）はいつ発足しましたか", "欧州連合は1993年に発足した。", (), ()),
        ("欧州連合（EU）はいつ発足しましたか", "国際連合は1945年に発足した。", ("欧州連合", "EU"), ()),
    ],
)
def test_what_the_evidence_does_not_hold_is_named(question, evidence, terms, kinds):
    assert absent(question, evidence) == (terms, kinds)


def test_a_synonym_of_a_name_counts_as_the_name():
    question, evidence = "アメリカとの同盟の位置づけは", "日米同盟は外交の基軸であり、米国との協力を深める。"
    assert absent(question, evidence) == (("アメリカ",), ())
    assert absent(question, evidence, synonyms=lambda name: ["米国"] if name == "アメリカ" else []) == ((), ())


def test_years_are_compared_as_years():
    assert coverage.years_in("令和8(2026)年度、平成元年、1999年、大正12年") == {2026, 1989, 1999, 1923}


@pytest.mark.parametrize(
    "question, kinds",
    [
        ("予算委員会の委員長は誰ですか", ["person"]),  # 予算 is the topic, not what is asked
        ("OSAの予算は？", ["amount"]),  # no interrogative: the noun asked about says it
        ("何か国に供与しましたか", ["count:か国"]),
        ("何資源と呼ばれますか", []),  # 何 as "what", not "how many"
        ("影響はどこまで広がっていますか", []),  # how far, not where
        ("何年度から始まりましたか", ["date"]),
        ("会議はどの都市で開かれましたか", ["place"]),
        ("提携した銀行の名前は？", ["organization"]),  # a bank's name is a body's
        ("新しくできた商業施設の名前は？", ["organization"]),  # 施設, the compound's last word
        ("買収した会社の名前は？", ["company"]),
        ("廃止された制度の名前は？", []),  # 制度 is "system" first; "institution" only after
        ("How many ships were provided?", ["count:ships"]),
        ("How much has the coast guard grown?", []),  # "how much" asks for money only beside money
        ("How much money was spent?", ["amount"]),
        ("What is the OSA budget for FY2026?", ["amount"]),  # the noun asked about says it, in English too
        ("What was the number of projects?", ["count:projects"]),  # what it counts, as "how many" says it
        ("What does the briefing say about the budget?", []),  # about the budget, not asking its value
        ("港の拡張を請け負った企業はどこですか", ["company"]),  # the company's name, not a place
        ("無人機はどこのメーカー製ですか", ["company"]),
        ("会議が開かれた国はどこですか", ["country"]),
        ("アメリカはどんな国ですか", []),  # what kind of country: a description
        ("On which days were the talks held?", ["date"]),
        # a request without an interrogative asks for what it names
        ("条約を結んだ国の名前をすべて教えてください", ["place"]),
        ("会議に参加した国の国名を教えて", ["place"]),
        ("委員会の委員長の名前を教えてください", ["person"]),
        ("計画の費用を教えてください", ["amount"]),
        ("計画の内容を教えてください", []),
        # 何か国 however Sudachi splits it; a degree word asks for money only when money is measured
        ("その条約には何か国が加盟していますか", ["count:か国"]),
        ("その計画にはどれくらいの予算を使いますか", ["amount"]),
        ("工事の費用はどの程度かかりますか", ["amount"]),
        ("工事はどのくらいの期間続きますか", []),
        ("費用を考えずに掘れば、あとどれくらい採れますか", []),  # the oil, not the cost, is measured
        # a measure (area, distance, weight) asks for a number with its unit, as money asks for an amount
        ("その島の面積はどれくらいですか", ["measure"]),
        ("港から空港までの距離はどのくらい", ["measure"]),
        ("湖の面積は？", ["measure"]),
        ("How tall is the new tower?", ["measure"]),
        ("What is the weight of the satellite?", ["measure"]),
        ("How far has the dispute gone?", []),  # a degree, not a distance
        ("その塔の高さは？", ["measure"]),  # an adjective made a noun (高 + さ), as Sudachi cuts it
        ("この湖の深さはどれくらいですか", ["measure"]),
        ("その制度の重要さは？", []),  # a quality with no unit
        ("What is the area of the Lake District?", ["measure"]),  # the area of a name
        ("What is the area of cooperation with the city?", []),  # a field, not a size
        ("その改革はどの程度重要ですか", []),
    ],
)
def test_what_a_question_asks_for_comes_from_its_interrogative_or_its_focus(question, kinds):
    assert coverage.asked_kinds(question) == kinds


@pytest.mark.parametrize(
    "text, kind",
    [
        ("約8000万ポンドを拠出", "amount"),
        ("20億ルピーの融資", "amount"),
        ("55000席", "count"),
        ("8か国", "count"),
        ("1923年", "date"),
        ("令和元年", "date"),
        ("山田太郎氏", "person"),
        ("パキスタンと連携", "place"),
    ],
)
def test_instances_of_each_kind_are_found_in_any_text(text, kind):
    assert kind in coverage.instances(text)


def test_a_numbered_line_is_no_count_of_its_first_word():
    assert not coverage.instances("1 港湾の整備\n② 人材の育成") & {"count", "count:港湾"}
    assert "count:隻" in coverage.instances("- 3 隻を供与")  # a number and its counter, spaced


def test_only_questions_typed_in_kana_are_respelled():
    from rag.search.readings import KANA_TYPED_SHARE, hiragana_share

    assert hiragana_share("らちもんだいってどうなってんの") == 1.0
    assert hiragana_share("拉致問題の現状は") == 0.25
    assert hiragana_share("What is OSA?") == 0.0
    typed, converted = "いらんとでんわで何回はなしたの", "イランとの電話会談の回数は"
    assert hiragana_share(typed) >= KANA_TYPED_SHARE > hiragana_share(converted)


def test_a_name_the_whole_document_is_about_is_not_asked_for():
    question = "海上交通路の安定が日本にとって大切なのはなぜですか"
    evidence = ["シーレーンの安定は我が国の繁栄の基盤。"]
    assert coverage.missing(question, evidence, names=proper_nouns(question)).terms == ("日本",)
    names = proper_nouns(question)
    assert coverage.missing(question, evidence, names=names, background=frozenset({"日本"})).terms == ()


def test_the_share_of_a_document_holding_a_name_is_counted_from_the_postings(hash_engine):
    facts = hash_engine.live().judge.facts
    chunks = facts.index.chunks
    for name in ("日本", "ロシア", "OSA"):
        holding = sum(name.lower() in c.indexed_text.lower() for c in chunks if c.source == BRIEFING.name)
        total = sum(c.source == BRIEFING.name for c in chunks)
        assert facts.share_of_document(name, BRIEFING.name) == pytest.approx(holding / total, abs=0.04)
    assert facts.share_of_document("南極", BRIEFING.name) == 0.0
    assert facts.share_of_document("日本", "no-such.txt") == 0.0


def test_a_question_whose_every_noun_but_the_backdrop_is_unknown_is_not_covered(hash_engine):
    """「日本の人口」: 日本 is what the briefing is about, 人口 appears nowhere: however close the nearest
    passage scores, nothing in the documents can answer it."""
    import copy

    live = hash_engine.live()
    rules_only = copy.copy(live.judge)  # no model, no message classifier, no threshold: the rules alone decide
    rules_only.model, rules_only.messages = None, None
    rules_only.config = replace(live.judge.config, abstain_below={})

    def status(question: str) -> str:
        return rules_only.verdict(live.retriever.search(question, k=3)).status

    assert content_nouns("日本の人口は何人ですか") == ["日本", "人口"]
    assert status("日本の人口は何人ですか") == "not_covered"
    assert status("OSAの予算はいくらですか") != "not_covered"
    assert status("What is the population of Japan?") != "not_covered"  # English is judged by its translation


@pytest.mark.parametrize(
    ("text", "nouns"),
    [
        ("何か面白いことを言って", []),
        ("今日のものは", []),
        ("今後の課題は", ["課題"]),
        ("港湾整備のこと", ["港湾", "整備"]),
    ],
)
def test_telling_nouns_leave_out_grammar_and_adverbs_of_time(text, nouns):
    assert telling_nouns(text) == nouns


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("石油は石炭とともに何燃料と呼ばれるか", []),  # 何 before a noun that counts nothing asks "what"
        ("常任理事国には何権が認められているか", []),
        ("この港には何隻の船が入りましたか", ["count:隻"]),  # a counter by Sudachi
        ("祭りには何人が集まりましたか", ["count:人"]),  # a counter by JMdict: "counter for people"
        ("世界中どこでも採掘できるのか", []),  # どこでも, 誰も, 何か: indefinite, nothing asked
        ("その話は誰も知らないのか", []),
        ("その活動は何の指揮下に行われるか", []),  # 活動 "activity (of a person, ...)" names no person
        ("何度も使われた型が生まれたのは何年頃か", ["date"]),  # 何度も: "many times", not a count
        ("その法律の公布はいつか。", ["date"]),  # a か that ends the question asks
        ("その法律の公布年は？", []),  # a compound means what its last word means: a year, not 公布 "official ..."
        ("団体行動の代表例は何", []),  # 代表例: an example, not a representative
    ],
)
def test_only_counters_make_a_count_and_indefinites_ask_nothing(question, kinds):
    assert coverage.asked_kinds(question) == kinds


@pytest.mark.parametrize(
    ("question", "evidence", "answered"),
    [
        ("湖の面積は？", "湖の面積は約670平方キロメートルで、県内最大。", True),
        ("湖の面積は？", "湖には3つの島があり、2つの川が流れ込む。", False),  # counts, no measure
        ("ピコ山の標高は", "最高峰のピコ山は標高2,351 m。", True),
        ("その町の平均気温はどのくらい", "年平均気温は16.5°Cである。", True),
        ("How tall is the tower?", "The tower, finished in 1958, is 333 metres tall.", True),
        ("How tall is the tower?", "The tower was built in the 21st century by 3 firms.", False),
        ("山の標高はどのくらいか", "山頂は標高三千メートルを超える。", True),  # a number in kanji
        ("峠までの距離は", "麓の村から峠までは数百キロメートルある。", True),
        ("その町の面積は？", "町には唯一トンネルが一本通っている。", False),  # トン of トンネル is no unit
    ],
)
def test_a_measure_is_answered_by_a_number_with_a_unit_of_measure_only(question, evidence, answered):
    """CLDR's units of measure, in either language: a count of islands or firms says nothing of an area or
    a height."""
    assert (coverage.missing(question, [evidence]).kinds == ()) is answered


@pytest.mark.parametrize(
    ("question", "evidence", "kinds"),
    [
        # Sudachi reads "sand" as a person's name and "at" as a name: in English text its categories mean nothing
        ("Who runs Northgate?", "All water passes through sand filters at the Northgate plant.", ("person",)),
        ("Who runs the plant?", "The plant is run by the Harbour Water Authority.", ()),
        ("Who designed the museum?", "Dr Ana Silva designed it in 1990.", ()),
        ("Which company fitted the sensors?", "Crews fitted acoustic sensors to the main pipes.", ("company",)),
        ("Where is the Northgate plant?", "The Northgate plant was rebuilt in 2019.", ("place",)),  # its own name
        ("Where is the plant?", "The Northgate plant was rebuilt in 2019.", ()),
        ("Where is the plant?", "Treatment And Disinfection\nThe plant was rebuilt in 2019.", ("place",)),  # a heading
    ],
)
def test_names_in_english_text_are_its_capitalised_words_not_sudachis_categories(question, evidence, kinds):
    assert coverage.missing(question, [evidence]).kinds == kinds


def test_the_document_title_in_a_section_path_names_no_one():
    heading = "Harbour Water Authority: annual report > Leaks and repairs"
    evidence = [heading, "Crews repaired 1,480 leaking pipes this year."]
    assert coverage.missing("Who repaired the pipes?", evidence, headings=[heading]).kinds == ("person",)
    assert coverage.missing("Who repaired the pipes?", evidence).kinds == ()  # read as text, the title is a name


def test_units_of_measure_leave_out_words_and_counters_they_share_a_spelling_with():
    from rag.language.units import has_measure

    assert has_measure("約34万km²") and has_measure("12 miles") and has_measure("1.5GB")
    assert not any(has_measure(t) for t in ("21st century", "5分後", "41才", "2度目", "3 pm", "5 men", "4か国"))


def test_unit_symbols_answer_the_counter_that_names_them():
    held = coverage.instances("平均気温は25℃で、住民の48%が農業に従事する。")
    assert {"count:度", "count:パーセント"} <= held
    assert not coverage.missing("ブラザヴィルの平均気温は何度ですか", ["平均気温は25℃。"]).kinds


@pytest.mark.parametrize(
    ("query", "held", "english", "topic"),
    [
        ("四十二行聖書の値段は", "四十二行聖書は1455年に完成した。", {}, "四十二行聖書"),  # the run, not 聖書
        ("北方四島の面積はどれくらい", "北方四島の帰属の問題を解決する。", {}, "北方四島"),
        ("聖書の値段は", "四十二行聖書は1455年に完成した。", {}, "聖書"),
        ("ジャパン・ハウスの入場料は", "ジャパン・ハウスはサンパウロにある。", {}, "ジャパン・ハウス"),
        ("行の値段は", "一行の値段", {}, ""),  # a lone 行 is no topic, nor what is asked (値段: an amount)
        ("How much did a Bible cost?", "a Bible は…", {}, ""),  # English words are no nouns to name
        ("When did the Ginza Line open?", "銀座線は1927年に開業した。", {"銀座線": "Ginza Line"}, "Ginza Line"),
    ],
)
def test_the_topic_a_partial_answer_names_is_one_the_evidence_holds_as_the_question_said_it(
    query, held, english, topic
):
    from types import SimpleNamespace

    from rag.answer.status import StatusJudge

    result = SimpleNamespace(query=query, forms=SimpleNamespace(search_text=query))
    from rag.answer.specifics import Missing

    assert StatusJudge._topic(result, held, Missing((), ("amount",)), english) == topic


@pytest.mark.parametrize(
    ("reason", "lang", "text"),
    [
        (
            ("missing", ("令和9年度",), "OSA", ("amount",)),
            "ja",
            "OSAは扱っていますが、令和9年度の金額は書かれていません。",
        ),  # noqa: E501
        (("missing", (), "北方四島", ("measure",)), "ja", "北方四島は扱っていますが、数値は書かれていません。"),
        (("missing", (), "the tower", ("measure",)), "en", "The documents cover the tower, but not the measurement."),
        (("missing", ("2027",), "", ("amount",)), "en", "The documents cover the topic, but not the amount for 2027."),
        (("missing", ("UN",), "Iran", ()), "en", "The documents cover Iran, but not UN."),
        (("unknown_terms", ("南極観測",), "", ()), "en", "None of the documents mentions 南極観測."),
    ],
)
def test_a_reason_says_what_is_covered_and_what_is_not_in_the_questions_language(reason, lang, text):
    from rag.answer.reasons import reason_text
    from rag.answer.records import Reason

    assert reason_text(Reason(*reason), lang) == text


def test_the_us_in_an_english_question_is_searched_and_checked_as_the_briefings_beikoku(hash_engine):
    """ "us" is a function word, "US" is 米国: an English question about the US searches 米国, and its
    status never reports "US" as a name no document mentions."""
    live = hash_engine.live()
    question = "What does Japan ask of the US in the Indo-Pacific?"
    assert "米国" in live.retriever.analyzer.analyze(question).translated
    assert "米国" not in live.retriever.analyzer.analyze("Can you tell us about Japan?").translated
    verdict = live.judge.verdict(live.retriever.search(question, k=3))
    assert "US" not in verdict.reason.terms and "US" not in verdict.missing


def test_a_number_inside_the_questions_own_words_answers_nothing():
    """北方四島 names the islands; it is no count of them, so it does not answer how large they are. A
    number the evidence gives in parentheses after the question's words still does (「南北朝時代（439年」)."""
    question = "北方四島の面積はどれくらいですか"
    assert coverage.missing(question, ["北方四島の帰属の問題を解決する。"]).kinds == ("measure",)
    assert not coverage.missing(question, ["北方四島の面積は約5000平方キロメートルである。"])
    assert not coverage.missing("南北朝時代はいつ？", ["南北朝時代（439年 - 589年）の北朝にあたる王朝"])


def test_an_era_name_is_a_time_not_a_place_or_a_body():
    """Sudachi tags 令和 as a proper noun; it answers いつ, never どこ or どの組織."""
    assert coverage.instances("令和5年度から実施") == {"date"}
    assert coverage.missing("支援を受けた国はどこですか", ["令和5年度から実施している。"]).kinds == ("country",)


def test_a_time_of_day_a_season_or_an_age_answers_when_but_now_does_not():
    """いつ is answered by 夜間, 春 or 江戸時代 as by a year; 現在 or 近年 are the text's own time, no answer."""
    assert not coverage.missing("その花はいつ咲きますか", ["その花は春に咲く。"])
    assert not coverage.missing("この魚は主にいつ移動しますか", ["この魚は主に夜間移動する。"])
    assert not coverage.missing("この城はいつ建てられましたか", ["この城は江戸時代に建てられた。"])
    assert coverage.missing("この制度はいつできましたか", ["この制度は現在も続いている。"]).kinds == ("date",)
    assert coverage.missing("この制度はいつできましたか", ["近年、この制度は広がった。"]).kinds == ("date",)


def test_a_section_number_in_a_section_path_counts_nothing():
    """Headings are evidence, joined into a path: 「施設の管理 > 3 屋根の改修」 numbers a section, as a numbered
    line does; it is no count of 屋根."""
    heading = "年次報告 > 3 屋根の改修 > (2) 工事の概要"
    evidence = [heading, "屋根を葺き替え、雨漏りを解消した。"]
    assert coverage.missing("屋根の工事にはいくらかかりましたか", evidence).kinds == ("quantity",)
    assert not coverage.missing("屋根の工事にはいくらかかりましたか", [*evidence, "工事費は約300万円。"])


@pytest.mark.parametrize(
    ("question", "evidence"),
    [
        ("When was the bridge opened?", "The bridge opened in the late nineteenth century."),
        ("When was the bridge opened?", "The bridge opened in the 19th century."),
        ("How much did the bridge cost?", "The bridge cost four million pounds."),
        ("How many people live in the town?", "Some twelve thousand people live in the town."),
    ],
)
def test_english_numbers_in_words_and_centuries_answer(question, evidence):
    """English text writes numbers in words and centuries without a year, as Japanese writes 十八世紀末."""
    assert not coverage.missing(question, [evidence])


def test_one_in_english_text_is_no_count():
    assert coverage.missing("How many people live there?", ["One of the towns grew quickly."]).kinds == (
        "count:people",
    )


def test_an_era_or_a_century_without_a_year_answers_when():
    """JMdict's first sense of an era name is "Meiji era (1868.9.8-1912.7.30)": 明治初期, 大正末期, 昭和の終わり
    say when, as 十八世紀末 (Sudachi keeps 世紀末 whole) does; an era inside another name does not."""
    assert not coverage.missing("その学校はいつ創設されたか", ["その学校は明治初期に創設された。"])
    assert not coverage.missing("その制度はいつ廃止されたか", ["その制度は昭和の終わりに廃止された。"])
    assert not coverage.missing("その運動はいつ始まったか", ["その運動は十八世紀末に始まった。"])
    assert coverage.missing("天皇はいつ訪れたか", ["その寺には昭和天皇が訪れた。"]).kinds == ("date",)
    assert coverage.missing("その改革はいつ始まったか", ["その改革は明治維新に倣った。"]).kinds == ("date",)


def test_a_role_after_a_name_is_a_person_unless_the_question_says_it():
    """国連事務総長 (Sudachi cuts 事務 and 総長) answers who commands, even when the question names 国連; a
    question that says 事務総長 itself is not answered by it, which names no one."""
    assert not coverage.missing("平和維持活動は国連の下で誰が指揮するか", ["国連事務総長が指揮する。"])
    assert coverage.missing("国連の事務総長は誰ですか", ["国連事務総長が声明を出した。"]).kinds == ("person",)
    assert not coverage.missing("声明を出したのは誰ですか", ["茂木外務大臣が声明を出した。"])


def test_a_katakana_name_sudachi_files_as_a_common_noun_answers_who_but_a_katakana_word_does_not():
    """Sudachi calls アルマ and ネイション common nouns; JMdict has no word so spelled, so each is a name:
    JMnedict's given name, or a name it lacks too. ナラティブ is a word; サウス a name JMnedict cannot class."""
    assert not coverage.missing("その手紙は誰に宛てたものですか", ["1905年のアルマ宛の手紙である。"])
    assert not coverage.missing("声明を読んだのは誰ですか", ["協会のネイションが声明を読んだ。"])
    assert coverage.missing("誰が担当しますか", ["ナラティブの発信を担当する。"]).kinds == ("person",)
    company = coverage.missing("どの会社が敷設しましたか", ["グローバル・サウスで敷設を支援した。"])
    assert company.kinds == ("company",)


def test_a_word_between_a_person_and_name_still_asks_for_the_persons_name():
    """「社長の下の名前」 asks for a person as 「社長の名前」 does; a passage that only repeats the question's
    山田社長 does not give it."""
    assert coverage.asked_kinds("山田社長の下の名前は何ですか") == ["person"]
    assert coverage.missing("山田社長の下の名前は何ですか", ["山田社長が会見を開いた。"]).kinds == ("person",)


def test_the_name_of_someone_described_by_what_they_did_asks_for_a_person():
    """「会議の参加者の名前」: 参加者 ("participant") is someone, so the name is a person's, though 会議 two words
    before it is not; the step back to 社長 in 「社長の下の名前」 is only for a word that is no one."""
    assert coverage.asked_kinds("会議の参加者の名前は？") == ["person"]
    assert coverage.missing("会議の参加者の名前は？", ["会議には多くの参加者が集まった。"]).kinds == ("person",)


def test_a_maker_is_a_body_with_a_name_of_its_own_not_a_word_of_the_dictionary():
    """どこのメーカー asks for a company: 三菱電機 is one; 自衛隊 and 外務省 are bodies JMdict has as words.
    どの組織 asks for any body, and 自衛隊 is one."""
    assert not coverage.missing("その機材はどこのメーカー製ですか", ["三菱電機製の機材を供与した。"])
    assert coverage.missing("その機材はどこのメーカー製ですか", ["自衛隊と連携して機材を供与した。"]).kinds == (
        "company",
    )
    assert not coverage.missing("どの組織と連携しましたか", ["自衛隊と連携して機材を供与した。"])


@pytest.mark.parametrize(
    "question, evidence, missing",
    [
        # the count is of what is asked: a passage naming fewer cannot list them
        ("大会に出場した4か国はどこですか", "大会はフランスとドイツが共催した。", ("country",)),
        ("大会に出場した4か国はどこですか", "フランス、ドイツ、イタリア、スペインが出場した。", ()),
        ("受賞した3人は誰ですか", "湯川秀樹が受賞した。", ("person",)),
        ("受賞した3人は誰ですか", "湯川秀樹、朝永振一郎、江崎玲於奈が受賞した。", ()),
        # countries are counted as countries: a city is no fourth one
        ("大会に出場した4か国の国名は", "フランス、ドイツ、イタリアの選手がパリに集まった。", ("place",)),
        # the count is of the talks' sides, not of the places asked for
        ("2か国の首脳会談はどこで開かれましたか", "首脳会談はジュネーブで開かれた。", ()),
    ],
)
def test_a_question_that_says_how_many_it_wants_needs_that_many_names(question, evidence, missing):
    assert coverage.missing(question, [evidence]).kinds == missing


@pytest.mark.parametrize(
    "question, evidence, missing",
    [
        # a region is no country
        ("援助の対象国はどこですか", "援助はアフリカ全域で行われている。", ("country",)),
        ("援助の対象国はどこですか", "援助はケニアとタンザニアで行われている。", ()),
        ("どの国と協力していますか", "東南アジアの各地と協力している。", ("country",)),
        # a compound the dictionary glosses as two countries names them: 日米 "Japan and the United States"
        ("どの国と協力していますか", "日米で緊密に協力している。", ()),
        # どの都市 asks for any place, and a city is one
        ("どの都市で開かれましたか", "会議はジュネーブで開かれた。", ()),
        # in English, and of English text, whose capitalised names may be countries
        ("Which country hosted the summit?", "首脳会議はアフリカで開かれた。", ("country",)),
        ("Which country hosted the summit?", "The summit was held in Geneva, Switzerland.", ()),
        ("どの国で開かれましたか", "The summit was held in Geneva, Switzerland.", ()),
    ],
)
def test_a_question_for_a_country_needs_a_countrys_name(question, evidence, missing):
    assert coverage.missing(question, [evidence]).kinds == missing


def test_a_country_the_question_names_is_held_by_a_place_inside_it():
    """ジュネーブ is glossed "Geneve (Switzerland)": a passage on a meeting in Geneva is about one in スイス. Not
    the other way round, and not another country's city."""
    evidence = "会議はジュネーブで開かれ、各国の代表が集まった。"
    assert coverage.absent_terms("スイスでの会議には誰が集まりましたか", evidence, names=["スイス"]) == []
    assert coverage.absent_terms("フランスでの会議には誰が集まりましたか", evidence, names=["フランス"]) == ["フランス"]
    city = coverage.absent_terms("ジュネーブでの会議は", "会議はスイスで開かれた。", names=["ジュネーブ"])
    assert city == ["ジュネーブ"]


def test_a_state_named_with_its_polity_is_a_country_though_sudachi_reads_its_name_as_a_person():
    """コンゴ人民共和国: Sudachi files コンゴ as a person's name, and 共和国 ("republic") after it makes the run a
    state's name; 共和国 alone names none."""
    assert not coverage.missing("改称後の国名は？", ["同国は1970年にコンゴ人民共和国と改称した。"])
    assert coverage.missing("改称後の国名は？", ["共和国の憲法が制定された。"]).kinds == ("place",)


def test_what_an_office_is_called_is_no_persons_name():
    """名称 is "name, title": 「大臣の名称」 asks what the office is called; 「大臣の名前」 asks who holds it."""
    assert coverage.asked_kinds("その大臣の名称は？") == []
    assert coverage.asked_kinds("その大臣の名前は？") == ["person"]


def test_a_count_of_something_else_is_no_count_of_the_answers():
    """「7曲はどこの国で」 counts symphonies: one country may answer it; 「4か国はどこ」 wants four."""
    assert coverage.announced_count("全10曲のうち7曲はどこの国で初演されましたか") is None
    assert not coverage.missing("全10曲のうち7曲はどこの国で初演されましたか", ["7曲はドイツで初演された。"])
    assert coverage.announced_count("大会に出場した4か国はどこですか") == (4, True)


def test_a_region_an_english_question_names_is_a_backdrop_as_it_is_in_japanese(hash_engine):
    """「中東の仲介国は」 reads 中東 as a region the documents know, not a fact to find in the passage; "the
    Middle East" is checked as 中東, and so is no name the passage must repeat either."""
    live = hash_engine.live()
    question = "Who are the mediating countries Japan works with on the Middle East?"
    result = live.retriever.search(question, k=3)
    assert "中東" in live.judge._background(result, ["日本", "中東"])
    assert "Middle East" not in live.judge.verdict(result).reason.terms


def test_counters_name_what_they_count():
    from rag.language.jmdict import counters_for

    assert "隻" in counters_for("ships") and "か国" in counters_for("countries") and "人" in counters_for("people")
    assert counters_for("staff") == ()


@pytest.mark.parametrize(
    "question, evidence, missing",
    [
        ("How many ships did the coast guard send?", "巡視船3隻を派遣した。", ()),
        ("How many ships did the coast guard send?", "巡視船を3回派遣した。", ("count:ships",)),
        ("How many ships did the coast guard send?", "The coast guard sent 3 vessels.", ()),  # English: any count
        ("How many people took part?", "約3万人が参加した。", ()),
        ("How many staff does the agency have?", "職員の研修を3回行った。", ()),  # no counter for staff: any count
    ],
)
def test_how_many_in_english_asks_for_a_count_of_what_its_counter_counts(question, evidence, missing):
    assert coverage.missing(question, [evidence]).kinds == missing


def test_katakana_words_run_together_are_no_name_but_a_word_and_an_unknown_name_are():
    """グローバルサウス is グローバル and サウス run together (a word and a name of no kind): no one's name.
    ラリーネイション holds ネイション, a name JMnedict lacks: still a name."""
    assert coverage.missing("誰が担当しますか", ["グローバルサウスとの連携を担当する。"]).kinds == ("person",)
    assert not coverage.missing("声明を読んだのは誰ですか", ["協会のラリーネイションが声明を読んだ。"])


def test_a_name_an_english_question_says_answers_nothing_as_the_documents_write_it():
    question = "Which city is near the airport Japan supports in Palau?"
    evidence = ["パラオの国際空港を支援。"]
    assert not coverage.missing(question, evidence)  # パラオ, not said as "Palau", looks like an answer
    assert coverage.missing(question, evidence, said=("パラオ",)).kinds == ("place",)


def test_of_inside_a_run_of_capitals_is_part_of_the_name():
    lexicon = Lexicon(
        ["ホルムズ海峡"], np.ones((1, 2), np.float32), glosses={("strait", "of", "hormuz"): ["ホルムズ海峡"]}
    )
    found = lexicon.english_names("Who hosted the meeting on the Strait of Hormuz?")
    assert found == [("Strait of Hormuz", ["ホルムズ海峡"])]


def test_a_comparison_is_answered_by_two_passages_but_a_figure_by_one(hash_engine):
    """「ミクロネシアの港とパラオの空港では…どう違いますか」 names two things two passages each hold one of;
    asked for a figure, the question needs it beside both names in one passage."""
    from dataclasses import replace as replaced

    live = hash_engine.live()
    chunks = live.judge.index.chunks
    airport = next(c for c in chunks if "パラオ国際空港に対する支援" in c.text and "ミクロネシア" not in c.text)
    port = next(c for c in chunks if "ポンペイ港拡張計画" in c.text and "パラオ" not in c.text)

    def judged(question):
        result = live.retriever.search(question, k=3)
        hits = (replaced(result.hits[0], chunk=airport), replaced(result.hits[1], chunk=port), *result.hits[2:])
        return live.judge.verdict(replaced(result, hits=hits))

    compared = judged("ミクロネシアの港とパラオの空港では、日本の支援の中身はどう違いますか")
    assert compared.status == "answered", compared
    costed = judged("ミクロネシアの港とパラオの空港への支援額はいくらですか")
    assert costed.status != "answered"


def test_a_text_read_as_a_request_gets_no_help_from_a_second_passage(hash_engine, monkeypatch):
    """「パラオとミクロネシアを巡る旅行の計画を立てて」 names two things and asks nothing of them: when the message
    classifier reads a text as more likely a request than a question, the names the top passage lacks stay
    missing."""
    from dataclasses import replace as replaced

    live = hash_engine.live()
    chunks = live.judge.index.chunks
    airport = next(c for c in chunks if "パラオ国際空港に対する支援" in c.text and "ミクロネシア" not in c.text)
    port = next(c for c in chunks if "ポンペイ港拡張計画" in c.text and "パラオ" not in c.text)
    question = "ミクロネシアの港とパラオの空港では、日本の支援の中身はどう違いますか"
    result = live.retriever.search(question, k=3)
    result = replaced(
        result, hits=(replaced(result.hits[0], chunk=airport), replaced(result.hits[1], chunk=port), *result.hits[2:])
    )

    class Reads:
        def __init__(self, p):
            self.p = p

        def probability(self, text, vector):
            return self.p

    monkeypatch.setattr(live.judge, "messages", Reads(0.6))
    assert "ミクロネシア" in live.judge.verdict(result).reason.terms
    monkeypatch.setattr(live.judge, "messages", Reads(0.01))
    assert live.judge.verdict(result).status == "answered"


def test_two_counters_for_people_answer_each_other():
    """名 and 人 are both "counter for people" in JMdict: 「5名」 answers 「何人」."""
    assert coverage.missing("女性の理事は何人いますか", ["理事12名のうち5名が女性である。"]).kinds == ()
    assert coverage.missing("理事会は何回開かれましたか", ["理事12名のうち5名が女性である。"]).kinds == ("count:回",)
