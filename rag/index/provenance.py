"""What a build depends on besides its text and model: dictionary and library versions, the data files
shipped with the code, and the code's own settings that shape rankings, statuses and quotes.

Recorded in each build's manifest; an index whose record differs from the running code is stale, so an
upgraded Sudachi dictionary or a changed setting cannot quietly answer from tokens or thresholds of
before.

    provenance() -> {"versions": {"sudachidict-core": "20261015", ...}, "data": {...}, "settings": {...}}
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

PACKAGES = ("sudachipy", "sudachidict-core", "jamdict", "jamdict-data", "babel", "snowballstemmer", "bm25s")
RAG = Path(__file__).resolve().parent.parent


@cache
def provenance() -> dict:
    from rag.answer import answerability, judge_calibration, messages, sentences
    from rag.answer.followup import MIN_STANDALONE_TERMS
    from rag.language import loanwords
    from rag.language.sudachi import DEFAULT_MODE, TOKENIZER_VERSION
    from rag.search import english, readings, rerank

    return {
        "versions": {name: _version(name) for name in PACKAGES},
        "data": {
            path.relative_to(RAG).as_posix(): _sha(path)
            for path in (
                RAG / "index" / "data" / "calibration_questions.txt",
                messages.EXEMPLARS_FILE,
                answerability.MODEL_FILE,
                rerank.MODEL_FILE,
            )
            if path.exists()
        },
        "settings": {
            "sentence_focus_bonus": sentences.FOCUS_BONUS,
            "sentence_number_bonus": sentences.NUMBER_BONUS,
            "second_sentence_within": sentences.SECOND_SENTENCE_WITHIN,
            "kana_typed_share": readings.KANA_TYPED_SHARE,
            "reading_min_key_chars": readings.MIN_KEY_CHARS,
            "followup_min_standalone_terms": MIN_STANDALONE_TERMS,
            "english_senses_per_word": english.SENSES_PER_WORD,
            "loanword_min_sounds": loanwords.MIN_SOUNDS,
            "message_strength": messages.STRENGTH,
            "message_sure": messages.SURE,
            "message_likely": messages.LIKELY,
            "generic_answered_target": judge_calibration.ANSWERED_TARGET,
            "bm25_default_mode": DEFAULT_MODE,
            "tokenizer_version": TOKENIZER_VERSION,
        },
    }


def differences(recorded: dict | None, current: dict) -> list[str]:
    """What differs, by name: ["sudachidict-core 20261015 -> 20270101", "message_sure"]."""
    if not recorded:
        return ["no provenance record (built by an older version)"]
    found = []
    for group in ("versions", "data", "settings"):
        then, now = recorded.get(group, {}), current.get(group, {})
        for name in sorted(then.keys() | now.keys()):
            if then.get(name) != now.get(name):
                found.append(f"{name} {then.get(name)} -> {now.get(name)}" if group == "versions" else name)
    return found


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
