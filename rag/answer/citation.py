"""A citation an editor can print: issuer, title, date, and where in the document (slide, page or section),
with the exact character offsets kept beside it for machines.

Citation(issuer="外務省", title="外交力の強化について", date="2026", slide=12, ...).text("ja")
    -> 「外務省『外交力の強化について』(2026) スライド12」
without a slide or page number it names the section: 「外務省『外交力の強化について』「OSAの現状と当面の方向性」」
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.documents.metadata import DocumentMeta
from rag.documents.slide_numbers import slide_at, slide_markers
from rag.language.script import language_of_text, quoted


def quoted_title(title: str, lang: str) -> str:
    """『』 mark a title in Japanese text, and a Japanese title in English text too; an English title in
    English text takes English quotation marks: “Museum Guide”."""
    return f"『{title}』" if lang == "ja" or language_of_text(title) == "ja" else quoted(title)


@dataclass(frozen=True)
class Citation:
    title: str
    source: str  # the file inside the corpus folder
    start: int  # offsets into the document's text: text[start:end] is what is cited
    end: int
    issuer: str | None = None
    issuer_en: str | None = None
    date: str | None = None
    url: str | None = None
    slide: int | None = None  # from slide-number lines in the text (rag.documents.slide_numbers)
    page: int | None = None  # PDFs
    section: str = ""  # the innermost section heading, when there is no slide or page

    def text(self, lang: str) -> str:
        if lang == "ja":
            date = f"({self.date})" if self.date else ""
            where = f"スライド{self.slide}" if self.slide else f"p. {self.page}" if self.page else ""
            if where:
                where = " " + where
            elif self.section and self.section != self.title:
                where = f"「{self.section}」"
            return f"{self.issuer or ''}{quoted_title(self.title, lang)}{date}{where}"
        issuer = self.issuer_en or self.issuer
        parts = [issuer] if issuer else []
        parts.append(quoted_title(self.title, lang) + (f" ({self.date})" if self.date else ""))
        where = f"slide {self.slide}" if self.slide else f"p. {self.page}" if self.page else ""
        where = where or (f"“{self.section}”" if self.section and self.section != self.title else "")
        return ", ".join(parts + ([where] if where else []))

    def to_json(self, lang: str) -> dict:
        return {
            "text": self.text(lang),
            "issuer": self.issuer,
            "title": self.title,
            "date": self.date,
            "url": self.url,
            "slide": self.slide,
            "page": self.page,
            "section": self.section,
            "source": self.source,
            "start": self.start,
            "end": self.end,
        }


class Citer:
    """Citations into the documents of one build: their metadata and slide numbers, read once."""

    def __init__(self, documents: dict, metas: dict[str, DocumentMeta]):
        self._docs = documents
        self._metas = metas
        self._markers = {source: slide_markers(doc.text) for source, doc in documents.items()}

    def meta(self, source: str) -> DocumentMeta:
        return self._metas.get(source) or DocumentMeta()

    def cite(self, chunk, start: int, end: int) -> Citation:
        doc = self._docs.get(chunk.source)
        meta = self.meta(chunk.source)
        title = meta.title or (doc.title if doc is not None and doc.title else chunk.source)
        page = doc.page_at(start) if doc is not None else None
        slide = slide_at(self._markers.get(chunk.source, ()), start)
        section = chunk.section[-1] if chunk.section else ""
        return Citation(
            title, chunk.source, start, end, meta.issuer, meta.issuer_en, meta.date, meta.url, slide, page, section
        )
