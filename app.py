"""Start the web UI (the same as `rag serve`): build the index first if it is missing or stale,
then serve on 127.0.0.1.

python app.py [--port 7860] [--host 127.0.0.1] [--model NAME] [--feedback FILE]
"""

from __future__ import annotations

import sys

from rag.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
