"""What a question becomes before it is searched: respelled kana and katakana, BM25 tokens, translated English.

QueryAnalyzer(...).analyze("おーえすえーのよさんは？")
-> QueryForms(search_text="OSAの予算は？", tokens=("osa", "予算"), translated=(), ...)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np

from rag.language.script import is_japanese
from rag.language.sudachi import tokenize
from rag.search.english import question_english
from rag.search.lexicon import _LATIN_WORD, Lexicon, latin_words
from rag.search.spelling import NearSpellings
from rag.settings import RetrievalConfig


@dataclass(frozen=True)
class QueryForms:
    question: str  # as asked (cleaned)
    search_text: str  # what is embedded and tokenised: kana words respelled as the corpus spells them
    respelled: tuple[tuple[str, str], ...]  # (as typed, as the corpus spells it)
    tokens: tuple[str, ...]  # BM25 tokens the corpus knows
    coverage: float  # share of the question's tokens the corpus knows
    translated: tuple[str, ...]  # BM25 tokens reached through English words
    english: tuple[str, ...] = ()  # its English words, stemmed, for the English field
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # of search_text, when asked for


class _WithQuestion:
    """Embeds the question in the same model call as the English words the lexicon looks up."""

    def __init__(self, embedder, text: str):
        self.embedder, self.text, self.vector = embedder, text, None

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        vectors = self.embedder.encode_queries([self.text, *texts])
        self.vector = vectors[0]
        return vectors[1:]


class QueryAnalyzer:
    """Turns questions into `QueryForms` for one index (its vocabulary, lexicon and tokeniser mode)."""

    def __init__(self, lexicon: Lexicon, vocab, *, bm25_mode: str, embedder, config: RetrievalConfig):
        self.lexicon, self.vocab, self.bm25_mode, self.embedder = lexicon, vocab, bm25_mode, embedder
        self.config = config
        self.spellings = NearSpellings(vocab)  # the corpus's katakana words, for 「ホルムス」 -> ホルムズ

    def analyze(self, question: str, *, embed: bool = False) -> QueryForms:
        """Latin-script words count natively only as spelled in the corpus ("OSA"); otherwise they are
        translated. Sudachi's katakana for them ("Japan" -> ジャパン) would match the wrong passages.

        With `embed`, the forms carry the vector of `search_text`, computed in one model call with the
        words the translation looks up (one call per question, not two)."""
        rewrite = self.lexicon.readings.rewrite(question)
        respelled = self.spellings.rewrite(rewrite.text)
        text = respelled.text
        latin = latin_words(text)
        japanese = tokenize(_LATIN_WORD.sub(" ", unicodedata.normalize("NFKC", text)), mode=self.bm25_mode)
        known = tuple(t for t in japanese if t in self.vocab) + tuple(
            w.lower() for w in latin if w.lower() in self.vocab
        )
        asked = len(japanese) + len(latin)
        coverage = len(known) / asked if asked else 0.0
        embedder = _WithQuestion(self.embedder, text) if embed else self.embedder
        terms = self.lexicon.translate(
            text,
            embedder,
            known=self.vocab,
            match_at_least=self.config.match_at_least,
            senses=self.config.translation_senses,
            at_most=self.config.max_translated_words,
        )
        translated = tuple(t for term in terms for t in tokenize(term, mode=self.bm25_mode) if t in self.vocab)
        vector = None
        if embed:
            vector = embedder.vector if embedder.vector is not None else self.embedder.encode_queries([text])[0]
        english = () if is_japanese(text) else self._english(text)
        replaced = rewrite.replaced + respelled.replaced
        return QueryForms(question, text, replaced, known, coverage, translated, english, vector)

    def _english(self, text: str) -> tuple[str, ...]:
        """The question's English words for the English field; a word that sounds like a katakana term no
        dictionary glosses is that term's sound key, as the passages' English fields hold it
        (`passage_english`): "prebunking" -> "prbnkng"."""
        sounded = {}
        for word in latin_words(text):
            key, stems = self.lexicon.sound_of(word), question_english(word)
            if key and stems:
                sounded[stems[0]] = key
        return tuple(sounded.get(stem, stem) for stem in question_english(text))
