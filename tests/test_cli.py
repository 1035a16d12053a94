"""The `rag` command as a user types it: options anywhere, help, input checked first, JSON, batches."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rag.cli import build_parser, main

from .conftest import BRIEFING, ROOT, run_cli


def where(built) -> list[str]:
    return ["--corpus-dir", str(built[0]), "--index-dir", str(built[1]), "--model", "hash"]


def test_options_after_the_subcommand_work(hash_built):
    result = run_cli(
        "search", "OSA", "--index-dir", str(hash_built[1]), "--json", "--corpus-dir", str(hash_built[0]), model="hash"
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["query"] == "OSA" and len(record["hits"]) == 5


def test_options_before_the_subcommand_work_too(hash_built, capsys):
    assert main([*where(hash_built), "search", "OSA", "-k", "2", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["hits"]) == 2


@pytest.mark.parametrize("command", ["build", "ask", "search", "eval", "serve"])
def test_every_subcommand_help_lists_the_common_options(command, capsys):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert all(opt in text for opt in ("--corpus-dir", "--index-dir", "--model"))


@pytest.mark.parametrize(
    "args, expected",
    [
        (["search", ""], "error: the question is empty"),
        (["ask", "   "], "error: the question is empty"),
        (["search", "x" * 100_000], "error: the question is 100,000 characters"),
        (["search", "OSA", "-k", "inf"], "error: k must be a whole number between 1 and 20"),
        (["search", "OSA", "-k", "0"], "error: k must be a whole number between 1 and 20"),
        (["search"], "error: give a question or --queries FILE"),
        (["search", "--queries", "/nonexistent.jsonl"], "error: /nonexistent.jsonl: no such file"),
    ],
)
def test_bad_input_is_one_line_before_any_model_loads(args, expected, capsys):
    # a model that does not exist: had it been loaded first, the error would be about the model
    assert main([*args, "--model", "/no/such/model"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(expected)


def test_invalid_utf8_on_the_command_line_is_one_line():
    argv = [sys.executable.encode(), b"-m", b"rag.cli", b"search", b"OSA\xff\xfe\xe3\x81\xae\xe4\xba\x88\xe7\xae\x97"]
    result = subprocess.run(argv, capture_output=True, cwd=ROOT, env={**os.environ, "RAG_EMBED_MODEL": "/no/model"})
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        "error: the question is not valid text (invalid UTF-8 or a lone surrogate at character 4)"
    )


def test_a_batch_answers_every_good_line_and_reports_each_bad_one(hash_built, tmp_path, capsys):
    path = tmp_path / "q.jsonl"
    path.write_bytes(
        b'{"id": "a", "question": "OSA"}\n'
        b'{"id": "b", "question": ""}\n'
        b"garbage\n"
        + '{"id": "c", "question": "予算"}\n'.encode("shift_jis")
        + b'{"id": "d", "question": "OSA\\udcff"}\n'
        b'{"id": "e", "question": "FOIP"}\n'
    )
    assert main(["search", "--queries", str(path), "-k", "2", *where(hash_built)]) == 1
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "3", "4", "d", "e"]
    assert [bool(r["hits"]) for r in rows] == [True, False, False, False, False, True]
    assert [r["status"] == "error" for r in rows] == [False, True, True, True, True, False]
    assert rows[1]["error"].startswith("the question is empty")
    assert rows[2]["error"].startswith("line 3 is not JSON")
    assert rows[3]["error"].startswith("line 4 is not valid UTF-8")
    assert rows[4]["error"].startswith("the question is not valid text") and rows[4]["query"] == "OSA?"
    assert "error: 4 question(s) could not be searched" in captured.err


def test_ask_prints_a_readable_cited_answer(hash_built, capsys):
    assert main(["ask", "OSAの予算", "-k", "2", *where(hash_built)]) == 0
    out = capsys.readouterr().out
    assert "\n[1] " in out and f"({BRIEFING.name} " in out and "\n[2] " in out


def test_feedback_means_the_feedback_file_for_serve_and_eval(tmp_path, capsys, monkeypatch):
    feedback = tmp_path / "fb.jsonl"
    feedback.write_text(
        json.dumps({"rating": "down", "question": "OSAとは", "cited": ["x"]}, ensure_ascii=False)
        + "\n"
        + json.dumps({"rating": "up", "question": "FOIPとは", "cited": ["y"]}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    assert main(["eval", "--feedback", str(feedback)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in rows] == ["OSAとは"]
    monkeypatch.setenv("RAG_FEEDBACK", str(feedback))  # the same default file as `rag serve --feedback`
    assert main(["eval", "--feedback"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    args = build_parser().parse_args(["serve", "--feedback", str(feedback)])
    assert args.feedback == str(feedback)
