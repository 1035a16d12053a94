"""One Japanese tokeniser for passages and questions alike: SudachiPy normalised content words."""

from __future__ import annotations

import re
import threading
import unicodedata

TOKENIZER_VERSION = 2  # 2: a word in Latin letters is its own spelling, lower-cased, not Sudachi's katakana
DEFAULT_MODE = "A"  # short units match paraphrases best on the gold set (docs/decisions.md)
CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "代名詞"}
_local = threading.local()  # Sudachi tokenizers are not safe to share between threads
_dictionary_lock = threading.Lock()
_shared_dictionary = None
_LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _sudachi():
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _local.tokenizer = _dictionary().tokenizer()
    return tokenizer


def _dictionary():
    """One dictionary per process, shared by the threads' tokenizers.

    A dictionary is ~74 MB resident: one per thread made a server's memory grow by hundreds of MB
    under concurrent load, as the web server's worker threads came and went (docs/decisions.md).
    """
    global _shared_dictionary
    with _dictionary_lock:
        if _shared_dictionary is None:
            from sudachipy import Dictionary

            _shared_dictionary = Dictionary(dict="core")
        return _shared_dictionary


def split(text: str, mode: str = DEFAULT_MODE):
    """Sudachi's morphemes of `text` as given (callers normalise), in split mode "A", "B" or "C": the one
    place the project calls Sudachi. rag.language.terms.morphemes is the cached, normalised reading."""
    from sudachipy import SplitMode

    return _sudachi().tokenize(text, {"A": SplitMode.A, "B": SplitMode.B, "C": SplitMode.C}[mode])


def tokenize(text: str, *, mode: str = DEFAULT_MODE) -> list[str]:
    """NFKC, then Sudachi's normalised forms of content words, lower-cased; a word in Latin letters as
    it is spelled, lower-cased. Sudachi's normal form of an English word it knows is katakana ("library" ->
    ライブラリー, "used" -> ユーズド): English text would be indexed in words no English question uses.

    「ＯＳＡの予算はいくら？」 -> ["osa", "予算", "幾ら"]; "Which library" -> ["which", "library"]
    """
    text = unicodedata.normalize("NFKC", text).replace("*", " ")
    if not text.strip():
        return []
    tokens = []
    # Sudachi refuses inputs over ~49 KB; questions are capped far below, passages are short.
    for part in _pieces(text, 8000):
        for m in split(part, mode):
            if m.part_of_speech()[0] in CONTENT_POS:
                surface = m.surface()
                form = (surface if _LATIN.fullmatch(surface) else m.normalized_form()).lower().strip()
                if form and any(ch.isalnum() for ch in form):
                    tokens.append(form)
    return tokens


def _pieces(text: str, size: int):
    """Slices of at most `size` characters, cut after a sentence end or space so no word is split."""
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = max(window.rfind(c) for c in "。．.!?！？\n ") + 1 or size
        yield text[start : start + cut]
        start += cut
    yield text[start:]
