"""The figures, dates and names of English text, for the answer line: Sudachi reads Japanese figures by
their units, and English ones are words apart from their numbers ("412,000 visits", "1.3 million dollars").

    english_spans("Director Margaret Okafor has led it since March 2019; it had 412,000 visits.")
    -> [(9, 24, "name"), (44, 54, "date"), (65, 79, "count:visits")]
"""

from __future__ import annotations

import calendar
import re

from rag.language.units import CALENDAR_WORDS, currency_units
from rag.search.english import STOPWORDS

_NUMBER = r"\d[\d,]*(?:\.\d+)?(?:\s+(?:thousand|million|billion|trillion))?"
_SYMBOL_AMOUNT = re.compile(r"(?:US\$|\$|£|€|¥)\s?" + _NUMBER)
_QUANTITY = re.compile(rf"\b{_NUMBER}\s+([A-Za-z]+)(?:[ -]([A-Za-z]+))?")
_MONTHS = "|".join(calendar.month_name[1:])
_MONTH_DATE = rf"(?:{_MONTHS})(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?"
# "March 2019", "July 1, 2026", "between June and September 2025", a year alone
_DATE = re.compile(
    rf"\b(?:between\s+|from\s+)?{_MONTH_DATE}(?:\s+(?:and|to|until|through)\s+{_MONTH_DATE})?\b"
    r"|\b(?:1[0-9]|20)\d{2}\b(?![\d,]|\.\d)"
)
# what may stand before a sentence's first word: nothing, an end of sentence, a bullet, an opening quote
SENTENCE_START = re.compile(r"(^|[.!?:;\n]|^\s*[-*#>•]+)\s*[\"'“‘(]*$")
# a name runs on through "of" ("Bank of Japan"); a full stop ends it ("in September.")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:[ \t]+(?:of[ \t]+)?[A-Z][\w'’-]*)*")


def english_spans(text: str) -> list[tuple[int, int, str]]:
    """Every amount, count ("count:" and the words it counts), date and name ("name": English text says
    nothing of whether a name is a person's, a place's or a body's) in `text`, in text order."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str) -> None:
        if not any(start < b and a < end for a, b in taken):
            found.append((start, end, kind))
            taken.append((start, end))

    for m in _SYMBOL_AMOUNT.finditer(text):
        add(m.start(), m.end(), "amount")
    for m in _QUANTITY.finditer(text):
        kind = quantity_kind([w for w in m.groups() if w])
        if kind == "amount":
            add(m.start(), m.end(1), "amount")
        elif kind:
            add(m.start(), m.end(2) if len(kind.split()) == 2 else m.end(1), kind)
    for m in _DATE.finditer(text):
        add(m.start(), m.end(), "date")
    for m in _CAPITALISED_RUN.finditer(text):
        start, words = m.start(), m.group().split()
        if SENTENCE_START.search(text[: m.start()]):  # "Crews repaired…": a first word names nothing
            start += len(words[0]) + 1
            words = words[1:]
        if words and not all(w.lower().strip("'’") in CALENDAR_WORDS for w in words):
            add(start, m.end(), "name")
    return sorted(found)


def quantity_kind(words: list[str]) -> str | None:
    """What a number followed by `words` (one or two) is in English: an amount ("1.3 million dollars"), a
    count of those of them that are no function words ("38 regular members" -> "count:regular members"),
    or nothing when a function word follows it ("in 2026 the library…": a year)."""
    first = words[0].lower()
    if first in currency_units() or first.rstrip("s") in currency_units():
        return "amount"
    if first in STOPWORDS:
        return None
    return "count:" + " ".join(w.lower() for w in words if w.lower() not in STOPWORDS)
