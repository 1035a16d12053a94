"""Gold sets: reading them, and judging whether a passage answers a gold question.

Two record shapes are read:
- the team's: {"id", "question", "lang", "kind", "split", "answers", "unanswerable"}; a passage is
  relevant when it contains an answer string (compared after NFKC, without spaces or ** marks);
- span-based benchmarks such as JSQuAD: {"id", "question", "answers", "source", "answer_span"}; a
  passage is relevant when it comes from `source` and its [start, end) holds `answer_span` whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from rag.documents.normalize import search_form
from rag.errors import RagError

ANSWERABLE, UNANSWERABLE = "answerable", "unanswerable"  # kinds when a gold set names none


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    lang: str
    answers: tuple[str, ...]
    unanswerable: bool
    kind: str = ANSWERABLE  # e.g. paraphrase, casual, everyday, english, ontopic_unanswerable, offtopic
    split: str = ""  # "dev" (tune on it), "test" (report and gate on it), or "" (no split)
    source: str | None = None  # span-based gold: the file the answer is in
    answer_span: tuple[int, int] | None = None  # and where, as [start, end) character offsets


class Passage(Protocol):
    source: str
    start: int
    end: int
    text: str


@lru_cache(maxsize=16384)  # every question is judged against every passage: the passages repeat
def normalise(text: str) -> str:
    """The search form (NFKC, radicals, no Markdown emphasis) without whitespace: answers are matched in it,
    so they are found in text extracted from a PDF as in the text file."""
    return re.sub(r"\s", "", search_form(text, drop_markup=True))


def is_relevant(passage: Passage, question: GoldQuestion) -> bool:
    if question.answer_span is not None:
        a, b = question.answer_span
        return passage.source == question.source and passage.start <= a and b <= passage.end
    body = normalise(passage.text)
    return any(normalise(a) in body for a in question.answers)


def load_gold(path: Path) -> list[GoldQuestion]:
    if not path.is_file():
        raise RagError(f"gold set {path} not found; pass one with --gold")
    questions, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            q = _question(json.loads(line))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            raise RagError(
                f'{path} line {n}: expected {{"id", "question", "answers", "unanswerable"}} '
                'or {"id", "question", "source", "answer_span"}'
            ) from None
        if q.id in seen:
            raise RagError(f"{path} line {n}: duplicate id {q.id}")
        if not q.unanswerable and not q.answers and q.answer_span is None:
            raise RagError(f"{path} line {n}: answerable question {q.id} has no answers")
        seen.add(q.id)
        questions.append(q)
    if not questions:
        raise RagError(f"gold set {path} is empty")
    return questions


def _question(r: dict) -> GoldQuestion:
    unanswerable = bool(r.get("unanswerable", False))
    span = r.get("answer_span")
    if span is not None:
        a, b = (int(x) for x in span)
        if not 0 <= a < b:
            raise ValueError(span)
        span = (a, b)
    return GoldQuestion(
        id=str(r["id"]),
        question=str(r["question"]),
        lang=r.get("lang", "ja"),
        answers=tuple(r.get("answers", [])),
        unanswerable=unanswerable,
        kind=r.get("kind") or (UNANSWERABLE if unanswerable else ANSWERABLE),
        split=r.get("split", ""),
        source=r.get("source"),
        answer_span=span,
    )
