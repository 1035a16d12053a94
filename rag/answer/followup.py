"""Conversation context: telling a follow-up from a new question, and reading it with the turn before.

「フィリピン沿岸警備隊への支援について教えて」 then 「それは何年から続いていますか」: the second leans on
the first, so it is searched as 「フィリピン沿岸警備隊への支援 それは何年から続いていますか」 and shown as
「(フィリピン沿岸警備隊への支援について) それは何年から続いていますか」.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rag.language.script import is_japanese
from rag.language.terms import content_terms, morphemes

# A question with fewer content terms than this cannot stand alone (「予算は？」 after a question on OSA).
# On the standalone question sets it flags 0 of 131 gold questions and 0.7% of 4,038 JSQuAD ones
# (docs/decisions.md, "Web UI").
MIN_STANDALONE_TERMS = 2
_JA_ANAPHORS = frozenset("その この あの それ これ あれ そこ ここ そちら こちら 彼 彼ら".split())
_EN_ANAPHORS = frozenset("it its they them their theirs these those he she his her".split())
# 「Xとは」「What is X」 name their subject however short they are.
_DEFINITION = re.compile(r"(とは|って)\s*(何|なに|なん)?\S{0,6}[?？]?$|^\s*(what|who)\s+(is|are|was|were)\s+\S", re.I)
_EN_WORD = re.compile(r"[A-Za-z]+")
_NOW = frozenset(("これまで", "これから"))  # "so far", "from now on": about the present, not an earlier turn
_QUOTED = re.compile(r"[『「][^』」]*[』」]")


@dataclass(frozen=True)
class Reading:
    """How a question was understood: as typed, what was searched, and the earlier topic it leans on."""

    question: str
    query: str
    topic: str | None = None  # None: the question stands alone

    @property
    def shown(self) -> str:
        """「(OSAについて) その予算は？」 for a follow-up; the question itself otherwise."""
        if self.topic is None:
            return self.question
        if is_japanese(self.question):
            return f"({self.topic}について) {self.question}"
        return f"(about {self.topic}) {self.question}"

    @property
    def context(self) -> str:
        """What a later follow-up leans on: the topic this reading was about."""
        return self.topic if self.topic is not None else topic_of(self.question)


def read(question: str, previous: Reading | None) -> Reading:
    """The question on its own, or with the previous turn's topic when it leans on it."""
    if previous is None or not leans_on_previous(question):
        return Reading(question, question)
    topic = previous.context
    if not topic:
        return Reading(question, question)
    return Reading(question, f"{topic} {question}", topic)


def leans_on_previous(question: str) -> bool:
    """True for 「それは何年から？」, 「その予算は？」, 「同国の方針は」, "What is its budget?", 「予算は？」."""
    return _opens_with_anaphor(question) or (
        len(content_terms(question)) < MIN_STANDALONE_TERMS and not _DEFINITION.search(question.strip())
    )


def _opens_with_anaphor(question: str) -> bool:
    """An anaphor before any content term: one that comes later points inside the question itself
    (「マーラーは長女を亡くしたが、その長女の名前は？」)."""
    if is_japanese(question):
        ms = morphemes(_QUOTED.sub("」", question), mode="C")  # a title in brackets is not an anaphor
        for m, after in zip(ms, [*ms[1:], None], strict=True):
            if m.surface in _JA_ANAPHORS and m.pos[0] in ("連体詞", "代名詞"):
                if after is not None and m.surface + after.surface in _NOW:
                    continue
                return True
            if m.pos[0] == "名詞" and _means_the_same(m.surface):
                return True
            if m.is_content:
                return False
        return False
    for word in _EN_WORD.findall(question):
        if word.lower() in _EN_ANAPHORS:
            return True
        if content_terms(word):
            return False
    return False


@functools.lru_cache(maxsize=4096)
def _means_the_same(word: str) -> bool:
    """「同国」「同年」「同氏」 (JMdict: "the same country", "that year", "the said person"), not 「同盟」「同志」."""
    if len(word) < 2 or not word.startswith("同"):
        return False
    from rag.answer.glossary import glosses

    first = glosses(word)[:1]
    return bool(first) and first[0].lower().startswith(("the same", "the said", "that ", "said "))


def topic_of(question: str) -> str:
    """What a question is about, for a follow-up to lean on: its opening noun phrase in Japanese,
    its content words in English (「OSAとは何ですか」 -> 「OSA」, "What is the OSA budget?" -> "OSA budget")."""
    if is_japanese(question):
        from rag.language.terms import topic_phrase

        return topic_phrase(question) or question.strip().rstrip("?？。")
    words = [w for w in _EN_WORD.findall(question) if content_terms(w)]
    return " ".join(words) or question.strip().rstrip("?")
