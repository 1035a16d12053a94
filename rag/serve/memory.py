"""Memory handed back after a spike: glibc keeps the heap pages a burst of questions freed.

Forty 1,000-character questions from four clients took a real-model server from 1.06 to 1.84 GB,
and it stayed there idle (1.26 GB with this thread). `malloc_trim(0)` returns the free pages; a
thread here calls it while resident memory is TRIM_AFTER_MB over its idle floor and still moving,
so once more after a burst ends, and never while the server sits idle (docs/integrity.md, "Security").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time
from pathlib import Path

CHECK_SECONDS = 5.0  # a burst is seconds long; a check is one read of /proc
TRIM_AFTER_MB = 64  # growth over the idle floor worth a trim (a trim of a 1.7 GB heap: ~0.1 s of one core)
SETTLED_MB = 8  # memory that moved less than this since the last trim is left alone: no trim when idle


def resident_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _trim():
    """glibc's malloc_trim, or None where there is none (musl, macOS): then nothing is done."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def start_trimmer() -> threading.Thread | None:
    trim = _trim()
    if trim is None or resident_mb() is None:
        return None

    def watch() -> None:
        lowest = settled = resident_mb()  # the idle floor; what the last trim left
        while True:
            time.sleep(CHECK_SECONDS)
            now = resident_mb()
            lowest = min(lowest, now)
            # Above the floor and changed since the last trim: during a burst, and once after it ends.
            if now - lowest >= TRIM_AFTER_MB and abs(now - settled) >= SETTLED_MB:
                trim(0)
                settled = resident_mb()

    thread = threading.Thread(target=watch, name="rag-memory", daemon=True)
    thread.start()
    return thread
