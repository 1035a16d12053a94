"""Units that make a number an amount of money, a date or a count, for any currency, era or counter.

currency_units() -> {"円", "ドル", "ポンド", "ルピー", "元", ...}   (CLDR's currency names, ja and en)
western_year("大正", "12") -> 1923;  western_year("令和", "元") -> 2019
"""

from __future__ import annotations

import re
from functools import cache

# Japanese eras since the calendar reform, with their first year: era year n is start + n - 1.
ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
DATE_UNITS = frozenset("年 年度 月 日 時 分 秒 世紀 年代 週 曜日".split())
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
