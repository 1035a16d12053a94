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
MAX_JSON_DEPTH = 8  # a search request is one object of scalars and one list; Python's parser recurses
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
        raise RagError("the question is empty; type a question about the documents")
    if not any(ch.isalnum() for ch in cleaned):
        raise RagError("the question has no words, only symbols or emoji; type a question about the documents")
    return cleaned


def validate_k(k) -> int:
    """A whole number of passages between 1 and MAX_K: 3, "3" and 3.0 pass; 0, 2.5, inf and "x" do not."""
    message = f"k must be a whole number between 1 and {MAX_K}"
    if isinstance(k, bool):
        raise RagError(message)
    if isinstance(k, str):
        k = k.strip()
        if not (k.isascii() and k.isdigit()):  # "²" and "٣" are digits to isdigit() but not to int()
            raise RagError(message)
        k = int(k)
    if isinstance(k, float):
        if not math.isfinite(k) or not k.is_integer():
            raise RagError(message)
        k = int(k)
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise RagError(message)
    return k


def validate_sources(sources) -> list[str] | None:
    """None (every document) or a non-empty list of document names; [] would search nothing at all."""
    if sources is None:
        return None
    if not isinstance(sources, list) or not all(isinstance(s, str) and s for s in sources):
        raise RagError("sources must be a list of document names, or null for every document")
    if not sources:
        raise RagError("sources is an empty list; name at least one document, or send null to search them all")
    return sources


def validate_previous(previous) -> str | None:
    """The previous question of a follow-up, cleaned; None when there is none."""
    if previous is None or (isinstance(previous, str) and not previous.strip()):
        return None
    if not isinstance(previous, str):
        raise RagError("previous must be the text of the question asked before, or empty")
    return validate_question(previous)


def json_depth(raw: bytes) -> int:
    """How deep arrays and objects nest in `raw`, brackets inside strings not counted; one linear pass
    (a regex over strings backtracks quadratically on an unterminated one)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def parse_json_object(raw: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> dict:
    """A request body as a JSON object, refused in one line when it is not UTF-8, not JSON, nested
    deeper than `max_depth` (checked before parsing: the parser would recurse) or not an object."""
    if (deepest := json_depth(raw)) > max_depth:
        raise RagError(f"the request nests JSON {deepest} levels deep; the limit is {max_depth}")
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RagError(f"the request body is not UTF-8 (byte {exc.start + 1}); send UTF-8 JSON") from None
    except ValueError as exc:
        raise RagError(f"the request body is not JSON ({exc.args[0].split(':')[0]})") from None
    if not isinstance(body, dict):
        raise RagError('send a JSON object: {"question": ..., "k": ..., "mode": ..., "sources": [...]}')
    return body


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
