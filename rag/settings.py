"""`RetrievalConfig`: every setting that shapes a ranking or an answer status, saved in the manifest.

Settings are of two kinds. Chosen ones (weights, quantiles) were picked on the dev split of the
gold set and are the same for every index (docs/decisions.md). Measured ones (scales, thresholds)
are computed from each build's own corpus and model by `rag.index.calibration`, so a new model or a
new corpus brings its own numbers instead of inheriting the briefing's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from rag.errors import IndexStaleError

CONFIG_VERSION = 1


@dataclass(frozen=True)
class RetrievalConfig:
    # chosen on the dev split
    sentence_weight: float = 0.5  # dense = mix of the passage's cosine and its best sentence's
    bm25_weight: float = 1.0  # one typical matched term, in units of the dense spread
    translated_weight: float = 1.0  # the same for a term reached through an English word
    english_weight: float = 1.5  # a typical English-field term (glosses of the passage's words), English questions
    # of the calibration questions' best scores: below it, not covered. Not higher: some generic questions
    # are on-topic for a broad corpus (Wikipedia), and the top of their tail then decides (docs/decisions.md)
    abstain_quantile: float = 0.9
    lexicon_quantile: float = 0.98  # of unrelated English words' best term cosines: above it, a translation
    translation_senses: int = 1  # of the terms a dictionary phrase glosses, how many (the nearest) to keep
    # English phrases and words looked up (embedded) per question, the first ones: gold questions use at most
    # 11; a 1,000-character question of random words took 4.6 s of CPU with no cap, 2.1 s with 16
    # (scripts/english_cost.py; docs/integrity.md, "Security")
    max_translated_words: int = 16
    evidence_passages: int = 1  # the passages whose text must hold what the question asks for
    background_share: float = 0.4  # a name in this share of its document's passages is its backdrop (日本)
    # measured per build (rag.index.calibration)
    dense_center: float = 0.0  # mean dense score of an unrelated question against a passage
    dense_scale: float = 1.0  # its spread within one question
    bm25_scale: float = 1.0  # the best score a typical term can reach in one passage
    english_scale: float = 1.0  # the same in the English field
    abstain_below: dict[str, float] = field(default_factory=dict)  # script ("ja", "other") -> fused score
    match_at_least: float | None = None  # term cosine for an English word to count as translated
    calibrated: bool = False
    version: int = CONFIG_VERSION

    def to_manifest(self) -> dict:
        return asdict(self)

    @classmethod
    def from_manifest(cls, manifest: dict) -> RetrievalConfig:
        stored = manifest.get("retrieval")
        if not isinstance(stored, dict) or stored.get("version") != CONFIG_VERSION:
            raise IndexStaleError("the index was built without this version's retrieval settings; run: rag build")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in stored.items() if k in known})

    def with_measured(self, **measured) -> RetrievalConfig:
        return replace(self, **measured)
