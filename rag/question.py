"""Checking a question and its k at the boundary: one path for the CLI, batch files and the web API."""

from __future__ import annotations

import math
import re

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
