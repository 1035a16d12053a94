"""What the page shows besides the conversation, rendered from the live build: the header and example
questions, the document pane (each cached per build and language) and the glossary of an answer."""

from __future__ import annotations

import threading
from html import escape

from rag.answer.glossary import glossary
from rag.answer.records import Answer
from rag.documents.metadata import DocumentMeta
from rag.engine import Engine
from rag.serve.ui.about import About, Titled, about
from rag.serve.ui.document import render_document


def header_html(about: About) -> str:
    return f'<h1>{escape(about.title)}</h1><p class="tagline">{escape(about.intro)}</p>'


class Pages:
    """What the page shows, rendered from the live build: the document pane (cached per build) and glossaries."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._docs: dict[tuple, str] = {}
        self._about: dict[tuple, About] = {}
        self._rarity: tuple[object, dict[str, int]] = (None, {})
        self._documents: tuple[object, list] = (None, [])
        self._lock = threading.Lock()

    def documents(self, live=None) -> list:
        """The live build's documents (or those of `live`, a build already in hand), counted once per build."""
        live = live or self.engine.live()
        with self._lock:
            if self._documents[0] == live.build:
                return self._documents[1]
        found = self.engine.documents(live)
        with self._lock:
            self._documents = (live.build, found)
        return found

    def about(self, lang: str, live=None) -> About:
        """The heading, hints and example questions for the live build's documents (or `live`'s)."""
        live = live or self.engine.live()
        key = (live.build, lang)
        with self._lock:
            if key in self._about:
                return self._about[key]
        metas = live.citer.meta if live.citer is not None else (lambda source: DocumentMeta())
        titled = [Titled(metas(d.source).title or d.title, metas(d.source)) for d in self.documents(live)]
        found = about(titled, live.retriever.index.manifest.get("examples", {}), lang)
        with self._lock:
            self._about = {k: v for k, v in self._about.items() if k[0] == live.build}  # older builds' go
            self._about[key] = found
        return found

    def document(self, source: str, lang: str) -> str:
        live = self.engine.live()
        key = (live.build, source, lang)
        with self._lock:
            if key in self._docs:
                return self._docs[key]
        chunks = [c for c in live.retriever.index.chunks if c.source == source]
        title = next((d.title for d in self.documents(live) if d.source == source), source)
        html = render_document(source, title, self.engine.document_text(source, live), chunks, lang)
        with self._lock:
            if len(self._docs) > 64:
                self._docs.clear()
            self._docs[key] = html
        return html

    def glossary(self, card: Answer):
        return glossary([q.text for q in card.quotes], rarity=self.rarity)

    def rarity(self, term: str) -> int:
        """How many passages of the live build lack the term: the glossary lists distinctive terms first."""
        index = self.engine.live().retriever.index
        with self._lock:
            if self._rarity[0] is not index:
                self._rarity = (index, {})
            counts = self._rarity[1]
            if term not in counts:
                counts[term] = sum(term not in c.text for c in index.chunks)
            return counts[term]
