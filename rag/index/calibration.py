"""Measuring, per build, the numbers that make retrieval settings travel across models and corpora.

A set of generic questions no document collection is about (rag/index/data/calibration_questions.txt)
is asked of the new index. From them:

- the dense score's centre and spread for an unrelated question (the model's cosine range);
- the best BM25 score a typical term reaches (the corpus's BM25 range);
- how close an unrelated English word's nearest corpus term is (the lexicon's chance level);
- the best fused score unrelated questions reach, per script: the answerability threshold is a
  high quantile of it, so a question must beat nearly every off-topic one to be answered.

    config = calibrate(index, embedder, RetrievalConfig(), cache)   # stored in the manifest
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from rag.index.cache import CachedEmbedder
from rag.language.script import script_of
from rag.search.lexicon import latin_words
from rag.settings import RetrievalConfig

QUESTIONS_FILE = Path(__file__).parent / "data" / "calibration_questions.txt"
SAMPLE_PASSAGES = 4000  # the dense spread is estimated on at most this many passages


@cache
def calibration_questions() -> tuple[str, ...]:
    lines = QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.split("\t", 1)[1] for line in lines if line.strip() and not line.startswith("#"))


def calibrate(index, embedder, config: RetrievalConfig, vector_cache) -> RetrievalConfig:
    """`config` with its measured fields filled in from this index and model."""
    from rag.search.retriever import MODES, Retriever

    questions = list(calibration_questions())
    vectors = vector_cache.embed(questions, embedder.encode_queries, kind="query")
    center, scale = _dense_range(index, vectors, config)
    measured = config.with_measured(
        dense_center=center,
        dense_scale=scale,
        bm25_scale=bm25_scale(index.bm25),
        english_scale=bm25_scale(index.bm25_en) if index.bm25_en is not None else 1.0,
        match_at_least=lexicon_threshold(index, embedder, questions, config, vector_cache),
    )
    # the English words the questions' translation looks up go through the build's cache too
    retriever = Retriever(index, CachedEmbedder(embedder, vector_cache), bm25_mode=_bm25_mode(index), config=measured)
    tops: dict[str, dict[str, list[float]]] = {mode: {"ja": [], "other": []} for mode in MODES}
    for question, qv in zip(questions, vectors, strict=True):
        forms = retriever.analyzer.analyze(question)
        for mode in MODES:
            top = float(np.max(retriever.scores(forms, qv, mode), initial=-np.inf))
            tops[mode][script_of(question)].append(top)
    thresholds = {
        mode: {script: float(np.quantile(values, config.abstain_quantile)) for script, values in by_script.items()}
        for mode, by_script in tops.items()
    }
    return measured.with_measured(abstain_below=thresholds, calibrated=True)


def _dense_range(index, vectors: np.ndarray, config: RetrievalConfig) -> tuple[float, float]:
    """Mean and within-question spread of the dense score of unrelated questions."""
    n = len(index.chunks)
    rows = np.sort(np.random.default_rng(0).choice(n, size=min(n, SAMPLE_PASSAGES), replace=False))
    passages = np.stack([index.dense.reconstruct(int(r)) for r in rows])
    passage_cos = vectors @ passages.T
    column = np.full(n, -1, np.int64)
    column[rows] = np.arange(len(rows))
    sentence_column = column[index.sentence_spans[:, 0].astype(np.int64)]
    keep = sentence_column >= 0
    best_sentence = np.full((len(vectors), len(rows)), -np.inf, np.float32)
    sims = vectors @ index.sentence_vectors[keep].T
    for q in range(len(vectors)):
        np.maximum.at(best_sentence[q], sentence_column[keep], sims[q])
    best_sentence = np.where(np.isfinite(best_sentence), best_sentence, passage_cos)
    w = config.sentence_weight
    dense = (1 - w) * passage_cos + w * best_sentence
    spread = float(dense.std(axis=1).mean())
    return float(dense.mean()), spread if spread > 0 else 1.0


def passage_hubness(index, vectors: np.ndarray, config: RetrievalConfig, *, batch: int = 4096) -> np.ndarray:
    """Each passage's mean dense score for unrelated questions, in spreads above their mean: how close a
    passage comes to everything. A hub (a title slide, a passage of generic words) scores high for any
    question and wins questions it does not answer; subtracting this makes its score mean what others do.

    [n passages] float32; 0 is a typical passage, 2.0 one that every unrelated question finds close.
    """
    from rag.index.vector_index import stored_vectors

    n = len(index.chunks)
    passage_vectors = stored_vectors(index.dense)
    owners = index.sentence_spans[:, 0].astype(np.int64)
    first = np.searchsorted(owners, np.arange(n + 1))
    w = config.sentence_weight
    hub = np.zeros(n, np.float32)
    for a in range(0, n, batch):  # in slices: passages x questions stays small at any corpus size
        b = min(n, a + batch)
        passage_cos = passage_vectors[a:b] @ vectors.T  # [passages, questions]
        s, e = first[a], first[b]
        best = passage_cos.copy()
        if e > s:
            sims = index.sentence_vectors[s:e] @ vectors.T
            best_sentence = np.full_like(passage_cos, -np.inf)
            np.maximum.at(best_sentence, owners[s:e] - a, sims)
            best = np.where(np.isfinite(best_sentence), best_sentence, passage_cos)
        dense = (1 - w) * passage_cos + w * best
        hub[a:b] = ((dense - config.dense_center) / config.dense_scale).mean(axis=1)
    return hub


def bm25_scale(bm25) -> float:
    """The median, over the vocabulary, of the best score a term reaches in any one passage."""
    data, indptr = bm25.scores["data"], bm25.scores["indptr"]
    present = np.diff(indptr) > 0
    if not present.any():
        return 1.0
    best = np.maximum.reduceat(data, indptr[:-1][present])
    scale = float(np.median(best))
    return scale if scale > 0 else 1.0


def lexicon_threshold(index, embedder, questions, config: RetrievalConfig, vector_cache) -> float | None:
    """A high quantile of how close unrelated English words come to a corpus term."""
    lexicon = index.lexicon
    words = sorted({w for q in questions for w in latin_words(q)})
    if not words or not lexicon.terms:
        return None
    word_vectors = vector_cache.embed(words, embedder.encode_queries, kind="query")
    best = (word_vectors @ lexicon.vectors.T).max(axis=1)
    return float(np.quantile(best, config.lexicon_quantile))


def _bm25_mode(index) -> str:
    from rag.index.store import bm25_mode as _store_mode

    return _store_mode(index.manifest)
