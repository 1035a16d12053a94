"""Gold sets: reading them, and judging whether a passage answers a gold question."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.errors import RagError
from rag.normalize import search_form


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    lang: str
    answers: tuple[str, ...]
    unanswerable: bool


@lru_cache(maxsize=16384)  # every question is judged against every passage: the passages repeat
def normalise(text: str) -> str:
    """The search form (NFKC, radicals, no Markdown emphasis) without whitespace: answers are matched in it,
    so they are found in text extracted from a PDF as in the text file."""
    return re.sub(r"\s", "", search_form(text, drop_markup=True))


def is_relevant(passage_text: str, question: GoldQuestion) -> bool:
    body = normalise(passage_text)
    return any(normalise(a) in body for a in question.answers)


def load_gold(path: Path) -> list[GoldQuestion]:
    if not path.is_file():
        raise RagError(f"gold set {path} not found; pass one with --gold")
    questions, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            q = GoldQuestion(
                str(r["id"]),
                r["question"],
                r.get("lang", "ja"),
                tuple(r.get("answers", [])),
                bool(r.get("unanswerable", False)),
            )
        except (json.JSONDecodeError, KeyError, TypeError):
            raise RagError(
                f'{path} line {n}: expected {{"id", "question", "lang", "answers", "unanswerable"}}'
            ) from None
        if q.id in seen:
            raise RagError(f"{path} line {n}: duplicate id {q.id}")
        if not q.unanswerable and not q.answers:
            raise RagError(f"{path} line {n}: answerable question {q.id} has no answers")
        seen.add(q.id)
        questions.append(q)
    if not questions:
        raise RagError(f"gold set {path} is empty")
    return questions
