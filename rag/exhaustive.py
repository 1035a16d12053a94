"""Every passage scored: the search as it was before candidates, kept as the reference to compare with.

The candidate-first search (rag.retrieval) must give the same hits, order, scores and status as
this on exact indexes; the tests and `rag bench` (recall@10) compare the two. It is slow on
purpose: full-length score vectors and a full sort.
"""

from __future__ import annotations

import numpy as np

from rag.language import script_of
from rag.retrieval import (
    ABSTAIN_BELOW,
    BM25_ABSTAIN_BELOW,
    SENTENCE_WEIGHT,
    Hit,
    Retriever,
    SearchResult,
    fuse,
    lexical_coverage,
)
from rag.store import vector_plans
from rag.tokenize_ja import tokenize


def exhaustive_search(
    retriever: Retriever,
    query: str,
    *,
    k: int = 5,
    mode: str = "hybrid",
    query_vector=None,
    sources: frozenset[str] | None = None,
) -> SearchResult:
    index = retriever.index
    vocab = index.bm25.vocab_dict
    qv = query_vector if query_vector is not None else retriever.embedder.encode_queries([query])[0]
    dense = dense_scores(retriever, qv)
    tokens = tokenize(query, mode=retriever.bm25_mode)
    bm25 = _bm25(index, [t for t in tokens if t in vocab])
    if mode == "dense":
        scores = dense
    elif mode == "bm25":
        scores = bm25
    else:
        translated = _bm25(index, retriever._translated_tokens(query))
        scores = fuse(dense, bm25, translated, lexical_coverage(tokens, vocab))
    if sources is not None:
        scores = np.where(np.array([c.source in sources for c in index.chunks]), scores, -np.inf)
    order = np.argsort(-scores, kind="stable")[: max(1, min(k, int(np.isfinite(scores).sum())))]
    hits = tuple(Hit(index.chunks[i], r + 1, float(scores[i])) for r, i in enumerate(order))
    top = float(scores[np.isfinite(scores)].max(initial=0.0))
    below = BM25_ABSTAIN_BELOW if mode == "bm25" else ABSTAIN_BELOW[script_of(query)]
    return SearchResult(query, hits, "not_covered" if top < below else "answered", qv)


def dense_scores(retriever: Retriever, qv: np.ndarray) -> np.ndarray:
    """0.5 x passage cosine + 0.5 x best sentence cosine, for every passage."""
    from rag.vector_index import stored_vectors

    index = retriever.index
    n = len(index.chunks)
    if vector_plans(index.manifest)["passages"].exact:  # as the search always did: FAISS ranks all n
        scores, ids = index.dense.search(qv[None, :].astype(np.float32), n)
        passage = np.empty(n, np.float32)
        passage[ids[0]] = scores[0]
    else:  # an HNSW index cannot rank them all; the stored vectors give the same cosines
        passage = stored_vectors(index.dense) @ qv
    best_sentence = np.full(n, -1.0, np.float32)
    np.maximum.at(best_sentence, index.sentence_spans[:, 0].astype(np.int64), index.sentence_vectors @ qv)
    best_sentence = np.where(best_sentence < -0.5, passage, best_sentence)  # passages with no sentence
    return (1 - SENTENCE_WEIGHT) * passage + SENTENCE_WEIGHT * best_sentence


def _bm25(index, tokens: list[str]) -> np.ndarray:
    if not tokens:
        return np.zeros(len(index.chunks), np.float32)
    return index.bm25.get_scores(tokens)
