#!/usr/bin/env bash
# Set everything up, build the index if it is missing or stale, and open the web UI
# at http://127.0.0.1:${GRADIO_SERVER_PORT:-7860}. Works offline.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
exec .venv/bin/python app.py "$@"
