"""PDFs made inside the tests, nothing downloaded: the briefing printed by Debian's Chromium, and small
ones laid out with reportlab (a Japanese CID font, so PDFium reads real Japanese back)."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
PAGE_CHARS = 900  # the briefing's blocks are grouped into pages of about this much text: each fits one A4 page
CJK_FONT = "HeiseiKakuGo-W5"  # one of reportlab's standard Japanese CID fonts (not embedded)


def briefing_pages(text: str, *, page_chars: int = PAGE_CHARS) -> list[list[str]]:
    """The briefing's blocks (blank-line separated, ** marks dropped) grouped into pages."""
    blocks = [b.replace("**", "") for b in re.split(r"\n\s*\n", text) if b.strip()]
    pages, current, size = [], [], 0
    for block in blocks:
        if current and size + len(block) > page_chars:
            pages.append(current)
            current, size = [], 0
        current.append(block)
        size += len(block)
    return [*pages, current]


def pages_html(pages: list[list[str]], *, title: str, bold: str = "") -> str:
    """One <section> per page, one <p> per block, its lines kept; ** in `bold` mark bold text."""

    def paragraph(block: str) -> str:
        lines = "<br>".join(html.escape(line.strip()) for line in block.splitlines() if line.strip())
        return f"<p>{lines}</p>"

    body = "".join(f"<section>{''.join(paragraph(b) for b in page)}</section>" for page in pages)
    return (
        f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        '<style>body{font-family:"Noto Sans CJK JP";font-size:13px;margin:0} '
        "section{break-after:page} p{margin:0 0 10px}</style></head>"
        f"<body>{body}</body></html>"
    )


def print_pdf(document: str, dest: Path, *, landscape: bool = True) -> Path:
    """`document` (HTML) printed to `dest` by headless Chromium, as a user's browser would."""
    if not os.path.exists(CHROMIUM):
        raise AssertionError("Debian chromium is missing: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.set_content(document)
            page.pdf(path=str(dest), format="A4", landscape=landscape)
        finally:
            browser.close()
    return dest


def print_briefing(text: str, dest: Path) -> list[str]:
    """The briefing printed to a PDF; returns each page's text (the truth page citations are checked on)."""
    import pypdfium2 as pdfium

    pages = briefing_pages(text)
    print_pdf(pages_html(pages, title="外交力の強化について"), dest)
    printed = len(pdfium.PdfDocument(dest))
    assert printed == len(pages), f"{len(pages)} pages of text printed as {printed}: a page overflowed"
    return ["\n\n".join(page) for page in pages]


def reportlab_pdf(dest: Path, pages: list[list[str]], *, title: str | None = None, size: int = 12) -> Path:
    """A PDF with one page per list: each string is a line, "" a paragraph gap."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    pdf = canvas.Canvas(str(dest), invariant=1)  # invariant: the same bytes every run
    if title is not None:
        pdf.setTitle(title)
    for lines in pages:
        pdf.setFont(CJK_FONT, size)
        y = 800.0
        for line in lines:
            if line:
                pdf.drawString(50, y, line)
                y -= size * 1.3
            else:
                y -= size * 1.5
        pdf.showPage()
    pdf.save()
    return dest


def scanned_pdf(dest: Path, *, pages: int = 2) -> Path:
    """Pages with only drawings on them, like a scan: no text layer."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(dest), invariant=1)
    for n in range(pages):
        for row in range(20):
            pdf.rect(50, 780 - row * 30 - n, 400 - row * 7, 12, fill=1)
        pdf.showPage()
    pdf.save()
    return dest


def encrypted_pdf(source: Path, dest: Path, *, password: str = "secret") -> Path:
    """`source` encrypted with a user password (RC4, which pypdf writes without extra packages)."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=source)
    writer.encrypt(password, algorithm="RC4-128")
    with open(dest, "wb") as f:
        writer.write(f)
    return dest


def bomb_pdf(inflated: int = 2**30) -> bytes:
    """A one-page PDF whose content stream is ~1 MB of Flate data inflating to `inflated` bytes of spaces
    (a decompression bomb: valid PDF, every byte of it harmless on its own)."""
    import zlib

    packer, block, parts = zlib.compressobj(9), b" " * 2**20, []
    for _ in range(inflated // len(block)):
        parts.append(packer.compress(block))
    stream = b"".join(parts) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
