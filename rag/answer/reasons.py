"""Why an answer has its status, in plain words, in Japanese or English.

reason_text(Reason("unknown_terms", terms=("南極観測",)), "en") -> "None of the documents mentions 南極観測."
reason_text(Reason("missing", ("令和9年度",), "OSA", ("amount",)), "ja")
    -> 「OSAは扱っていますが、令和9年度の金額は書かれていません。」
"""

from __future__ import annotations

from rag.answer.records import Reason
from rag.language.script import is_japanese

KIND_LABELS = {
    "ja": {
        "amount": "金額",
        "count": "数",
        "date": "日付",
        "person": "人名",
        "partner": "相手",
        "place": "場所",
        "country": "国名",
        "organization": "組織名",
        "company": "企業名",
        "quantity": "数量",
        "measure": "数値",
    },
    "en": {
        "amount": "amount",
        "count": "number",
        "date": "date",
        "person": "name",
        "partner": "partner",
        "place": "place",
        "country": "country",
        "organization": "organisation",
        "company": "company",
        "quantity": "figure",
        "measure": "measurement",
    },
}
_WORDS = {
    "ja": {
        "answers": "最も近い箇所[1]がこの質問に答えています。",
        "missing": "{topic}は扱っていますが、{what}は書かれていません。",
        "missing_no_topic": "この話題は扱っていますが、{what}は書かれていません。",
        "unknown_terms": "どの資料にも「{terms}」は出てきません。",
        "no_close_passage": "この質問に十分近い箇所が資料にありません。",
        "not_a_question": "資料についての質問ではないようです。資料の内容と、質問の例を示します。",
        "join": "、",
        "of": "{terms}の{kinds}",
        "kinds": "{kinds}",
    },
    "en": {
        "answers": "The nearest passage, [1], answers the question.",
        "missing": "The documents cover {topic}, but not {what}.",
        "missing_no_topic": "The documents cover the topic, but not {what}.",
        "unknown_terms": "None of the documents mentions {terms}.",
        "no_close_passage": "No passage of the documents comes close enough to the question.",
        "not_a_question": (
            "This does not look like a question about the documents: here is what they cover, "
            "and questions they answer."
        ),
        "join": ", ",
        "of": "the {kinds} for {terms}",
        "kinds": "the {kinds}",
    },
}


def kind_label(kind: str, question_or_lang: str) -> str:
    """A kind of answer in the words of a language ("ja"/"en") or of a question's language."""
    lang = question_or_lang if question_or_lang in KIND_LABELS else ("ja" if is_japanese(question_or_lang) else "en")
    kind, _, unit = kind.partition(":")  # "count:隻": the number of ships
    label = KIND_LABELS[lang].get(kind, kind)
    return f"{unit}{label}" if unit and lang == "ja" else label


def reason_text(reason: Reason, lang: str) -> str:
    lang = lang if lang in _WORDS else "en"
    words = _WORDS[lang]
    terms = words["join"].join(reason.terms)
    kinds = words["join"].join(kind_label(k, lang) for k in reason.kinds)
    if reason.code != "missing":
        return words[reason.code].format(terms=terms)
    if terms and kinds:
        what = words["of"].format(terms=terms, kinds=kinds)
    else:
        what = terms or words["kinds"].format(kinds=kinds)
    key = "missing" if reason.topic else "missing_no_topic"
    return words[key].format(topic=reason.topic, what=what)
