"""Figures in a quote, said for English readers: Japanese era years as fiscal or calendar years, yen
amounts in 億/兆/万 as millions, billions or trillions, and counts with what they count.

figures("令和8(2026)年度(予算約181億円)") -> [("令和8(2026)年度", "FY2026"), ("約181億円", "about ¥18.1 billion")]
count_in_english("約3万人", "人") -> "about 30,000 people"
"""

from __future__ import annotations

import re
import unicodedata

from rag.language.units import ERA_START, western_year

_ERA = re.compile(r"(" + "|".join(ERA_START) + r")\s*(\d{1,2}|元)\s*(?:[(（]\s*\d{4}\s*[)）])?\s*(年度|年)")
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# 「約1兆2,000億円」: a 兆 part, then an 億 or 万 part (or a bare number), then 円
_YEN = re.compile(rf"(約)?(?:({_NUM})\s*兆)?\s*(?:({_NUM})\s*(億|万)?)?\s*円")
_UNITS = {"億": 10**8, "万": 10**4, None: 1}
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))
# a count: 「約3万人」「2,500件以上」「4千人」; what is left after the number is the counter and its qualifiers
_COUNT = re.compile(rf"^(約|およそ)?\s*({_NUM})\s*(億|万|千)?(.*)$")
_COUNT_UNITS = {"億": 10**8, "万": 10**4, "千": 10**3, None: 1}
_MORE = ("以上", "超", "余り", "余", "強")  # 「2,500件以上」: 2,500 or more
_LESS = ("以下", "未満", "弱")
# JMdict's "counter for people", "counter for ships (large boats)": the counted noun, when it is one word
_COUNTER_GLOSS = re.compile(r"^counter for ([a-z]+)$")


def figures(text: str) -> list[tuple[str, str]]:
    """(as written, in English) for each era year and yen amount, in text order, once each."""
    text = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, str, str]] = []
    for m in _ERA.finditer(text):
        year = western_year(m.group(1), m.group(2))
        found.append((m.start(), m.group(0), f"FY{year}" if m.group(3) == "年度" else str(year)))
    for m in _YEN.finditer(text):
        if not (m.group(2) or m.group(3)):
            continue  # 「円」 alone, as in 「円滑」
        amount = float((m.group(2) or "0").replace(",", "")) * 10**12
        amount += float((m.group(3) or "0").replace(",", "")) * _UNITS[m.group(4)]
        found.append((m.start(), m.group(0).strip(), ("about " if m.group(1) else "") + yen(amount)))
    seen: set[str] = set()
    out = []
    for _, written, english in sorted(found):
        if written not in seen:
            seen.add(written)
            out.append((written, english))
    return out


def yen(amount: float) -> str:
    """18_100_000_000 -> "¥18.1 billion"; 2_000_000_000 -> "¥2 billion"; 5000 -> "¥5,000"."""
    return "¥" + _plain_number(amount, whole_below_a_million=True)


def _decimals(value: float) -> int:
    return 0 if value == int(value) else 1 if value * 10 == int(value * 10) else 2


def count_in_english(text: str, counter: str) -> str:
    """A count as written (the answer line's span) in English, with the noun JMdict says the counter
    counts: ("約3万人", "人") -> "about 30,000 people", ("1隻", "隻") -> "1 ship", ("2,500件以上", "件") ->
    "2,500 or more" (件's glosses name no one noun: the number alone). "" when it is not a plain count."""
    m = _COUNT.match(unicodedata.normalize("NFKC", text).strip())
    if m is None:
        return ""
    value = float(m.group(2).replace(",", "")) * _COUNT_UNITS[m.group(3)]
    written_counter = m.group(4).startswith(counter)  # 「8」 of 8℃ answers 何度 by its symbol: no noun
    rest = m.group(4).removeprefix(counter).strip()
    number = _plain_number(value)
    noun = counted_noun(counter, singular=value == 1) if written_counter and counter else ""
    if not (noun or m.group(1) or m.group(3) or rest):
        return ""  # 「55000席」 in English would be the digits again
    said = f"{number} {noun}" if noun else number
    if m.group(1):
        said = f"about {said}"
    if rest in _MORE:
        said = f"{said} or more" if rest == "以上" else f"over {said}"
    elif rest in _LESS:
        said = f"up to {said}" if rest == "以下" else f"under {said}"
    elif rest:
        return ""  # something this does not read (「3回目」): no English rather than a wrong one
    return said


def counted_noun(counter: str, *, singular: bool = False) -> str:
    """What a counter counts, from its first JMdict "counter for X" sense when X is one word: 人 -> people,
    か国 -> countries; "" when that sense names no single noun (台: "machines, incl. vehicles")."""
    from rag.language.jmdict import glosses_of

    first = next((g for g in glosses_of(counter) if g.startswith("counter for ")), "")
    m = _COUNTER_GLOSS.match(re.sub(r"\s*\([^)]*\)", "", first).strip())  # its main counter sense only:
    if m is None:  # 件's later "counter for accounts (on a website)" is not what a briefing counts
        return ""
    return _singular(m.group(1)) if singular else m.group(1)


def _plain_number(value: float, *, whole_below_a_million: bool = False) -> str:
    """30000 -> "30,000"; 120000000 -> "120 million"; 2.5 -> "2.5" (a yen amount: "2")."""
    for scale, word in _SCALES:
        if value >= scale:
            return f"{value / scale:,.{_decimals(value / scale)}f} {word}".replace(".0 ", " ")
    return f"{value:,.{0 if whole_below_a_million else _decimals(value)}f}"


def _singular(noun: str) -> str:
    """people -> person, countries -> country, ships -> ship, aircraft -> aircraft."""
    if noun == "people":
        return "person"
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun
