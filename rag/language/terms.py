"""What a question or sentence is about, read with Sudachi: content terms, the asked-about focus, numbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rag.language.script import is_hiragana, is_japanese
from rag.search.lexicon import latin_words

# Words that ask rather than name: they never count as content, and they point at the focus.
INTERROGATIVES = frozenset(
    "何 なに なん いつ どこ 誰 だれ どれ どう なぜ どの どんな どのよう どのような いくら 幾ら いくつ 幾つ "
    "どれくらい どれだけ どちら どのくらい".split()
)
_LINKS = frozenset(("の", "へ", "と", "や", "・"))  # particles that join nouns into one phrase: 「XへのY」
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,7}")  # OSA, FOIP, G7
# Japanese question words are a closed class; as nouns they head 何人, 幾つ, いつ頃, どこ.
_INTERROGATIVE_START = re.compile(r"^(何|幾|いく|いつ|どこ|どれ|どちら|どっち|誰|だれ|なに|なん)")


@dataclass(frozen=True)
class Morpheme:
    surface: str
    pos: tuple[str, ...]  # Sudachi's part-of-speech levels: ("名詞", "普通名詞", "助数詞可能", "*")
    form: str  # normalised form, lower-cased: what terms are matched on
    reading: str = ""  # katakana, as Sudachi reads it

    @property
    def is_content(self) -> bool:
        """A noun (not a numeral or pronoun), a full verb or adjective: what a question asks about."""
        if self.surface in INTERROGATIVES or self.form in INTERROGATIVES:
            return False
        if not any(ch.isalnum() for ch in self.surface):
            return False
        if self.pos[0] == "名詞":
            return self.pos[1] != "数詞"
        return self.pos[0] in ("動詞", "形容詞", "形状詞") and self.pos[1] == "一般"


@lru_cache(maxsize=8192)
def morphemes(text: str, *, mode: str = "A") -> tuple[Morpheme, ...]:
    """Sudachi's reading of `text` (NFKC, ** emphasis dropped); mode "C" keeps compounds whole.

    Cached: a question is read for its follow-up check, its terms, its focus, its names and what it
    asks for, and each of those asks for the same reading."""
    from rag.language.sudachi import split

    text = unicodedata.normalize("NFKC", text).replace("*", " ")
    if not text.strip():
        return ()
    return tuple(
        Morpheme(m.surface(), tuple(m.part_of_speech()[:4]), m.normalized_form().lower(), m.reading_form())
        for m in split(text[:4000], mode)
    )


def content_terms(text: str) -> list[str]:
    """Normalised content terms, Japanese then Latin.

    「OSAの令和8年度の予算はいくらですか」 -> [令和, 年度, 予算, osa]
    """
    terms = [m.form for m in morphemes(text) if m.is_content and not m.surface.isascii()]
    return terms + [w.lower() for w in latin_words(text)]


def numbers(text: str) -> set[str]:
    """The numbers written in a text: 「令和8(2026)年度」 -> {"8", "2026"}."""
    return set(_NUMBER.findall(unicodedata.normalize("NFKC", text)))


def focus_terms(question: str) -> set[str]:
    """The noun a Japanese question asks about: the one beside its interrogative, or before the closing
    particle of a question that has none.

    「フィリピン沿岸警備隊への支援で人員はどう変わりましたか」 -> {人員}; 「どの国と連携していますか」 -> {国};
    「OSAの予算は？」 -> {予算}.
    """
    if not is_japanese(question):
        return set()
    ms = [m for m in morphemes(question) if m.pos[0] not in ("補助記号", "空白")]
    at = next((i for i, m in enumerate(ms) if m.surface in INTERROGATIVES or m.form in INTERROGATIVES), len(ms))
    found = set()
    j = at + 1  # a noun right after 「どの」「何」: 「どの国」「何年」, or after its の: 「どれくらいの予算」
    if j < len(ms) - 1 and ms[j].surface == "の":
        j += 1
    while j < len(ms):
        quality = _quality(ms, j + 1)
        if not (quality or _noun(ms[j])):
            break
        found.add(quality or ms[j].form)
        j += 2 if quality else 1
    j = at - 1  # the noun the interrogative is said of: 「人員は どう」
    while j >= 0 and ms[j].pos[0] == "助詞":
        j -= 1
    while j >= 0:
        quality = _quality(ms, j)
        if not (quality or _noun(ms[j])):
            break
        found.add(quality or ms[j].form)
        j -= 2 if quality else 1
    return found


def _noun(m: Morpheme) -> bool:
    return m.pos[0] in ("名詞", "接尾辞") and m.is_content


def _quality(ms: list[Morpheme], j: int) -> str:
    """An adjective made a noun by さ or み, as ms[j] ends it: 高 + さ -> 「高さ」, 深 + み -> 「深み」; else ""."""
    if 0 < j < len(ms) and ms[j].surface in ("さ", "み") and ms[j].pos[0] == "接尾辞":
        if ms[j - 1].pos[0] in ("形容詞", "形状詞"):
            return ms[j - 1].surface + ms[j].surface
    return ""


def topic_phrase(question: str) -> str:
    """The noun phrase a Japanese question opens with, the thing it is about.

    「フィリピン沿岸警備隊への支援について教えて」 -> 「フィリピン沿岸警備隊への支援」,
    「OSAとは何ですか」 -> 「OSA」. Empty when the question does not open with a noun.
    """
    ms = morphemes(question, mode="C")
    phrase: list[Morpheme] = []
    for m in ms:
        if m.pos[0] in ("名詞", "接頭辞", "接尾辞") and m.surface not in INTERROGATIVES and m.pos[1] != "代名詞":
            phrase.append(m)
        elif m.surface in _LINKS and phrase:
            phrase.append(m)
        else:
            break
    while phrase and phrase[-1].surface in _LINKS:  # 「中国と」 -> 「中国」
        phrase.pop()
    return "".join(m.surface for m in phrase)


def proper_nouns(text: str) -> list[str]:
    """Proper names and Latin acronyms of a text, by Sudachi (mode C keeps names whole).

    「GCCとバーレーンの関係は」 -> ["GCC", "バーレーン"]"""
    names: list[str] = []
    for m in morphemes(text, mode="C"):
        surface = m.surface.strip()
        acronym = ACRONYM.fullmatch(surface)
        # 何川 (a surname to Sudachi) in 「何川流域か」 asks "which river"; names that begin with 何 are rare
        asks = surface.startswith("何") and len(surface) <= 2
        japanese_name = m.pos[:2] == ("名詞", "固有名詞") and not surface.isascii() and not asks
        if (japanese_name or acronym) and surface not in names:  # an English name cannot be checked in Japanese
            names.append(surface)
    return names


def content_nouns(text: str) -> list[str]:
    """The common and proper nouns of a Japanese text, compounds whole (Sudachi mode C); no numbers,
    pronouns, suffixes or question words (何人, いつ頃). 「日本の人口は何人ですか」 -> ["日本", "人口"]"""
    return _nouns(text, telling=False)


def telling_nouns(text: str) -> list[str]:
    """The content nouns that say what a text is about: not a word in hiragana alone (こと, もの: grammar),
    nor a noun Sudachi marks as used like an adverb (今, 今日, 今後: when, not what).
    「何か面白いことを言って」 -> []; 「今後の課題は」 -> ["課題"]"""
    return _nouns(text, telling=True)


def _nouns(text: str, *, telling: bool) -> list[str]:
    nouns: list[str] = []
    for m in morphemes(text, mode="C"):
        surface = m.surface.strip()
        asks = _INTERROGATIVE_START.match(surface)
        if (
            m.pos[0] == "名詞"
            and m.pos[1] in ("普通名詞", "固有名詞")
            and not asks
            and surface
            and surface not in nouns
            and not (telling and (is_hiragana(surface) or m.pos[2] == "副詞可能"))
        ):
            nouns.append(surface)
    return nouns


def region_names(text: str) -> list[str]:
    """Place names that are not countries (Sudachi's 地名-一般): regions, cities, seas.

    「中東のガザ」 -> [中東, ガザ]"""
    return [m.surface for m in morphemes(text, mode="C") if m.pos[1:4] == ("固有名詞", "地名", "一般")]
