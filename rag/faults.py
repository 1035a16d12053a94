"""Named points inside a build where the crash tests stop it (kill -9); inert in normal runs."""

from __future__ import annotations

import os
import time

PAUSE_ENV = "RAG_BUILD_PAUSE"


def checkpoint(stage: str) -> None:
    if os.environ.get(PAUSE_ENV) == stage:
        print(f"paused at {stage}", flush=True)
        time.sleep(3600)
