"""English glosses for the key Japanese terms of a quote, from JMdict (jamdict + jamdict-data, offline).

「PCGの人員は4千人から約3万人に増加。」 -> [("人員", "じんいん", "personnel"), ("増加", "ぞうか", "increase"), ...]
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from rag.question_terms import morphemes

MAX_TERMS = 6  # a short glossary: more reads like a dictionary page
MAX_GLOSSES = 2  # English senses shown per term
_local = threading.local()  # jamdict's SQLite connection works only in the thread that opened it


@dataclass(frozen=True)
class Gloss:
    term: str  # as written in the passage
    reading: str  # kana
    english: str  # "personnel; number of persons"


def _jamdict():
    jam = getattr(_local, "jamdict", None)
    if jam is None:
        from jamdict import Jamdict

        jam = _local.jamdict = Jamdict()
    return jam


@functools.lru_cache(maxsize=8192)
def _lookup(word: str) -> tuple[str, tuple[str, ...]]:
    result = _jamdict().lookup(word, strict_lookup=True, lookup_chars=False, lookup_ne=False)
    for entry in result.entries:
        senses = tuple(g.text for s in entry.senses for g in s.gloss[:1])
        if senses:
            reading = entry.kana_forms[0].text if entry.kana_forms else ""
            return reading, senses
    return "", ()


def glosses(word: str) -> tuple[str, ...]:
    """JMdict's English senses for a word (first gloss of each sense), or () when it has none."""
    return _lookup(word)[1]


def key_terms(text: str) -> list[str]:
    """Distinct nouns and verbs of a text in Japanese script, compounds kept whole, in text order."""
    seen: list[str] = []
    for m in morphemes(text, mode="C"):
        term = m.surface if m.pos[0] == "名詞" else m.form
        if m.is_content and not m.surface.isascii() and len(term) > 1 and term not in seen:
            seen.append(term)
    return seen


def glossary(texts: list[str], *, rarity=None, limit: int = MAX_TERMS) -> list[Gloss]:
    """Glosses of the key terms of `texts`; `rarity(term)` (higher = rarer) puts the distinctive ones first.

    A compound JMdict lacks (「海上法執行」) is glossed by its parts' entries only when they have one.
    """
    terms: list[str] = []
    for text in texts:
        terms += [t for t in key_terms(text) if t not in terms]
    found: list[Gloss] = []
    for term in terms:
        reading, senses = _lookup(term)
        if not senses:
            parts = [m.surface for m in morphemes(term) if m.is_content and len(m.surface) > 1]
            for part in parts if len(parts) > 1 else []:
                r, s = _lookup(part)
                if s and all(g.term != part for g in found):
                    found.append(Gloss(part, r, "; ".join(s[:MAX_GLOSSES])))
            continue
        found.append(Gloss(term, reading, "; ".join(senses[:MAX_GLOSSES])))
    if rarity is not None:
        found.sort(key=lambda g: -rarity(g.term))  # stable: text order among equals
    return found[:limit]
