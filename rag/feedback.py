"""Thumbs up/down from the UI: appended to a JSONL file, never rewritten."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

_lock = threading.Lock()


def append_feedback(path: str | Path, record: dict) -> None:
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    with _lock:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: one write per record, never truncating what is already there.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
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
