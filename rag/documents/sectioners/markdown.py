"""Sections of Markdown: `#` headings and underlined ones, never a `#` line inside a code fence."""

from __future__ import annotations

import re

from rag.documents.sectioners.base import Block, Line, Section, split_blocks

ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
SETEXT_RULE = re.compile(r"^ {0,3}(=+|-+)\s*$")  # === (level 1) or --- (level 2) under a title line
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def sections(text: str, fallback_title: str) -> list[Section]:
    found: list[Section] = []
    stack: list[tuple[int, str]] = []
    root = fallback_title
    blocks = split_blocks(text)
    start = blocks[0].start if blocks else 0
    body: list[list[Line]] = []
    in_fence = False

    def close():
        if body:
            found.append(Section((root, *(t for _, t in stack)), start, tuple(Block(tuple(b)) for b in body)))

    for block in blocks:
        current: list[Line] | None = None  # the body block this block's lines go into
        lines, k = block.lines, 0
        while k < len(lines):
            line = lines[k]
            if FENCE.match(line.text):
                in_fence = not in_fence
            heading = None if in_fence else _heading(line, lines[k + 1] if k + 1 < len(lines) else None)
            if heading is None:
                if current is None:
                    current = []
                    body.append(current)
                current.append(line)
                k += 1
                continue
            level, title, used = heading
            close()
            if level == 1 and not found and not stack and root == fallback_title:
                root = title  # the document's title
            else:
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, title))
            start, body, current = line.start, [], None
            k += used
    close()
    return found


def _heading(line: Line, nxt: Line | None) -> tuple[int, str, int] | None:
    """(level, title, lines it takes) when `line` is a heading."""
    match = ATX_HEADING.match(line.text)
    if match:
        return len(match.group(1)), match.group(2), 1
    rule = SETEXT_RULE.match(nxt.text) if nxt is not None else None
    if rule and line.text.strip() and not line.text.lstrip().startswith(("-", "*", "+", ">", "|")):
        return (1 if rule.group(1)[0] == "=" else 2), line.text.strip(), 2
    return None
