"""What the answer status needs from each build, measured when it is built: every passage's hubness, the
message classifier, the answerability model and its threshold, checked on the way a question goes.

    judge, records = calibrate_judge(index, embedder, config, cache)
    # judge: arrays saved with the build (judge.npz); records: the manifest's "answerability",
    # "messages" and "calibration_check" entries

The check runs every generic calibration question through exactly the query path (search, then the
status judge) and records how many were answered: that share is what a user asking about something else
meets. The thresholds (one for a question in the text's language, one across languages) are each raised
to at least the generic questions' (1 - `ANSWERED_TARGET`) quantile, so at most that share is answered.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rag.answer import messages
from rag.answer.answerability import AnswerabilityModel
from rag.index import store
from rag.index.calibration import calibration_questions, passage_hubness
from rag.settings import RetrievalConfig

ANSWERED_TARGET = 0.05  # of the generic questions, at most this share may be answered
CHECK_K = 5  # as a question is searched (k is at least 2 for the margin signal)


def calibrate_judge(index, embedder, config: RetrievalConfig, cache) -> tuple[dict[str, np.ndarray], dict]:
    from rag.answer.status import StatusJudge
    from rag.index.cache import CachedEmbedder
    from rag.search.retriever import Retriever

    generic = list(calibration_questions())
    generic_vectors = cache.embed(generic, embedder.encode_queries, kind="query")
    hub = passage_hubness(index, generic_vectors, config)
    headings = sorted({s for c in index.chunks for s in c.section[1:] if s.strip()})
    texts, labels = messages.training_set(headings, generic)
    classifier = messages.MessageClassifier.learn(
        texts, cache.embed(texts, embedder.encode_queries, kind="query"), labels
    )
    judge = {"hub": hub, **classifier.to_arrays()}
    model = AnswerabilityModel.shipped()
    records = {
        "messages": {"exemplars": messages.exemplars_version(), "sure": messages.SURE, "likely": messages.LIKELY},
        "answerability": model.to_manifest() if model else None,
    }
    if model is None:
        return judge, records
    # the generic questions through the query path: search, then the judge as a question meets it
    loaded = replace(index, judge=judge)
    manifest = {**index.manifest, **records, "retrieval": config.to_manifest()}
    loaded = replace(loaded, manifest=manifest)
    retriever = Retriever(loaded, CachedEmbedder(embedder, cache), bm25_mode=_bm25_mode(index), config=config)
    status_judge = StatusJudge(loaded, config)
    results = [retriever.search(q, k=CHECK_K, query_vector=v) for q, v in zip(generic, generic_vectors, strict=True)]
    p = np.array([status_judge.answerability(r) for r in results])
    quantile = float(np.quantile(p, 1 - ANSWERED_TARGET))
    # each bar at least the quantile, so at most the target share of the generic questions is answered
    across = None if model.threshold_across is None else max(model.threshold_across, quantile)
    model = replace(model, threshold=max(model.threshold, quantile), threshold_across=across)
    records["answerability"] = model.to_manifest()
    status_judge = StatusJudge(replace(loaded, manifest={**manifest, **records}), config)
    answered = sum(status_judge.verdict(r).status == "answered" for r in results)
    records["examples"] = _answered_examples(retriever, status_judge, loaded)
    records["calibration_check"] = {
        "questions": len(generic),
        "answered": int(answered),
        "target_share": ANSWERED_TARGET,
    }
    return judge, records


def _answered_examples(retriever, status_judge, index, *, wanted: int = 3, tried: int = 12) -> dict[str, list[str]]:
    """Example questions for the help reply that the documents do answer, by the query path itself."""
    from rag.answer.guide import example_questions

    found: dict[str, list[str]] = {}
    for lang in ("ja", "en"):
        found[lang] = []
        for question in example_questions(index, lang)[:tried]:
            if status_judge.verdict(retriever.search(question, k=CHECK_K)).status == "answered":
                found[lang].append(question)
            if len(found[lang]) == wanted:
                break
    return found


def _bm25_mode(index) -> str:
    return store.bm25_mode(index.manifest)
