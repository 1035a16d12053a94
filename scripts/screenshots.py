"""Screenshots of the web UI in Debian Chromium: every state, 1280×900 and 390×844, light and dark.

    python scripts/screenshots.py [--out docs/screenshots]

Needs the index built with the real model (`rag build`). The real states come from `rag serve`,
started the one usual way (tests.tooling.launch.start_app). The "partial" state cannot be reached yet: no
search returns "partial" until the work on `missing` lands, so that one state is shown by serving the
same UI in-process over a stub engine that marks 「OSAの令和9年度の予算はいくらですか」 partial, with
「令和9年度」 missing. Files are named <state>-<view>-<theme>.png.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import paths  # noqa: E402
from tests.tooling.launch import free_port, start_app  # noqa: E402

VIEWS = {"desktop": (1280, 900), "mobile": (390, 844)}
THEMES = ("light", "dark")
PCG = "フィリピン沿岸警備隊への支援で人員はどう変わりましたか"
PARTIAL = ("OSAの令和9年度の予算はいくらですか", ("令和9年度",))
CHROMIUM = "/usr/bin/chromium"


def ask(page, question: str) -> None:
    before = page.eval_on_selector("#conversation .rag-conv", "c => Number(c.dataset.latest)")
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        "n => { const t = document.querySelector('#conversation .turn');"
        " return t && Number(t.dataset.turn) > n && t.querySelector('.card, .error'); }",
        arg=before,
        timeout=120_000,
    )


def settle(page) -> None:
    """Wait until the page is drawn: fonts loaded, two frames painted (Gradio keeps a stream open,
    so "network idle" never comes)."""
    page.evaluate("() => document.fonts.ready")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def shoot(browser, url: str, out: Path, view: str, theme: str, states: dict, locale: str = "ja-JP") -> list[Path]:
    """Open the app once per state (a fresh session each) and save the viewport."""
    width, height = VIEWS[view]
    saved = []
    for state, steps in states.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, color_scheme=theme)
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#conversation .rag-conv")
        if locale.startswith("en"):
            page.wait_for_function("() => document.querySelector('#ask')?.innerText.includes('Ask')")
        steps(page)
        settle(page)
        path = out / f"{state}-{view}-{theme}.png"
        page.screenshot(path=str(path))
        saved.append(path)
        context.close()
    return saved


def open_citation(page) -> None:
    ask(page, PCG)
    page.locator("#conversation .turn >> nth=0").locator(".quotes a.ref").first.click()
    page.wait_for_selector("#docpane .chunk.current")


def follow_up(page) -> None:
    ask(page, "フィリピン沿岸警備隊への支援について教えて")
    ask(page, "それは何年から続いていますか")


def year_quote(page) -> None:
    """Issue 20: the 令和8 answer quotes the 令和8 line only, with its citation; [1] opens it in the pane."""
    ask(page, "OSAの令和8年度の予算は？")
    page.locator("#conversation .turn >> nth=0").locator(".quotes a.ref").first.click()
    page.wait_for_selector("#docpane .chunk.current")


def greeting_after_off_topic(page) -> None:
    """Issue 20: 「こんにちは」 after the weather is a greeting (the guide), not the weather's follow-up."""
    ask(page, "今日の東京の天気は？")
    ask(page, "こんにちは")


def cleared(page) -> None:
    """Clear, with its inline Undo showing."""
    ask(page, PCG)
    page.click("#clear")
    page.wait_for_selector("#conversation .undo")


def thumbs_down(page) -> None:
    """A thumbs-down with its optional reason offered."""
    ask(page, PCG)
    page.locator("#conversation .turn >> nth=0").locator("[data-vote=down]").click()
    page.wait_for_selector("#conversation .reason:not([hidden])")
    page.locator("#conversation .actions").first.scroll_into_view_if_needed()


def search_modes(page) -> None:
    """The advanced settings open: the search modes in plain words."""
    page.locator("#advanced").get_by_text("詳細設定").click()
    page.locator("#mode").get_by_text("語句の一致").wait_for()
    page.locator("#mode").scroll_into_view_if_needed()


def scrolled(page) -> None:
    """A long answer scrolled: on a phone the ask box stays at the top."""
    ask(page, PCG)
    page.locator("#conversation .actions").first.scroll_into_view_if_needed()


NEW_STATES = {"cleared": cleared, "thumbs-down": thumbs_down, "search-modes": search_modes, "scrolled": scrolled}
REAL_STATES = {
    "empty": lambda page: None,
    "year-quote": year_quote,
    "greeting": greeting_after_off_topic,
    "refused": lambda page: ask(page, "長" * 1200),
    "answered": lambda page: ask(page, PCG),
    "not-covered": lambda page: ask(page, "日本の人口は何人ですか"),
    "follow-up": follow_up,
    "document": open_citation,
    **NEW_STATES,
}
ENGLISH_STATES = {
    "english": lambda page: ask(page, "How many people does the Philippine Coast Guard have now?"),
    "english-figures": lambda page: ask(page, "What is the OSA budget for FY2026?"),
}
PARTIAL_STATES = {"partial": lambda page: ask(page, PARTIAL[0])}


class PartialStub:
    """The real engine, except that one question's search comes back "partial" (see the module docstring)."""

    def __init__(self, engine, question: str, missing: tuple[str, ...]):
        self._engine, self._question, self._missing = engine, question, missing

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def search(self, question, **kwargs):
        result = self._engine.search(question, **kwargs)
        if question == self._question:
            result = dataclasses.replace(result, status="partial", missing=self._missing)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(paths.PROJECT_ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    saved = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        with start_app(feedback=Path(tmp) / "feedback.jsonl") as app:
            for view in VIEWS:
                for theme in THEMES:
                    saved += shoot(browser, app.url, out, view, theme, REAL_STATES)
                    saved += shoot(browser, app.url, out, view, theme, ENGLISH_STATES, locale="en-US")
        from rag.embedding.embedder import load_embedder
        from rag.engine import Engine
        from rag.serve.ui import serve

        engine = Engine(index_dir=paths.index_dir(), corpus_dir=paths.corpus_dir(), embedder=load_embedder())
        port = free_port()
        demo = serve(PartialStub(engine, *PARTIAL), port=port, feedback_path=Path(tmp) / "fb.jsonl", block=False)
        try:
            for view in VIEWS:
                for theme in THEMES:
                    saved += shoot(browser, f"http://127.0.0.1:{port}/", out, view, theme, PARTIAL_STATES)
        finally:
            demo.close()
        browser.close()
    for path in saved:
        print(path)
    print(f"{len(saved)} screenshots in {out} ({time.strftime('%Y-%m-%d %H:%M')})")


if __name__ == "__main__":
    main()
