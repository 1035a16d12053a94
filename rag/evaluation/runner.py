"""Running a gold set through every retriever and the naive baseline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.cache import EmbeddingCache
from rag.corpus import read_corpus
from rag.engine import Engine, LiveIndex
from rag.evaluation.gold import GoldQuestion, is_relevant
from rag.evaluation.metrics import TOP_K, QuestionOutcome, metrics
from rag.language import script_of
from rag.retrieval import ABSTAIN_BELOW

RETRIEVERS = ("naive", "bm25", "dense", "hybrid")
NAIVE_WINDOW, NAIVE_OVERLAP = 500, 50  # what a tutorial builds


@dataclass
class Evaluation:
    gold: list[GoldQuestion]
    outcomes: dict[str, list[QuestionOutcome]]
    metrics: dict[str, dict]
    unreachable: list[GoldQuestion]  # answers no passage contains whole: a chunking or gold-set fault


def evaluate_mode(live: LiveIndex, gold: list[GoldQuestion], query_vectors: np.ndarray, mode: str):
    """One outcome per question for one retriever mode; the top hit's highlight is judged too."""
    chunks = live.retriever.index.chunks
    outcomes = []
    for q, qv in zip(gold, query_vectors, strict=True):
        result = live.retriever.search(q.question, k=TOP_K, mode=mode, query_vector=qv)
        total = sum(is_relevant(c.text, q) for c in chunks) if not q.unanswerable else 0
        outcome = QuestionOutcome(
            q, [h.chunk.text for h in result.hits], [h.chunk.id for h in result.hits], result.abstained, total
        )
        top = result.hits[0].chunk
        if outcome.first_relevant == 1:
            spans = live.highlighter.sentences(live.rows[top.id], qv)
            marked = "".join(top.text[s - top.start : e - top.start] for s, e in spans)
            outcome.highlight_has_answer = is_relevant(marked, q)
        outcomes.append(outcome)
    return outcomes


def naive_windows(text: str, size: int = NAIVE_WINDOW, overlap: int = NAIVE_OVERLAP) -> list[str]:
    step = size - overlap
    return [text[i : i + size] for i in range(0, max(len(text) - overlap, 1), step)]


def evaluate_naive(engine: Engine, gold: list[GoldQuestion], query_vectors: np.ndarray) -> list[QuestionOutcome]:
    """Fixed windows, dense only: the baseline a tutorial builds. Window vectors are cached like passages."""
    windows = [w for doc in read_corpus(engine.corpus_dir, log=lambda _: None) for w in naive_windows(doc.text)]
    cache = EmbeddingCache(engine.index_dir, engine.embedder.identity)
    vectors = cache.embed(windows, engine.embedder.encode_passages, kind="naive")
    if cache.embedded:
        cache.save(set(cache.vectors))
    outcomes = []
    for q, qv in zip(gold, query_vectors, strict=True):
        sims = vectors @ qv
        order = np.argsort(-sims)[:TOP_K]
        total = sum(is_relevant(w, q) for w in windows) if not q.unanswerable else 0
        abstained = bool(sims.max() < ABSTAIN_BELOW[script_of(q.question)])
        outcomes.append(QuestionOutcome(q, [windows[i] for i in order], [f"w{i}" for i in order], abstained, total))
    return outcomes


def run_evaluation(engine: Engine, gold: list[GoldQuestion], *, with_naive: bool = True) -> Evaluation:
    live = engine.live()
    query_vectors = engine.embedder.encode_queries([q.question for q in gold])
    outcomes = {mode: evaluate_mode(live, gold, query_vectors, mode) for mode in ("bm25", "dense", "hybrid")}
    if with_naive:
        outcomes["naive"] = evaluate_naive(engine, gold, query_vectors)
    chunk_lengths = [len(c.text) for c in live.retriever.index.chunks]
    results = {}
    for name, outs in outcomes.items():
        cited = [len(t) for o in outs for t in o.ranked_texts[:5]]
        m = metrics(outs, cited)
        if name != "naive":
            m["max_passage_chars"] = max(m["max_passage_chars"], max(chunk_lengths))
        results[name] = m
    hybrid = outcomes["hybrid"]
    unreachable = [o.question for o in hybrid if not o.question.unanswerable and o.relevant_total == 0]
    return Evaluation(gold, outcomes, results, unreachable)
