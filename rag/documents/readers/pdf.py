"""Reading a PDF's text layer with PDFium (pypdfium2): one text with page starts, paragraphs by spacing.

PDFium was chosen on measured extraction quality on Japanese (docs/decisions.md): it gives the
briefing's text back with no Kangxi radicals and the right 「・」, where pypdf and pdfminer.six do not.
Lines are kept as the PDF has them (citations point into this text); a blank line is put where
the vertical gap between two lines is clearly wider than the document's usual line pitch, so
paragraphs and slide text boxes become blocks like those of a text file. Pages are joined by a
blank line. No OCR: a page without a text layer contributes nothing.

PDFium runs in a child process with a memory and a time limit (rag/documents/readers/isolated.py):
a decompression bomb or a crash inside PDFium becomes one line naming the file, not a dead build.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

from rag.documents.readers import Extracted, SkipFile
from rag.errors import RagError
from rag.terminal import shown

PARAGRAPH_PITCH = 1.25  # a gap over 1.25x the usual line pitch (for the font size) starts a new block
SAME_ROW = 0.5  # lines closer than half the usual pitch sit side by side (table cells, labels)
PAGE_BREAK = "\n\n"
# A metadata title that is only a file name or an application's placeholder says nothing.
PLACEHOLDER_TITLE = re.compile(
    r"^(?:untitled|無題|microsoft (?:word|powerpoint|excel) - .*|.*\.(?:docx?|pptx?|xlsx?|pdf|txt|html?))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Line:
    text: str
    y: float  # baseline of its first character, PDF units (up is positive)
    size: float  # font size of its first character


def read_pdf(raw: bytes, path: Path) -> Extracted:
    """The PDF's text, extracted in a child process (rag/documents/readers/isolated.py)."""
    from rag.documents.readers.isolated import extract_isolated

    return extract_isolated(raw, path)


def extract(raw: bytes, path: Path | str) -> Extracted:
    """The PDF's text in this process: what the child process runs."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise SkipFile("is encrypted with a password; decrypt it (e.g. qpdf --decrypt) to index it") from None
        raise RagError(f"{shown(path)}: not a readable PDF ({exc}); replace it with a good copy or remove it") from None
    try:
        pages = [_page_lines(pdf[n]) for n in range(len(pdf))]
        title = (pdf.get_metadata_dict().get("Title") or "").strip()
    except pdfium.PdfiumError as exc:
        raise RagError(f"{shown(path)}: damaged PDF ({exc}); replace it with a good copy or remove it") from None
    finally:
        pdf.close()
    if not any(line.text.strip() for page in pages for line in page):
        raise SkipFile("has no text layer (a scan?); run OCR on it (e.g. ocrmypdf) to index it")
    pitch = _usual_pitch(pages)
    texts, starts, pos = [], [], 0
    for page in pages:
        body = _page_text(page, pitch)
        starts.append(pos)
        texts.append(body)
        pos += len(body) + len(PAGE_BREAK)
    usable = title if title and not PLACEHOLDER_TITLE.match(title) else None
    return Extracted(PAGE_BREAK.join(texts), "pdf", usable, tuple(starts))


def _page_lines(page) -> list[_Line]:
    """The page's text lines with the baseline and font size of each line's first character."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        aligned = textpage.count_chars() == len(text)  # one PDFium char per Python char (no astral ones)
        x, y = ctypes.c_double(), ctypes.c_double()
        lines, index = [], 0
        for raw_line in re.split(r"\r\n|\r|\n", text):
            body = raw_line.rstrip()
            first = len(body) - len(body.lstrip())
            if body.strip() and aligned:
                pdfium_c.FPDFText_GetCharOrigin(textpage, index + first, x, y)
                size = pdfium_c.FPDFText_GetFontSize(textpage, index + first)
                lines.append(_Line(body, y.value, size or 1.0))
            elif body.strip():
                lines.append(_Line(body, 0.0, 0.0))  # no geometry: every line its own row
            index += len(raw_line) + (2 if text.startswith("\r\n", index + len(raw_line)) else 1)
        return lines
    finally:
        textpage.close()
        page.close()


def _usual_pitch(pages: list[list[_Line]]) -> float:
    """The document's ordinary baseline-to-baseline distance, in font sizes: the low tenth of all pitches."""
    ratios = sorted(
        (a.y - b.y) / b.size
        for page in pages
        for a, b in zip(page, page[1:], strict=False)
        if b.size and (a.y - b.y) / b.size >= SAME_ROW
    )
    return ratios[len(ratios) // 10] if ratios else 0.0


def _page_text(lines: list[_Line], pitch: float) -> str:
    out: list[str] = []
    for prev, line in zip([None, *lines], lines, strict=False):
        if prev is not None:
            out.append("\n\n" if _new_block(prev, line, pitch) else "\n")
        out.append(line.text)
    return "".join(out)


def _new_block(prev: _Line, line: _Line, pitch: float) -> bool:
    if not pitch or not line.size:
        return False
    drop = (prev.y - line.y) / line.size
    if drop < -SAME_ROW * pitch:
        return True  # back up the page: another column or text box
    if abs(prev.size - line.size) > 0.15 * max(prev.size, line.size):
        return True  # a heading set in another size
    return drop > PARAGRAPH_PITCH * pitch
