"""The help reply's example questions come from any corpus's own structure."""

from types import SimpleNamespace

from rag.answer.guide import example_questions, guide


def _index(chunks, titles):
    return SimpleNamespace(
        chunks=[SimpleNamespace(source=s, section=tuple(sec), text=t) for s, sec, t in chunks],
        documents={s: SimpleNamespace(title=t) for s, t in titles.items()},
        manifest={},
    )


def test_documents_without_sections_are_asked_about_by_their_title():
    """A Wikipedia article under its one heading has no sections: its title is the topic to ask about,
    the longest document first."""
    index = _index(
        [
            ("a.md", ["ハノーファー"], "ハノーファーはドイツの都市。" * 3),
            ("b.md", ["サケ"], "サケは川で生まれ海で育つ。" * 9),
            ("b.md", ["サケ"], "遡上の時期は秋である。"),
        ],
        {"a.md": "ハノーファー", "b.md": "サケ"},
    )
    assert example_questions(index, "ja") == ["サケについて教えてください", "ハノーファーについて教えてください"]
    reply = guide(index, "en")
    assert reply.examples[0] == "What do the documents say about 「サケ」?"
    assert reply.documents == (("ハノーファー", ()), ("サケ", ()))


def test_a_sectioned_document_is_asked_about_by_its_sections_not_its_title():
    index = _index(
        [
            ("r.txt", ["年次報告"], "前書き。"),
            ("r.txt", ["年次報告", "予算の概要"], "予算は前年より増えた。" * 5),
            ("r.txt", ["年次報告", "人員"], "職員は120人。"),
            ("n.txt", ["メモ"], "会議は毎週月曜日。"),
        ],
        {"r.txt": "年次報告", "n.txt": "メモ"},
    )
    assert example_questions(index, "ja") == [
        "予算の概要について教えてください",
        "メモについて教えてください",
        "人員について教えてください",
    ]


def test_an_english_section_is_quoted_as_english_text_quotes_it():
    index = _index([("g.md", ["Museum Guide", "Opening hours"], "Open daily from 9:30.")], {"g.md": "Museum Guide"})
    assert example_questions(index, "en") == ["What do the documents say about “Opening hours”?"]
