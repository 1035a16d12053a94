"""The controls around the answer in headless Debian Chromium: search modes in plain words, the ask box
within reach on a phone while a long answer scrolls, an inline Undo after Clear, and an optional reason
for a thumbs-down."""

# ruff: noqa: F811 - the browser fixtures come from test_browser.py, imported by name as pytest finds them
from __future__ import annotations

import json

import pytest

from .test_browser import (  # noqa: F401
    ask,
    axe_violations,
    browser,
    gold_candidates,
    newest,
    open_page,
    requests_seen,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]
PCG = "フィリピン沿岸警備隊への支援で人員はどう変わりましたか"
JARGON = ("hybrid", "dense", "bm25")


def serious(page) -> list[dict]:
    return axe_violations(page)  # of any impact, minor included


def mode_labels(page) -> list[str]:
    return [t.strip() for t in page.locator("#mode label").all_inner_texts()]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_modes_are_named_in_plain_words_in_both_languages(open_page, server, scheme):
    url, feedback, app = server
    page = open_page("desktop", scheme)
    page.locator("#advanced").get_by_text("詳細設定").click()
    page.locator("#mode").get_by_text("語句の一致").wait_for()
    assert mode_labels(page) == ["おすすめ(意味+語句)", "意味の近さ", "語句の一致"]
    assert serious(page) == [], json.dumps(serious(page), ensure_ascii=False)
    page.locator("#mode").get_by_text("語句の一致").click()
    question = f"OSAの令和8年度の予算はいくらですか ({scheme} 語句)"
    ask(page, question)
    newest(page).locator("[data-vote=up]").click()
    page.get_by_text("フィードバックを記録しました").last.wait_for(timeout=10_000)
    record = json.loads(feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert (record["question"], record["mode"]) == (question, "bm25")  # the plain label still sends the mode
    page.get_by_label("English", exact=True).check()
    page.locator("#mode").get_by_text("Exact words").wait_for()
    assert mode_labels(page) == ["Recommended (meaning + words)", "Meaning", "Exact words"]
    assert page.locator("#mode input:checked").get_attribute("value") == "bm25"  # the choice survives relabelling
    shown = page.locator("#advanced").inner_text().lower()
    assert not any(word in shown for word in JARGON), shown


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_ask_box_stays_in_reach_while_the_answer_scrolls(open_page, scheme):
    page = open_page("mobile", scheme)
    ask(page, PCG)
    ask(page, "OSAの令和8年度の予算はいくらですか")  # two answers: a page far taller than the screen
    page.locator("#conversation .conv-actions").scroll_into_view_if_needed()
    assert page.evaluate("() => window.scrollY") > 844  # scrolled well past the first screen
    box = page.locator("#question textarea").bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 844, box
    button = page.locator("#ask").bounding_box()
    assert 0 <= button["y"] and button["y"] + button["height"] <= 844, button
    covered = page.evaluate(  # what is under the box's centre is the box itself, not the answer
        """() => { const r = document.querySelector('#question textarea').getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2).closest('#question') !== null; }"""
    )
    assert covered
    ask(page, "中国とはどのような関係を築く方針ですか")  # typed and sent from where the reader is
    assert serious(page) == [], json.dumps(serious(page), ensure_ascii=False)


@pytest.mark.parametrize("view, scheme", [("desktop", "light"), ("mobile", "dark")])
def test_clear_can_be_undone_right_away(open_page, view, scheme):
    page = open_page(view, scheme)
    ask(page, PCG)
    ask(page, "OSAの令和8年度の予算はいくらですか")
    newest(page).locator("[data-vote=up]").click()
    page.get_by_text("フィードバックを記録しました").last.wait_for(timeout=10_000)
    page.click("#clear")
    page.wait_for_selector("#conversation .empty")
    undo = page.get_by_role("button", name="元に戻す")
    box = undo.bounding_box()  # in view without scrolling (Clear is far below the answer on a phone)
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"], box
    assert page.locator("#conversation .undo").inner_text().startswith("会話を消去しました")
    assert page.evaluate("() => JSON.parse(localStorage.getItem('rag-history') || '[]').length") == 0
    assert serious(page) == [], json.dumps(serious(page), ensure_ascii=False)
    undo.click()
    page.wait_for_selector("#conversation .turn")
    questions = page.locator("#conversation .turn .question").all_inner_texts()
    assert [q.split(":", 1)[-1].strip() for q in questions] == ["OSAの令和8年度の予算はいくらですか", PCG]
    assert newest(page).locator("[data-vote=up]").get_attribute("aria-pressed") == "true"  # votes come back too
    assert page.locator("#conversation .undo").count() == 0
    kept = page.evaluate("() => JSON.parse(localStorage.getItem('rag-history') || '[]').map(h => h.q)")
    assert kept == [PCG, "OSAの令和8年度の予算はいくらですか"]  # a reload brings them back as well
    assert page.evaluate("() => document.activeElement.classList.contains('question')")


def test_undo_is_gone_once_a_new_question_is_asked(open_page):
    page = open_page("desktop", "light", "en-US")
    page.wait_for_function("() => document.querySelector('#ask')?.innerText.includes('Ask')")
    ask(page, PCG)
    page.click("#clear")
    page.get_by_role("button", name="Undo").wait_for()
    ask(page, "中国とはどのような関係を築く方針ですか")
    assert page.locator("#conversation .undo").count() == 0
    assert page.locator("#conversation .turn").count() == 1  # the cleared answer is not mixed back in


@pytest.mark.parametrize("view, scheme, locale", [("desktop", "light", "ja-JP"), ("mobile", "dark", "en-US")])
def test_a_thumbs_down_can_say_why(open_page, server, built, view, scheme, locale):
    url, feedback, app = server
    page = open_page(view, scheme, locale)
    english = locale.startswith("en")
    if english:
        page.wait_for_function("() => document.querySelector('#ask')?.innerText.includes('Ask')")
    question = f"中国とはどのような関係を築く方針ですか ({view} {scheme} reason)"
    ask(page, question)
    reason = newest(page).locator("select[data-reason]")
    assert not reason.is_visible()  # offered only once the answer is rated down
    newest(page).locator("[data-vote=down]").click()
    thanks = "Feedback recorded" if english else "フィードバックを記録しました"
    page.get_by_text(thanks).last.wait_for(timeout=10_000)
    assert reason.is_visible()
    assert page.get_by_label("Why? (optional)" if english else "理由(任意)").count() == 1  # a labelled select
    assert serious(page) == [], json.dumps(serious(page), ensure_ascii=False)
    lines_before = len(feedback.read_text(encoding="utf-8").splitlines())
    reason.select_option("quote")
    newest(page).locator(".note").filter(has_text=thanks).wait_for(timeout=10_000)  # cleared on change, said once saved
    lines = feedback.read_text(encoding="utf-8").splitlines()
    assert len(lines) == lines_before + 1
    record = json.loads(lines[-1])
    assert (record["question"], record["rating"], record["reason"]) == (question, "down", "quote")
    assert any(c["question"] == question for c in gold_candidates(built, feedback))  # still a thumbs-down
    newest(page).locator("[data-vote=down]").click()  # withdrawn: the reason goes with it
    assert not reason.is_visible()
