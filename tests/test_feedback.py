"""Feedback records: appended, never rewritten; damaged lines skipped; thumbs-down become gold candidates."""

from __future__ import annotations

import json
import threading

from rag.serve.feedback import append_feedback, gold_candidates, read_feedback


def test_records_are_appended_whole_from_many_threads(tmp_path):
    path = tmp_path / "sub" / "fb.jsonl"
    threads = [
        threading.Thread(target=append_feedback, args=(path, {"n": n, "question": "質問" * 50})) for n in range(40)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r["n"] for r in read_feedback(path)) == list(range(40))


def test_a_damaged_line_is_skipped_not_fatal(tmp_path):
    path = tmp_path / "fb.jsonl"
    path.write_text('{"rating": "down", "question": "a"}\n{"rating": "do\n[1]\n', encoding="utf-8")
    assert read_feedback(path) == [{"rating": "down", "question": "a"}]
    assert read_feedback(tmp_path / "missing.jsonl") == []


def test_only_thumbs_down_become_candidates(tmp_path):
    path = tmp_path / "fb.jsonl"
    for rating, question in (("down", "OSAとは"), ("up", "FOIPとは"), ("cleared", "x"), ("down", "What is OSA?")):
        append_feedback(path, {"rating": rating, "question": question, "cited": ["c1"]})
    rows = gold_candidates(path)
    assert [(r["id"], r["question"], r["lang"]) for r in rows] == [
        ("fb001", "OSAとは", "ja"),
        ("fb002", "What is OSA?", "en"),
    ]
    assert all(r["answers"] == [] and r["cited"] == ["c1"] for r in rows)
    json.dumps(rows)  # gold rows are plain JSON


def test_the_readers_reason_for_a_thumbs_down_is_shown(tmp_path):
    path = tmp_path / "fb.jsonl"
    append_feedback(path, {"reply": "r1", "rating": "down", "question": "OSAとは", "cited": []})
    append_feedback(path, {"reply": "r1", "rating": "down", "question": "OSAとは", "cited": [], "reason": "quote"})
    append_feedback(path, {"reply": "r2", "rating": "down", "question": "FOIPとは", "cited": []})
    rows = gold_candidates(path)
    assert [r.get("reason") for r in rows] == ["quote", None]
