"""Finding the section structure of slide text (or Markdown `#` headings).

Slide text extracted from a PDF has no markup: a section title is a short line followed by
content (bullets or sentences); a slide title is a short line followed by such a heading;
short lines followed by neither are figure labels or captions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLET = re.compile(r"^\s*(?:[-・✓✔⇒→※●○■◆▶]|\d{1,2}\.\s|\d{1,2}\.(?=\S)|[①-⑳])")
NUMBERED_HEADING = re.compile(r"^\d{1,2}\s+\S")  # 「1 シーレーンの強化(例)」
SUB_HEADING = re.compile(r"^(?:\(\d{1,2}\)|（\d{1,2}）)\s*\S")  # 「(1) 港湾」
LABEL = re.compile(r"^(?:《[^》]+》|【[^】]+】|\([^()、]+\)|（[^（）、]+）)$")  # a whole-line label
STRAY = re.compile(r"^[A-Za-z][A-Za-z .'-]{0,40}$|\s·\s")  # a lone name; post metadata "午後6:53 · …"
MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
SHORT_LINE = 60  # slide titles and labels are shorter than this; sentences rarely are
SENTENCE_END = "。"


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
        body = raw.rstrip("\r\n")
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
    joined = "".join(line.text.strip() for line in block.lines)
    return (
        any(BULLET.match(line.text) for line in block.lines)
        or SENTENCE_END in joined
        or any(len(line.text.strip()) > SHORT_LINE for line in block.lines)
    )


def _is_short(block: Block) -> bool:
    return not is_content(block) and len(block.lines) <= 2 and not STRAY.search(block.first)


def _heads_content(blocks: list[Block], i: int) -> bool:
    """A heading: short, and the next block is content. 「、」 marks a caption, not a title."""
    if not _is_short(blocks[i]) or i + 1 >= len(blocks) or not is_content(blocks[i + 1]):
        return False
    return "、" not in blocks[i].first or bool(LABEL.match(blocks[i].first))


def _heads_heading(blocks: list[Block], i: int) -> bool:
    """A slide title: one short line directly above a heading."""
    b = blocks[i]
    return (
        _is_short(b)
        and len(b.lines) == 1
        and not LABEL.match(b.first)
        and i + 1 < len(blocks)
        and _heads_content(blocks, i + 1)
    )


def natural_level(title: str) -> int:
    if NUMBERED_HEADING.match(title):
        return 2
    if SUB_HEADING.match(title) or LABEL.match(title):
        return 3
    return 1


def heading_title(block: Block) -> str:
    return " ".join(line.text.strip() for line in block.lines)


def plain_sections(text: str, fallback_title: str) -> list[Section]:
    blocks = split_blocks(text)
    if not blocks:
        return []
    root, first = fallback_title, 0
    if _is_short(blocks[0]) and len(blocks[0].lines) == 1 and not _heads_content(blocks, 0):
        root, first = blocks[0].first, 1  # the document's own title line
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    start = heading_end = blocks[0].start
    body: list[Block] = []
    parent_level = 0  # level of a slide title directly above, else 0

    def close():
        if body or heading_end > start:
            sections.append(Section((root, *(t for _, t in stack)), start, tuple(body)))

    for i in range(first, len(blocks)):
        block = blocks[i]
        title_here = _heads_heading(blocks, i)
        # A short line repeating what this section already said is a photo caption
        # (「パラオ国際空港」 under the airport project), not the next title.
        repeats = block.first in text[start : block.start]
        if not repeats and (title_here or _heads_content(blocks, i)):
            child_of_title = parent_level and stack
            # Captions before the first heading (a lone 「(外務省提出資料)」) join the first section.
            if not child_of_title and (stack or any(is_content(b) for b in body)):
                close()
                start, body = block.start, []
            level = natural_level(block.first)
            if parent_level and level <= parent_level:
                level = parent_level + 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading_title(block)))
            heading_end = block.end
            parent_level = level if title_here else 0
        else:
            body.append(block)
            parent_level = 0
    close()
    return sections


def markdown_sections(text: str, fallback_title: str) -> list[Section]:
    blocks = split_blocks(text)
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    root = fallback_title
    start = blocks[0].start if blocks else 0
    body: list[Block] = []

    def close():
        if body:
            sections.append(Section((root, *(t for _, t in stack)), start, tuple(body)))

    for block in blocks:
        lines = list(block.lines)
        while lines:
            match = MD_HEADING.match(lines[0].text)
            if not match:
                # content lines run until the next heading line inside this block
                cut = next((k for k, ln in enumerate(lines) if MD_HEADING.match(ln.text)), len(lines))
                body.append(Block(tuple(lines[:cut])))
                lines = lines[cut:]
                continue
            level, title = len(match.group(1)), match.group(2)
            close()
            if level == 1 and not sections and not stack and root == fallback_title:
                root = title
                stack = []
            else:
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, title))
            start, body = lines[0].start, []
            lines = lines[1:]
    close()
    return sections
