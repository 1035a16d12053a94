"""A katakana word typed a little wrong, respelled as the corpus's own word: 「ホルムス海峡」 -> 「ホルムズ海峡」.

Loanwords are where people misspell Japanese most: a voicing mark left off or added (ス/ズ, ハ/バ/パ),
a small kana typed large, a long vowel written out. A katakana run of the question that is neither a
word of the corpus nor a word JMdict knows (so not a real word, as バス beside パス would be) is respelled
when exactly one katakana word of the corpus has the same loose key: its reading key
(rag.search.readings) without voicing marks.

    NearSpellings(["ホルムズ", "イラン"]).rewrite("ホルムス海峡 取り組み").text -> "ホルムズ海峡 取り組み"
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rag.search.readings import MIN_KEY_CHARS, Rewrite, reading_key

_KATAKANA_WORD = re.compile(r"[\u30a1-\u30faー]+")


def loose_key(word: str) -> str:
    """ "ホルムズ", "ホルムス", "ホルムース" -> "ホルムス"; voicing marks dropped after the reading key."""
    decomposed = unicodedata.normalize("NFD", reading_key(word))
    return "".join(ch for ch in decomposed if ch not in "\u3099\u309a")


class NearSpellings:
    """The corpus's katakana words by loose key; a key two words share respells to neither."""

    def __init__(self, terms: Iterable[str]):
        by_key: dict[str, set[str]] = {}
        self.terms = set()
        for term in terms:
            if len(term) >= MIN_KEY_CHARS and _KATAKANA_WORD.fullmatch(term):
                self.terms.add(term)
                by_key.setdefault(loose_key(term), set()).add(term)
        self._by_key = {key: next(iter(words)) for key, words in by_key.items() if len(words) == 1}

    def rewrite(self, question: str) -> Rewrite:
        if not self._by_key:
            return Rewrite(question, ())
        out, replaced, pos = [], [], 0
        for run in _KATAKANA_WORD.finditer(question):
            word = run.group()
            spelled = self._spelling_of(word)
            out.append(question[pos : run.start()])
            out.append(spelled or word)
            if spelled:
                replaced.append((word, spelled))
            pos = run.end()
        out.append(question[pos:])
        return Rewrite("".join(out), tuple(replaced))

    def _spelling_of(self, word: str) -> str | None:
        if len(word) < MIN_KEY_CHARS or word in self.terms:
            return None
        spelled = self._by_key.get(loose_key(word))
        if spelled is None or spelled == word or _is_a_word(word):
            return None
        return spelled


def _is_a_word(word: str) -> bool:
    """JMdict knows it: a real word, spelled as meant (バス is not a misspelt パス)."""
    from rag.language.jmdict import glosses_of

    return bool(glosses_of(word))
