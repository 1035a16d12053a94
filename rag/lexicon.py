"""A cross-lingual lexicon: the corpus's own terms, embedded, so English words find their Japanese term.

An English question shares no tokens with Japanese passages, so BM25 alone cannot help it. Each
English word is mapped to the nearest term of the briefing in the embedding space
("budget" -> 予算, "Micronesia" -> ミクロネシア) and only close matches are kept, giving BM25
Japanese tokens to work with.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

MATCH_AT_LEAST = 0.90  # cosine for a word to count as translated; see docs/decisions.md
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_LATIN_ONLY = re.compile(r"^[A-Za-z0-9 .'’-]+$")
STOPWORDS = frozenset(
    "what which who whom whose when where why how is are was were be been being do does did done the a an of "
    "to in on for with about and or by from at as that this these those it its into there their they them "
    "his her has have had will would can could should may might any much many most more so such than then "
    "also not no yes per japan japan's japanese give given make made kind way ever".split()
)


def corpus_terms(texts: list[str]) -> list[str]:
    """Distinct nouns of the passages in Japanese script (Sudachi mode C keeps compounds whole)."""
    from sudachipy import SplitMode

    from rag.tokenize_ja import _sudachi

    found = set()
    for text in texts:
        for m in _sudachi().tokenize(unicodedata.normalize("NFKC", text), SplitMode.C):
            pos = m.part_of_speech()
            surface = m.surface().strip()
            if pos[0] == "名詞" and pos[1] not in ("数詞", "代名詞") and surface and not _LATIN_ONLY.match(surface):
                found.add(surface)
    return sorted(found)


def latin_words(question: str) -> list[str]:
    """Latin-script content words of a question, in order, once each."""
    words = []
    for w in _LATIN_WORD.findall(unicodedata.normalize("NFKC", question)):
        w = w.strip("'’-")
        if len(w) > 2 and w.lower() not in STOPWORDS and w not in words:
            words.append(w)
    return words


class Lexicon:
    def __init__(self, terms: list[str], vectors: np.ndarray):
        self.terms, self.vectors = terms, vectors

    def translate(self, words: list[str], embedder, known) -> list[str]:
        """Words the passages contain stay; others become their nearest corpus term if close enough.

        ["OSA", "budget", "whaling"] -> ["OSA", "予算"]
        """
        unknown = [w for w in words if w.lower() not in known]
        mapped = {}
        if unknown and self.terms:
            sims = embedder.encode_queries(unknown) @ self.vectors.T
            for word, row in zip(unknown, sims, strict=True):
                j = int(row.argmax())
                if row[j] >= MATCH_AT_LEAST:
                    mapped[word] = self.terms[j]
        return [w if w.lower() in known else mapped[w] for w in words if w.lower() in known or w in mapped]
