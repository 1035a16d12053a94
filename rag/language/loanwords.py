"""English words the documents write in katakana that no dictionary has: プレバンキング is "prebunking".

A katakana loanword keeps the consonants of its English word in order, with vowels added or changed
(プレバンキング: p-r-b-n-k-n-g, as "prebunking"). Both sides are reduced to that skeleton: the katakana
through its romanisation, the English word through a few spelling rules (a soft c is s, ph is f, an r
before a consonant is silent, l is r, v is b, every hissing sound is s). Equal skeletons of at least
`MIN_SOUNDS` consonants are taken for the same word; docs/decisions.md measures how often that holds on
JMdict's own loanwords.
"""

from __future__ import annotations

import re

MIN_SOUNDS = 5  # shorter skeletons collide: at 4, 2.6% of English words met a wrong one of 300 terms (decisions.md)

_ROWS = {
    "": "アイウエオ",
    "k": "カキクケコ",
    "g": "ガギグゲゴ",
    "s": "サシスセソ",
    "z": "ザジズゼゾ",
    "t": "タチツテト",
    "d": "ダヂヅデド",
    "n": "ナニヌネノ",
    "h": "ハヒフヘホ",
    "b": "バビブベボ",
    "p": "パピプペポ",
    "m": "マミムメモ",
    "y": "ヤ ユ ヨ",
    "r": "ラリルレロ",
    "w": "ワヰ ヱヲ",
}
_KANA = {kana: row + v for row, line in _ROWS.items() for kana, v in zip(line, "aiueo", strict=True) if kana != " "}
# where the Hepburn consonant differs from the row's, as English spells the sound
_KANA |= {"シ": "si", "ジ": "ji", "チ": "ci", "ツ": "tu", "ヂ": "ji", "フ": "fu", "ン": "n", "ヴ": "bu"}
_SMALL = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ャ": "a", "ュ": "u", "ョ": "o"}
_KATAKANA_WORD = re.compile(r"^[ァ-ヴー・]+$")

# English spelling -> the consonant a katakana word writes for it, applied in order
_ENGLISH = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"t?ch|sh"), "s"),  # every hissing sound is one class: シ, ジ, チ, ス, ズ
    (re.compile(r"th"), "s"),
    (re.compile(r"(?:ss|t)(?=i[ao])"), "s"),  # "-tion", "-ssion", "-tial": ション, シャル
    (re.compile(r"t(?=ur)"), "s"),  # "structure": ストラクチャー
    (re.compile(r"ts"), "t"),  # "sports": スポーツ
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"qu?"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"(?:dg|g)(?=[eiy])"), "j"),
    (re.compile(r"(?<=[aeiou])r(?![aeiouy])"), ""),  # "market" is マーケット, "-er" a long vowel
)
_CLASSES = str.maketrans({"v": "b", "l": "r", "z": "s", "j": "s", "c": "s"})
_SILENT = re.compile(r"[aeiouyhw]")


def romanised(katakana: str) -> str:
    """A katakana word in Latin letters, a small vowel replacing the one before it: ティ is ti, キャ kya."""
    out = ""
    for kana in katakana:
        if kana in _SMALL and out:
            out = out[:-1] + _SMALL[kana]
        else:
            out += _KANA.get(kana, "")  # ー and ッ add no consonant
    return out


def sound_key(word: str, *, english: bool) -> str | None:
    """The consonant skeleton of an English word or a katakana word; None when too short to tell apart."""
    if english:
        latin = word.lower()
        if not latin.isascii() or not latin.isalpha():
            return None
        for pattern, sound in _ENGLISH:
            latin = pattern.sub(sound, latin)
    elif _KATAKANA_WORD.match(word):
        latin = romanised(word)
    else:
        return None
    # a double letter is one sound ("excellence"); consonants either side of a vowel stay two ("institute")
    skeleton = _SILENT.sub("", re.sub(r"(.)\1+", r"\1", latin.translate(_CLASSES)))
    return skeleton if len(skeleton) >= MIN_SOUNDS else None


def loanword_index(terms: list[str], glossed) -> dict[str, list[str]]:
    """Sound key -> the corpus's katakana terms with that key, for terms the dictionary does not gloss
    (`glossed`: a set of terms it does). A glossed term is reached through its gloss, which is surer."""
    index: dict[str, list[str]] = {}
    for term in terms:
        if term not in glossed and (key := sound_key(term, english=False)):
            index.setdefault(key, []).append(term)
    return index
