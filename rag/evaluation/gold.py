"""Gold sets: reading them, and judging whether a passage answers a gold question."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    lang: str
    answers: tuple[str, ...]
    unanswerable: bool


def normalise(text: str) -> str:
    """NFKC, no whitespace, no Markdown emphasis: the form answers are matched in."""
    return re.sub(r"[\s*]", "", unicodedata.normalize("NFKC", text))


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
