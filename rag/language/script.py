"""Which script a text is written in: the one "is this Japanese?" test the project uses."""

from __future__ import annotations

import re
import unicodedata

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")  # kana and CJK ideographs


def is_japanese(text: str) -> bool:
    """True when the text has any kana or kanji: 「OSAとは」 -> True, "What is OSA?" -> False."""
    return bool(_JAPANESE.search(unicodedata.normalize("NFKC", text)))


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def language_of_text(text: str) -> str:
    """ "ja" when the text has more kana and kanji than Latin letters, else "en": what a page marks a
    document's text as (its lang attribute), so English text is not read aloud as Japanese.

    「OSAの予算は約181億円」 -> "ja"; "The museum opens at 9:30 (開館)" -> "en"
    """
    folded = unicodedata.normalize("NFKC", text)
    return "ja" if len(_JAPANESE.findall(folded)) >= len(_LATIN_LETTER.findall(folded)) else "en"


def starts_latin(word: str) -> bool:
    """Whether a word begins with a Latin letter: "sand", "UAE"; not 砂 or "3km"."""
    return bool(_LATIN_LETTER.match(word))


def script_of(text: str) -> str:
    """ "ja" or "other": cross-lingual questions score lower, so some settings are kept per script."""
    return "ja" if is_japanese(text) else "other"


_KANA = re.compile(r"[\u3040-\u30ffー]+")  # hiragana, katakana and the long-vowel mark


def is_kana(text: str) -> bool:
    """True when a word is written in kana alone: 「こと」「フィリピン」 -> True, 「事」 -> False."""
    return bool(_KANA.fullmatch(text))


def is_katakana(text: str) -> bool:
    """True when a word is written in katakana alone: 「フィリピン」 -> True, 「こと」「事」 -> False."""
    return bool(_KATAKANA.fullmatch(text))


_KATAKANA = re.compile(r"[\u30a1-\u30faー]+")


def is_hiragana(text: str) -> bool:
    """True when a word is written in hiragana alone: 「こと」 -> True, 「フィリピン」「事」 -> False."""
    return bool(_HIRAGANA.fullmatch(text))


_HIRAGANA = re.compile(r"[\u3040-\u309fー]+")


def quoted(text: str) -> str:
    """A name quoted inside English text: 「外交力の強化について」 in Japanese brackets, “Museum Guide” in
    English quotation marks."""
    return f"「{text}」" if language_of_text(text) == "ja" else f"“{text}”"
