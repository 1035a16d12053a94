"""The build's calibration is measured on the path a question takes: the generic questions it records
as answered are the ones a user asking them meets as answered."""

import pytest

from rag.answer.judge_calibration import ANSWERED_TARGET, CHECK_K
from rag.index import store
from rag.index.calibration import calibration_questions

# A message or a status the judge reaches after the threshold is set (the partial rules) may move a
# question or two either side of the quantile: one question in a hundred.
TOLERANCE = 0.01


@pytest.mark.slow
def test_the_generic_questions_answered_at_query_time_are_the_share_the_build_recorded(engine, built):
    manifest = store.read_manifest(store.current_build(built[1]))
    recorded = manifest["calibration_check"]
    questions = calibration_questions()
    answered = sum(engine.ask(q, k=CHECK_K).status == "answered" for q in questions)
    assert recorded["questions"] == len(questions) and recorded["target_share"] == ANSWERED_TARGET
    assert answered == recorded["answered"]  # the same path, so the same count
    assert answered / len(questions) <= ANSWERED_TARGET + TOLERANCE
