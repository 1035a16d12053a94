#!/usr/bin/env bash
# Set everything up and run the whole test suite: the fast tests, then the real model, the real
# corpus, a real server and headless Chromium (-m "" lifts the default "not slow" selection).
# Plain `pytest` runs only the fast tests.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
# Browser tests drive Debian's Chromium; Japanese needs CJK fonts. Install them when we can;
# without them the browser tests fail (they never skip).
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "warning: /usr/bin/chromium or fonts-noto-cjk missing and not root; the browser tests will fail" >&2
  fi
fi
# The browser tests run axe-core (accessibility) inside the page; it comes from npm, pinned.
AXE=.cache/axe/node_modules/axe-core/axe.min.js
if [ ! -f "$AXE" ]; then
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  npm install --prefix .cache/axe --no-audit --no-fund --silent axe-core@4.14.1 \
    || echo "warning: could not install axe-core; the accessibility tests will fail" >&2
fi
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
set +e
.venv/bin/python -m pytest -m "" "$@"
status=$?
set -e
# pytest exits 5 when it collected no test: that is a broken suite, say so plainly.
if [ "$status" = 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
