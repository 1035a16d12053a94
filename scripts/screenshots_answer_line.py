"""Screenshots of the answer line (issue 20) against a running server: 1280×900 and 390×844, light and
dark, Japanese and English, plus a what-is question that has none and an English count question.

    .venv/bin/rag serve --port 7911 &
    python scripts/screenshots_answer_line.py --url http://127.0.0.1:7911/

Files: docs/screenshots/answer-line-<lang>-<view>-<theme>.png, answer-line-none-desktop-light.png and
answer-line-count-en-<view>-<theme>.png (desktop light, mobile dark).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import paths  # noqa: E402
from scripts.screenshots import CHROMIUM, THEMES, VIEWS, ask, shoot  # noqa: E402

QUESTION = "OSAの令和8年度の予算はいくらですか"
NONE = "OSAとは何ですか"
COUNT = "How many people does the PCG have now?"  # 約3万人, with "about 30,000 people" beside it


def answered(question: str):
    """The steps of one state: ask, then bring the newest answer into view."""

    def steps(page) -> None:
        ask(page, question)
        page.locator("#conversation .turn").first.scroll_into_view_if_needed()

    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", default=str(paths.PROJECT_ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        saved = []
        for locale in ("ja-JP", "en-US"):
            for view in VIEWS:
                for theme in THEMES:
                    states = {f"answer-line-{locale[:2]}": answered(QUESTION)}
                    saved += shoot(browser, args.url, out, view, theme, states, locale=locale)
        saved += shoot(browser, args.url, out, "desktop", "light", {"answer-line-none": answered(NONE)})
        for view, theme in (("desktop", "light"), ("mobile", "dark")):
            count = {"answer-line-count-en": answered(COUNT)}
            saved += shoot(browser, args.url, out, view, theme, count, locale="en-US")
        browser.close()
    for path in saved:
        print(path)


if __name__ == "__main__":
    main()
