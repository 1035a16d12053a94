"""Why an answer has its status, in plain words, in Japanese or English.

reason_text(Reason("unknown_terms", terms=("南極観測",)), "en") -> "None of the documents mentions 南極観測."
"""

from __future__ import annotations

from rag.answer.records import Reason

_WORDS = {
    "ja": {
        "answers": "最も近い箇所[1]がこの質問に答えています。",
        "missing": "{topic}は扱っていますが、{terms}は書かれていません。",
        "missing_no_topic": "この話題は扱っていますが、{terms}は書かれていません。",
        "unknown_terms": "どの資料にも「{terms}」は出てきません。",
        "no_close_passage": "この質問に十分近い箇所が資料にありません。",
        "not_a_question": "資料についての質問ではないようです。",
        "join": "、",
    },
    "en": {
        "answers": "The nearest passage, [1], answers the question.",
        "missing": "The documents cover {topic}, but not {terms}.",
        "missing_no_topic": "The documents cover the topic, but not {terms}.",
        "unknown_terms": "None of the documents mentions {terms}.",
        "no_close_passage": "No passage of the documents comes close enough to the question.",
        "not_a_question": "This does not look like a question about the documents.",
        "join": ", ",
    },
}


def reason_text(reason: Reason, lang: str) -> str:
    words = _WORDS.get(lang, _WORDS["en"])
    key = reason.code
    if key == "missing" and not reason.topic:
        key = "missing_no_topic"
    return words[key].format(topic=reason.topic, terms=words["join"].join(reason.terms))
