"""Fault injection for the robustness tests: a build stopped at a named stage (for kill -9), and file damage.

python -m tests.tooling.faults STAGE build ...   # `rag build ...` that stops at STAGE until killed
"""

from __future__ import annotations

import signal
import sys

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


def stop_at(stage: str):
    """A stage watcher that says where the build is and then waits for a signal (the test's kill -9)."""

    def watcher(reached: str) -> None:
        if reached == stage:
            print(f"paused at {stage}", flush=True)
            while True:
                signal.pause()

    return watcher


if __name__ == "__main__":
    from rag.cli import main
    from rag.index import stages

    stages.watch(stop_at(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
