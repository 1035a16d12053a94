"""The process-wide defaults the command line and the web app set for themselves: offline, no
analytics, one BLAS thread. A program importing `rag` as a library keeps its own environment."""

from __future__ import annotations

import os

DEFAULTS = (
    ("HF_HUB_OFFLINE", "1"),  # no model hub: the model ships in a package
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("TOKENIZERS_PARALLELISM", "false"),
    # numpy's BLAS only multiplies a question by a few thousand vectors here; its threads cost far more
    # than they save (15 ms against 0.06 ms on a busy 2-core machine) and compete with torch's.
    ("OPENBLAS_NUM_THREADS", "1"),
)


def use_process_defaults() -> None:
    """Set each default unless the environment already chose; call before numpy or torch load."""
    for name, value in DEFAULTS:
        os.environ.setdefault(name, value)
