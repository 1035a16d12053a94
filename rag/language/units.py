"""Units that make a number an amount of money, a date, a count or a measure, for any currency, era,
counter or unit of measure.

currency_units() -> {"円", "ドル", "ポンド", "ルピー", "元", ...}   (CLDR's currency names, ja and en)
has_measure("面積は約5,000平方キロメートル") -> True; has_measure("標高は三千メートル") -> True;
has_measure("4か国") -> False   (CLDR's units)
western_year("大正", "12") -> 1923;  western_year("令和", "元") -> 2019
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from functools import cache

# Japanese eras since the calendar reform, with their first year: era year n is start + n - 1.
ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
DATE_UNITS = frozenset("年 年度 月 日 時 分 秒 世紀 年代 週 曜日".split())
_LONG_DATE_UNITS = tuple(u for u in DATE_UNITS if len(u) > 1)
# English month and weekday names, lower case, plural too, as Python's calendar gives them (the "C" locale):
# "in June", "on Sundays" say when, and name no one
CALENDAR_WORDS = frozenset(w.lower() + end for w in (*calendar.month_name[1:], *calendar.day_name) for end in ("", "s"))


def is_date_unit(unit: str) -> bool:
    """Whether the word after a number makes it a date: 年, 元年, and a unit Sudachi keeps whole with what
    follows it (世紀末, 年度末, 年度内: 令和7年度末 is a date, not a count of 年度末)."""
    return unit in DATE_UNITS or unit == "元年" or unit.startswith(_LONG_DATE_UNITS)


KANJI_DIGITS = "〇一二三四五六七八九十百千万億数"  # 三千メートル, 数百キロ: numbers written in kanji
# English numbers in words, from two ("one" is as often "one of them"): "four million pounds", "two kilometres"
EN_NUMBER_WORDS = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?"
    r"|millions?|billions?)"
)
# Unit symbols after a number (as NFKC leaves them) and the counter a Japanese question names them by:
# 「何度」 is answered by 25°C, 「何パーセント」 by 48%.
SYMBOL_COUNTERS = {"°C": "度", "°F": "度", "°": "度", "%": "パーセント"}
_PAREN = re.compile(r"\s*[(（][^)）]*[)）]")
_TRAILING_KATAKANA = re.compile(r"[\u30a0-\u30ffー]+$")


def western_year(era: str, n: str) -> int:
    return ERA_START[era] + (1 if n == "元" else int(n)) - 1


@cache
def currency_units() -> frozenset[str]:
    """The unit words of every currency CLDR names (babel), in Japanese and in English, lower-cased:
    "米ドル" -> ドル, "中国人民元" -> 元, "インド ルピー" -> ルピー, "US Dollar" -> dollar."""
    from babel import Locale

    units: set[str] = set()
    for locale in ("ja", "en"):
        for code, name in Locale(locale).currencies.items():
            if code.startswith("X"):  # precious metals, testing and fund codes are not money units
                continue
            bare = _PAREN.sub("", name).strip()
            if bare != name and " " not in bare and locale == "ja":
                continue  # "メキシコ (UDI)": an accounting unit named after its country, no unit word
            name = bare
            if locale == "en":
                units.add(name.split()[-1].lower())
                continue
            katakana = _TRAILING_KATAKANA.search(name)
            units.add(katakana.group() if katakana else name[-1])
    units.update({"円", "yen", "dollars", "euros", "pounds"})
    return frozenset(units)


CURRENCY_SYMBOLS = "$¥€£₩₹₽"

# CLDR's unit categories that measure an extent: not durations (a date or a period), concentrations
# (percent), angles (度 also counts times) or graphics (pixels)
_MEASURE_CATEGORIES = frozenset(
    "length area volume mass temperature speed pressure energy power acceleration force frequency electric"
    " light torque consumption digital".split()
)
# CLDR abbreviations that are also English words or ordinal suffixes (21st, 5 in 10, 3 pm); and one-kanji
# traditional units, which are also counters or words (5分 minutes, 41才 years old, 2度 times, 3歩 steps)
_AMBIGUOUS_UNITS = frozenset("st nd rd th in am pm au pt ct pc dr bu mc pn cup c b".split())


@cache
def measure_units() -> tuple[str, ...]:
    """The words and symbols of every unit of measure CLDR names, in Japanese and English, long and
    short, singular and plural, US and British, NFKC, longest first: "平方キロメートル", "kilometres", "km2", "°C"."""
    from babel import Locale
    from babel.units import format_unit

    units: set[str] = set()
    for locale in ("ja", "en", "en_GB"):  # meters and metres
        for unit in Locale(locale).unit_display_names:
            if unit.split("-")[0] not in _MEASURE_CATEGORIES:
                continue
            for length in ("long", "short", "narrow"):
                for value in (1, 5):
                    written = format_unit(value, unit, length=length, locale=locale)
                    word = unicodedata.normalize("NFKC", written.split(str(value))[-1].strip())
                    if word and unit not in word:  # a missing pattern falls back to the unit's id
                        units.add(word)
    units -= _AMBIGUOUS_UNITS
    units = {u for u in units if len(u) > 1 or u.isascii() or not u.isalpha()}
    return tuple(sorted(units, key=len, reverse=True))


@cache
def _measured_number() -> re.Pattern:
    units = "|".join(re.escape(u) for u in measure_units())
    # a number (約5,000, 3.5, 34万, 三千, 数百) and a unit right after it; a Latin unit ends where the letters do
    # (5 m, not 5 men)
    number = rf"(?:\d[\d,.]*\s*(?:[万億千]|thousand|million|billion)?|[{KANJI_DIGITS}]+|\b{EN_NUMBER_WORDS}\b)"
    return re.compile(rf"{number}\s*(?:{units})(?![A-Za-z\u30a0-\u30ff])")  # 一トン, not 唯一トンネル


def has_measure(text: str) -> bool:
    """A number with a unit of measure after it, in any script: 2,351メートル, 25°C, 12 miles."""
    return bool(_measured_number().search(unicodedata.normalize("NFKC", text)))
