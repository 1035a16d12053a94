"""Why and how: whether a question asks for a reason or a means, and whether a sentence gives one.

Used by scripts/why_quote_check.py to measure a quote bonus for such sentences; the bonus did not pay
(docs/decisions.md, "Why and how questions") and the product does not use it.

A why-question is answered by a reason clause (「…に資するため」, 「…を実現すべく」), a how-question by a
means (「…を通じて」, 「…することで」). Both are marked by a closed class of function words, read here
with Sudachi's parts of speech: the grammar's own markers, not phrases of any one corpus. English by
its question words and connectives.

    asked_clause("ロシアとの関係が悪い中でも、外交の努力を続けるのはなぜですか") -> "reason"
    asked_clause("How does Japan want to reach a new balance in Asia?") -> "means"
    gives_clause("安全保障に資するため、連携を強化する。", "reason") -> True
"""

from __future__ import annotations

import re

from rag.language.script import is_japanese
from rag.language.terms import Morpheme, focus_terms, morphemes

REASON, MEANS = "reason", "means"

# Question words of the closed class; 何で is left out (なにで "by what" as often as "why"), なんでしょう
# is 何でしょう, and どうして before an auxiliary verb is "do how" (どうしていきますか, どうしてほしい).
_WHY_WORDS = re.compile(r"なぜ|何故|なんで(?!しょ|す)|どうして(?!い|ほし|欲し|もら|お|く|来)")
_HOW_WORDS = re.compile(r"どうやって|どのように|どうすれば|どうしたら|いかにして|どんな方法|どのような方法")
# Nouns that name a reason or a purpose, in a question (「…理由は」) or in a sentence (「その目的は」).
_REASON_NOUNS = frozenset("理由 目的 原因 狙い 意図 背景 動機".split())
_MEANS_NOUNS = frozenset("方法 手段 方策".split())

_EN_WHY = re.compile(r"\b(why|how come|what for|reasons?|purposes?|motives?)\b", re.I)
# "how" asks a means unless it asks a quantity or a degree (how many, how long, how big).
_EN_HOW = re.compile(r"\bhow\b(?!\s+(many|much|long|often|old|far|big|large|soon|high|tall|fast|early|late)\b)", re.I)
_EN_HOW_PHRASES = re.compile(r"\b(in what way|by what means|what steps|what means)\b", re.I)
_EN_REASON_MARKS = re.compile(
    r"\b(because|since|due to|owing to|so that|in order to|so as to|aims? to|to ensure)\b", re.I
)
_EN_MEANS_MARKS = re.compile(r"\b(through|by means of|via|by \w+ing|using)\b", re.I)


def asked_clause(question: str) -> str | None:
    """ "reason" for why and what-for, "means" for how (not how many), else None."""
    if is_japanese(question):
        focus = focus_terms(question)  # the noun asked about: 「…の理由は？」, not 「…を目的とした何」
        if _WHY_WORDS.search(question) or focus & _REASON_NOUNS or "何のため" in question:
            return REASON
        if _HOW_WORDS.search(question) or focus & _MEANS_NOUNS:
            return MEANS
        return None
    if _EN_WHY.search(question):
        return REASON
    if _EN_HOW.search(question) or _EN_HOW_PHRASES.search(question):
        return MEANS
    return None


def gives_clause(sentence: str, kind: str) -> bool:
    """Whether the sentence holds a clause of the asked kind."""
    if not is_japanese(sentence):
        marks = _EN_REASON_MARKS if kind == REASON else _EN_MEANS_MARKS
        return bool(marks.search(sentence))
    ms = [m for m in morphemes(sentence) if m.pos[0] not in ("補助記号", "空白")]
    test = _gives_reason if kind == REASON else _gives_means
    return any(test(ms, i) for i in range(len(ms)))


def _gives_reason(ms: list[Morpheme], i: int) -> bool:
    m, before, after = ms[i], _at(ms, i - 1), _at(ms, i + 1)
    if m.pos[:2] == ("助詞", "接続助詞") and m.form in ("から", "ので"):
        return True
    if m.form == "だ" and m.surface == "で" and before and before.pos[1] == "準体助詞":
        return not (after and after.form in ("有る", "ある"))  # 「…ので」, not 「…のである」
    if m.form == "から" and before and before.form == "こと":  # 「…ことから」
        return True
    if m.pos[0] == "名詞" and (m.form == "為" or m.form in _REASON_NOUNS):  # 「…ため」「その目的は」
        return True
    return m.form == "べし" and m.surface == "べく"  # 「…を実現すべく」


def _gives_means(ms: list[Morpheme], i: int) -> bool:
    m, before = ms[i], _at(ms, i - 1)
    if m.pos[0] == "動詞" and m.form == "よる" and before and before.surface == "に":  # 「…により」「…によって」
        return True
    if m.pos[0] == "動詞" and m.form in ("通じる", "通ずる", "通す") and before and before.surface == "を":
        return True
    if m.surface == "で" and m.pos[1] == "格助詞" and before and before.form == "こと":  # 「…することで」
        return True
    if m.pos[:2] == ("助詞", "接続助詞") and m.form in ("つつ", "ながら"):
        return True
    return m.pos[0] == "名詞" and m.form in _MEANS_NOUNS


def _at(ms: list[Morpheme], i: int) -> Morpheme | None:
    return ms[i] if 0 <= i < len(ms) else None
