"""Slide and page numbers printed in the text: a line holding only a number, as a deck printed to text
leaves one per slide. They are never part of a quoted sentence; they say which slide a citation is on.

"…の方針。\\n12\\n次のスライド…\\n13\\n" -> markers at the "12" and "13" lines; text before "12" is on slide 12
"""

from __future__ import annotations

import re
from bisect import bisect_left

SLIDE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
MIN_MARKERS = 3  # fewer stray numbers than this are figure labels, not a numbering


def is_slide_number(line: str) -> bool:
    return bool(SLIDE_NUMBER.match(line))


def slide_markers(text: str) -> tuple[tuple[int, int], ...]:
    """(offset of the line, its number) of each slide-number line, when they count upwards.

    A deck printed to text puts the number at the foot of each slide, so they rise through the
    document; numbers that do not rise (a table's column of figures) are no numbering and give none.
    """
    found, pos = [], 0
    for line in text.splitlines(keepends=True):
        m = SLIDE_NUMBER.match(line.rstrip("\r\n"))
        if m:
            found.append((pos, int(m.group(1))))
        pos += len(line)
    rising = all(b > a for (_, a), (_, b) in zip(found, found[1:], strict=False))
    return tuple(found) if len(found) >= MIN_MARKERS and rising else ()


def slide_at(markers: tuple[tuple[int, int], ...], offset: int) -> int | None:
    """The slide holding text[offset]: the number at the foot of its slide (the first marker after it);
    None past the last marker or without markers."""
    at = bisect_left([m for m, _ in markers], offset)
    return markers[at][1] if at < len(markers) else None
