"""Messages that are not questions about the documents: greetings, thanks, questions about the assistant,
requests of another kind (write a poem, translate this, plan a trip).

A logistic regression over the question's embedding (already computed for the search) and its character
n-grams (hashed), learned at build time from labelled exemplars in both languages
(rag/answer/data/messages.tsv) against questions of every form: the exemplars' own questions, the generic
calibration questions and the corpus's section headings, typed as search-box queries.

    classifier = MessageClassifier.learn(texts, vectors, labels)
    classifier.probability("こんにちは", vector) -> 0.98
"""

from __future__ import annotations

import hashlib
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

EXEMPLARS_FILE = Path(__file__).parent / "data" / "messages.tsv"
GRAM_DIMENSIONS = 2**12  # hashed 1-3 character grams: "ありがと", "poem", "翻訳" are the cues
GRAM_SIZES = (1, 2, 3)
MESSAGE_KINDS = ("social", "meta", "request")
# Chosen on the dev set (docs/decisions.md, "Not a question"): inverse L2 strength of the fit, and the
# probabilities at which a message is taken for one alone, or when the documents hold no answer to it.
STRENGTH = 100.0
SURE = 0.9
LIKELY = 0.7


@cache
def exemplars() -> tuple[tuple[str, str], ...]:
    """(kind, message) pairs: social, meta, request, or question."""
    lines = EXEMPLARS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(tuple(line.split("\t", 1)) for line in lines if line.strip() and not line.startswith("#"))


def exemplars_version() -> str:
    return hashlib.sha256(EXEMPLARS_FILE.read_bytes()).hexdigest()[:16]


def char_grams(text: str) -> np.ndarray:
    """Hashed counts of the 1-3 character grams of the text with its ends marked, L2-normalised.
    crc32, not Python's hash(): the same in every process."""
    text = "^" + unicodedata.normalize("NFKC", text).lower().strip() + "$"
    vector = np.zeros(GRAM_DIMENSIONS, np.float32)
    for n in GRAM_SIZES:
        for i in range(len(text) - n + 1):
            vector[zlib.crc32(text[i : i + n].encode("utf-8")) % GRAM_DIMENSIONS] += 1
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


@dataclass(frozen=True)
class MessageClassifier:
    """P(message) = sigmoid(w . [centred embedding, character grams] + b). The embedding is centred on the
    training set's mean and scaled to unit length, so a model whose cosines run in a narrower range (all
    vectors close to one direction) gets the same decisions."""

    weights: np.ndarray  # [embedding dim + GRAM_DIMENSIONS]
    intercept: float
    mean: np.ndarray  # [embedding dim]

    def probability(self, text: str, vector: np.ndarray) -> float:
        z = _centred(vector[None, :], self.mean)[0]
        score = float(self.weights[: len(z)] @ z + self.weights[len(z) :] @ char_grams(text))
        return float(1 / (1 + np.exp(-(score + self.intercept))))

    @classmethod
    def learn(cls, texts: list[str], vectors: np.ndarray, labels: np.ndarray) -> MessageClassifier:
        """Fit on (text, its query embedding, 1 for a message / 0 for a question); the two sides weigh alike."""
        from sklearn.linear_model import LogisticRegression

        mean = vectors.mean(axis=0)
        x = np.hstack([_centred(vectors, mean), np.stack([char_grams(t) for t in texts])])
        fit = LogisticRegression(C=STRENGTH, class_weight="balanced", max_iter=5000).fit(x, labels)
        return cls(fit.coef_[0].astype(np.float32), float(fit.intercept_[0]), mean.astype(np.float32))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "message_weights": self.weights,
            "message_intercept": np.array(self.intercept),
            "message_mean": self.mean,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> MessageClassifier | None:
        if "message_weights" not in arrays:
            return None
        return cls(arrays["message_weights"], float(arrays["message_intercept"]), arrays["message_mean"])


def _centred(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    centred = vectors - mean
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    return centred / np.where(norms > 0, norms, 1.0)


def training_set(corpus_queries: list[str], generic: list[str]) -> tuple[list[str], np.ndarray]:
    """The exemplars (messages 1, questions 0), the generic questions and the corpus's headings (0)."""
    texts, labels = [], []
    for kind, message in exemplars():
        texts.append(message)
        labels.append(int(kind in MESSAGE_KINDS))
    for question in [*generic, *corpus_queries]:
        texts.append(question)
        labels.append(0)
    return texts, np.array(labels)
