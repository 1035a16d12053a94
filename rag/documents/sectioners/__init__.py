"""One sectioner per format, picked by the document's kind and, for text without markup, by its content.

markdown -> `#` headings;  text or PDF that reads like slides -> slides;  anything else -> prose
"""

from __future__ import annotations

from rag.documents.sectioners import markdown, prose, slides
from rag.documents.sectioners.base import Block, Section, is_content, split_blocks

__all__ = ["Block", "Section", "is_content", "sectioner_for", "sections_of", "split_blocks"]


def sectioner_for(text: str, kind: str) -> str:
    """ "markdown", "slides" or "prose"."""
    if kind == "markdown":
        return "markdown"
    return "slides" if slides.looks_like_slides(split_blocks(text)) else "prose"


def sections_of(text: str, *, kind: str, fallback_title: str) -> list[Section]:
    """The sections of a document's text; `fallback_title` is the root when the text names none."""
    module = {"markdown": markdown, "slides": slides, "prose": prose}[sectioner_for(text, kind)]
    return module.sections(text, fallback_title)
