"""A page loaded after a rebuild with other documents offers the live build's documents, in headless
Debian Chromium: the server was started over the briefing alone, the corpus then gained an English report
and was rebuilt, and the document chooser (hidden for one document) lists both."""

# ruff: noqa: F811 - the browser fixture comes from test_browser.py, imported by name as pytest finds them
from __future__ import annotations

import time

import pytest

from .conftest import run_cli
from .test_browser import browser  # noqa: F401
from .test_english_documents import REPORT

pytestmark = [pytest.mark.slow, pytest.mark.browser]
REPORT_TITLE = "Harbour Water Authority: annual report"


def test_a_page_loaded_after_a_rebuild_offers_the_new_documents(browser, workspace, tmp_path):
    from rag.serve.client import ServerClient
    from tests.tooling.launch import start_app

    corpus, index = workspace
    with start_app(corpus_dir=corpus, index_dir=index, feedback=tmp_path / "fb.jsonl") as app:
        context = browser.new_context(locale="ja-JP")
        page = context.new_page()
        page.goto(app.url)
        page.wait_for_selector("#conversation .rag-conv")
        assert not page.locator("#document").is_visible()  # one document: nothing to choose

        (corpus / "harbour.md").write_text(REPORT, encoding="utf-8")
        built = run_cli("build", env={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)})
        assert built.returncode == 0, built.stderr
        client = ServerClient(app.url)
        deadline = time.monotonic() + 120  # the server loads the new build when a question notices it
        while (
            "acoustic sensors"
            not in client.search("How are leaks found?", k=1, mode="hybrid")["json"]["hits"][0]["text"]
        ):
            assert time.monotonic() < deadline, "the server never loaded the new build"

        page = context.new_page()
        page.goto(app.url)
        page.wait_for_selector("#document input", state="visible")
        page.click("#document input")
        options = page.locator("#document [role=option]")
        assert sorted(options.evaluate_all("os => os.map(o => o.getAttribute('aria-label'))")) == sorted(
            [REPORT_TITLE, "外交力の強化について"]
        )
        options.filter(has_text=REPORT_TITLE).click()
        page.wait_for_function("() => document.querySelector('#docpane')?.innerText.includes('acoustic sensors')")
        context.close()
