"""Sections of slide text (a slide deck printed to text or PDF): titles, headings, captions, post metadata.

Slide text has no markup: a section title is a short line followed by content (bullets or
sentences); a slide title is a short line followed by such a heading; short lines followed by
neither are figure labels, photo captions or credits, and ride with the content next to them.
"""

from __future__ import annotations

import re

from rag.documents.sectioners.base import BULLET, Block, Section, heading_title, is_content, split_blocks

NUMBERED_HEADING = re.compile(r"^\d{1,2}\s+\S")  # 「1 シーレーンの強化(例)」
SUB_HEADING = re.compile(r"^(?:\(\d{1,2}\)|（\d{1,2}）)\s*\S")  # 「(1) 港湾」
LABEL = re.compile(r"^(?:《[^》]+》|【[^】]+】|\([^()、]+\)|（[^（）、]+）)$")  # a whole-line label
POST_METADATA = re.compile(r"\s·\s")  # an embedded post's 「午後6:53 · 2026年2月15日 · 721.7万 件の表示」
CAPTION_LOOKBACK = 3000  # a photo caption names something on its own slide; a slide holds far less text
SLIDE_SHARE = 0.5  # slides when under this share of the text is in plain paragraphs (docs/decisions.md)


def looks_like_slides(blocks: list[Block]) -> bool:
    """Slides are bullets, labels and short lines; prose is paragraphs of sentences.

    Measured as the share of characters in paragraph blocks (sentences, no bullet): the briefing
    has 0.22, its PDF 0.24, Wikipedia articles 0.97 (docs/decisions.md).
    """
    return paragraph_share(blocks) < SLIDE_SHARE


def paragraph_share(blocks: list[Block]) -> float:
    total = sum(len(line.text.strip()) for b in blocks for line in b.lines)
    paragraphs = sum(
        len(line.text.strip())
        for b in blocks
        if is_content(b) and not any(BULLET.match(line.text) for line in b.lines)
        for line in b.lines
    )
    return paragraphs / total if total else 0.0


def sections(text: str, fallback_title: str) -> list[Section]:
    blocks = split_blocks(text)
    if not blocks:
        return []
    root, first = fallback_title, 0
    if _is_short(blocks[0]) and len(blocks[0].lines) == 1 and not _heads_content(blocks, 0):
        root, first = blocks[0].first, 1  # the document's own title line
    found: list[Section] = []
    stack: list[tuple[int, str]] = []
    start = heading_end = blocks[0].start
    body: list[Block] = []
    parent_level = 0  # level of a slide title directly above, else 0

    def close():
        if body or heading_end > start:
            found.append(Section((root, *(t for _, t in stack)), start, tuple(body)))

    for i in range(first, len(blocks)):
        block = blocks[i]
        title_here = _heads_heading(blocks, i)
        # A short line above a heading that repeats what this slide already said is a photo caption
        # (「パラオ国際空港」 under the airport project), not the next slide's title. A heading directly
        # above content is kept even when its words came up before.
        if title_here and block.first in text[max(start, block.start - CAPTION_LOOKBACK) : block.start]:
            title_here = False
        if title_here or _heads_content(blocks, i):
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
    return found


def natural_level(title: str) -> int:
    if NUMBERED_HEADING.match(title):
        return 2
    if SUB_HEADING.match(title) or LABEL.match(title):
        return 3
    return 1


def _is_short(block: Block) -> bool:
    return not is_content(block) and len(block.lines) <= 2 and not POST_METADATA.search(block.first)


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
