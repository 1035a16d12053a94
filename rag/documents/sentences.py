"""Sentence ends in Japanese and English text: 。．！？!? always, "." only where it ends an English sentence.

"米国は3.5%増。The U.S. grew, e.g. in Ohio. Next" -> ["米国は3.5%増。", "The U.S. grew, e.g. in Ohio.", "Next"]
"発信(SNSを含む。)を強化する。" -> ["発信(SNSを含む。)を強化する。"]  (a 。 inside brackets ends nothing)
"取組。**" -> ["取組。**"]  (a fragment of markup only joins the sentence before it)
"""

from __future__ import annotations

import re

CLOSERS = "」』）)]］】〕〉》\"'”’"  # a closing bracket or quote stays with the sentence it closes
PAIRS = dict(zip("「『（([［【〔〈《", "」』）)]］】〕〉》", strict=True))  # openers and their closers
# Words that end in "." without ending a sentence (compared lower-cased, without the final ".").
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt vs etc e.g i.e cf al fig figs no nos vol vols pp ed eds approx ca "
    "inc ltd co corp dept univ gov est jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_END = re.compile(r"[。．！？!?]+|\.(?!\.)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*|\d+)$")


def sentence_ends(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets just after each sentence end in text[start:end], closing brackets included."""
    end = len(text) if end is None else end
    cuts = []
    for match in _END.finditer(text, start, end):
        mark = match.group()
        if mark == "." and not _ends_english_sentence(text, match.start(), start, end):
            continue
        if mark in ("．", "!", "?") and not _ends_here(text, match.start(), match.end(), end):
            continue
        cut = match.end()
        while cut < end and text[cut] in CLOSERS:
            cut += 1
        if _inside_brackets(text, match.start(), cut, start, end):
            continue
        if not cuts or cut > cuts[-1]:
            cuts.append(cut)
    return cuts


def has_sentence_end(text: str) -> bool:
    return bool(sentence_ends(text))


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the sentences in text[start:end], surrounding whitespace trimmed, nothing dropped.

    A piece with no word in it (the 「**」 closing an emphasis after its 。) joins the sentence before it:
    on its own it would be quoted as an empty sentence."""
    spans: list[tuple[int, int]] = []
    pos = start
    for cut in [*sentence_ends(text, start, end), end]:
        if text[pos:cut].strip():
            a, b = trim(text, pos, cut)
            if spans and not has_words(text[a:b]):
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
        pos = cut
    return spans


def has_words(text: str) -> bool:
    """Letters, kana, kanji or digits: 「**」, 「・」 and 「---」 have none."""
    return any(ch.isalnum() for ch in text)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _inside_brackets(text: str, mark: int, cut: int, start: int, end: int) -> bool:
    """A sentence mark inside brackets or quotes that close later on the same line, with the line going
    on after them, ends no sentence: 「発信(SNSを含む。)を強化」, 「「はい。」と答えた」. Brackets left open on
    the line (a lost closer) never hold a sentence back.

    Counted from the line's start: a PDF may wrap a sentence, but a bracket rarely spans lines.
    """
    line_start = max(start, text.rfind("\n", 0, mark) + 1)
    line_end = text.find("\n", cut, end)
    line_end = end if line_end < 0 else line_end
    if not text[cut:line_end].strip():
        return False  # the bracket closes the line: the sentence ends with it
    open_ = []
    for ch in text[line_start:mark]:
        if ch in PAIRS:
            open_.append(PAIRS[ch])
        elif open_ and ch == open_[-1]:
            open_.pop()
    if not open_:
        return False
    for ch in text[mark:line_end]:
        if ch == open_[-1]:
            return True  # the innermost open bracket closes later on this line
    return False


def _ends_here(text: str, mark_start: int, mark_end: int, end: int) -> bool:
    """「．」, "!" and "?" end a sentence unless a word or number goes on right after them (3．5, Yahoo!Japan, ?q=)."""
    before = text[mark_start - 1] if mark_start > 0 else " "
    after = text[mark_end] if mark_end < end else " "
    if before.isdigit() and after.isdigit():
        return False
    return not (after.isascii() and (after.isalnum() or after in "=&/_"))


def _ends_english_sentence(text: str, dot: int, start: int, end: int) -> bool:
    """A "." ends a sentence when a space (or the end) follows, the word before it is not an abbreviation
    or an initial (U.S., e.g., Mr.), it is no list marker ("1. " at a line start), and no lower-case word
    goes on after it."""
    after = dot + 1
    while after < end and text[after] in CLOSERS:
        after += 1
    if after < end and not text[after].isspace():
        return False  # 3.5, example.com, U.S.
    word = _WORD_BEFORE.search(text, max(start, dot - 20), dot)
    if word:
        token = word.group(1).lower()
        if token in ABBREVIATIONS or len(token.replace(".", "")) == 1 and token[0].isalpha():
            return False
        if "." in token and token.replace(".", "").isalpha():
            return False  # an initialism: U.S, a.m
        line_start = text.rfind("\n", 0, word.start()) + 1
        if token.isdigit() and not text[line_start : word.start()].strip():
            return False  # "1. " numbers a list item
    nxt = after
    while nxt < end and text[nxt].isspace():
        nxt += 1
    return not (nxt < end and text[nxt].islower())
