"""Corpora of any size for `rag bench`, made from real text: edited copies, or derived builds.

Up to the embedding limit, real documents are copied with light edits and built as usual:

    edited("# 関ヶ原\\n\\n1600年に戦い。東軍が勝つ。三成は敗れる。", copy=1)
    -> "# 関ヶ原（第2版）\\n\\n2711年に戦い。東軍が勝つ。"  (digits shifted, one sentence left out)

Past it, embedding would take hours on a CPU, so a build is derived from an embedded one:
each copy of a passage keeps its text, drops a tenth of its BM25 tokens and gets its vectors
perturbed (`Perturbation`): moved the way real vectors differ from each other, as far as a real
passage (or sentence) is from its nearest other one. Copies then behave like neighbouring passages
of other documents, not like duplicates, nor like random points (isotropic noise in 384 dimensions
would make every graph index look bad: HNSW's recall of the top 64 fell to 0.70 from 0.88).
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from rag.documents.chunking import chunk_documents
from rag.documents.corpus import Document
from rag.index import store
from rag.index.build import store_switch, vector_index_plans
from rag.index.store import LoadedIndex
from rag.index.stores import StoreSpec
from rag.language.sudachi import tokenize
from rag.search.english import passage_english
from rag.search.passage_terms import PassageTerms

TOKEN_DROP = 0.1  # share of BM25 tokens a derived copy leaves out
_SHIFTS = {
    copy: str.maketrans("0123456789０１２３４５６７８９", "".join(str((d + copy) % 10) for d in range(10)) * 2)
    for copy in range(10)
}
_SENTENCE = re.compile(r"(?<=。)")


def edited(text: str, copy: int) -> str:
    """Copy number `copy` of a document (0 is the original): a version mark on the title, digits shifted,
    and in every one-line paragraph of three sentences or more one sentence left out."""
    if copy == 0:
        return text
    paragraphs = text.translate(_SHIFTS[copy % 10]).split("\n\n")
    for i, paragraph in enumerate(paragraphs):
        if paragraph.startswith("# ") and "\n" not in paragraph:
            paragraphs[i] = f"{paragraph}（第{copy + 1}版）"
        elif "\n" not in paragraph:
            sentences = [s for s in _SENTENCE.split(paragraph) if s]
            if len(sentences) >= 3:
                del sentences[(copy + i) % len(sentences)]
                paragraphs[i] = "".join(sentences)
    return "\n\n".join(paragraphs)


def write_copies(documents: list[Document], passages: int, folder: Path) -> int:
    """Write originals, then edited copies, round-robin, until they hold at least `passages` passages.

    Returns the number of passages written (the chunker decides, so it overshoots a little).
    """
    folder.mkdir(parents=True)
    written, copy = 0, 0
    while written < passages:
        for doc in documents:
            text = edited(doc.text, copy)
            name = doc.source if copy == 0 else f"copy{copy:04d}-{doc.source.replace('/', '-')}"
            written += len(chunk_documents([Document(name, text, hashlib.sha256(text.encode()).hexdigest())]))
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
            if written >= passages:
                break
        copy += 1
    return written


class Perturbation:
    """Gaussian noise shaped like the vectors' own covariance, scaled by `noise`; by default so that a
    copy's cosine to its original is, at the median, a real vector's cosine to its nearest other one
    (0.916 for JSQuAD passages, 0.903 for sentences)."""

    def __init__(self, vectors: np.ndarray, *, noise: float | None = None):
        vectors = np.asarray(vectors, np.float32)
        centred = vectors - vectors.mean(axis=0)
        _, singular, self.directions = np.linalg.svd(centred, full_matrices=False)
        spread = singular / math.sqrt(len(vectors))
        self.spread = spread / math.sqrt(float(np.sum(spread**2)))  # noise of expected norm 1 before scaling
        self.noise = self._matched(vectors) if noise is None else noise

    def __call__(self, vectors: np.ndarray, rng: np.random.Generator, *, noise: float | None = None) -> np.ndarray:
        """Unit vectors moved by one draw of the noise each, renormalised."""
        shaped = (rng.standard_normal((len(vectors), len(self.spread))) * self.spread) @ self.directions
        moved = vectors + (self.noise if noise is None else noise) * shaped.astype(np.float32)
        return (moved / np.linalg.norm(moved, axis=1, keepdims=True)).astype(np.float32)

    def _matched(self, vectors: np.ndarray, *, sample: int = 2000) -> float:
        rng = np.random.default_rng(0)
        rows = rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)
        sims = np.einsum("id,jd->ij", vectors[rows], vectors)
        sims[np.arange(len(rows)), rows] = -1.0  # not itself
        target = float(np.median(sims.max(axis=1)))
        low, high = 0.0, 4.0  # the copy's cosine falls as the noise grows: bisect for the target
        for _ in range(30):
            mid = (low + high) / 2
            moved = self(vectors[rows], np.random.default_rng(1), noise=mid)
            low, high = (mid, high) if np.median(np.sum(moved * vectors[rows], axis=1)) > target else (low, mid)
        return (low + high) / 2


def derive_build(
    base: LoadedIndex,
    passages: int,
    index_dir: Path,
    *,
    noise: float | None = None,
    exact_below: int,
    store_spec: StoreSpec | None = None,
) -> Path:
    """A build of `passages` passages from an embedded one's copies; returns its folder (made live).

    `noise`: scale of the copies' perturbation; None matches it to the data, for passages and
    sentences each (`Perturbation`).
    """
    import bm25s

    from rag.index.vector_index import stored_vectors

    mode = store.bm25_mode(base.manifest)
    base_tokens = [tokenize(c.indexed_text, mode=mode) for c in base.chunks]
    base_english = passage_english([c.indexed_text for c in base.chunks], bm25_mode=mode)
    n_base = len(base.chunks)
    owners = base.sentence_spans[:, 0].astype(np.int64)
    first = np.searchsorted(owners, np.arange(n_base + 1))
    base_passages, base_sentences = stored_vectors(base.dense), base.sentence_vectors
    move_passage, move_sentence = Perturbation(base_passages, noise=noise), Perturbation(base_sentences, noise=noise)
    base_words = _words(base) if base.terms is not None else None  # the reranker's, as token strings
    chunks, tokens, english, spans, passage_parts, sentence_parts, documents = [], [], [], [], [], [], []
    sentence_words, heading_words = [], []
    copies = math.ceil(passages / n_base)
    for copy in range(copies):
        rows = min(n_base, passages - copy * n_base)
        rng = np.random.default_rng(copy)
        copied = {c.source for c in base.chunks[:rows]}
        documents += [
            replace(d, source=f"copy{copy:04d}/{d.source}") for d in base.documents.values() if d.source in copied
        ]
        for r in range(rows):
            chunk = base.chunks[r]
            chunks.append(replace(chunk, id=f"{chunk.id}-{copy}", source=f"copy{copy:04d}/{chunk.source}"))
            kept = rng.random(len(base_tokens[r])) >= (TOKEN_DROP if copy else 0.0)
            tokens.append([t for t, keep in zip(base_tokens[r], kept, strict=True) if keep] or base_tokens[r][:1])
            english.append(base_english[r])
            if base_words is not None:
                sentence_words.extend(base_words[0][first[r] : first[r + 1]])
                heading_words.append(base_words[1][r])
        block = base.sentence_spans[: first[rows]].copy()
        block[:, 0] += copy * n_base
        spans.append(block)
        original = copy == 0  # copy 0 is the embedded build itself
        passage_parts.append(base_passages[:rows].copy() if original else move_passage(base_passages[:rows], rng))
        sentences = base_sentences[: first[rows]]
        sentence_parts.append(np.array(sentences) if original else move_sentence(sentences, rng))
    spans_all, sentence_vectors = np.concatenate(spans), np.concatenate(sentence_parts)
    bm25 = bm25s.BM25()
    bm25.index(tokens, show_progress=False)
    bm25_en = bm25s.BM25()
    bm25_en.index(english, show_progress=False)
    judge = dict(base.judge)  # the message classifier as it is; each copy keeps its passage's hubness
    if "hub" in judge:
        judge["hub"] = np.concatenate([judge["hub"][: min(n_base, passages - c * n_base)] for c in range(copies)])
    terms = None
    if base_words is not None:  # a copy's sentences and heading as the base's; its passage as BM25 has it
        terms = PassageTerms.from_tokens(tokens, sentence_words, heading_words, bm25.vocab_dict)
    manifest = {
        **base.manifest,
        "reranker": base.manifest.get("reranker") if terms is not None else None,
        "corpus": {},
        "chunks": len(chunks),
        "vector_index": vector_index_plans(len(chunks), len(spans_all), exact_below=exact_below),
        "derived": {
            "from": str(base.folder),
            "noise": {"passages": round(move_passage.noise, 4), "sentences": round(move_sentence.noise, 4)},
            "token_drop": TOKEN_DROP,
        },
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    vectors = np.concatenate(passage_parts)
    with (
        store.build_lock(index_dir),
        store.partial_build(index_dir) as folder,
        store_switch(index_dir, store_spec or StoreSpec(), log=lambda _: None) as switch,
    ):
        switch.write(
            folder,
            manifest,
            chunks=chunks,
            vectors=vectors,
            sentence_spans=spans_all,
            sentence_vectors=sentence_vectors,
            bm25=bm25,
            bm25_en=bm25_en,
        )
        store.write_build(
            folder,
            manifest=manifest,
            chunks=chunks,
            vectors=vectors,
            bm25=bm25,
            sentence_spans=spans_all,
            sentence_vectors=sentence_vectors,
            lexicon=base.lexicon,
            documents=documents,
            judge=judge,
            bm25_en=bm25_en,
            terms=terms,
        )
        switch.switch()
        return store.publish(index_dir, folder)


def _words(base: LoadedIndex) -> tuple[list[list[str]], list[list[str]]]:
    """The base's sentence and heading tokens as strings, to be indexed again in a copy's vocabulary."""
    spelled = {i: t for t, i in base.bm25.vocab_dict.items()}
    terms = base.terms
    sentences = [[spelled[i] for i in ids if i >= 0] for ids in terms.sentences(0, len(base.sentence_spans))]
    headings = [[spelled[i] for i in terms.heading(r) if i >= 0] for r in range(len(base.chunks))]
    return sentences, headings
