"""What a question asks for, and whether the passage that answers holds it.

A question can be on the documents' topic and still not be answered by them. Two general checks, on the
text of the evidence (the top passage and its section path):

- specifics the question names (a year in any era or calendar, a date, a proper name, an acronym) that
  the evidence does not hold, nor a synonym of: 「OSAの令和9年度の予算は？」 -> terms ["令和9年度"];
- the kind of answer the question asks for (an amount, a count, a measure, a date, a person, a place),
  read from its interrogative or from the noun it asks about, of which the evidence has no instance at all:
  「パラオ国際空港への支援額はいくらですか」 -> kinds ["amount"].

Nothing here is a table of one document's words: eras, currencies and units of measure (CLDR), counters
(whatever noun follows a number), persons and places (Sudachi's name categories) and the meaning of an
asked-about noun (its JMdict glosses) come from general resources.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from rag.answer.english_spans import SENTENCE_START, quantity_kind
from rag.language.jmdict import (
    bare_gloss,
    counters_for,
    counts_of,
    english_word,
    glosses_of,
    name_types,
    sense_mates,
    senses,
)
from rag.language.script import is_katakana, language_of_text, starts_latin
from rag.language.terms import Morpheme, focus_terms, morphemes
from rag.language.units import (
    CALENDAR_WORDS,
    CURRENCY_SYMBOLS,
    DATE_UNITS,
    EN_NUMBER_WORDS,
    ERA_START,
    SYMBOL_COUNTERS,
    currency_units,
    has_measure,
    is_date_unit,
    western_year,
)
from rag.search.english import STOPWORDS

KINDS = (
    "amount",
    "count",
    "date",
    "person",
    "partner",
    "place",
    "organization",
    "company",
    "quantity",
    "measure",
)  # "count:隻": a count of 隻; quantity: いくら, any number; measure: a number with a unit of measure;
# company: a body's own name, not a word of the dictionary (三菱電機, not 自衛隊)
_ERA_YEAR = re.compile(r"(" + "|".join(ERA_START) + r")\s*(\d{1,2}|元)\s*年度?")
# "FY2026" is one year, not the name "FY" and a number: the prefix stays in the label
_WESTERN_YEAR = re.compile(r"(?:\bFY\s*)?(?<!\d)(1[6-9]\d{2}|20\d{2})(?!\d)\s*(年度|年)?")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(?:(\d{1,2})日)?")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# "May 10", "10 May", "April 25th": a day with its month (a month alone may be the verb "may")
_EN_MONTH_DAY = re.compile(
    rf"\b{_EN_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}\b", re.I
)
_SYMBOL_MONEY = re.compile("[" + re.escape(CURRENCY_SYMBOLS) + r"]\s*\d|\d\s*[" + re.escape(CURRENCY_SYMBOLS) + "]")
# What an asked-about noun means, read from its English glosses: 予算 "budget" -> amount, 人数 "number of
# people" -> count, 時期 "time; period" -> date, 国 "country" -> place, 委員長 "chairman" -> person.
_GLOSS_KINDS = (
    (
        "amount",
        re.compile(
            r"\b(budget|costs?|price|fees?|expenses?|expenditure|funds?|funding|money|sum of money"
            r"|amount \(esp\. of money\)|amount of money|payment|spending)\b"
        ),
    ),
    ("count", re.compile(r"\b(number of|number|count|population|headcount|quantity)\b")),
    ("date", re.compile(r"\b(date|time when|timing|period of time|when)\b")),
    (
        "measure",  # 面積 "square measure", 距離 "distance", 重さ "weight"; read before "area" is a place
        re.compile(
            r"\b(square measure|distance|length|weight|height|altitude|elevation|depth|width|breadth|capacity"
            r"|volume|speed|velocity|temperature|dimensions)\b"
        ),
    ),
    ("place", re.compile(r"\b(country|countries|nation|city|region|place|location|venue|area|site)\b")),
    (
        "person",
        re.compile(
            r"\b(person|people|minister|president|premier|chairman|chairperson|ambassador|secretary|governor"
            r"|mayor|leader|representative|spokesperson|official)\b"
        ),
    ),
)
_PERSON_ROLE = _GLOSS_KINDS[-1][1]

_NAMED_COUNTED = re.compile(r"counter for (people|persons|countries|places|companies|organi[sz]ations|cities)\b")
_POLITY = re.compile(
    r"^(republic|kingdom|empire|commonwealth|federation|dukedom|duchy|principality|emirate|sultanate)\b"
)
_LOCATED = re.compile(r"\(([^()]+)\)\s*$")  # "Munchen (Germany)": where a place is
_COUNTRY_PAIR = re.compile(r"^(?:the )?[A-Z][\w.]*(?: [A-Z][\w.]*)* and (?:the )?[A-Z][\w.]*(?: [A-Z][\w.]*)*$")
_COUNTRY_NOUN = re.compile(r"\b(countr(y|ies)|nations?)\b")
_PLACE_NOUN = re.compile(r"\b(country|nation|city|town)\b")  # どの国, どの都市: not どの領域 ("domain")
_COMPANY_NOUN = re.compile(r"\b(company|corporation|firm|enterprise|manufacturer|maker|business)\b")
_ORGANISATION_NOUN = re.compile(r"\borganization\b")
# what a body with a name of its own is glossed as: the name of a 店 or a 学校 is a body's name
_BODY_NOUN = re.compile(
    r"\b(organi[sz]ation|institution|establishment|facility|supermarket|store|shop|restaurant|hotel|hospital"
    r"|school|university|college|bank|team|club|party|publisher|agency|museum|library|company|corporation)\b"
)
# English interrogatives; "how much" asks for money only beside a word of money.
_EN_MONEY = re.compile(
    r"\b(money|budget|budgets|cost|costs|spend|spends|spent|spending|fund|funds|funding|price|pay|paid|yen|dollars?|euros?)\b",
    re.I,
)
_EN_COUNT = r"\b(?:how many|number of)\b"
_EN_ASKS = (
    ("count", re.compile(_EN_COUNT, re.I)),
    ("date", re.compile(r"\bwhen\b|\b(what|which) (year|date|month|day)s?\b", re.I)),
    # not "how far", "how high": often a degree; "the area of" a name (not "the area of cooperation")
    ("measure", re.compile(r"\bhow (tall|deep|heavy)\b|\bthe (?:total |land )?area of (?:the )?(?-i:[A-Z])", re.I)),
    ("person", re.compile(r"\bwho\b|\bwhose\b|\bwhom\b", re.I)),
    (
        "company",
        re.compile(
            r"\b(which|what)\s+(?:\w+\s+){0,2}(compan(y|ies)|firms?|makers?|manufacturers?|corporations?|contractors?)\b",
            re.I,
        ),
    ),
    ("country", re.compile(r"\b(what|which) (country|countries|nations?)\b", re.I)),
    ("place", re.compile(r"\bwhere\b|\b(what|which) (city|cities|region|place|venue)\b", re.I)),
)
_EN_WH = re.compile(r"\b(what|which|how|why|who|whom|whose|when|where)\b", re.I)
_EN_BARE = frozenset(("who", "whom", "whose", "when", "where"))


def _asks(text: str, found: re.Match) -> bool:
    """A bare when, where or who after the question's own interrogative joins a clause, it asks nothing:
    "What happens when a PDF is encrypted?" asks no date; "Where and when was it signed?" asks both."""
    first = _EN_WH.search(text)
    if found.group(0).lower() not in _EN_BARE or first is None or first.start() >= found.start():
        return True
    return bool(re.search(r"(\band|\bor|,)\s*$", text[: found.start()], re.I))


# "What is/was the (OSA) budget ...": a question that asks for the value of a noun of money, number or date.
_EN_NOUN_KINDS = {
    "budget": "amount",
    "cost": "amount",
    "price": "amount",
    "amount": "amount",
    "number": "count",
    "population": "count",
    "date": "date",
    "distance": "measure",
    "height": "measure",
    "altitude": "measure",
    "elevation": "measure",
    "depth": "measure",
    "width": "measure",
    "weight": "measure",
    "temperature": "measure",
}
_EN_WHAT_IS = re.compile(
    r"\s*what(?:'s| is| was| are| were| will be)\s+(?:the\s+|its\s+|their\s+)?(?:[A-Za-z]+'s\s+)?(?:[\w-]+\s+){0,3}?"
    r"(budgets?|costs?|prices?|amounts?|numbers?|population|dates?|distance|height|altitude|elevation|depth|width"
    r"|weight|temperature)\b",
    re.I,
)
_EN_QUANTITY = re.compile(
    rf"(?:\d[\d,.]*|\b{EN_NUMBER_WORDS}(?:[\s-]+{EN_NUMBER_WORDS})*)\s*(?:thousand|million|billion|trillion)?"
    r"\s+([A-Za-z]+)(?:[ -]([A-Za-z]+))?",  # "38 regular members": the noun may come second
    re.I,
)
# "the nineteenth century", "the 19th century", "the first century": a date without a year
_EN_CENTURY = re.compile(r"\b(?:\d{1,2}|[a-z]+(?:-[a-z]+)?)(?:st|nd|rd|th)\s+centur(?:y|ies)\b", re.I)
_JA_PERSON = frozenset(("誰", "だれ", "どなた", "どちら様"))
_JA_PLACE = frozenset(("どこ", "何処"))
_HOW_MUCH = frozenset(("どれほど", "どれだけ"))  # a degree word by itself; どれ, どの with one after them:
_HOW = frozenset(("どれ", "どの"))
_DEGREE = frozenset(("くらい", "ぐらい", "位", "程度", "ほど", "程", "だけ"))
_JA_WHICH = frozenset(("どの", "何の"))  # which one; not どんな, "what kind of" (どんな国: a description)


@dataclass(frozen=True)
class Specific:
    label: str  # as the question says it: 令和9年度, 5月, GCC
    year: int | None = None  # years are compared as numbers: 令和8年度 = 2026年度 = (2026)
    written: tuple[str, ...] = ()  # other ways the documents may write it: "May 10" -> 5月10日


@dataclass(frozen=True)
class Missing:
    """What the evidence lacks: specifics named by the question, and kinds of answer it asks for."""

    terms: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.kinds)


def years_in(text: str) -> set[int]:
    """「令和8(2026)年度、平成元年、1999年」 -> {2026, 1989, 1999}"""
    text = unicodedata.normalize("NFKC", text)
    found = {western_year(m.group(1), m.group(2)) for m in _ERA_YEAR.finditer(text)}
    found |= {int(m.group(1)) for m in _WESTERN_YEAR.finditer(text)}
    return found


def specifics(question: str, names: Iterable[str]) -> list[Specific]:
    """Years, dates and proper names the question names, in the order it names them."""
    text = unicodedata.normalize("NFKC", question)
    found: list[Specific] = []
    for m in _ERA_YEAR.finditer(text):
        found.append(Specific(m.group(0).strip(), western_year(m.group(1), m.group(2))))
    for m in _WESTERN_YEAR.finditer(text):
        if not any(s.year == int(m.group(1)) for s in found):
            found.append(Specific(m.group(0).strip(), int(m.group(1))))
    for m in _MONTH_DAY.finditer(text):
        found.append(Specific(m.group(0)))
    for m in _EN_MONTH_DAY.finditer(text):
        month = _MONTHS.index((m.group(1) or m.group(4))[:3].lower()) + 1
        day = int(m.group(2) or m.group(3))
        if 1 <= day <= 31:
            found.append(Specific(m.group(0), written=(f"{month}月{day}日",)))
    names = [name for name in names if not any(name in s.label for s in found)]
    found += [Specific(name, written=_aliases(text, name, names)) for name in names]
    return found


# 「ヨーロッパ共同体（EC）」: a name and, in parentheses, another way to write it
_PARENTHESISED = re.compile(r"([^\s()]+)\s*\(\s*([^()]+?)\s*\)")


def _also_said(evidence: str, question: str) -> list[str]:
    """What the evidence puts in parentheses after a word of the question: 「無人航空機(UAV)」 asked
    about 無人航空機 says UAV, which is then no maker's name the question lacks."""
    if not question:
        return []
    pairs = _PARENTHESISED.findall(evidence)
    return [inside for before, inside in pairs if any(before[-n:] in question for n in range(2, len(before) + 1))]


def _aliases(question: str, name: str, names: list[str]) -> tuple[str, ...]:
    """The other name the question gives for `name` in parentheses, either way round: the evidence may
    write either."""
    found = []
    for before, inside in _PARENTHESISED.findall(question):
        if before.endswith(name):
            found.append(inside)
        elif inside == name:
            found += [n for n in names if n != name and before.endswith(n)]
    return tuple(found)


def asked_kinds(question: str) -> list[str]:
    """The kinds of answer a question asks for: by its interrogative (いくら, 何人, いつ, 誰, どこ, how many,
    when, who, where) or, failing one, by the meaning of the noun it asks about (「OSAの予算は？」).

    「予算委員会の委員長は誰ですか」 -> ["person"] (予算 is a topic here, not what is asked)
    """
    text = unicodedata.normalize("NFKC", question)
    from rag.language.script import is_japanese

    if not is_japanese(text):
        kinds = [kind for kind, pattern in _EN_ASKS if (found := pattern.search(text)) and _asks(text, found)]
        if re.search(r"\bhow much\b", text, re.I) and _EN_MONEY.search(text):
            kinds.insert(0, "amount")
        if "count" in kinds and (counted := _counted_noun(text)):
            kinds[kinds.index("count")] = f"count:{counted}"  # how many ships: a number of 隻
        asked = _EN_WHAT_IS.match(text)
        if not kinds and asked:  # "What is the OSA budget for FY2026?": the noun asked about says it
            kinds.append(_EN_NOUN_KINDS[asked.group(1).lower().rstrip("s")])
        return kinds
    ms = [m for m in morphemes(text, mode="C") if m.pos[0] not in ("補助記号", "空白")]
    kinds: list[str] = []
    source = False  # どこから asks where something comes from; its noun (資金はどこから) is not what is asked
    for i, m in enumerate(ms):
        after = ms[i + 1] if i + 1 < len(ms) else None
        source = source or (m.surface in _JA_PLACE and after is not None and after.surface == "から")
        if _indefinite(ms[i + 1 : i + 3]):
            continue  # どこでも, 誰も, いつか: anywhere, no one, some day; nothing is asked
        kind = _interrogative_kind(m, after, ms[i + 2] if i + 2 < len(ms) else None)
        predicate = after is None or after.pos[0] == "助動詞" or after.pos[1] == "終助詞"  # どこですか, どこか
        if (
            kind == "place"
            and predicate
            and i >= 2
            and ms[i - 1].surface in ("は", "が")
            and (body := _body_kind(ms[i - 2].surface))
        ):
            kind = body  # 「請け負った企業はどこですか」: the company's name, not a place
        elif kind == "place" and predicate and i >= 2 and ms[i - 1].surface in ("は", "が") and _is_country(ms[i - 2]):
            kind = "country"  # 「支援の対象国はどこですか」: a country's name, not a region's (大洋州)
        if kind and kind not in kinds:
            kinds.append(kind)
    # 何 as a numeral before a unit (Sudachi's own reading, short units): 何人, 何回, 何か国, 何年, 何円;
    # as a pronoun (何資源, 何製品, 何論) it asks "what", not "how many".
    short = [m for m in morphemes(text, mode="A") if m.pos[0] not in ("補助記号", "空白")]
    for i, (m, after) in enumerate(zip(short, short[1:], strict=False)):
        rest = i + 2
        if m.surface == "何" and after.surface in ("か", "カ", "ヶ", "ケ") and i + 2 < len(short):
            counter = _counter_with_ka(after.surface + short[i + 2].surface)  # 何か国: Sudachi's 何か + 国
            after, rest = (counter, i + 3) if counter else (after, rest)
        dated = after.surface in DATE_UNITS  # 何年度: Sudachi reads this 何 as a pronoun, still a date
        if (
            m.surface in ("何", "幾")
            and (m.pos[1] == "数詞" or dated or rest == i + 3)
            and (dated or _is_counter(after))
            and not _indefinite(short[rest : rest + 2])  # 何度も, 何人も: many times, many people
        ):
            kind = _unit_kind(after.surface)
            kind = f"count:{after.surface}" if kind == "count" else kind  # 何隻: ships, so a number of 隻
            if kind not in kinds:
                kinds.append(kind)
    money = any(_is_money(m.surface) for m in short if m.pos[0] in ("名詞", "接尾辞"))
    if "quantity" in kinds and money:
        kinds[kinds.index("quantity")] = "amount"  # 支援額はいくら, 建設費はいくら: money is what is counted
    if "degree" in kinds:  # money only when it is what is measured: どれくらいの予算, 費用はどの程度
        kinds.remove("degree")
        measured = [*_measured(ms), *focus_terms(text)]
        if any(_is_money(term) for term in measured) and "amount" not in kinds:
            kinds.append("amount")
        elif any(noun_kind(term) == "measure" for term in measured) and "measure" not in kinds:
            kinds.append("measure")  # 面積はどれくらい, どのくらいの距離: a number with a unit of measure
    if not kinds and not source:
        focus = focus_terms(text) or _requested(ms)
        if focus:  # a compound means what its last word means: 公布年 a year, 代表例 an example
            asked = max(focus, key=lambda term: text.rfind(term))
            named = _name_of(asked, ms)  # a name asks for whom or where it names: 国の名前, 国名
            kind = named or noun_kind(asked)
            if kind in ("amount", "count", "date", "person", "measure") or named:
                kinds.append(kind)
    return kinds


_HOW_MANY = re.compile(_EN_COUNT + r"\s+((?:[A-Za-z-]+\s+){0,3}[A-Za-z-]+)", re.I)


def _counted_noun(text: str) -> str | None:
    """What "how many" counts: the word a counter counts, "How many Chinese government ships …" -> "ships"
    (隻); else its words up to a function word, "How many electric buses does …" -> "electric buses", one of
    which a count in English text must count (`same_noun`); Japanese text has no counter for them, and any
    count there may answer."""
    found = _HOW_MANY.search(text)
    words = []
    for word in found.group(1).split() if found else []:
        if word.lower() in STOPWORDS:
            break
        words.append(word)
    plain = " ".join(w.lower() for w in words if not w[0].isupper())  # "electric buses": either may be said
    return next((w.lower() for w in words if counters_for(w)), plain or None)


def _measured(ms: list[Morpheme]) -> list[str]:
    """The noun a degree word measures: どれくらいの予算 -> 予算, どの程度の被害 -> 被害."""
    at = next((i for i, m in enumerate(ms) if m.surface in _HOW or m.surface in _HOW_MUCH), len(ms))
    for j in range(at + 1, min(at + 3, len(ms) - 1)):
        if ms[j].surface == "の" and ms[j + 1].pos[0] == "名詞":
            return [ms[j + 1].surface]
    return []


def _requested(ms: list[Morpheme]) -> set[str]:
    """The noun of a request that has no interrogative: 「受け取った国の名前を教えてください」 -> {名前}."""
    for i, m in enumerate(ms):
        if not m.surface.startswith("教え"):
            continue
        j = i - 1
        while j > 0 and (ms[j].pos[0] == "副詞" or ms[j].pos[2] == "副詞可能"):
            j -= 1  # 名前を全部教えて, 名前をすべて教えて
        if j > 0 and ms[j].surface == "を" and ms[j - 1].pos[0] == "名詞":
            return {ms[j - 1].surface}
    return set()


_NAME = re.compile(r"^(\(full\) name|full name|name)$")
_PLACE_NAMES = frozenset(("country name", "place name", "city name", "name of a country", "name of a place"))
_ONE_WHO = re.compile(r"\b(participant|attendee|speaker|founder|author|winner|candidate)\b")


def _name_of(noun: str, ms: list[Morpheme]) -> str | None:
    """「参加者の名前」「大統領の氏名」 ask for a person: a name ("name", "(full) name") of a noun for someone."""
    first = glosses_of(noun)[:1]
    if first and first[0].lower() in _PLACE_NAMES:
        return "place"  # 国名 "country name", 地名 "place name"
    if not first or not _NAME.match(first[0].lower()):
        return None
    at = next((i for i, m in enumerate(ms) if m.surface == noun), None)
    if at is None or at < 2 or ms[at - 1].surface != "の":
        return None
    kind = _named_kind(ms[at - 2].surface)
    if kind is None and at >= 4 and ms[at - 3].surface == "の":
        kind = _named_kind(ms[at - 4].surface)  # 大臣の下の名前: 下 only says which of the minister's names
    if kind == "person" and "title" in glosses_of(noun)[1:2]:
        return None  # 大臣の名称 ("name, title"): what the office is called, not who holds it
    return kind


def _named_kind(owner: str) -> str | None:
    """What the name of `owner` is the name of: 国, 都市 a place; 大統領, 参加者 ("participant") a person;
    企業 a company; スーパー ("supermarket"), 商業施設 (its last word, 施設 "institution") a body."""
    said = " ".join(glosses_of(owner)[:2]).lower()
    if noun_kind(owner) == "place" and _PLACE_NOUN.search(said):
        return "place"  # 国の名前, 都市の名前
    if noun_kind(owner) == "person" or _ONE_WHO.search(said):
        return "person"
    if not said and len(parts := morphemes(owner, mode="A")) > 1:
        said = " ".join(glosses_of(parts[-1].surface)[:2]).lower()  # a compound the dictionary lacks
    first = _first_gloss(owner).lower() or said  # 制度 is "system" first, "institution" only after
    if _COMPANY_NOUN.search(first):
        return "company"
    return "organization" if _BODY_NOUN.search(first) else None


def _indefinite(following: list[Morpheme]) -> bool:
    """An interrogative followed by も, でも, or a か that does not end the question is an indefinite
    pronoun (誰も, どこでも, 何かある)."""
    words = [m.surface for m in following]
    if not words:
        return False
    if words[0] == "か":  # 誰か来た; but 「公布はいつか。」「指揮したのは誰か」 end the question: they ask
        return len(words) > 1 and following[0].pos[1] != "終助詞"
    return words[0] == "も" or words[:2] == ["で", "も"]


@lru_cache(maxsize=256)
def _counter_with_ka(unit: str) -> Morpheme | None:
    """か国, カ所, ヶ月 as one counter, when Sudachi read the question's 何か as "something"."""
    read = morphemes(unit, mode="A")
    return read[0] if len(read) == 1 and _is_counter(read[0]) else None


def _is_counter(unit: Morpheme) -> bool:
    """A counter by Sudachi (助数詞, 助数詞可能: 隻, 回, か国, 円) or by JMdict ("counter for people": 人);
    何 before any other noun asks "what": 何湖 (マレボ湖), 何燃料 (化石燃料), 何権 (拒否権)."""
    if unit.pos[2] in ("助数詞", "助数詞可能"):
        return True
    return any(g.lower().startswith("counter for") for g in glosses_of(unit.surface))


def _unit_kind(unit: str) -> str:
    if unit in DATE_UNITS or unit.rstrip("目") in DATE_UNITS:
        return "date"
    return "amount" if unit in currency_units() else "count"


def _first_gloss(word: str) -> str:
    """JMdict's first gloss of a word, what it means before anything else; "" for a word it lacks."""
    senses = glosses_of(word)
    return senses[0] if senses else ""


def _body_kind(noun: str) -> str | None:
    """What a noun for a body asks for, by its first gloss: 企業, メーカー a company; 組織 any body; else None."""
    first = _first_gloss(noun).lower()
    if _COMPANY_NOUN.search(first):
        return "company"
    return "organization" if _ORGANISATION_NOUN.search(first) else None


def _is_country(noun: Morpheme) -> bool:
    """A noun for a country, by its first gloss: 国 "country", 加盟国 "member nation", 対象国's 国; not
    保護国 "protectorate" nor 地域 "area"."""
    return noun.pos[0] in ("名詞", "接尾辞") and bool(_COUNTRY_NOUN.search(_first_gloss(noun.surface).lower()))


def _interrogative_kind(m: Morpheme, after: Morpheme | None, next_after: Morpheme | None = None) -> str | None:
    s = m.surface
    if s in ("いくら", "幾ら"):
        return "quantity"  # money or any other number: いくらか, 感染者はいくら
    if s in ("いくつ", "幾つ"):
        return "count"
    if s in _HOW_MUCH or (s in _HOW and after is not None and after.surface in _DEGREE):
        return "degree"  # どれくらいの予算: how much money; どのくらいの期間, どの程度の規模: no one kind
    if s == "いつ" or s.startswith("いつ頃"):
        return "date"
    if s in _JA_PERSON:
        return "partner" if after is not None and after.surface in ("と", "に") else "person"  # 誰と協力: with whom
    if s in _JA_PLACE and (after is None or after.surface not in ("の", "まで", "から")):
        return "place"  # not どこまで ("how far"), nor どこから, a source of any kind (資金はどこから: 窃取)
    if s == "何時" and m.pos[0] == "代名詞":
        return "date"
    if (s in _JA_WHICH or s in _JA_PLACE) and after is not None and (after.pos[0] == "名詞" or after.surface == "の"):
        noun = after if after.pos[0] == "名詞" else next_after  # どの企業, どこの企業
        noun = noun if noun is not None and noun.pos[0] == "名詞" else None
        first = _first_gloss(noun.surface).lower() if noun else ""
        if noun and (body := _body_kind(noun.surface)):
            return body  # どこの企業, どのメーカー: a company's name, not a place's
        if noun and _is_country(noun):
            return "country"  # どの国, どこの国: a country's name, not a region's
        if s in _JA_PLACE:
            return "place"
        return "place" if _PLACE_NOUN.search(first) else None
    return None


@lru_cache(maxsize=4096)
def noun_kind(noun: str) -> str | None:
    """The kind of answer a noun stands for, by its first JMdict glosses: 予算 -> amount, 国 -> place,
    もの ("thing; object") -> none."""
    senses = glosses_of(noun)[:2]
    for kind, pattern in _GLOSS_KINDS:
        # a parenthesis qualifies a sense, it is not its meaning: 活動 "activity (of a person, ...)", バントゥー
        # "Bantu (people)"; only money is read from one: 額 "amount (esp. of money)"
        if any(pattern.search(g.lower() if kind == "amount" else bare_gloss(g.lower())) for g in senses):
            return kind
    return None


@lru_cache(maxsize=4096)
def _is_money(word: str) -> bool:
    """額 ("frame; ...; amount (esp. of money)"), 費 ("cost; expense"): any of its first three senses."""
    return any(_GLOSS_KINDS[0][1].search(g.lower()) for g in glosses_of(word)[:3])


def instances(evidence: str, *, beyond: str = "", headings: Iterable[str] = ()) -> set[str]:
    """The kinds of answer the evidence has at least one instance of; names that `beyond` (the question)
    already says do not count: a passage naming only the question's own place does not say where. In
    English text, neither do names in `headings` (the passages' section paths, which start with the
    document's title: "Harbour Water Authority: annual report" names no one who repaired the pipes).

    「予算約8000万ポンド」 -> {"amount"}; 「55000席」 -> {"count", "count:席"}; 「1923年」 -> {"date"}
    """
    text, beyond, asked = _read(evidence, beyond)
    found: set[str] = set()
    if _ERA_YEAR.search(text) or _WESTERN_YEAR.search(text) or _MONTH_DAY.search(text) or _EN_CENTURY.search(text):
        found.add("date")
    if _SYMBOL_MONEY.search(text):
        found.add("amount")
    if has_measure(text):
        found.add("measure")  # 2,351メートル, 25°C, 12 miles: not 4か国, which counts
    for m in _EN_QUANTITY.finditer(text):  # 2.5 million rupees, 12 ships; not "in 2026 the", a year
        kind = quantity_kind([w for w in m.groups() if w])
        if kind == "amount":
            found.add("amount")
        elif kind:  # "38 regular members" answers "how many members" and "how many regular …"
            found |= {"count", *(f"count:{w}" for w in kind.partition(":")[2].split())}
    for symbol, counter in SYMBOL_COUNTERS.items():
        if re.search(r"\d\s*" + re.escape(symbol), text):
            found |= {"count", f"count:{counter}"}
    ms = _evidence_morphemes(text)
    english = language_of_text(text) == "en"
    if english:
        found |= _latin_names(text, beyond, frozenset(unicodedata.normalize("NFKC", h) for h in headings))
        if _CALENDAR_WORD.search(text):
            found.add("date")  # "between June and September", "on Sundays"
    numbered = _numbered_items(text)
    currencies = currency_units()
    for i, m in enumerate(ms):
        after = ms[i + 1] if i + 1 < len(ms) else None
        if m.pos[:2] == ("名詞", "普通名詞"):
            found |= _counted_compound(m.surface)
            if m.surface not in asked and names_a_time(m.surface):
                found.add("date")  # いつ移動する -> 夜間; いつ咲く -> 春: a time of day, a season, an age
        if m.pos[1] == "固有名詞" and m.surface not in asked:
            if (after is not None and after.surface == "時代") or _an_era_said(m, after):
                found.add("date")  # 江戸時代, 平安時代: a named age; 明治初期, 昭和の終わり: an era
        said = after is not None and m.surface + after.surface in asked  # 北方四島: the question's own words
        figure = m.pos[1] == "数詞" and not english  # English figures are read above, word by word
        if figure and after is not None and (m.surface, after.surface) not in numbered and not said:
            unit = after.surface.lower()
            if unit in currencies:
                found.add("amount")
            elif is_date_unit(unit):  # 十八世紀末
                found.add("date")
            elif after.pos[0] in ("名詞", "接尾辞") and after.pos[1] != "数詞":
                found |= {"count", f"count:{after.surface}"}  # 55000席, 16案件, 3万人, 8か国: a noun counted
        found |= _name_kinds(ms, i, beyond, asked, english)
    if _names_a_people(text, beyond):
        found.add("people")
    return found


def names_of(kind: str, evidence: str, *, beyond: str = "") -> set[str]:
    """The distinct names of one kind the evidence gives, those `beyond` (the question) says left out:
    「米国、豪州等による支援」 -> {米国, 豪州} for "place"."""
    text, beyond, asked = _read(evidence, beyond)
    ms = _evidence_morphemes(text)
    english = language_of_text(text) == "en"
    return {ms[i].surface for i in range(len(ms)) if kind in _name_kinds(ms, i, beyond, asked, english)}


def _read(evidence: str, question: str) -> tuple[str, str, str]:
    """The evidence and the question NFKC-folded, and what the question says: its words, and what the
    evidence puts in parentheses after them (「無人航空機(UAV)」 for a question about 無人航空機)."""
    text = unicodedata.normalize("NFKC", evidence)
    asked = unicodedata.normalize("NFKC", question)
    return text, asked + "".join(f"\n{inside}" for inside in _also_said(text, asked)), asked


def _polity(ms: tuple[Morpheme, ...], i: int) -> str | None:
    """The name of a state that ends at ms[i], a noun JMdict glosses first as a polity ("republic",
    "kingdom", "empire") right after a name Sudachi does not file as a place, or after one and one more noun:
    「コンゴ人民共和国」 (コンゴ read as a person's name); None for a polity noun after no name (「共和国の憲法」)
    or after a place, which is a country already (「ポルトガル王国」: one name, not two)."""
    if not _POLITY.match(_first_gloss(ms[i].surface).lower()):
        return None
    for start in (i - 1, i - 2):
        named = start >= 0 and ms[start].pos[1] == "固有名詞" and ms[start].pos[2] != "地名"
        if named and all(m.pos[0] == "名詞" for m in ms[start:i]):
            return "".join(m.surface for m in ms[start : i + 1])
    return None


def _name_kinds(ms: tuple[Morpheme, ...], i: int, beyond: str, asked: str, english: bool) -> set[str]:
    """The kinds of answer the name at ms[i] gives (none if it is no name, or one the question says)."""
    m = ms[i]
    found: set[str] = set()
    if m.pos[:2] == ("名詞", "普通名詞") and (polity := _polity(ms, i)) and polity not in beyond:
        return {"place", "country", "partner"}  # コンゴ人民共和国: Sudachi reads コンゴ as a person's name
    if m.pos[:2] == ("名詞", "普通名詞") and m.surface not in beyond:
        found |= foreign_name(m.surface)  # アルマ宛の書簡: a name Sudachi does not know as one
        if _COUNTRY_PAIR.match(_first_gloss(m.surface)):
            found.add("country")  # 日米韓で連携: 日米 "Japan and the United States" names two countries
    if m.pos[1] != "固有名詞" or m.surface in ERA_START or (english and starts_latin(m.surface)):
        return found  # 令和 names a time; in English text Sudachi calls "sand" a person and "at" a name
    role = _role_after(ms, i + 1)
    if role and (m.surface not in beyond or role not in asked):
        found.add("person")  # 茂木外務大臣: a name Sudachi does not know as one, with a role after it
    if m.surface in beyond:
        return found
    if m.pos[2:4] == ("地名", "国"):
        found.add("country")  # what 4か国 counts
    if m.pos[2:3] in (("人名",), ("組織名",)) or m.pos[2:4] == ("地名", "国"):
        found.add("partner")  # with whom: a person, or a country or body acting as one (誰と協力 -> 米国)
    if m.pos[2:3] == ("人名",):
        found.add("person")
    if m.pos[2:3] == ("組織名",) or m.pos[2:3] == ("一般",):
        found.add("organization")  # a name Sudachi knows as no person and no place: a body or a brand
        if not senses(m.surface):
            found.add("company")  # 三菱電機; 自衛隊 and 外務省 are words of the dictionary: bodies, no makers
    if m.pos[2:3] != ("人名",):
        found.add("place")  # where: a place, or an institution (どこの大学 -> 楽友協会音楽院)
    return found


# JMnedict's name types, as the kinds of answer a name gives
_NAME_KINDS = {
    **dict.fromkeys(("person", "given", "surname", "fem", "masc"), ("person", "partner")),
    **dict.fromkeys(("place", "station"), ("place",)),
    **dict.fromkeys(("company", "organization", "product"), ("organization", "company", "place")),  # where too
    "group": ("organization",),
}
ANY_NAME = frozenset({"person", "place", "country", "organization", "company", "partner"})


@lru_cache(maxsize=4096)
def foreign_name(word: str) -> frozenset[str]:
    """The kinds of answer a katakana word gives that Sudachi files as a common noun and JMdict does not
    have as a word: a foreign name Sudachi does not know. JMnedict says which kind (アルマ: a given name and
    a place); one it lacks too (ングアビ) may be any; one it cannot class (サウス, "South") is none.
    ナラティブ ("narrative") is a word: no kind."""
    if len(word) < 2 or not is_katakana(word) or senses(word):
        return frozenset()
    types = name_types(word)
    if not types:
        return frozenset() if _compound_of_words(word) else ANY_NAME
    return frozenset(kind for t in types for kind in _NAME_KINDS.get(t, ()))


def _compound_of_words(word: str) -> bool:
    """グローバルサウス: グローバル, a word, and サウス, a name of no kind, run together; not ラリーネイション,
    whose ネイション is a name JMnedict lacks."""
    parts = [m.surface for m in morphemes(word, mode="A")]
    return len(parts) > 1 and all(senses(part) or not foreign_name(part) for part in parts)


_CALENDAR_WORD = re.compile(r"\b(?:" + "|".join(sorted(CALENDAR_WORDS, key=len, reverse=True)) + r")\b", re.I)
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*)*")


def _latin_names(text: str, beyond: str, headings: frozenset[str] = frozenset()) -> set[str]:
    """The kinds of answer the names of English text give. Sudachi's name categories are for Japanese
    words ("sand" is a person to it); here a run of capitalised words that is not only a sentence's first
    word, nor a name the question says, is a name. With no English name tagger to tell a person from a
    place or a body, it answers who, where and which body alike: "Who runs the plant?" is answered by
    "the Harbour Water Authority", and not by a passage with no name at all."""
    said = beyond.lower()
    for line in text.splitlines():
        if line in headings or all(w[0].isupper() for w in re.findall(r"[A-Za-z]{4,}", line)):
            continue  # a heading in title case ("Leaks and Repairs"): its capitals are its style
        for m in _CAPITALISED_RUN.finditer(line):
            words = m.group().split()
            if SENTENCE_START.search(line[: m.start()]):
                words = words[1:]  # "Crews repaired…": a capital that only starts a sentence names nothing
            words = [w for w in words if w.lower().strip(".'’") not in CALENDAR_WORDS]  # "in June": a time
            if words and " ".join(words).lower() not in said:
                return set(ANY_NAME)
    return set()


# first JMdict glosses that name a time without a number: of the day, of the year, of history or of a life;
# not one relative to the text's own time (現在 "now", 近年 "recent years", 当時 "at that time")
_A_TIME = re.compile(
    r"^(morning|evening|night|nighttime|daytime|afternoon|dawn|dusk|midnight|noon|spring|springtime|summer"
    r"|summertime|autumn|fall|winter|wintertime|season of winter|rainy season|(pre|post)-?war\b.*"
    r"|middle ages|childhood|early childhood|one's later years|weekend)$"
)


# an era's first JMdict sense: "Meiji era (1868.9.8-1912.7.30)", "Keichō era (1596.10.27-1615.7.13)"
_ERA_GLOSS = re.compile(r"\bera \(")


# first glosses of a noun that says which part of an era: 初期 "early (days)", 末期 "closing years", 後半
_PART_OF_TIME = re.compile(r"\b(period|epoch|era|age|years?|stage|days|half|beginning|end|middle|time|early|late)\b")


def _an_era_said(name: Morpheme, after: Morpheme | None) -> bool:
    """An era as a time (明治初期, 昭和の終わり, 慶長), not as part of another name (昭和天皇, 明治維新)."""
    if not _names_an_era(name.surface):
        return False
    if after is None or after.pos[0] != "名詞":
        return True
    first = glosses_of(after.surface)[:1]
    return bool(first) and bool(_PART_OF_TIME.search(bare_gloss(first[0].lower())))


@lru_cache(maxsize=4096)
def _names_an_era(name: str) -> bool:
    first = glosses_of(name)[:1]
    return bool(first) and bool(_ERA_GLOSS.search(first[0]))


@lru_cache(maxsize=4096)
def names_a_time(noun: str) -> bool:
    first = glosses_of(noun)[:1]
    return bool(first) and bool(_A_TIME.match(" ".join(bare_gloss(first[0].lower()).split())))


def _role_after(ms: tuple[Morpheme, ...], start: int) -> str | None:
    """The role right after a name: 外務大臣 in 茂木外務大臣, or one Sudachi cuts in two, 事務総長 in
    国連事務総長 ("secretary-general"), read over a run of up to three nouns. After a name the question
    says, the caller counts only a role it does not say: 「国連の…誰が指揮するか」 is answered by
    国連事務総長; 「米国の大統領は誰」 is not answered by 米国大統領."""
    run = ""
    for m in ms[start : start + 3]:
        if m.pos[0] not in ("名詞", "接尾辞") or m.pos[1] == "数詞":
            break
        run += m.surface
        if _PERSON_ROLE.search(" ".join(glosses_of(run)[:2]).lower()):
            return run
    return None


@lru_cache(maxsize=4096)
def _counted_compound(noun: str) -> frozenset[str]:
    """A count Sudachi keeps whole as one noun: 一回 -> {count, count:回}."""
    parts = morphemes(noun, mode="A")
    if len(parts) == 2 and parts[0].pos[1] == "数詞" and _is_counter(parts[1]):
        return frozenset(("count", f"count:{parts[1].surface}"))
    return frozenset()


# 「1 シーレーンの強化」「② レアアース」: an item's number and its first word, not a count of them
# a numbered line, or a numbered section in a section path (「認知戦への対応 > 2 認知戦を戦い抜くための…」)
_NUMBERED_ITEM = re.compile(r"(?m)(?:^|(?<=> ))[\s\-・*]*(\d{1,2})[.)]?\s+(\S)")


def _numbered_items(text: str) -> set[tuple[str, str]]:
    """(number, first word) of each numbered line, as Sudachi reads them."""
    items = set()
    for m in _NUMBERED_ITEM.finditer(text):
        words = _evidence_morphemes(text[m.start(2) : m.start(2) + 40])
        if words and not _is_counter(words[0]):  # 「- 3 隻を供与」 counts ships
            items.add((m.group(1), words[0].surface))
    return items


def _names_a_people(text: str, beyond: str) -> bool:
    """A place or a name with 人 after it (ポルトガル人, イベリア人, ムーア人), standing alone (not 中国人職員)
    and not said by the question: 何人 reads both なんにん (how many) and なにじん (which people), and this
    answers the second."""
    short = _evidence_morphemes(text, "A")
    for i, (m, after) in enumerate(zip(short, short[1:], strict=False)):
        if m.pos[1] == "固有名詞" and after.surface == "人" and after.pos[0] == "接尾辞":
            modifies = i + 2 < len(short) and short[i + 2].pos[0] in ("名詞", "接尾辞")  # 中国人職員: staff
            if not modifies and m.surface + "人" not in beyond:
                return True
    return False


@lru_cache(maxsize=2048)
def _evidence_morphemes(text: str, mode: str = "C") -> tuple[Morpheme, ...]:
    return tuple(m for m in morphemes(text, mode=mode) if m.pos[0] not in ("空白",))


def _held(kind: str, held: set[str]) -> bool:
    """何件 is answered by 16案件: a count whose unit ends like the one asked for, as Sudachi normalises
    units (か所, ヶ所 and カ所 are all 箇所) and without an ordinal 目 (何代 is answered by 七代目).
    何人 is also answered by a people's name (ポルトガル人): see _names_a_people."""
    if not kind.startswith("count:"):
        return kind in held
    unit = kind.split(":", 1)[1]
    if counts_a_noun(kind):  # "how many ships": a number of 隻; in English text, a number of ships
        units = [h for h in held if h.startswith("count:") and not counts_a_noun(h)]
        nouns = [h.split(":", 1)[1] for h in held if h.startswith("count:") and counts_a_noun(h)]
        people = unit.lower() == "people" and "people" in held  # 何人 by ポルトガル人, a people's name
        if any(same_noun(unit, noun) for noun in nouns):
            return True
        if units and counters_for(unit):
            return any(counted_by(unit, u) for u in units) or people
        if nouns:  # English text counts other things: 12,000 visitors is not a number of telescopes
            return people
        return "count" in held or people
    if unit == "人" and "people" in held:
        return True
    asked = _unit_form(unit)
    units = [h.split(":", 1)[1] for h in held if h.startswith("count:")]
    return any(_unit_form(u).endswith(asked) or _same_counter(unit, u) for u in units)


def counts_a_noun(kind: str) -> bool:
    """ "count:ships" (an English question's "how many ships"; a count in English text), not "count:隻" or
    "count:%"."""
    unit = kind.partition(":")[2].replace(" ", "")
    return unit.isascii() and unit.isalpha()


@lru_cache(maxsize=4096)
def same_noun(asked: str, counted: str) -> bool:
    """Whether a count in English text counts the noun an English question asks about: "kids" by "3,400
    children" (a JMdict sense glosses both), "members" by "38 members"; not "books" by "184,000 items"."""
    counted = counted.lower()
    for word in asked.lower().split():  # "electric buses": 412 buses
        stems = {english_word(word)} | {english_word(w) for w in sense_mates(word) | sense_mates(english_word(word))}
        if english_word(word) in _PEOPLE and _PEOPLE & (sense_mates(counted) | sense_mates(english_word(counted))):
            return True  # "how many people": 58,000 residents, 38 members (a JMdict sense says "person")
        if english_word(counted) in stems:
            return True
    return False


_PEOPLE = frozenset(("people", "person", "persons"))


def counted_by(noun: str, kind: str) -> bool:
    """Whether a count ("count:隻") counts an English noun: "ships" by 隻, "countries" by か国 and ヶ国."""
    unit = kind.split(":", 1)[-1]
    return _unit_form(unit) in {_unit_form(c) for c in counters_for(noun)}


@lru_cache(maxsize=1024)
def _same_counter(asked: str, held: str) -> bool:
    """何回 is answered by 2度: two counters for the same thing share a sense ("time", "times";
    歳 and 才 "-years-old"), read from their first three JMdict glosses, an article or plural left off; or
    JMdict calls both a counter for one noun (人 and 名: "counter for people")."""

    def senses(unit: str) -> set[str]:
        glosses = (bare_gloss(g.lower()).strip() for g in glosses_of(unit)[:3])
        return {re.sub(r"^(a|an|the) ", "", g).removesuffix("s") for g in glosses if g}

    return bool(senses(asked) & senses(held)) or bool(counts_of(asked) & counts_of(held))


@lru_cache(maxsize=1024)
def _unit_form(unit: str) -> str:
    """ヶ所 -> 箇所, 代目 -> 代: the unit in Sudachi's normalised form, an ordinal 目 left off."""
    form = "".join(m.form for m in morphemes(unit, mode="A")) or unit
    return form[:-1] if len(form) > 1 and form.endswith("目") else form


def missing(
    question: str,
    evidence: list[str],
    *,
    names: Iterable[str] = (),
    background: frozenset[str] = frozenset(),
    synonyms: Callable[[str], Iterable[str]] = lambda name: (),
    answer_scope: list[str] | None = None,
    headings: Iterable[str] = (),
    said: Iterable[str] = (),
) -> Missing:
    """What the question asks about that the evidence does not hold; empty when it is all there.

    `names`: the question's proper names (rag.language.terms.proper_nouns); those in `background` (what the
    whole document is about) are never asked for specifically; `synonyms(name)` gives other spellings that
    count as the name (米国 for アメリカ). `answer_scope`: where an answer of the asked kind must be (the
    sentences about the question's subject, rag.answer.scope), else the whole evidence. `headings`: the
    evidence's section paths, whose English names are no answer (see `instances`). `said`: the names an
    English question says, as the documents write them (ホルムズ海峡 for "the Strait of Hormuz"): no answer.
    """
    joined = unicodedata.normalize("NFKC", "\n".join(evidence))
    terms = absent_terms(question, joined, names=names, background=background, synonyms=synonyms)
    scope = joined if answer_scope is None else unicodedata.normalize("NFKC", "\n".join(answer_scope))
    beyond = "\n".join((question, *said))
    held = instances(scope, beyond=beyond, headings=headings)
    if held & {"amount", "count"}:
        held.add("quantity")
    asked = asked_kinds(question)
    kinds = [kind for kind in asked if not _held(kind, held)]
    announced = announced_count(question)
    if announced:  # 「8か国の国名」: eight names, and a passage naming two cannot list them
        wanted, countries = announced
        for kind in asked:
            counted = "country" if countries and kind == "place" else kind  # 4か国: countries, not any place
            if kind in ANY_NAME and kind not in kinds and len(names_of(counted, scope, beyond=beyond)) < wanted:
                kinds.append(kind)
    return Missing(tuple(terms), tuple(kinds))


def absent_terms(
    question: str,
    evidence: str,
    *,
    names: Iterable[str] = (),
    background: frozenset[str] = frozenset(),
    synonyms: Callable[[str], Iterable[str]] = lambda name: (),
) -> list[str]:
    """The question's years, figures and names (as `missing` takes them) that the evidence does not hold."""
    evidence = unicodedata.normalize("NFKC", evidence)
    lowered = evidence.lower()
    years = years_in(evidence)
    terms = []
    for s in specifics(question, [n for n in names if n not in background]):
        if s.year is not None:
            present = s.year in years
        else:
            alternatives = [*s.written, *synonyms(s.label)]
            present = s.label.lower() in lowered or any(alt.lower() in lowered for alt in alternatives)
            present = present or _a_place_in(s.label, evidence)
        if not present:
            terms.append(s.label)
    return terms


def _a_place_in(name: str, evidence: str) -> bool:
    """Whether the evidence names a place inside the country or region `name`, as JMdict glosses it:
    ミュンヘン "Munchen (Germany)" is in ドイツ "Germany", so 「ドイツの国際会議」 is 「ミュンヘン安全保障会議」.
    Only that way round: a question naming a city is not answered by its country."""
    countries = {bare_gloss(g).strip() for g in glosses_of(name)[:2]} - {""}
    if not countries:
        return False
    places = {m.surface for m in _evidence_morphemes(evidence) if m.pos[1:3] == ("固有名詞", "地名")}
    located = (_LOCATED.search(g) for place in places for g in glosses_of(place))
    return any(found and found.group(1) in countries for found in located)


def announced_count(question: str) -> tuple[int, bool] | None:
    """How many answers a question says it wants, when the count is of what it asks for, and whether they
    are countries: 「8か国の国名」, 「4か国はどこ」, 「3人は誰」 -> (8, True), (4, True), (3, False); not
    「2か国の首脳会談はどこで」, whose count is of the talks' sides."""
    ms = [m for m in morphemes(unicodedata.normalize("NFKC", question), mode="C") if m.pos[0] != "空白"]
    for i in range(len(ms) - 3):
        number, counter, particle, asked = ms[i : i + 4]
        if number.pos[1] != "数詞" or not number.form.isdigit() or not _is_counter_noun(counter):
            continue
        named = particle.surface == "の" and _name_of(asked.surface, ms[: i + 4]) is not None
        interrogative = (
            particle.surface in ("は", "が", "とは")
            and _interrogative_kind(asked, None) is not None
            and _counts_names(counter)  # 「7曲はどこの国で」 counts symphonies, not the places asked
        )
        if (named or interrogative) and int(number.form) >= 2:
            countries = any(g.lower() == "counter for countries" for g in glosses_of(counter.surface))
            return int(number.form), countries
    return None


def _counts_names(counter: Morpheme) -> bool:
    """Whether a counter counts what who or where asks for, by JMdict: people (人, 名), countries (か国),
    places (か所), companies (社)."""
    return any(_NAMED_COUNTED.match(g.lower()) for g in glosses_of(counter.surface))


def _is_counter_noun(m: Morpheme) -> bool:
    """か国, 人, 社 after a numeral: a counter by Sudachi or JMdict, or any noun Sudachi files as one."""
    return m.pos[0] in ("名詞", "接尾辞") and (_is_counter(m) or m.pos[1] == "普通名詞")
