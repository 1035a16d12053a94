"""Sections of plain prose (reports, articles): a short line standing above a paragraph is a heading.

Unlike slides there are no captions to tell apart: every heading is kept, whatever words it
repeats (a Wikipedia 「歴史」 heading after a paragraph that mentions 歴史). Numbering gives
the level: 「第1章」 / "1" / "1." > "1.2" / 「第1節」 > "1.2.3" / "(1)"; unnumbered headings are top level.
"""

from __future__ import annotations

import re

from rag.documents.sectioners.base import SHORT_LINE, Block, Section, heading_title, is_content, split_blocks
from rag.documents.sentences import has_sentence_end

LEVELS = (
    (re.compile(r"^第[0-9０-９一二三四五六七八九十百]+[章部編]"), 1),
    (re.compile(r"^第[0-9０-９一二三四五六七八九十百]+節"), 2),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s"), 3),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.?\s"), 2),
    (re.compile(r"^(?:\(\d{1,2}\)|（\d{1,2}）|\d{1,2}\))\s*\S"), 3),
)
NOT_A_HEADING = re.compile(r"^\s*(?:[-・•✓✔⇒→※●○■◆▶]|[*+](?=\s))")  # a lone bullet is a list item


def sections(text: str, fallback_title: str) -> list[Section]:
    blocks = split_blocks(text)
    if not blocks:
        return []
    root, first = fallback_title, 0
    if len(blocks) > 1 and len(blocks[0].lines) == 1 and _is_heading_line(blocks[0]):
        root, first = blocks[0].first, 1  # the document's own title line
    found: list[Section] = []
    stack: list[tuple[int, str]] = []
    start = blocks[first].start if first < len(blocks) else blocks[0].start
    body: list[Block] = []
    for i in range(first, len(blocks)):
        block = blocks[i]
        if _is_heading_line(block) and i + 1 < len(blocks) and is_content(blocks[i + 1]):
            if body:
                found.append(Section((root, *(t for _, t in stack)), start, tuple(body)))
            level = heading_level(block.first)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading_title(block)))
            start, body = block.start, []
        else:
            body.append(block)
    if body:
        found.append(Section((root, *(t for _, t in stack)), start, tuple(body)))
    return found


def heading_level(title: str) -> int:
    return next((level for pattern, level in LEVELS if pattern.match(title)), 1)


def _is_heading_line(block: Block) -> bool:
    """At most two short lines, no sentence, not a bulleted item: "1. Introduction" or 「歴史」."""
    joined = heading_title(block)
    return (
        len(block.lines) <= 2
        and all(len(line.text.strip()) <= SHORT_LINE for line in block.lines)
        and not has_sentence_end(joined)
        and not NOT_A_HEADING.match(block.first)
    )
