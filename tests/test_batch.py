"""A JSONL batch: each line is a question or its own error; one bad line never stops the rest."""

from __future__ import annotations

import json

from rag.inputs import parse_line, read_questions


def test_each_kind_of_bad_line_gets_its_own_error(tmp_path):
    path = tmp_path / "q.jsonl"
    lines = [
        json.dumps({"id": "a", "question": "OSAとは"}, ensure_ascii=False).encode(),
        b"",
        b'{"id": "b", "question": "\\u5916\\u4ea4"}',
        b"not json",
        '{"id": "c", "question": "予算'.encode("shift_jis") + b'"}',
        b'["a list"]',
        b'{"id": "d"}',
        b'{"question": "no id"}',
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = list(read_questions(str(path)))
    assert [(i.id, i.question) for i in items[:2]] == [("a", "OSAとは"), ("b", "外交")]
    assert [i.error for i in items[:2]] == [None, None]
    assert items[2].error == "line 4 is not JSON (Expecting value)"
    assert items[3].error.startswith("line 5 is not valid UTF-8 (byte ")
    assert items[4].error == 'line 6: expected a JSON object with "id" and a text "question"'
    assert items[5].error == 'line 7: expected a JSON object with "id" and a text "question"'
    assert (items[6].id, items[6].question, items[6].error) == ("8", "no id", None)


def test_escaped_lone_surrogates_reach_validation_not_a_crash():
    item = parse_line(b'{"id": "s", "question": "OSA\\udcff"}', 1)
    assert item.error is None and item.question == "OSA\udcff"  # validate_question refuses it later
