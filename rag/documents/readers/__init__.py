"""One reader per file format: bytes in, the text to cite (with page starts for PDFs) out.

.txt -> text (slides or prose, told apart later by content), .md -> markdown, .pdf -> pdf (text layer)
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.errors import RagError


@dataclass(frozen=True)
class Extracted:
    text: str  # what citations point into, kept with the index
    kind: str  # "text", "markdown" or "pdf": picks the sectioner
    title: str | None = None  # the document's own title (PDF metadata), when it has a usable one
    page_starts: tuple[int, ...] = ()  # PDF: the offset in `text` where each page begins


class SkipFile(RagError):
    """A well-formed file with no text we can read (encrypted, scanned, empty): noted and left out.

    The message is the reason alone; the corpus reader adds the file's name.
    """


def reader_for(suffix: str):
    from rag.documents.readers import pdf, text

    return {".txt": text.read_text, ".md": text.read_markdown, ".markdown": text.read_markdown, ".pdf": pdf.read_pdf}[
        suffix.lower()
    ]


SUFFIXES = (".txt", ".md", ".markdown", ".pdf")
