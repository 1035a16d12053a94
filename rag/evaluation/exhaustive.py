"""Every passage scored: the search as it was before candidates, kept as the reference to compare with.

The candidate-first search (rag.search.retriever) must give the same hits, order, scores and status as
this on exact indexes; the tests and `rag bench` (recall@10) compare the two. It is slow on
purpose: full-length score vectors from FAISS and bm25s themselves, and a full sort.
"""

from __future__ import annotations

import numpy as np

from rag.index.store import vector_plans
from rag.search.features import Features
from rag.search.rerank import reads
from rag.search.retriever import Hit, Retriever, SearchResult, fuse, standard_dense


def exhaustive_search(
    retriever: Retriever,
    query: str,
    *,
    k: int = 5,
    mode: str = "hybrid",
    query_vector=None,
    sources: frozenset[str] | None = None,
) -> SearchResult:
    index, config = retriever.index, retriever.config
    forms = retriever.analyzer.analyze(query)
    qv = query_vector if query_vector is not None else retriever.embedder.encode_queries([forms.search_text])[0]
    passage, sentence = dense_signals(retriever, qv)
    w = config.sentence_weight
    dense = (1 - w) * passage + w * sentence
    bm25, translated = _bm25(index, index.bm25, forms.tokens), _bm25(index, index.bm25, forms.translated)
    known = index.bm25_en.vocab_dict if index.bm25_en is not None else {}
    english = _bm25(index, index.bm25_en, [t for t in forms.english if t in known])
    if mode == "dense":
        scores = standard_dense(dense, config)
    elif mode == "bm25":
        scores = (forms.coverage * bm25 + translated) / config.bm25_scale
        scores = scores + config.english_weight * english / config.english_scale
    else:
        scores = fuse(dense, bm25, translated, forms.coverage, config, english)
    if sources is not None:
        scores = np.where(np.array([c.source in sources for c in index.chunks]), scores, -np.inf)
    population = int(np.isfinite(scores).sum())
    want = max(1, min(k, population))
    reranker = retriever.reranker if mode == "hybrid" else None
    ranked = reranker.depth(want, population) if reranker else want
    order = np.argsort(-scores, kind="stable")[:ranked]
    signals = Features(passage[order], sentence[order], bm25[order], translated[order], english[order])
    if reranker and len(order) and reads(query, index.chunks[order[0]].text):  # the second look, as the search has it
        again = reranker.order(order, scores[order], signals, retriever.prepare(forms, qv), config)
        order, signals = order[again], signals.take(again)
    order, signals = order[:want], signals.take(np.arange(want))
    hits = tuple(Hit(index.chunks[i], r + 1, float(scores[i])) for r, i in enumerate(order))
    if mode != "hybrid":  # as the candidate search gives them: a signal the mode does not use is zeros
        zeros = np.zeros(len(order), np.float32)
        used = ("passage", "sentence") if mode == "dense" else ("bm25", "translated", "english")
        signals = Features(*(getattr(signals, f) if f in used else zeros for f in Features.NAMES))
    return SearchResult(query, hits, qv, forms, signals, mode)


def dense_signals(retriever: Retriever, qv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every passage's cosine and its best sentence's (its own when it has no sentence)."""
    from rag.index.vector_index import stored_vectors

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
    return passage, best_sentence


def _bm25(index, bm25, tokens) -> np.ndarray:
    if not tokens:
        return np.zeros(len(index.chunks), np.float32)
    return bm25.get_scores(list(tokens))
