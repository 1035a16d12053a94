"""English glosses for the key Japanese terms of a quote, from JMdict (jamdict + jamdict-data, offline).

「PCGの人員は4千人から約3万人に増加。」 -> [("人員", "じんいん", "personnel"), ("増加", "ぞうか", "increase"), ...]
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from rag.language.terms import morphemes

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


def known_words(term: str) -> list[str]:
    """The term if JMdict has it, else the longest runs of its Sudachi parts that it has, left to right."""
    if glosses(term):
        return [term]
    parts = [m.surface for m in morphemes(term)]
    words, i = [], 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            word = "".join(parts[i:j])
            if len(word) > 1 and glosses(word):
                words.append(word)
                i = j
                break
        else:
            i += 1
    return words


def key_terms(text: str) -> list[str]:
    """Distinct noun compounds and verbs of a text in Japanese script, in text order.

    「フィリピン沿岸警備隊の人員は増加。」 -> [フィリピン沿岸警備隊, 人員, 増加]
    """
    seen: list[str] = []
    run: list[str] = []

    def flush():
        term = "".join(run)
        if len(term) > 1 and not term.isascii() and term not in seen:
            seen.append(term)
        run.clear()

    for m in morphemes(text, mode="C"):
        if m.is_content and m.pos[0] in ("名詞", "接尾辞") and not m.surface.isascii():
            run.append(m.surface)
            continue
        flush()
        if m.is_content and not m.surface.isascii() and len(m.form) > 1 and m.form not in seen:
            seen.append(m.form)
    flush()
    return seen


def glossary(texts: list[str], *, rarity=None, limit: int = MAX_TERMS) -> list[Gloss]:
    """Glosses of the key terms of `texts`; `rarity(term)` (higher = rarer) puts the distinctive ones first.

    A compound JMdict lacks is glossed by the longest runs of its parts that it has:
    「フィリピン沿岸警備隊」 -> 「フィリピン」, 「沿岸警備隊」.
    """
    terms: list[str] = []
    for text in texts:
        terms += [t for t in key_terms(text) if t not in terms]
    found: list[Gloss] = []
    for term in terms:
        for word in known_words(term):
            reading, senses = _lookup(word)
            if all(g.term != word for g in found):
                found.append(Gloss(word, reading, "; ".join(senses[:MAX_GLOSSES])))
    if rarity is not None:
        found.sort(key=lambda g: -rarity(g.term))  # stable: text order among equals
    return found[:limit]
