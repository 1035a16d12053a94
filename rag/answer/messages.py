"""Messages that are not questions about the documents: greetings, thanks, questions about the assistant,
requests of another kind. Told apart from questions by a classifier learned from labelled exemplars."""

from __future__ import annotations

from functools import cache
from pathlib import Path

EXEMPLARS_FILE = Path(__file__).parent / "data" / "messages.tsv"


@cache
def exemplars() -> tuple[tuple[str, str], ...]:
    """(kind, message) pairs: social, meta, request."""
    lines = EXEMPLARS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(tuple(line.split("\t", 1)) for line in lines if line.strip() and not line.startswith("#"))
