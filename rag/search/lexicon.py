"""The corpus's own terms, and three ways a question in other words reaches them.

- English words through JMdict glosses ("peace treaty" -> 平和条約), through the sound of a katakana
  word no dictionary has ("prebunking" -> プレバンキング, `rag.language.loanwords`) and, failing that,
  through the embedding space ("budget" -> 予算) when the match stands out from chance (see `match_at_least`).
- Kana typed for a word the corpus spells in kanji, through readings (`rag.search.readings`).
All three are built once per build from the corpus and saved with it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from rag.language.jmdict import ARTICLES, bare_gloss, english_word, english_words, gloss_phrases, glosses_of
from rag.language.loanwords import sound_key
from rag.language.script import is_hiragana
from rag.language.sudachi import tokenize
from rag.search.readings import ReadingIndex

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
# Capitalised words in a row, the first word of a sentence only when another follows: "the Senkaku
# Islands", "Japan's"; not "Which" alone. An acronym is one too: "the US" is 米国 ("US").
GLOSSES_READ = 3  # a name's first senses; later ones drift (東京: "Tokyo", then "Luoyang, China")
_CAPITALISED = re.compile(
    r"(?<![A-Za-z])(?:[A-Z][a-z]+(?:['’]s)?|[A-Z]{2,}\b)(?:\s+(?:of\s+)?(?:[A-Z][a-z]+(?:['’]s)?|[A-Z]{2,}\b))*"
)
_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])")
_LATIN_ONLY = re.compile(r"^[A-Za-z0-9 .'’-]+$")
# Function words of English questions. Content words ("japan", "country") stay: the corpus may need them.
STOPWORDS = frozenset(
    "what which who whom whose when where why how is are was were be been being do does did done the a an of "
    "to in on for with about and or by from at as that this these those it its into there their they them "
    "his her has have had will would can could should may might any much many most more so such than then "
    "also not no yes per give given make made kind way ever say says said tell me please us we our i you".split()
)


def corpus_terms(texts: list[str]) -> list[str]:
    """Distinct nouns of the passages in Japanese script (Sudachi mode C keeps compounds whole)."""
    return corpus_nouns(texts)[0]


def corpus_nouns(texts: list[str], *, longest: int = 4) -> tuple[list[str], set[str]]:
    """The passages' distinct nouns in Japanese script (`corpus_terms`), and every run of two to `longest`
    nouns in a row (what `compound_names` looks up), read in one pass of Sudachi over the passages."""
    from rag.language.sudachi import split

    found: set[str] = set()
    runs: set[str] = set()
    for text in texts:
        nouns: list[str] = []
        for m in split(unicodedata.normalize("NFKC", text), "C"):
            pos = m.part_of_speech()
            surface = m.surface().strip()
            if pos[0] == "名詞" and pos[1] not in ("数詞", "代名詞") and surface and not _LATIN_ONLY.match(surface):
                found.add(surface)
            if pos[0] == "名詞" and pos[1] != "数詞":
                nouns.append(m.surface())
            else:
                runs.update(_runs(nouns, longest))
                nouns = []
        runs.update(_runs(nouns, longest))
    return sorted(found), runs


def _runs(nouns: list[str], longest: int) -> set[str]:
    return {"".join(nouns[i:j]) for i in range(len(nouns)) for j in range(i + 2, min(len(nouns), i + longest) + 1)}


def compound_names(runs: Iterable[str]) -> dict[tuple[str, ...], list[str]]:
    """Names the passages write as a run of common nouns (`corpus_nouns`), by their capitalised JMdict gloss:
    国際交流基金 ("Japan Foundation"), 国際海事機関 ("International Maritime Organization"). Sudachi cuts them into
    words that are no name, so an English question naming them had nothing to be checked against.
    English phrase (stemmed) -> the runs it glosses, as `gloss_index` keys them."""
    from rag.language.jmdict import glosses

    named = {
        run: [g for g in senses[:GLOSSES_READ] if _names_a_proper(g)] for run, senses in glosses(sorted(runs)).items()
    }
    return gloss_index({run: senses for run, senses in named.items() if senses})


def _names_a_proper(gloss: str) -> bool:
    """A gloss that is a proper name: every word of two or more capitalised ("Japan Foundation",
    "Strait of Hormuz"), not "Japanese government" or "Indo-Pacific" alone."""
    words = [w for w in bare_gloss(gloss).split() if w not in ("of", "the", "and", "for")]
    return len(words) >= 2 and all(w[:1].isupper() for w in words)


def latin_words(question: str) -> list[str]:
    """Latin-script content words of a question, in order, once each."""
    words = []
    for w in _LATIN_WORD.findall(unicodedata.normalize("NFKC", question)):
        w = w.strip("'’-")
        if len(w) > 2 and w.lower() not in STOPWORDS and w not in words:
            words.append(w)
    return words


def gloss_index(glosses: dict[str, list[str]]) -> dict[tuple[str, ...], list[str]]:
    """English phrase (stemmed words) -> the corpus terms it glosses. Hiragana terms are left out:
    their glosses are too general (こと: "affair", "matter", "fact")."""
    index: dict[tuple[str, ...], list[str]] = {}
    for term, senses in glosses.items():
        if is_hiragana(term):
            continue
        for gloss in senses:
            phrase = gloss_phrases(gloss)
            if phrase and term not in index.setdefault(phrase, []):
                index[phrase].append(term)
    return index


class Lexicon:
    """Corpus terms with their vectors, English glosses and readings."""

    def __init__(
        self,
        terms: list[str],
        vectors: np.ndarray,
        *,
        glosses: dict[tuple[str, ...], list[str]] | None = None,
        readings: dict[str, str] | None = None,
        names: dict[tuple[str, ...], list[str]] | None = None,
        loanwords: dict[str, list[str]] | None = None,
    ):
        self.terms, self.vectors = terms, vectors
        self.glosses = glosses or {}
        self.names = names or {}  # compound_names: English name -> the noun runs the passages write it as
        self.loanwords = loanwords or {}  # loanword_index: sound key -> katakana terms no dictionary glosses
        self.readings = ReadingIndex(readings or {})
        self.longest_gloss = max((len(p) for p in self.glosses), default=0)
        self._row = {t: i for i, t in enumerate(terms)}

    def translate(
        self,
        question: str,
        embedder,
        known,
        *,
        match_at_least: float | None,
        senses: int = 1,
        at_most: int | None = None,
    ) -> list[str]:
        """Corpus terms for the English words of a question the corpus does not spell as they are.

        Words the corpus has ("OSA") are left to the caller. Dictionary phrases (longest first) become
        their terms; when a phrase glosses many terms ("security": 安全, 保障, 警備, 質, ...), only
        the `senses` nearest to it in the embedding space are kept. Other words become their nearest
        term when its cosine reaches `match_at_least` (measured per build; None turns that route
        off); a word that sounds like a katakana term no dictionary glosses becomes that term first.
        One embedding call in all, for at most `at_most` phrases and words (the first ones): the
        cost of a question is bounded however many English words it holds.

        "What is the OSA budget for the peace treaty?" -> ["予算", "平和条約"]
        """
        words = latin_words(question)
        if not words:
            return []
        acronyms = frozenset(w.lower() for w in _ACRONYM.findall(question))  # "the US": 米国, not "us"
        phrases, used = self._gloss_phrases([w for w in english_words(question) if w not in ARTICLES], acronyms)
        unknown = [w for w in words if w.lower() not in known and english_word(w) not in used]
        sounded = {word: self.sound_of(word) for word in unknown}
        found: list[str] = []
        for key in filter(None, sounded.values()):
            found.extend(t for t in self.loanwords[key] if t not in found)
        unknown = [w for w in unknown if not sounded[w]]
        if match_at_least is None:
            unknown = []
        if at_most is not None:
            phrases = phrases[:at_most]
            unknown = unknown[: at_most - len(phrases)]
        queries = [" ".join(phrase) for phrase, _ in phrases] + unknown
        if not queries or not self.terms:
            return found
        vectors = embedder.encode_queries(queries)
        for (_, candidates), v in zip(phrases, vectors, strict=False):
            if len(candidates) > senses:
                sims = self.vectors[[self._row[t] for t in candidates]] @ v
                candidates = [candidates[j] for j in np.argsort(-sims)[:senses]]
            found.extend(t for t in candidates if t not in found)
        for v in vectors[len(phrases) :]:
            sims = self.vectors @ v
            j = int(sims.argmax())
            if sims[j] >= match_at_least and self.terms[j] not in found:
                found.append(self.terms[j])
        return found

    def sound_of(self, word: str) -> str | None:
        """The sound key an English word shares with katakana terms no dictionary glosses ("prebunking" and
        プレバンキング: "prbnkng"), its plural ending off if need be; None when it shares none."""
        keys = (sound_key(word, english=True), sound_key(english_word(word), english=True))
        return next((key for key in keys if key in self.loanwords), None)

    def unknown_names(self, names: list[str], known) -> list[str]:
        """The names the corpus never mentions: not as a term, not by any of their tokens, not through
        a shared English gloss (アメリカ and 米国 are both "America"). ["南極", "OSA", "ガザ地区"] -> ["南極"]

        No model call: a nearest-term check in the embedding space changed no status on the gold set
        (dev or test) and cost a second embedding per question (docs/decisions.md)."""
        unseen = [n for n in names if n not in self._row and not any(t in known for t in tokenize(n) + [n.lower()])]
        if unseen and self.glosses:
            unseen = [
                n
                for n in unseen
                if not any(gloss_phrases(g) in self.glosses for g in glosses_of(n) if gloss_phrases(g))
            ]
        # an English document names it in English: 東京 is "Tokyo", and the corpus writes tokyo
        return [n for n in unseen if not any(_written(g, known) for g in glosses_of(n)[:GLOSSES_READ])]

    def english_names(self, question: str) -> list[tuple[str, list[str]]]:
        """Each proper name an English question writes in capitals, with the corpus's Japanese names for it
        found through a shared dictionary gloss: "ships near the Senkaku Islands" -> [("Senkaku Islands",
        [尖閣])], "Japan" -> [("Japan", [ジャパン, 日本])]. A run of capitals the dictionary has no gloss for is
        read word by word, keeping only the words whose terms are names (Palau International Airport ->
        [("Palau", [パラオ])]: 国際 is not a name); what has no corpus term cannot be checked and is left out."""
        from rag.language.terms import proper_nouns

        def names_for(words: list[str]) -> list[str]:
            phrase = tuple(w for w in english_words(" ".join(words)) if w not in ARTICLES)
            return [t for t in self.glosses.get(phrase, []) if proper_nouns(t)] or self.names.get(phrase, [])

        found: list[tuple[str, list[str]]] = []
        for run in _CAPITALISED.findall(unicodedata.normalize("NFKC", question)):
            # a word in capitals is an acronym, not the function word spelled alike: "the US" is 米国, not "us"
            # "of" inside a run is part of the name: "Strait of Hormuz" is glossed so (ホルムズ海峡)
            words = [w for w in run.split() if w.lower() not in STOPWORDS or w == "of" or _ACRONYM.fullmatch(w)]
            whole = names_for(words)
            if whole:
                found.append((" ".join(words), whole))
            else:
                found += [(word, names) for word in words if (names := names_for([word]))]
        return found

    def has_term(self, noun: str) -> bool:
        """Whether the passages use this very noun (mode C, compounds whole): no partial or gloss match."""
        return noun in self._row

    def synonyms(self, name: str) -> list[str]:
        """Corpus terms that share an English gloss with `name`: アメリカ -> [米国] ("America")."""
        found: list[str] = []
        for gloss in glosses_of(name):
            phrase = gloss_phrases(gloss)
            for term in self.glosses.get(phrase, ()) if phrase else ():
                if term != name and term not in found:
                    found.append(term)
        return found

    def _gloss_phrases(
        self, stems: list[str], acronyms: frozenset[str] = frozenset()
    ) -> tuple[list[tuple[tuple[str, ...], list[str]]], set[str]]:
        """The longest gloss phrases in `stems`, left to right, with their terms; and the stems they used.
        A lone function word ("may", "will") is never taken for a gloss, unless the question wrote it in
        capitals (`acronyms`: "US")."""
        phrases, used, i = [], set(), 0
        while i < len(stems):
            for n in range(min(self.longest_gloss, len(stems) - i), 0, -1):
                phrase = tuple(stems[i : i + n])
                terms = self.glosses.get(phrase)
                if terms and not (n == 1 and phrase[0] in STOPWORDS and phrase[0] not in acronyms):
                    phrases.append((phrase, terms))
                    used.update(phrase)
                    i += n
                    break
            else:
                i += 1
        return phrases, used

    def save(self, path: Path) -> None:
        extras = {
            "glosses": [[list(k), v] for k, v in self.glosses.items()],
            "readings": self.readings.readings,
            "names": [[list(k), v] for k, v in self.names.items()],
            "loanwords": self.loanwords,
        }
        np.savez(
            path,
            terms=np.array(self.terms, dtype=str),
            vectors=self.vectors,
            extras=np.array(json.dumps(extras, ensure_ascii=False)),
        )

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        with np.load(path) as data:
            terms, vectors = data["terms"].tolist(), data["vectors"]
            extras = json.loads(str(data["extras"])) if "extras" in data.files else {}
        return cls(
            terms,
            vectors,
            glosses={tuple(k): v for k, v in extras.get("glosses", [])},
            readings=extras.get("readings", {}),
            names={tuple(k): v for k, v in extras.get("names", [])},
            loanwords=extras.get("loanwords", {}),
        )


def _written(gloss: str, known) -> bool:
    """Whether the corpus holds a one-word English gloss ("Tokyo", "subway"). Not a phrase: its words may
    stand apart in the text ("air mass" is not 気団 because "air" and "mass" occur somewhere)."""
    words = tokenize(bare_gloss(gloss).strip())
    return len(words) == 1 and any(form in known for form in _inflected(words[0]))


def _inflected(word: str) -> tuple[str, ...]:
    """A gloss word as the text may inflect it: "reservoir" is held by "reservoirs", "leak" by "leaking"."""
    stem = word[:-1] if word.endswith("e") else word
    forms = (word, word + "s", word + "es", word + "d", word + "ed", stem + "ing")
    return forms + ((word[:-1] + "ies",) if word.endswith("y") else ())
