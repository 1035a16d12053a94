"""What every sectioner shares: lines, blocks of lines, `Section` records, and what counts as content."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.documents.sentences import has_sentence_end

BULLET = re.compile(r"^\s*(?:[-・•✓✔⇒→※●○■◆▶]|[*+](?=\s)|\d{1,2}\.\s|\d{1,2}\.(?=\S)|[①-⑳])")
SHORT_LINE = 60  # titles and labels are shorter than this; lines of running text rarely are


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # exclusive, newline not included
    text: str


@dataclass(frozen=True)
class Block:
    """Consecutive non-blank lines."""

    lines: tuple[Line, ...]

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def first(self) -> str:
        return self.lines[0].text.strip()


@dataclass(frozen=True)
class Section:
    path: tuple[str, ...]  # document title > section > subsection
    start: int  # where its heading (or first content) begins
    blocks: tuple[Block, ...]  # content and captions, headings excluded


def split_blocks(text: str) -> list[Block]:
    blocks, current, pos = [], [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        if body.strip():
            current.append(Line(pos, pos + len(body), body))
        elif current:
            blocks.append(Block(tuple(current)))
            current = []
        pos += len(raw)
    if current:
        blocks.append(Block(tuple(current)))
    return blocks


def is_content(block: Block) -> bool:
    """Bullets, a sentence, or a line too long for a title: what a heading stands above."""
    return (
        any(BULLET.match(line.text) for line in block.lines)
        or any(len(line.text.strip()) > SHORT_LINE for line in block.lines)
        or has_sentence_end(" ".join(line.text.strip() for line in block.lines))
    )


def heading_title(block: Block) -> str:
    return " ".join(line.text.strip() for line in block.lines)
