"""The passages in English as well: each passage's words glossed through JMdict, searched with an English
BM25 for English questions.

Query-side translation picks one sense of each English word; the document side holds every sense the
passage's words have, so "countries that act as go-betweens" meets 仲介 through "mediation" and
"intermediary" alike.

    passage_english(["PCGの人員は増加。"]) -> [["number", "person", "personnel", "increas", "rise", ..., "pcg"]]
    question_english("Which countries act as mediators?") -> ("countri", "act", "mediat")
"""

from __future__ import annotations

import unicodedata
from functools import cache

from rag.language.jmdict import ARTICLES, english_words, gloss_phrases, glosses
from rag.language.loanwords import sound_key
from rag.language.sudachi import tokenize
from rag.language.terms import morphemes

SENSES_PER_WORD = 8  # glosses kept per Japanese word, common entries and senses first
# Function words of English; content words ("japan", "country") stay. The same list reads questions.
STOPWORDS = frozenset(
    "what which who whom whose when where why how is are was were be been being do does did done the a an of "
    "to in on for with about and or by from at as that this these those it its into there their they them "
    "his her has have had will would can could should may might any much many most more so such than then "
    "also not no yes per give given make made kind way ever say says said tell me please us we our i you "
    "your my one ones thing things something e.g etc esp".split()
)
# Words for the documents themselves: "what does the briefing say about Taiwan", "does the paper mention".
# A question names its source this way; no passage answers it by holding the word.
SOURCE_WORDS = frozenset("briefing document documents paper text mention mentions mentioned anything".split())


def question_english(question: str) -> tuple[str, ...]:
    """An English text's content words, Snowball-stemmed as the glosses are: "mediators" -> "mediat"."""
    words = english_words(unicodedata.normalize("NFKC", question))  # plural endings off: "does" -> "doe"
    stopped = _stopword_forms()
    return tuple(stem(w) for w in words if w not in stopped and w not in ARTICLES)


@cache
def _stopword_forms() -> frozenset[str]:
    """The stop words as they are and as english_words leaves them ("does" -> "doe", "has" -> "ha")."""
    words = STOPWORDS | SOURCE_WORDS
    return words | {w for word in words for w in english_words(word)}


@cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def stem(word: str) -> str:
    """An English word as the English field stores it (Snowball): "finished" -> "finish"."""
    return _stemmer().stemWord(word)


def passage_english(texts: list[str], *, bm25_mode: str = "A") -> list[list[str]]:
    """Each passage's English tokens: the glosses of its words (short units and whole compounds), the sound
    key of a katakana word no dictionary glosses (プレバンキング: "prbnkng", `rag.language.loanwords`) and the
    Latin words it already has."""
    words_of = [_japanese_words(text, bm25_mode) for text in texts]
    senses = glosses(sorted({w for words in words_of for w in words}))
    out = []
    for text, words in zip(texts, words_of, strict=True):
        tokens: list[str] = []
        for word in words:
            for gloss in senses.get(word, [])[:SENSES_PER_WORD]:
                phrase = gloss_phrases(gloss)
                tokens += [stem(w) for w in phrase or () if w not in _stopword_forms()]
            if word not in senses and (key := sound_key(word, english=False)):
                tokens.append(key)
        tokens += question_english(text)  # OSA, FOIP, G7 as written
        out.append(tokens)
    return out


def _japanese_words(text: str, bm25_mode: str) -> list[str]:
    compounds = [m.surface for m in morphemes(text, mode="C") if m.pos[0] == "名詞" and m.pos[1] != "数詞"]
    return [w for w in dict.fromkeys(tokenize(text, mode=bm25_mode) + compounds) if not w.isascii()]
