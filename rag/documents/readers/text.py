"""Reading UTF-8 text files (.txt, .md) exactly as they are: citations are offsets into the decoded text."""

from __future__ import annotations

from pathlib import Path

from rag.documents.readers import Extracted, SkipFile
from rag.errors import RagError
from rag.terminal import shown


def read_text(raw: bytes, path: Path) -> Extracted:
    return Extracted(_decode(raw, path), "text")


def read_markdown(raw: bytes, path: Path) -> Extracted:
    return Extracted(_decode(raw, path), "markdown")


def _decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw:
        raise RagError(f"{shown(path)}: looks binary (contains NUL bytes); corpus files must be UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RagError(
            f"{shown(path)}: not UTF-8 (byte {exc.start}); convert it, e.g. iconv -f SHIFT_JIS -t UTF-8"
        ) from exc
    if not text.strip():
        raise SkipFile("is empty")
    return text
