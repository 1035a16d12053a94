"""Nothing in a document or a file name can drive the user's terminal or forge a line of output.

The corpus here holds ESC/OSC/CSI sequences, a CR, a bell and a bidi override in its text, and a file
whose name holds a newline followed by a fake error line; `rag build`, `rag ask` and `rag search`
run as a user runs them (hashing embedder).
"""

from __future__ import annotations

import json

import pytest

from rag.terminal import safe_json, safe_text, shown

from .conftest import BRIEFING, run_cli

HOSTILE = "OSAの特別予算は\x1b]0;owned\x07\x1b[2J\x9b31m\r\u202e億円5\u202cです。"
FORGED_NAME = "a\nerror: forged line.txt"


@pytest.mark.parametrize(
    "text, printed",
    [
        ("title\x1b]0;owned\x07", "title\ufffd]0;owned\ufffd"),
        ("line\rover", "line\ufffdover"),
        ("csi\x9b2J", "csi\ufffd2J"),
        ("abc\u202edef\u2066x\u2069", "abc\ufffddef\ufffdx\ufffd"),
        ("kept:\n\ttab 日本語 🙂", "kept:\n\ttab 日本語 🙂"),
    ],
)
def test_control_characters_and_bidi_overrides_are_replaced(text, printed):
    assert safe_text(text) == printed


def test_json_output_escapes_what_a_terminal_would_act_on_and_keeps_the_data():
    line = safe_json({"text": "a\x1b[2J\x9bb\u202ec"})
    assert line.isprintable() and json.loads(line) == {"text": "a\x1b[2J\x9bb\u202ec"}


@pytest.mark.parametrize(
    "name, expected",
    [("notes.md", "notes.md"), ("資料/報告.pdf", "資料/報告.pdf"), (FORGED_NAME, repr(FORGED_NAME))],
)
def test_file_names_are_shown_escaped_only_when_they_need_it(name, expected):
    assert shown(name) == expected


@pytest.fixture()
def hostile_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / BRIEFING.name).write_bytes(BRIEFING.read_bytes())
    (corpus / "hostile.txt").write_text(f"特別予算\n\n{HOSTILE}\n", encoding="utf-8")
    (corpus / FORGED_NAME).write_text("", encoding="utf-8")  # empty: skipped with a note naming it
    return corpus, tmp_path / "index"


def test_build_notes_cannot_forge_lines(hostile_corpus):
    corpus, index = hostile_corpus
    built = run_cli("build", "--corpus-dir", str(corpus), "--index-dir", str(index), model="hash")
    assert built.returncode == 0
    assert f"note: skipped {FORGED_NAME!r}: it is empty" in built.stderr.splitlines()
    assert not any(line.startswith("error: forged") for line in built.stderr.splitlines())


def test_ask_and_search_print_no_terminal_controls(hostile_corpus):
    corpus, index = hostile_corpus
    where = ("--corpus-dir", str(corpus), "--index-dir", str(index), "--local")
    run_cli("build", *where[:4], model="hash")
    asked = run_cli("ask", "OSAの特別予算は", "--source", "hostile.txt", "-k", "1", *where, model="hash")
    assert asked.returncode == 0 and "億円5" in asked.stdout
    assert not any(c in asked.stdout for c in "\x1b\x07\x9b\r\u202e\u202c")
    searched = run_cli("search", "OSAの特別予算は", "--source", "hostile.txt", "--json", *where, model="hash")
    assert searched.returncode == 0 and searched.stdout.strip().isprintable()
    assert HOSTILE in json.loads(searched.stdout)["hits"][0]["text"]  # the data itself is unchanged


def test_a_stale_index_names_an_odd_file_escaped(hostile_corpus):
    corpus, index = hostile_corpus
    where = ("--corpus-dir", str(corpus), "--index-dir", str(index), "--local")
    run_cli("build", *where[:4], model="hash")
    (corpus / "b\rerror: fake.txt").write_text("新しい文書です。", encoding="utf-8")
    stale = run_cli("ask", "OSA", *where, model="hash")
    assert stale.returncode == 1 and len(stale.stderr.splitlines()) == 1 and "\r" not in stale.stderr
    assert "new: 'b\\rerror: fake.txt'" in stale.stderr
