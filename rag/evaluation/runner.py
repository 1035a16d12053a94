"""Running a gold set through every retriever and the naive baseline, per split."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from rag.documents.corpus import read_corpus
from rag.engine import Engine, LiveIndex
from rag.evaluation.gold import GoldQuestion, Passage, is_relevant
from rag.evaluation.metrics import TOP_K, QuestionOutcome, metrics
from rag.index.cache import EmbeddingCache

RETRIEVERS = ("naive", "bm25", "dense", "hybrid")
NAIVE_WINDOW, NAIVE_OVERLAP = 500, 50  # what a tutorial builds


@dataclass(frozen=True)
class Window:
    """A naive fixed-size window of a document, with offsets like a passage."""

    source: str
    start: int
    end: int
    text: str


@dataclass
class Evaluation:
    gold: list[GoldQuestion]
    outcomes: dict[str, list[QuestionOutcome]]  # retriever -> one outcome per gold question, in gold order
    metrics: dict[str, dict[str, dict]]  # split ("dev", "test", "all") -> retriever -> metrics
    unreachable: list[GoldQuestion]  # answers no passage contains whole: a chunking or gold-set fault

    @property
    def splits(self) -> list[str]:
        return list(self.metrics)


class _RelevantCount:
    """How many passages of the index answer a question; span-based gold looks only at its own file."""

    def __init__(self, passages: list[Passage]):
        self.passages = passages
        self.by_source: dict[str, list[Passage]] = defaultdict(list)
        for p in passages:
            self.by_source[p.source].append(p)

    def __call__(self, q: GoldQuestion) -> int:
        if q.unanswerable:
            return 0
        pool = self.by_source.get(q.source, []) if q.answer_span is not None else self.passages
        return sum(is_relevant(p, q) for p in pool)


def evaluate_mode(live: LiveIndex, gold: list[GoldQuestion], asked: list, mode: str):
    """One outcome per question for one retriever mode; the top hit's highlight is judged too.

    `asked` holds (forms, query vector) per question, computed once for all modes."""
    count = _RelevantCount(live.retriever.index.chunks)
    outcomes = []
    for q, (forms, qv) in zip(gold, asked, strict=True):
        result = live.retriever.search(q.question, k=TOP_K, mode=mode, query_vector=qv, forms=forms)
        ranked = [h.chunk for h in result.hits]
        verdict = live.judge.verdict(result)
        outcome = QuestionOutcome(q, ranked, verdict.status, count(q), verdict.missing)
        if outcome.first_relevant == 1 and not q.answer_span:
            top = ranked[0]
            row = live.rows[top.id]
            spans = sorted(live.picker.pick(live.picker.scores(row, qv, q.question), row))
            marked = "".join(top.text[s - top.start : e - top.start] for s, e in spans)
            outcome.highlight_has_answer = is_relevant(Window(top.source, top.start, top.end, marked), q)
        outcomes.append(outcome)
    return outcomes


def naive_windows(source: str, text: str, size: int = NAIVE_WINDOW, overlap: int = NAIVE_OVERLAP) -> list[Window]:
    step = size - overlap
    return [
        Window(source, i, min(i + size, len(text)), text[i : i + size])
        for i in range(0, max(len(text) - overlap, 1), step)
    ]


def evaluate_naive(engine: Engine, gold: list[GoldQuestion], query_vectors: np.ndarray) -> list[QuestionOutcome]:
    """Fixed windows, dense only, never declining: the baseline a tutorial builds. Vectors are cached."""
    windows = [
        w for doc in read_corpus(engine.corpus_dir, log=lambda _: None) for w in naive_windows(doc.source, doc.text)
    ]
    cache = EmbeddingCache(engine.index_dir, engine.embedder.identity)
    vectors = cache.embed([w.text for w in windows], engine.embedder.encode_passages, kind="naive")
    if cache.embedded:
        cache.save(set(cache.vectors))
    count = _RelevantCount(windows)
    outcomes = []
    for q, qv in zip(gold, query_vectors, strict=True):
        sims = vectors @ qv
        top = np.argpartition(-sims, min(TOP_K, len(sims) - 1))[:TOP_K]
        order = top[np.argsort(-sims[top], kind="stable")]
        outcomes.append(QuestionOutcome(q, [windows[i] for i in order], "answered", count(q)))
    return outcomes


def run_evaluation(engine: Engine, gold: list[GoldQuestion], *, with_naive: bool = True) -> Evaluation:
    live = engine.live()
    forms = [live.retriever.analyzer.analyze(q.question) for q in gold]
    query_vectors = engine.embedder.encode_queries([f.search_text for f in forms])
    asked = list(zip(forms, query_vectors, strict=True))
    outcomes = {mode: evaluate_mode(live, gold, asked, mode) for mode in ("bm25", "dense", "hybrid")}
    if with_naive:
        outcomes["naive"] = evaluate_naive(engine, gold, query_vectors)
    chunk_lengths = [len(c.text) for c in live.retriever.index.chunks]
    splits = sorted({q.split for q in gold if q.split}) + ["all"]
    table: dict[str, dict[str, dict]] = {}
    for split in splits:
        keep = [split == "all" or q.split == split for q in gold]
        table[split] = {}
        for name, outs in outcomes.items():
            mine = [o for o, k in zip(outs, keep, strict=True) if k]
            cited = [len(p.text) for o in mine for p in o.ranked[:5]]
            m = metrics(mine, cited)
            if name != "naive":
                m["max_passage_chars"] = max(m["max_passage_chars"], max(chunk_lengths))
            table[split][name] = m
    unreachable = [o.question for o in outcomes["hybrid"] if not o.question.unanswerable and o.relevant_total == 0]
    return Evaluation(gold, outcomes, table, unreachable)
