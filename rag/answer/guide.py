"""The reply to a message that is not a question about the documents: what they cover (each document's
title and main sections, read from the index) and a few questions they answer.

    guide(index, "en") -> Guide(documents=(("外交力の強化について", ("安全保障環境の変化（概観）", ...)),),
                                examples=("What do the documents say about 「OSAの現状と当面の方向性」?", ...))
"""

from __future__ import annotations

from rag.answer.records import Guide
from rag.language.script import quoted

MAIN_SECTIONS = 6  # per document: the sections with the most passages, in document order
EXAMPLES = 3
_ASK = {"ja": "{}について教えてください", "en": "What do the documents say about {}?"}


def example_questions(index, lang: str) -> list[str]:
    """Questions made from section headings, best covered sections first (at build the judge keeps
    only those the documents answer: rag.answer.judge_calibration). A document without sections (a
    Wikipedia article under its one title, a plain note) is asked about by its title."""
    return [_ASK[lang].format(topic if lang == "ja" else quoted(topic)) for topic in _topics_by_size(index)]


def guide(index, lang: str) -> Guide:
    documents = []
    by_source: dict[str, list] = {}
    for chunk in index.chunks:
        by_source.setdefault(chunk.source, []).append(chunk)
    for source, chunks in by_source.items():
        sizes: dict[str, int] = {}
        for c in chunks:
            if len(c.section) > 1:
                sizes[c.section[1]] = sizes.get(c.section[1], 0) + 1
        biggest = set(sorted(sizes, key=lambda s: -sizes[s])[:MAIN_SECTIONS])
        documents.append((_title(index, source) or source, tuple(s for s in sizes if s in biggest)))
    recorded = index.manifest.get("examples", {}).get(lang)
    examples = tuple(recorded[:EXAMPLES]) if recorded else tuple(example_questions(index, lang)[:EXAMPLES])
    return Guide(tuple(documents), examples)


def _topics_by_size(index) -> list[str]:
    """Each document's main sections, or its title when it has none, by how much text they hold."""
    sectioned = {c.source for c in index.chunks if len(c.section) > 1}
    sizes: dict[str, int] = {}
    for c in index.chunks:
        if c.source in sectioned:
            topic = c.section[1] if len(c.section) > 1 else ""  # a sectioned document's preface: no topic
        else:
            topic = _title(index, c.source) or c.section[0]
        if topic and len(topic) <= 30:  # a heading, not a caption run long
            sizes[topic] = sizes.get(topic, 0) + len(c.text)
    return sorted(sizes, key=lambda s: -sizes[s])


def _title(index, source: str) -> str:
    return index.documents[source].title if source in index.documents else ""
