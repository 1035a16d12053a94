"""Input at the boundary: a question and its k checked once for the CLI, batch files and the web API,
and JSONL question files read line by line, each line a question or its own error."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from rag.errors import RagError

MAX_QUESTION_CHARS = 1000
MAX_K = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_question(text: str) -> str:
    """Control characters are dropped and whitespace runs collapsed; the rest is kept."""
    return " ".join(_CONTROL.sub(" ", text).split())


def validate_question(question) -> str:
    """The cleaned question, or a RagError saying what is wrong with it."""
    if not isinstance(question, str):
        raise RagError("the question must be text")
    bad = next((i for i, ch in enumerate(question) if "\ud800" <= ch <= "\udfff"), None)
    if bad is not None:  # invalid UTF-8 on the command line arrives as lone surrogates
        raise RagError(f"the question is not valid text (invalid UTF-8 or a lone surrogate at character {bad + 1})")
    if len(question) > MAX_QUESTION_CHARS:
        raise RagError(f"the question is {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}")
    cleaned = clean_question(question)
    if not cleaned:
        raise RagError("the question is empty; type a question about the briefing")
    if not any(ch.isalnum() for ch in cleaned):
        raise RagError("the question has no words, only symbols or emoji; type a question about the briefing")
    return cleaned


def validate_k(k) -> int:
    """A whole number of passages between 1 and MAX_K: 3, "3" and 3.0 pass; 0, 2.5, inf and "x" do not."""
    message = f"k must be a whole number between 1 and {MAX_K}"
    if isinstance(k, bool):
        raise RagError(message)
    if isinstance(k, str):
        k = k.strip()
        if not k.isdigit():
            raise RagError(message)
        k = int(k)
    if isinstance(k, float):
        if not math.isfinite(k) or not k.is_integer():
            raise RagError(message)
        k = int(k)
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise RagError(message)
    return k


def printable(text) -> str | None:
    """Text safe to print or serialise: lone surrogates become "?" (used when echoing a refused question)."""
    if not isinstance(text, str):
        return None
    return text.encode("utf-8", "replace").decode("utf-8") if any("\ud800" <= ch <= "\udfff" for ch in text) else text


@dataclass(frozen=True)
class BatchQuestion:
    id: str
    question: str | None
    error: str | None = None  # why this line cannot be asked; the other lines still are


def read_questions(path: str) -> Iterator[BatchQuestion]:
    """`{"id", "question"}` per line; `-` reads stdin. Blank lines are skipped; ids default to line numbers."""
    handle = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    try:
        for n, raw in enumerate(handle, start=1):
            if raw.strip():
                yield parse_line(raw, n)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def parse_line(raw: bytes, n: int) -> BatchQuestion:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return BatchQuestion(
            str(n), None, f"line {n} is not valid UTF-8 (byte {exc.start + 1}); save the file as UTF-8"
        )
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return BatchQuestion(str(n), None, f"line {n} is not JSON ({exc.msg})")
    if not isinstance(record, dict) or not isinstance(record.get("question"), str):
        return BatchQuestion(str(n), None, f'line {n}: expected a JSON object with "id" and a text "question"')
    return BatchQuestion(str(record.get("id", n)), record["question"])
