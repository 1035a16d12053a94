"""The second look: the hybrid score's best few passages reordered by how they hold the question's words.

The hybrid score sees a passage as a whole. Where the question's rarer words sit (in one sentence, in
two neighbouring ones, in the heading, as the same word pairs) is what tells two passages of one
article apart. A linear model over those signals and the hybrid ones reorders the first `depth`
passages; it is fitted as a conditional logit (one softmax per question over its candidates) by
scripts/train_reranker.py and ships as rag/search/data/reranker.json, copied into each build's
manifest. Its inputs are in units measured per build (dense spreads, typical BM25 terms, shares of
the question's idf mass), so one model reads every corpus alike.

    reranker = Reranker(index, RerankModel.from_manifest(index.manifest["reranker"]))
    order = reranker.order(rows, fused, features, query, config)   # positions of rows, best first
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from rag.language.script import is_japanese
from rag.search.features import Features, Query
from rag.search.passage_terms import PassageTerms
from rag.settings import RetrievalConfig
from rag.shipped_model import ShippedModel

MODEL_FILE = Path(__file__).parent / "data" / "reranker.json"


def reads(question: str, passage: str) -> bool:
    """Whether the reranker reorders this question's passages (`passage`: the hybrid ranking's first).
    It learned from questions in their passages' language; an English question of Japanese text reaches
    them through translated words and glosses, where its shares of the question's words mean little, and
    keeps the hybrid order (docs/decisions.md, "The reranker and English questions of Japanese text")."""
    return is_japanese(question) or not is_japanese(passage)


FEATURES = (
    "rank",  # place in the hybrid ranking, 0 first
    "fused",  # the hybrid score
    "dense",  # the dense score, in spreads
    "bm25",  # BM25 points of the question's own words, in typical terms
    "translated",  # of the terms its English words map to
    "english",  # of its English words in the English field
    "held",  # share of the question's idf mass the passage holds
    "held_sentence",  # the same in its best sentence
    "held_pair",  # in its best two neighbouring sentences
    "held_heading",  # in its section path
    "word_pairs",  # share of the question's word pairs the passage has in the same order, side by side
    "translated_held",  # share of the translated terms the passage holds
    "sentences",  # how many sentences it has
    "log_length",  # log(1 + its token count)
)


@dataclass(frozen=True)
class RerankModel(ShippedModel):
    """score = w . (x - mean) / scale over FEATURES; only the order of one question's passages matters."""

    FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    MODEL_FILE: ClassVar[Path] = MODEL_FILE

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    depth: int  # how many of the hybrid ranking's best passages it reorders
    version: str  # what it was trained on, so a build records which model it used

    def scores(self, x: np.ndarray) -> np.ndarray:
        z = (np.nan_to_num(x) - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.weights)

    def ranking(self, x: np.ndarray) -> np.ndarray:
        """Positions of x's rows (in hybrid order), best first; ties keep the hybrid order, so a model
        that cannot tell two passages apart changes nothing."""
        scores = self.scores(x)
        return np.lexsort((np.arange(len(scores)), -scores))


class Reranker:
    """Reads one loaded index's passage terms; safe to share between threads."""

    def __init__(self, terms: PassageTerms, sentence_first: np.ndarray, bm25, model: RerankModel | None):
        """`sentence_first[r]:sentence_first[r + 1]` are passage r's sentences; `bm25` the native bm25s index.
        Without a model it only computes features (for training one)."""
        self.terms, self.first, self.model = terms, sentence_first, model
        n = len(terms.passage_starts) - 1
        # BM25's idf, from how many passages hold each token (computed once, not per question)
        counts = np.diff(np.asarray(bm25.scores["indptr"])).astype(np.float64)
        self.idf = np.log((n - counts + 0.5) / (counts + 0.5) + 1.0)

    def depth(self, want: int, population: int) -> int:
        """How many of the hybrid ranking's best the search must settle first: the model's depth, or the
        k asked for when that is more, never more passages than there are."""
        return max(want, min(self.model.depth, population))

    def order(
        self, rows: np.ndarray, fused: np.ndarray, features: Features, query: Query, config: RetrievalConfig
    ) -> np.ndarray:
        """Positions into `rows` (given best first, as the hybrid ranking has them), best first again."""
        return self.model.ranking(self.features(rows, fused, features, query, config))

    def features(
        self, rows: np.ndarray, fused: np.ndarray, features: Features, query: Query, config: RetrievalConfig
    ) -> np.ndarray:
        """[len(rows), len(FEATURES)], rows in hybrid order; `fused` and `features` in the same order.

        A fixed number of array operations for all the rows at once, whatever their count."""
        from rag.search.retriever import dense_score, standard_dense

        rows = np.asarray(rows, np.int64)
        asked = np.unique(query.token_ids)  # sorted, distinct
        weight = self.idf[asked]
        total = float(weight.sum()) or 1.0
        terms = self.terms
        tokens, owner = _gather(terms.passage_ids, terms.passage_starts, rows)
        firsts, lasts = self.first[rows], self.first[rows + 1]
        counts = lasts - firsts
        sentence_rows = np.repeat(np.arange(len(rows)), counts)
        sentence_numbers = np.repeat(firsts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        words, sentence_of = _gather(terms.sentence_ids, terms.sentence_starts, sentence_numbers)
        heading, heading_owner = _gather(terms.heading_ids, terms.heading_starts, rows)

        in_passage = _presence(tokens, owner, len(rows), asked)  # [rows, asked] bool
        in_sentence = _presence(words, sentence_of, len(sentence_numbers), asked)
        held_sentence = in_sentence @ weight
        # two neighbouring sentences of one passage
        same = sentence_rows[1:] == sentence_rows[:-1]
        held_pair = (in_sentence[1:] | in_sentence[:-1]) @ weight
        best_sentence = _best(held_sentence, sentence_rows, len(rows))
        best_sentence = np.where(np.isfinite(best_sentence), best_sentence, 0.0)  # no sentence: nothing held
        best_pair = _best(np.where(same, held_pair, -np.inf), sentence_rows[:-1], len(rows))
        best_pair = np.where(np.isfinite(best_pair), best_pair, best_sentence)  # one sentence: its own

        pairs = _pairs(query.token_ids)
        side_by_side = np.zeros(len(rows))
        if len(pairs) and len(tokens) > 1:
            linked = owner[1:] == owner[:-1]
            keys = ((tokens[:-1].astype(np.int64) << 32) + (tokens[1:].astype(np.int64) & 0xFFFFFFFF))[linked]
            found = np.isin(keys, pairs)
            hits = np.unique(np.stack([owner[:-1][linked][found], keys[found]]), axis=1)
            side_by_side = np.bincount(hits[0], minlength=len(rows)) / len(pairs)
        translated = np.unique(query.translated_ids)
        translated_held = _presence(tokens, owner, len(rows), translated).sum(axis=1) / max(1, len(translated))

        dense = standard_dense(dense_score(features, config), config)
        lengths = terms.passage_starts[rows + 1] - terms.passage_starts[rows]
        return np.column_stack(
            [
                np.arange(len(rows)),
                fused,
                dense,
                np.asarray(features.bm25) / config.bm25_scale,
                np.asarray(features.translated) / config.bm25_scale,
                np.asarray(features.english) / config.english_scale,
                in_passage @ weight / total,
                best_sentence / total,
                best_pair / total,
                _presence(heading, heading_owner, len(rows), asked) @ weight / total,
                side_by_side,
                translated_held,
                lasts - firsts,
                np.log1p(lengths),
            ]
        ).astype(np.float64)


def _gather(ids: np.ndarray, starts: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The tokens of the spans `which` one after the other, and the position in `which` each came from."""
    begin, end = starts[which], starts[which + 1]
    counts = end - begin
    owner = np.repeat(np.arange(len(which)), counts)
    offsets = np.cumsum(counts) - counts
    positions = np.repeat(begin - offsets, counts) + np.arange(int(counts.sum()))
    return ids[positions], owner


def _presence(tokens: np.ndarray, owner: np.ndarray, owners: int, asked: np.ndarray) -> np.ndarray:
    """[owners, len(asked)]: whether each owner's tokens hold each asked token (asked sorted, distinct)."""
    out = np.zeros((owners, len(asked)), bool)
    if len(asked) and len(tokens):
        at = np.minimum(np.searchsorted(asked, tokens), len(asked) - 1)
        found = asked[at] == tokens
        out[owner[found], at[found]] = True
    return out


def _best(values: np.ndarray, owner: np.ndarray, owners: int) -> np.ndarray:
    """Each owner's largest value; -inf for an owner with none."""
    best = np.full(owners, -np.inf)
    np.maximum.at(best, owner, values)
    return best


def _pairs(ids: np.ndarray) -> np.ndarray:
    """Each token side by side with the next, as one number: [5, 9, 2] -> [(5, 9), (9, 2)] encoded."""
    ids = np.asarray(ids, np.int64)
    return np.unique((ids[:-1] << 32) + (ids[1:] & 0xFFFFFFFF))
