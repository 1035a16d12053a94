"""Each passage's BM25 tokens kept in order, with its sentences' and its heading's: the reranker reads them.

Tokenised once, at build (the same Sudachi forms BM25 indexes), and stored as token ids of the BM25
vocabulary in flat arrays with offsets, so a question's candidates are read by slicing, never tokenised:

    terms = PassageTerms.tokenize(chunks, passage_tokens, vocab, mode="A")
    terms.passage(3) -> array([17, 4, 17, 250, ...])      # in reading order, repeats kept
    terms.sentences(3) -> [array([17, 4]), array([250, ...])]
    terms.heading(3) -> array([17])

A token the vocabulary lacks (a sentence cut where the passage's tokenisation joined words) is -1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.documents.chunking import Chunk
from rag.documents.normalize import search_form
from rag.language.sudachi import tokenize

UNKNOWN = -1
ARRAYS = ("passage_ids", "passage_starts", "sentence_ids", "sentence_starts", "heading_ids", "heading_starts")


@dataclass(frozen=True)
class PassageTerms:
    passage_ids: np.ndarray  # int32: every passage's tokens, one after the other
    passage_starts: np.ndarray  # int64 [passages + 1]
    sentence_ids: np.ndarray  # int32: every sentence's tokens, in the index's sentence order
    sentence_starts: np.ndarray  # int64 [sentences + 1]
    heading_ids: np.ndarray  # int32: each passage's section path's tokens
    heading_starts: np.ndarray  # int64 [passages + 1]

    @classmethod
    def tokenize(cls, chunks: list[Chunk], passages, vocab: dict[str, int], *, mode: str) -> PassageTerms:
        """`passages`: each chunk's tokens as BM25 indexed them (tokenised once, for both)."""
        sentences = [tokenize(s, mode=mode) for c in chunks for s in c.sentence_texts()]
        headings = [tokenize(search_form(" ".join(c.section[1:] or c.section)), mode=mode) for c in chunks]
        return cls.from_tokens(passages, sentences, headings, vocab)

    @classmethod
    def from_tokens(cls, passages, sentences, headings, vocab: dict[str, int]) -> PassageTerms:
        """From token strings: passages and headings one list per passage, sentences one per sentence."""
        return cls(*_flat(passages, vocab), *_flat(sentences, vocab), *_flat(headings, vocab))

    def passage(self, row: int) -> np.ndarray:
        return self.passage_ids[self.passage_starts[row] : self.passage_starts[row + 1]]

    def heading(self, row: int) -> np.ndarray:
        return self.heading_ids[self.heading_starts[row] : self.heading_starts[row + 1]]

    def sentences(self, first: int, last: int) -> list[np.ndarray]:
        """The sentences numbered first..last-1 (a passage's own are one contiguous run)."""
        starts = self.sentence_starts
        return [self.sentence_ids[starts[s] : starts[s + 1]] for s in range(first, last)]

    def save(self, path: Path) -> None:
        np.savez(path, **{name: getattr(self, name) for name in ARRAYS})

    @classmethod
    def load(cls, path: Path) -> PassageTerms:
        with np.load(path) as data:
            return cls(*(data[name] for name in ARRAYS))

    def matches(self, passages: int, sentences: int) -> bool:
        """Whether these arrays describe an index of this many passages and sentences."""
        return (
            len(self.passage_starts) == passages + 1
            and len(self.heading_starts) == passages + 1
            and len(self.sentence_starts) == sentences + 1
        )


def _flat(token_lists, vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    ids = np.array([vocab.get(t, UNKNOWN) for tokens in token_lists for t in tokens], np.int32)
    starts = np.zeros(len(token_lists) + 1, np.int64)
    np.cumsum([len(tokens) for tokens in token_lists], out=starts[1:])
    return ids, starts
