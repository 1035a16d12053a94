"""Where in the evidence an answer to the question must be: the paragraphs about its subject.

A count, a place or an amount in another paragraph answers another question: 「インドネシア海上保安機構の
職員は何人」 is not answered by the paragraph on the Philippines' coast guard above it (「PCGの人員は4千人
から約3万人に増加」). The subject is the question's names (those the whole document is about aside); a
passage whose heading names one is about it throughout, as bullets under 「OSA」 are. A paragraph is text
between blank lines, or one bullet; sentences would be too narrow (「…フィリピンに対し…。PCGの人員は…」).

    answer_scope([("OSAの概要", "- 予算約81億円")], ["OSA", "予算"]) -> ["OSAの概要", "- 予算約81億円"]

A figure in the document's title dates or counts the document (「…計画の概要（令和8年度版）」), not what it
is asked about: `heading_for_answers` leaves it out of the headings the answer may come from.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=\s*[-・•✓])")  # a blank line, or the next bullet
_FIGURES = frozenset(("date", "amount", "count"))  # what a title's figure is read as: 令和8年度, 第3版
_ABBREVIATION = re.compile(r"^\s*\(([a-z][a-z0-9]{1,7})\)")  # right after the name, NFKC-folded parentheses


def answer_scope(passages: list[tuple[str, str]], subject: list[str]) -> list[str] | None:
    """The headings and paragraphs of (heading, text) passages that name a subject word; None (the whole
    evidence) when the question has no subject words or no paragraph names one."""
    words = [unicodedata.normalize("NFKC", w).lower() for w in subject if w.strip()]
    if not words:
        return None
    words += _abbreviations(" ".join(t for pair in passages for t in pair), words)
    scope: list[str] = []
    for heading, text in passages:
        if _names(heading, words):
            scope += [heading, text]
            continue
        scope += [s for s in _PARAGRAPH_BREAK.split(text) if s.strip() and _names(s, words)]
    return scope or None


@lru_cache(maxsize=4096)  # every question judged reads its passages' titles again
def heading_for_answers(section: tuple[str, ...], separator: str = " > ") -> str:
    """A passage's section path with the figures of its document's title (the path's first part) taken out;
    the title's names stay: 「みどり市防災計画（令和8年度版） > 3 避難所」 -> 「みどり市防災計画（版） > 3 避難所」."""
    from rag.answer.answer_line import spans

    if not section:
        return ""
    title = section[0]
    for span in reversed([s for s in spans(title) if s.kind == "date" or s.kind.split(":")[0] in _FIGURES]):
        title = title[: span.start] + title[span.end :]
    return separator.join((title, *section[1:]))


def _abbreviations(text: str, words: list[str]) -> list[str]:
    """What the passages abbreviate a subject word to: 「フィリピン沿岸警備隊(PCG)」 -> ["pcg"]."""
    text = unicodedata.normalize("NFKC", text).lower()
    found = []
    for word in words:
        found += _ABBREVIATION.findall(text.split(word, 1)[1][:12]) if word in text else []
    return found


def _names(text: str, words: list[str]) -> bool:
    text = unicodedata.normalize("NFKC", text).lower()
    return any(w in text for w in words)
