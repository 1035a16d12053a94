"""Fault injection for the robustness tests: named pause points inside a build (kill -9), and file damage."""

from __future__ import annotations

import os
import time

PAUSE_ENV = "RAG_BUILD_PAUSE"


def checkpoint(stage: str) -> None:
    if os.environ.get(PAUSE_ENV) == stage:
        print(f"paused at {stage}", flush=True)
        time.sleep(3600)


DAMAGES = ("truncated", "emptied", "first bit flipped", "middle bit flipped", "last bit flipped")


def damage(path, kind: str) -> None:
    """Damage a file as a disk or a careless copy might: cut it short, empty it, or flip one bit."""
    data = bytearray(path.read_bytes())
    if kind == "truncated":
        data = data[: len(data) // 2]
    elif kind == "emptied":
        data = bytearray()
    else:
        at = {"first": 0, "middle": len(data) // 2, "last": len(data) - 1}[kind.split()[0]]
        data[at] ^= 0x01
    path.write_bytes(bytes(data))
