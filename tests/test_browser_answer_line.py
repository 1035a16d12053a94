"""The answer line in headless Debian Chromium, at 1280×900 and 390×844, light and dark, in Japanese and
English: shown above the quote, labelled, carrying its offsets, passing axe-core; absent for a what-is question."""

# ruff: noqa: F811 - the browser fixtures come from test_browser.py, imported by name as pytest finds them
from __future__ import annotations

import json

import pytest

from .test_browser import LOOKS, ask, axe_violations, browser, newest, open_page, requests_seen  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.mark.parametrize("view, scheme", LOOKS)
@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_the_answer_line_is_above_the_quote(open_page, engine, view, scheme, locale):
    page = open_page(view, scheme, locale)
    ask(page, "OSAの令和8年度の予算はいくらですか")
    card = newest(page)
    short = card.locator(".short-answer")
    assert short.is_visible()
    assert short.locator(".short-label").inner_text() == ("答え" if locale == "ja-JP" else "Answer")
    assert short.locator("strong").inner_text() == "約181億円"
    assert ("about ¥18.1 billion" in short.inner_text()) == (locale == "en-US")
    above, quote = short.bounding_box(), card.locator(".quotes figure.quote").first.bounding_box()
    assert above["y"] + above["height"] <= quote["y"]
    source, start, end = (short.get_attribute(f"data-{n}") for n in ("source", "start", "end"))
    assert engine.document_text(source)[int(start) : int(end)] == "約181億円"
    found = axe_violations(page)
    bad = [v for v in found if v["impact"] in ("critical", "serious")]
    assert bad == [], json.dumps(bad, ensure_ascii=False, indent=1)


def test_no_answer_line_for_a_what_is_question(open_page):
    page = open_page()
    ask(page, "OSAとは何ですか")
    card = newest(page)
    assert card.locator(".quotes").count() == 1 and card.locator(".short-answer").count() == 0
