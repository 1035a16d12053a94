"""Whether the passages that answer hold what the question specifically asks about.

A question can be on the documents' topic and still not be answered by them: a budget for a
year they do not cover, a count they never state. Two checks find that, each on the text of the
top passages (the evidence):

- specifics named in the question (a year, a date, a proper name, an acronym) that no evidence
  passage contains: 「OSAの令和9年度の予算は？」 -> missing ["令和9年度"];
- the kind of answer asked for (an amount, a count, a date, a person) of which the evidence has no
  instance at all: 「パラオ国際空港への支援額はいくらですか」 -> missing ["金額 (amount)"].
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ERA_START = {"令和": 2018, "平成": 1988, "昭和": 1925}  # era year n is western year start + n
_ERA_YEAR = re.compile(r"(令和|平成|昭和)\s*(\d{1,2}|元)\s*年度?")
_WESTERN_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(年度|年)?")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(?:(\d{1,2})日)?")
_MONEY = re.compile(
    r"\d[\d,.]*\s*(?:兆|億|万|千)?\s*(?:円|ドル|ユーロ|元|ウォン)|[$¥€£]\s*\d|\d\s*(?:yen|dollars?|euros?)\b"
)
_COUNT = re.compile(
    r"(?:\d[\d,.]*|[一二三四五六七八九十百千]+)\s*(?:万|千|億)?\s*"
    r"(?:人|名|か国|カ国|ヶ国|箇国|件|回|か所|カ所|箇所|個|台|隻|機|つ|倍|%|％|割|社|校|都市|地域|案件|万人|件数)"
)
_DATE = re.compile(r"\d{1,4}\s*(?:年|月|日)|(?:令和|平成|昭和)\s*(?:\d|元)|(?<!\d)(?:19|20)\d{2}(?!\d)")
_PERSON_TITLE = re.compile(r"大臣|総理|首相|大統領|長官|大使|議長|首脳|外相|国王|首長|氏(?![族名])|さん")
# What a question asks for, by its interrogative: the kind of answer the evidence must show an instance of.
ASKS = (
    ("金額 (amount)", re.compile(r"いくら|金額|額は|予算|費用|how much|budget|cost", re.I), _MONEY),
    (
        "数 (count)",
        re.compile(r"何人|何名|何か国|何カ国|何件|何回|何か所|何カ所|何個|何台|何隻|いくつ|how many|number of", re.I),
        _COUNT,
    ),
    ("日付 (date)", re.compile(r"いつ|何年|何月|何日|when\b|what year|what date|which year", re.I), _DATE),
    ("人名 (name)", re.compile(r"誰|だれ|名前|氏名|\bwho\b|whose name", re.I), None),  # checked with Sudachi
)


@dataclass(frozen=True)
class Specific:
    label: str  # as the question says it: 令和9年度, 5月, GCC
    year: int | None = None  # years are compared as numbers: 令和8年度 = 2026年度 = (2026)


def western_year(era: str, n: str) -> int:
    return ERA_START[era] + (1 if n == "元" else int(n))


def years_in(text: str) -> set[int]:
    text = unicodedata.normalize("NFKC", text)
    found = {western_year(m.group(1), m.group(2)) for m in _ERA_YEAR.finditer(text)}
    found |= {int(m.group(1)) for m in _WESTERN_YEAR.finditer(text)}
    return found


def specifics(question: str, proper_nouns: list[str]) -> list[Specific]:
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
    found += [Specific(name) for name in proper_nouns if not any(name in s.label for s in found)]
    return found


def missing_specifics(question: str, proper_nouns: list[str], evidence: list[str]) -> list[str]:
    joined = unicodedata.normalize("NFKC", "\n".join(evidence)).lower()
    years = years_in(joined)
    missing = []
    for s in specifics(question, proper_nouns):
        present = s.year in years if s.year is not None else s.label.lower() in joined
        if not present:
            missing.append(s.label)
    return missing


def missing_answer_kinds(question: str, evidence: list[str], *, has_person) -> list[str]:
    """Kinds of answer the question asks for of which the evidence has no instance."""
    text = unicodedata.normalize("NFKC", "\n".join(evidence))
    missing = []
    for label, asked, instance in ASKS:
        if not asked.search(question):
            continue
        if instance is None:
            present = bool(_PERSON_TITLE.search(text)) or has_person(text)
        else:
            present = bool(instance.search(text))
        if not present:
            missing.append(label)
    return missing


@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(surface, part of speech) of each Sudachi mode-C word (compounds and names whole). Cached: one
    search reads the same question for its names, its nouns and what is missing."""
    from sudachipy import SplitMode

    from rag.language.sudachi import _sudachi

    words = _sudachi().tokenize(unicodedata.normalize("NFKC", text), SplitMode.C)
    return tuple((m.surface().strip(), tuple(m.part_of_speech())) for m in words)


def proper_nouns(text: str) -> list[str]:
    """Proper names and Latin acronyms of a text, by Sudachi (mode C keeps names whole)."""
    names: list[str] = []
    for surface, pos in _words(text):
        acronym = re.fullmatch(r"[A-Z][A-Z0-9]{1,7}", surface)
        japanese_name = pos[0] == "名詞" and pos[1] == "固有名詞" and not surface.isascii()
        if (japanese_name or acronym) and surface not in names:  # an English name cannot be checked in Japanese
            names.append(surface)
    return names


# Japanese question words are a closed class; as nouns they head 何人, 幾つ, いつ頃, どこ.
_INTERROGATIVE = re.compile(r"^(何|幾|いく|いつ|どこ|どれ|どちら|どっち|誰|だれ|なに|なん)")


def content_nouns(text: str) -> list[str]:
    """The common and proper nouns of a Japanese text, compounds whole (Sudachi mode C); no numbers,
    pronouns, suffixes or question words (何人, いつ頃). 「日本の人口は何人ですか」 -> ["日本", "人口"]"""
    nouns: list[str] = []
    for surface, pos in _words(text):
        asks = _INTERROGATIVE.match(surface)
        if pos[0] == "名詞" and pos[1] in ("普通名詞", "固有名詞") and not asks and surface and surface not in nouns:
            nouns.append(surface)
    return nouns


def has_person_name(text: str) -> bool:
    from rag.language.sudachi import _sudachi

    return any(m.part_of_speech()[2] == "人名" for m in _sudachi().tokenize(text))


def missing(question: str, evidence: list[str], *, background=frozenset()) -> list[str]:
    """What the question asks about that the evidence passages do not hold; [] when it is all there.

    Names in `background` (what the whole document is about) are never asked for specifically.
    """
    names = [n for n in proper_nouns(question) if n not in background]
    found = missing_specifics(question, names, evidence)
    return found + missing_answer_kinds(question, evidence, has_person=has_person_name)
