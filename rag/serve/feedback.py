"""Thumbs up/down from the UI: appended to a JSONL file, never rewritten; thumbs-down become gold candidates."""

from __future__ import annotations

import errno
import json
import os
import threading
from pathlib import Path

from rag.errors import RagError
from rag.language.script import is_japanese
from rag.terminal import shown

_lock = threading.Lock()


def append_feedback(path: str | Path, record: dict) -> None:
    """One line appended to the feedback file, created 0600 (it holds what users asked).

    A symlink at its path is refused, not followed: another user could point it at a file of ours.
    """
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    with _lock:
        Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_APPEND: one write per record, never truncating what is already there.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise RagError(
                    f"the feedback file {shown(path)} is a symbolic link; remove it or use --feedback FILE"
                ) from None
            reason = exc.strerror or exc
            raise RagError(f"cannot write the feedback file {shown(path)} ({reason}); use --feedback FILE") from None
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def read_feedback(path: str | Path) -> list[dict]:
    """Every well-formed record; a damaged line (a crash mid-write) is skipped, not fatal."""
    records = []
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def latest_votes(records: list[dict]) -> list[dict]:
    """Each reply's last record: a vote changed or withdrawn ("cleared") counts only as it ended.

    Records without a "reply" id (older files) each stand alone.
    """
    last: dict[object, dict] = {}
    for n, record in enumerate(records):
        last[record.get("reply") or ("line", n)] = record
    return list(last.values())


def gold_candidates(path: str | Path) -> list[dict]:
    """Thumbs-down answers as gold-set rows for a person to complete (answers left empty).

    Only replies whose last vote is "down" count; a follow-up is listed as it was searched
    (with the earlier topic), since a gold question must stand alone.
    """
    rows = []
    for n, entry in enumerate(e for e in latest_votes(read_feedback(path)) if e.get("rating") == "down"):
        question = entry.get("searched") or entry.get("question", "")
        rows.append(
            {
                "id": f"fb{n + 1:03d}",
                "question": question,
                "lang": "ja" if is_japanese(question) else "en",
                "answers": [],
                "unanswerable": False,
                "cited": entry.get("cited", []),
                "todo": "add short answer substrings from the briefing, or set unanswerable",
            }
        )
        if entry.get("reason"):  # the reader's why: wrong answer, wrong quote, missing, other
            rows[-1]["reason"] = entry["reason"]
    return rows
