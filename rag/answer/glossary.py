"""English glosses for the key Japanese terms of a quote, from JMdict (jamdict-data, offline), read in context.

「PCGの人員は4千人から約3万人に増加。」 -> [("人員", "じんいん", "personnel"), ("増加", "ぞうか", "increase"), ...]

The sentence decides what is glossed and with which sense:
- a word is looked up as it is used (Sudachi's part of speech): a noun gets a noun sense ("coercion",
  not "to overpower"), a verb a verb sense; senses JMdict marks as specialised or unusual (Buddhism,
  medicine, archaism, abbreviation, ...) give way to the plain ones, else JMdict's order stands;
- set phrases are glossed whole (以下のとおり -> "as below; as follows", に対し -> "regarding"), found by
  Sudachi's normalised forms, so とおり is not "avenue";
- a compound is kept whole, its English composed from the dictionary words that cover it, two words
  sharing a part where their English shares the word (海上法 "maritime law" + 法執行 "law enforcement"
  -> 海上法執行 "maritime law enforcement").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from rag.language.jmdict import Sense, glosses_of, senses
from rag.language.script import is_hiragana, is_kana
from rag.language.terms import Morpheme, morphemes

MAX_TERMS = 6  # a short glossary: more reads like a dictionary page
MAX_GLOSSES = 2  # English glosses shown per term
MAX_PHRASE = 5  # morphemes in a set phrase: 必要に応じて is four
# JMdict's misc tags for an unusual register: such a sense is shown only when a word has no other.
UNUSUAL = frozenset(
    (
        "abbreviation", "archaism", "obscure term", "obsolete term", "rare", "dated term", "historical term",
        "slang", "Internet slang", "manga slang", "derogatory", "sensitive", "vulgar expression or word",
        "jocular, humorous term", "children's language", "poetical term",
    )
)  # fmt: skip
# The rest of JMdict's misc tags: usage notes, not a specialised sense. Any other tag is a field (Buddhism,
# medicine, sumo), which names a specialised sense.
USAGE_NOTES = frozenset(
    (
        "word usually written using kana alone", "yojijukugo", "onomatopoeic or mimetic word", "colloquialism",
        "idiomatic expression", "proverb", "honorific or respectful (sonkeigo) language",
        "polite (teineigo) language", "humble (kenjougo) language", "familiar language", "literary or formal term",
        "female term or language", "male term or language", "quotation", "full name of a particular person",
        "place name", "work of art, literature, music, etc. name",
    )
)  # fmt: skip
_NOTE = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Gloss:
    term: str  # as written in the passage
    reading: str  # kana
    english: str  # "personnel; number of persons"


def glosses(word: str) -> tuple[str, ...]:
    """JMdict's English glosses for a word (its plain senses first), or () when it has none."""
    found = senses(word)
    return tuple(g for s in _plain(found) for g in s.glosses[:1]) if found else glosses_of(word)


def _unusual(sense: Sense) -> bool:
    return any(tag in UNUSUAL or tag not in USAGE_NOTES for tag in sense.tags)


def _plain(found: tuple[Sense, ...]) -> tuple[Sense, ...]:
    plain = tuple(s for s in found if not _unusual(s))
    return plain or found


def _senses(word: str) -> tuple[Sense, ...]:
    """The plain senses of a word as written: one written in kana means a word that is written so (こと is
    事 "thing", not 琴 "koto"; により is not 似寄り)."""
    found = senses(word)
    if is_kana(word):
        found = tuple(s for s in found if s.kana_word)
    return _plain(found)


def _used_as(sense: Sense, usage: str) -> bool:
    if usage == "verb":
        return any("verb" in p and "adverb" not in p for p in sense.pos) or all(
            g.startswith("to ") for g in sense.glosses
        )
    if usage == "adjective":
        return any("adjective" in p or "adjectival" in p or "prenominal" in p for p in sense.pos)
    return any(p.startswith(("noun", "expressions", "pronoun", "suffix", "prefix")) for p in sense.pos)


def sense_for(word: str, usage: str) -> Sense | None:
    """The sense of `word` that fits its use ("noun", "verb", "adjective"): plain senses first, JMdict's order."""
    found = _senses(word)
    fitting = [s for s in found if _used_as(s, usage)] or list(found)
    if usage == "noun":  # suru-nouns list verb glosses too: 威圧 "coercion", not "to overpower"
        fitting = [s for s in fitting if not all(g.startswith("to ") for g in s.glosses)] or fitting
    return fitting[0] if fitting else None


def _english(sense: Sense, limit: int = MAX_GLOSSES) -> str:
    shown: list[str] = []
    for gloss in sense.glosses:
        if not any(_variant(gloss, other) for other in shown):
            shown.append(gloss)
    return "; ".join(shown[:limit])


def _variant(a: str, b: str) -> bool:
    """Spellings of one word ("acknowledgement", "acknowledgment"; "endeavour (endeavor)")."""
    a, b = _NOTE.sub("", a).lower(), _NOTE.sub("", b).lower()
    if a == b:
        return True
    return min(len(a), len(b)) >= 6 and SequenceMatcher(None, a, b).ratio() >= 0.9


def _hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


# --- what a sentence asks to be glossed -------------------------------------------------------------


def _is_noun_part(ms: tuple[Morpheme, ...], j: int, *, inside: bool) -> bool:
    """Morpheme j as a part of a noun compound, written in kanji or katakana: a noun; a prefix (不) or a
    na-adjective stem (可能) before another part, or after one (不透明); a suffix (隊, 的, 性) after one."""
    m = ms[j]
    if m.surface.isascii() or is_hiragana(m.surface):
        return False  # ほとんど生物 is two words
    if m.is_content and m.pos[0] == "名詞":
        return True
    if inside:
        return m.pos[0] == "接尾辞" or (m.is_content and m.pos[0] == "形状詞")
    leads = m.pos[0] == "接頭辞" or (m.is_content and m.pos[0] == "形状詞")
    return leads and j + 1 < len(ms) and _is_noun_part(ms, j + 1, inside=True)


def _phrase_at(ms: tuple[Morpheme, ...], i: int) -> tuple[int, str] | None:
    """The longest set phrase starting at morpheme i (a particle among its parts), as JMdict writes it."""
    for j in range(min(len(ms), i + MAX_PHRASE), i + 1, -1):
        part = ms[i:j]
        if not any(m.pos[0] == "助詞" for m in part) or all(m.pos[0] in ("助詞", "助動詞") for m in part):
            continue
        if part[-1].pos[0] == "助詞" and part[-1].surface in ("は", "が", "を", "の", "も"):
            continue  # 「以下の」 is the noun and its case, not a phrase
        written = "".join(m.surface for m in part)
        normal = "".join(m.form for m in part)
        for candidate in dict.fromkeys((written, normal, "".join(m.surface for m in part[:-1]) + part[-1].form)):
            if _senses(candidate):
                return j, candidate
    return None


def _covers(run: tuple[Morpheme, ...]) -> list[tuple[int, int, Sense]]:
    """The dictionary words inside a noun run: (start, end, sense) for each span of parts JMdict has."""
    spans = []
    for a in range(len(run)):
        for b in range(a + 1, len(run) + 1):
            word = "".join(m.surface for m in run[a:b])
            if len(word) < 2 and b - a == 1 and len(run) > 1:
                continue  # one kanji (法, 省) alone is too vague to gloss
            sense = sense_for(word, "noun")
            if sense is not None:
                spans.append((a, b, sense))
    return spans


def _compose(run: tuple[Morpheme, ...]) -> str | None:
    """English for a noun run from the fewest dictionary words that cover it, adjacent or sharing one part
    where their English shares the word at the seam; None when some part is in no dictionary word."""
    spans = _covers(run)
    best: dict[int, tuple[tuple[int, int], str]] = {0: ((0, 0), "")}  # end -> (cost, English so far)
    for end in range(1, len(run) + 1):
        options = []
        for a, b, sense in spans:
            if b != end:
                continue
            if a in best:  # adjacent
                (words, covered), english = best[a]
                head = _NOTE.sub("", sense.glosses[0]).strip()
                options.append(((words + 1, covered - (b - a)), f"{english} {head}".strip()))
            if a + 1 in best:  # sharing part a with the word that ends at a + 1
                (words, covered), english = best[a + 1]
                merged = _merge(english, [_NOTE.sub("", g).strip() for g in sense.glosses])
                if merged:
                    options.append(((words + 1, covered - (b - a)), merged))
        if options:
            best[end] = min(options, key=lambda o: o[0])
    return best[len(run)][1] if len(run) in best else None


def _merge(english: str, glosses: list[str]) -> str | None:
    """ "maritime law" + "law enforcement" -> "maritime law enforcement"; None if no gloss starts with the seam."""
    last = english.split()[-1].lower() if english else ""
    for gloss in glosses:
        words = gloss.split()
        if len(words) > 1 and words[0].lower() == last:
            return f"{english} {' '.join(words[1:])}"
    return None


def sentence_glosses(text: str) -> list[Gloss]:
    """The glossed terms of one sentence, in text order: set phrases, noun compounds, verbs and adjectives."""
    ms = morphemes(text)
    out: list[Gloss] = []
    i = 0
    while i < len(ms):
        phrase = _phrase_at(ms, i) if ms[i].is_content or ms[i].pos[0] == "助詞" else None
        if phrase:
            j, written = phrase
            sense = _senses(written)[0]
            out.append(Gloss("".join(m.surface for m in ms[i:j]), sense.reading, _english(sense)))
            i = j
            continue
        if _is_noun_part(ms, i, inside=False):
            j = i + 1
            while j < len(ms) and _is_noun_part(ms, j, inside=True):
                j += 1
            out += _compound(ms[i:j])
            i = j
            continue
        m = ms[i]
        if m.is_content and not m.surface.isascii() and len(m.form) > 1 and not _grammar(m):
            usage = "verb" if m.pos[0] == "動詞" else "adjective"
            sense = sense_for(m.form, usage)
            if sense is not None:
                out.append(Gloss(m.form, sense.reading, _english(sense)))
        i += 1
    return out


def _grammar(m: Morpheme) -> bool:
    """A short word in hiragana (こと, もの, する): grammar, not a term to gloss."""
    return is_hiragana(m.surface) and len(m.surface) <= 2


def _compound(run: tuple[Morpheme, ...]) -> list[Gloss]:
    term = "".join(m.surface for m in run)
    if len(term) < 2 or (len(run) == 1 and _grammar(run[0])):
        return []
    usage = "adjective" if run[-1].pos[0] == "形状詞" else "noun"  # 不透明(な): "opaque", not "opacity"
    sense = sense_for(term, usage)
    if sense is not None:
        return [Gloss(term, sense.reading, _english(sense))]
    english = _compose(run)
    if english:
        return [Gloss(term, _hiragana("".join(m.reading for m in run)), english)]
    names = glosses_of(term)  # JMnedict: people and places JMdict lacks
    if names:
        return [Gloss(term, "", "; ".join(names[:MAX_GLOSSES]))]
    # Some part is in no dictionary: gloss the parts that are, each on its own line.
    return [
        Gloss(word, sense.reading, _english(sense))
        for word in known_words(term)
        if (sense := sense_for(word, "noun")) is not None
    ]


def known_words(term: str) -> list[str]:
    """The term if JMdict has it, else the longest runs of its Sudachi parts that it has, left to right."""
    if glosses_of(term):  # JMdict's words and JMnedict's names
        return [term]
    parts = [m.surface for m in morphemes(term)]
    words, i = [], 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            word = "".join(parts[i:j])
            if len(word) > 1 and glosses_of(word):
                words.append(word)
                i = j
                break
        else:
            i += 1
    return words


def key_terms(text: str) -> list[str]:
    """Distinct terms of a text that get a gloss, in text order.

    「フィリピン沿岸警備隊の人員は増加。」 -> [フィリピン沿岸警備隊, 人員, 増加]
    """
    return list(dict.fromkeys(g.term for g in sentence_glosses(text)))


def glossary(texts: list[str], *, rarity=None, limit: int = MAX_TERMS) -> list[Gloss]:
    """Glosses of the key terms of `texts`; `rarity(term)` (higher = rarer) puts the distinctive ones first."""
    found: list[Gloss] = []
    for text in texts:
        found += [g for g in sentence_glosses(text) if all(f.term != g.term for f in found)]
    if rarity is not None:
        found.sort(key=lambda g: -rarity(g.term))  # stable: text order among equals
    return found[:limit]
