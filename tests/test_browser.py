"""End to end in headless Chromium: ask, see citations and highlights, abstain, stay safe, stay local."""

from __future__ import annotations

import json
import os
import re
import statistics
import time

import pytest

from .conftest import run_cli

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):  # a failure, not a skip: a suite that skips its browser proves nothing
        pytest.fail("Debian chromium is missing: apt-get install chromium fonts-noto-cjk (test.sh does it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture()
def requests_seen():
    return []


@pytest.fixture()
def page(browser, server, requests_seen):
    context = browser.new_context(viewport={"width": 1280, "height": 2000}, locale="ja-JP")
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))

    pg.on("request", lambda request: requests_seen.append(request.url))
    pg.goto(server[0])
    pg.wait_for_selector("#question textarea")
    yield pg
    context.close()


def ask(page, question: str, *, answers_before: int | None = None) -> float:
    """Type a question, press Enter, wait until its answer is rendered; seconds taken."""
    bots = page.locator('#chat [data-testid="bot"]')
    before = bots.count() if answers_before is None else answers_before
    page.fill("#question textarea", question)
    started = time.perf_counter()
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat [data-testid=\"bot\"]').length > n", arg=before, timeout=60_000
    )
    return time.perf_counter() - started


def last_answer(page):
    return page.locator('#chat [data-testid="bot"]').last


def test_japanese_question_shows_citation_and_highlight(page, tmp_path):
    ask(page, "OSAの令和8年度の予算はいくらですか")
    answer = last_answer(page)
    assert "[1]" in answer.inner_text() and "OSAの現状と当面の方向性" in answer.inner_text()
    assert answer.locator("mark").count() >= 1
    assert "予算約181億円" in answer.locator(".cite").first.inner_text()
    assert "**" not in answer.inner_text()
    page.locator("#chat").screenshot(path=str(tmp_path / "answer.png"))
    assert (tmp_path / "answer.png").stat().st_size > 20_000


def test_the_whole_section_opens_under_a_citation(page):
    ask(page, "PCGの人員はどれだけ増えましたか")
    first = last_answer(page).locator(".cite").first
    details = first.locator("details")
    assert not details.evaluate("d => d.open")
    first.locator("summary").click()
    assert details.evaluate("d => d.open")
    assert "インドネシア海上保安機構" in details.inner_text()


def test_english_question(page):
    ask(page, "How many phone calls did Japan hold with Iran?")
    answer = last_answer(page)
    assert "首脳レベルで3回" in answer.locator(".cite").first.inner_text()
    assert answer.locator("mark").count() >= 1


def test_unanswerable_question_says_so(page):
    ask(page, "来年のオリンピックの開催都市はどこですか")
    text = last_answer(page).inner_text()
    assert "この資料には、この質問に答える記述が見当たりません" in text
    assert "近い箇所" in text  # the nearest passages are still offered, marked as such


def test_markup_in_a_question_is_shown_as_text_and_runs_nothing(page):
    evil = "<img src=x onerror=alert(1)>OSAとは"
    ask(page, evil)
    user_messages = page.locator('#chat [data-testid="user"]').all_inner_texts()
    assert evil in user_messages[-1]
    assert page.locator("#chat img").count() == 0 and page.dialogs == []


def test_over_long_question_gets_a_clear_message(page):
    ask(page, "長" * 1500)
    assert "the limit is 1,000" in last_answer(page).inner_text()


def test_thumbs_down_is_recorded_and_becomes_a_gold_candidate(page, server, built):
    url, feedback, app = server
    before = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
    ask(page, "中国とはどのような関係を築く方針ですか")
    page.locator('#chat [data-testid="bot"]').last.hover()
    # Gradio labels the button in the page's language (the context is ja-JP)
    page.get_by_role("button", name=re.compile(r"^(Dislike|よくないね)$")).last.click()
    page.get_by_text("フィードバックを記録しました").wait_for(timeout=10_000)  # shown once the record is written
    lines = feedback.read_text(encoding="utf-8").splitlines()
    assert lines[: len(before)] == before  # appended, never rewritten
    record = json.loads(lines[-1])
    assert record["rating"] == "down" and record["question"] == "中国とはどのような関係を築く方針ですか"
    assert record["cited"] and all(isinstance(c, str) for c in record["cited"])
    corpus, index, _ = built
    result = run_cli(
        "eval", "--feedback", str(feedback), env={"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)}
    )
    candidates = [json.loads(line) for line in result.stdout.splitlines()]
    assert any(
        c["question"] == record["question"] and c["answers"] == [] and c["cited"] == record["cited"] for c in candidates
    )


def test_english_interface_is_available(page):
    page.get_by_label("en", exact=True).check()
    page.wait_for_function("() => document.querySelector('#ask').innerText.includes('Ask')")
    assert "Ask the MOFA briefing" in page.content()


def test_enter_to_answer_latency_median_of_ten(page):
    questions = [
        "OSAの予算は",
        "日米同盟の位置付けは",
        "What is FOIP?",
        "北方領土の方針は",
        "認知戦とは",
        "ODAの役割は",
        "レアアースの確保は",
        "拉致問題への対応は",
        "What is POWER Asia?",
        "ガザ情勢は",
    ]
    times = []
    for n, q in enumerate(questions):
        times.append(ask(page, q, answers_before=n))
    median = statistics.median(times)
    print(f"Enter to answer rendered, median of {len(times)}: {median * 1000:.0f} ms")
    assert median < 3.0, times


def test_the_browser_made_no_request_outside_loopback(page, requests_seen):
    ask(page, "OSAの予算は")
    local = ("http://127.0.0.1", "data:", "blob:")
    assert any(url.startswith("http://127.0.0.1") for url in requests_seen)  # it did watch the traffic
    assert [url for url in requests_seen if not url.startswith(local)] == []
