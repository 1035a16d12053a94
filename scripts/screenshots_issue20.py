"""Screenshots of issue 20's cases against a server that is already running, at 1280×900 light.

    python scripts/screenshots_issue20.py --url http://127.0.0.1:7893/ --prefix before-

Made for the "before" pictures: the app of an older commit, served from its own worktree and index
(see docs/decisions.md, "Web UI"), shot with the same steps as scripts/screenshots.py shoots today's.
Files are named <prefix><case>-desktop-light.png in docs/screenshots/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import paths  # noqa: E402
from scripts.screenshots import CHROMIUM, settle  # noqa: E402

CASES = {
    "year-quote": ("ja-JP", ["OSAの令和8年度の予算は？"]),
    "english": ("en-US", ["What does Japan do to counter disinformation?"]),
    "greeting": ("ja-JP", ["今日の東京の天気は？", "こんにちは"]),
    "refused": ("ja-JP", ["長" * 1200]),
}


def ask(page, question: str) -> None:
    """Like scripts/screenshots.py's, but an older app may answer with Gradio's error toast instead of
    a reply (it did for the greeting): that is shot as it was shown."""
    before = page.eval_on_selector("#conversation .rag-conv", "c => Number(c.dataset.latest)")
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        "n => { const t = document.querySelector('#conversation .turn');"
        " return (t && Number(t.dataset.turn) > n && t.querySelector('.card, .error'))"
        " || document.querySelector('.toast-body'); }",
        arg=before,
        timeout=60_000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--prefix", default="before-")
    parser.add_argument("--out", default=str(paths.PROJECT_ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import TimeoutError as NoReply
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for case, (locale, questions) in CASES.items():
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
            page = context.new_page()
            page.goto(args.url)
            page.wait_for_selector("#conversation .rag-conv")
            if locale.startswith("en"):
                page.wait_for_function("() => document.querySelector('#ask')?.innerText.includes('Ask')")
            for question in questions:
                try:
                    ask(page, question)
                except NoReply:  # no reply came (the older app failed on it): shot as the user saw it
                    print(f"{case}: no reply to {question[:20]!r}; shot as it stands")
            settle(page)
            path = out / f"{args.prefix}{case}-desktop-light.png"
            page.screenshot(path=str(path))
            print(path)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
