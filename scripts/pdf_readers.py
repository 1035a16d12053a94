"""Compare PDF text extractors on the briefing printed by Chromium: what docs/decisions.md records.

    python scripts/pdf_readers.py            # the readers that are installed
    pip install --target /tmp/pdfcmp pdfminer.six==20260107 pdfplumber==0.11.10
    PYTHONPATH=.:/tmp/pdfcmp python scripts/pdf_readers.py   # all four

For each reader: similarity of its text to the briefing (whitespace removed; raw, and after NFKC),
Kangxi / radical-supplement characters and U+2027 it produced, how many gold answers are found
(after NFKC, and after rag.documents.normalize's search form), blank-line paragraph breaks, and seconds.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.documents.normalize import search_form  # noqa: E402
from tests.pdfs import print_briefing  # noqa: E402


def read_pypdfium2(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    return "\n\n".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf)))


def read_pypdf(path: Path) -> str:
    import pypdf

    return "\n\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def read_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(path)


def read_pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n\n".join(page.extract_text() or "" for page in pdf.pages)


def read_rag(path: Path) -> str:
    from rag.documents.readers.pdf import read_pdf

    return read_pdf(path.read_bytes(), path).text


READERS = {
    "pypdfium2 5.15.2 (Apache-2.0/BSD-3)": read_pypdfium2,
    "pypdf 7.1.0 (BSD-3)": read_pypdf,
    "pdfminer.six 20260107 (MIT)": read_pdfminer,
    "pdfplumber 0.11.10 (MIT)": read_pdfplumber,
    "rag.documents.readers.pdf (pypdfium2 + paragraphs)": read_rag,
}


def flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def main() -> None:
    logging.disable(logging.WARNING)  # pdfminer warns once per glyph about Chromium's font descriptors
    source = (ROOT / "corpus" / "gaikoryoku_no_kyoka.txt").read_text(encoding="utf-8")
    truth = source.replace("**", "")
    answers = [
        a
        for line in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
        for a in json.loads(line).get("answers", [])[:1]
    ]
    blocks = len([b for b in re.split(r"\n\s*\n", truth) if b.strip()])
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "briefing.pdf"
        print_briefing(source, pdf)
        print(f"briefing printed by Chromium: {pdf.stat().st_size // 1024} KB; the text has {blocks} blocks\n")
        print(
            "| reader | similarity raw | after NFKC | Kangxi+supplement | U+2027 | gold answers found (NFKC) "
            "| found (rag.documents.normalize) | blank lines | s |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for name, read in READERS.items():
            try:
                started = time.perf_counter()
                text = read(pdf)
                seconds = time.perf_counter() - started
            except ImportError:
                print(f"| {name} | not installed ||||||||")
                continue
            nfkc = unicodedata.normalize("NFKC", text)
            raw_ratio = difflib.SequenceMatcher(None, flat(text), flat(truth), autojunk=False).ratio()
            nfkc_ratio = difflib.SequenceMatcher(
                None, flat(nfkc), flat(unicodedata.normalize("NFKC", truth)), autojunk=False
            ).ratio()
            radicals = sum(0x2E80 <= ord(c) <= 0x2FDF for c in text)
            found = sum(flat(unicodedata.normalize("NFKC", a)) in flat(nfkc) for a in answers)
            paragraphs = len(re.findall(r"\n\s*\n", text))
            normalised = flat(search_form(text))
            found_normalised = sum(flat(search_form(a)) in normalised for a in answers)
            print(
                f"| {name} | {raw_ratio:.4f} | {nfkc_ratio:.4f} | {radicals} | {text.count(chr(0x2027))} | "
                f"{found}/{len(answers)} | {found_normalised}/{len(answers)} | {paragraphs} | {seconds:.2f} |"
            )


if __name__ == "__main__":
    main()
