"""Figures in a quote, said for English readers: Japanese era years as fiscal or calendar years, and yen
amounts in 億/兆/万 as millions, billions or trillions.

figures("令和8(2026)年度(予算約181億円)") -> [("令和8(2026)年度", "FY2026"), ("約181億円", "about ¥18.1 billion")]
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
    for scale, word in _SCALES:
        if amount >= scale:
            return f"¥{amount / scale:,.{_decimals(amount / scale)}f} {word}".replace(".0 ", " ")
    return f"¥{amount:,.0f}"


def _decimals(value: float) -> int:
    return 0 if value == int(value) else 1 if value * 10 == int(value * 10) else 2
