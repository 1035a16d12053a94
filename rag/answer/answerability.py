"""Does the top passage answer the question? One learned decision over signals any corpus has.

The signals are in units measured per build (dense spreads, typical BM25 terms), so a model fitted on
two corpora (the briefing's dev questions and half of JSQuAD's articles, scripts/train_answerability.py)
reads the same on a third. The model is a logistic regression: its weights ship as a versioned data file
(rag/answer/data/answerability.json) and are copied into each build's manifest with the threshold.

    signals(result, facts, config, hub) -> {"fused": 3.1, "dense": 2.4, "dense_hub": 1.9, ...}
    AnswerabilityModel.from_manifest(m).probability(x) -> 0.93
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from rag.answer.facts import CorpusFacts
from rag.language.script import is_japanese
from rag.language.terms import content_nouns, proper_nouns
from rag.search.retriever import SearchResult, dense_score, standard_dense
from rag.settings import RetrievalConfig
from rag.shipped_model import ShippedModel

MODEL_FILE = Path(__file__).parent / "data" / "answerability.json"
# Each is a number any search result has; the model weighs them. English questions reach the
# passages through translation, so their signals run lower: the English interactions let the model
# learn that, instead of one threshold per script.
BASE = (
    "fused",  # the top hit's hybrid score
    "fused_vs_generic",  # the same less what the build's generic questions reach (their 0.9 quantile)
    "dense_vs_generic",  # its dense score less the generic questions' 0.9 quantile of theirs
    "dense",  # its dense score, in spreads above an unrelated question's mean
    "dense_hub",  # the same less the passage's own typical score for unrelated questions (hubness)
    "margin",  # how far the top hit's dense score stands above the second's
    "lexical",  # its BM25 points (own words weighted by coverage, plus translated ones), in typical terms
    "coverage",  # share of the question's tokens the corpus knows
    "rarity_held",  # share of the question's idf mass the top passage holds
    "unknown_names",  # share of the question's names no document mentions
    "unknown_nouns",  # share of its nouns no document mentions (Japanese)
    "length",  # log of its token count
)
# the share of an English question's words the top passage's English field (JMdict glosses) holds
ENGLISH_ONLY = ("english_held",)
FEATURES = BASE + ("english",) + tuple(f"english_{name}" for name in BASE) + ENGLISH_ONLY


def signals(result: SearchResult, facts: CorpusFacts, config: RetrievalConfig, hub: np.ndarray | None) -> dict:
    """The answerability signals of a hybrid search result (k >= 2 for the margin)."""
    forms, hits, sig = result.forms, result.hits, result.signals
    dense = standard_dense(dense_score(sig, config), config)
    top_row = _row(facts, hits[0].chunk.id)
    names = proper_nouns(forms.search_text)
    japanese = is_japanese(result.query)
    nouns = content_nouns(forms.search_text) if japanese else []
    tokens = forms.tokens + forms.translated
    lexical = (forms.coverage * float(sig.bm25[0]) + float(sig.translated[0])) / config.bm25_scale
    lexical += config.english_weight * float(sig.english[0]) / config.english_scale
    script = "ja" if japanese else "other"
    across = asked_across(result)
    generic = config.abstain_below
    return {
        "fused": hits[0].score,
        "fused_vs_generic": hits[0].score - generic.get("hybrid", {}).get(script, 0.0),
        "dense_vs_generic": float(dense[0]) - generic.get("dense", {}).get(script, 0.0),
        "dense": float(dense[0]),
        "dense_hub": float(dense[0] - (hub[top_row] if hub is not None else 0.0)),
        "margin": float(dense[0] - dense[1]) if len(dense) > 1 else 0.0,
        "lexical": lexical,
        "coverage": forms.coverage,
        "rarity_held": facts.matched_rarity(tokens, top_row) if tokens else 0.0,
        "unknown_names": len(facts.unknown_names(names)) / len(names) if names else 0.0,
        "unknown_nouns": len(facts.unknown_names(nouns)) / len(nouns) if nouns else 0.0,
        "length": math.log1p(len(forms.tokens) + len(forms.translated)),
        "english": float(across),
        "english_held": facts.english_held(forms.english, top_row) if across else 0.0,
    }


def asked_across(result: SearchResult) -> bool:
    """An English question of Japanese text, the one pair across languages the model was fitted on; asked
    of English text, it is read as a Japanese question of Japanese text is."""
    return not is_japanese(result.query) and bool(result.hits) and is_japanese(result.hits[0].chunk.text)


def vector(values: dict) -> np.ndarray:
    english = values["english"]
    interactions = [english * values[f] for f in BASE]
    return np.array(
        [values[f] for f in BASE] + [english] + interactions + [values[f] for f in ENGLISH_ONLY], np.float64
    )


def _row(facts: CorpusFacts, chunk_id: str) -> int:
    return facts.row_of[chunk_id]


@dataclass(frozen=True)
class AnswerabilityModel(ShippedModel):
    """Standardise, weigh, squash: P(the top passage answers) = sigmoid(w . (x - mean) / scale + b)."""

    FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    MODEL_FILE: ClassVar[Path] = MODEL_FILE

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float  # below it, not covered
    version: str  # what it was trained on, so a build records which model it used
    # each feature's range in the training rows: a value past it is read as the nearest one seen, so
    # weights fitted to balance each other inside the range are not carried past it on another corpus
    low: tuple[float, ...] = ()
    high: tuple[float, ...] = ()
    # below it, an English question of Japanese text is not covered: its signals run lower (it reaches the
    # passages through translation), so one bar for both declined its answerable questions three times as
    # often (docs/decisions.md, "One bar for each pair of languages"); None: `threshold`
    threshold_across: float | None = None

    def bar(self, across: bool) -> float:
        """The threshold for a question of the text's language, or across languages."""
        return self.threshold_across if across and self.threshold_across is not None else self.threshold

    def probability(self, x: np.ndarray) -> float:
        x = np.clip(np.nan_to_num(x, nan=0.0), -1e6, 1e6)  # a score past any bar (inf) is a very large one
        if self.low and self.high:
            x = np.clip(x, np.asarray(self.low), np.asarray(self.high))
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        logit = float(np.clip(z @ np.asarray(self.weights) + self.intercept, -500, 500))
        return 1 / (1 + math.exp(-logit))
