"""Reading a JSONL file of questions: every line is either a question or its own error, never a crash."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass


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
