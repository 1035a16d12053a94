"""Issue 20 end to end in headless Debian Chromium: quotes fit to print (the asked year only, with a
citation and a copy button), the pane following the newest answer, Escape back to the answer, refusals
kept in the box, the greeting after an off-topic question, context that can be dropped, the live
announcement and focus, html[lang] and title, history across reloads and links, figures in English."""

# ruff: noqa: F811 - the browser fixtures come from test_browser.py, imported by name as pytest finds them
from __future__ import annotations

import json

import pytest

from rag.serve.ui.palette import contrast

from .test_browser import LOOKS, ask, axe_violations, browser, newest, open_page, requests_seen  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.browser]
OSA8 = "OSAの令和8年度の予算は？"


def latest(page) -> int:
    return page.eval_on_selector("#conversation .rag-conv", "c => Number(c.dataset.latest)")


@pytest.mark.parametrize("view, scheme", LOOKS)
def test_a_year_question_quotes_that_year_only_with_a_printable_citation(open_page, server, view, scheme):
    page = open_page(view, scheme)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server[0].rstrip("/"))
    ask(page, OSA8)
    quotes = newest(page).locator(".quotes")
    texts = quotes.locator("mark").all_inner_texts()
    assert texts and all("令和8" in t for t in texts) and not any("令和7" in t for t in texts), texts
    assert "外務省『外交力の強化について』「OSAの現状と当面の方向性」" in quotes.locator("cite").first.inner_text()
    quotes.get_by_role("button", name="出典付きでコピー").first.click()
    newest(page).get_by_text("引用を出典付きでコピーしました").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("「令和8(2026)年度(予算約181億円)") and "外務省『外交力の強化について』" in copied
    assert "字目" in copied  # the exact offsets kept beside the citation
    link = quotes.locator("a.ref").first
    assert "外務省『外交力の強化について』" in link.get_attribute("aria-label")  # says where it goes
    box = link.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24


@pytest.mark.parametrize("view, scheme", LOOKS)
def test_a_new_answer_clears_the_panes_highlights_and_escape_returns_to_the_answer(open_page, view, scheme):
    page = open_page(view, scheme)
    ask(page, OSA8)
    link = newest(page).locator(".quotes a.ref").first
    link.click()
    page.wait_for_selector("#docpane .s.hl")
    page.locator("#docpane .chunk.current").focus()
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.classList.contains('ref')")
    assert page.locator("#docpane [data-back]").is_visible()
    ask(page, "日米同盟の位置付けは")
    assert page.locator("#docpane .s.hl").count() == 0 and page.locator("#docpane .chunk.current").count() == 0
    assert not page.locator("#docpane [data-back]").is_visible()


def test_back_to_the_answer_button_returns_focus_to_the_ref(open_page):
    page = open_page("mobile")
    ask(page, OSA8)
    newest(page).locator(".quotes a.ref").first.click()
    page.wait_for_selector("#docpane .s.hl")
    page.locator("#docpane [data-back]").click()
    assert page.evaluate("() => document.activeElement.classList.contains('ref')")


def test_a_greeting_after_an_off_topic_question_is_a_greeting(open_page):
    page = open_page()
    ask(page, "今日の東京の天気は？")
    ask(page, "こんにちは")
    reply = newest(page)
    assert reply.locator(".question").inner_text().endswith("こんにちは")
    assert "について)" not in reply.locator(".question").inner_text()
    assert "資料についての質問ではないようです" in reply.locator(".status").inner_text()
    assert reply.locator(".guide .example").count() >= 1


def test_the_earlier_topic_is_a_chip_that_can_be_dropped(open_page):
    page = open_page()
    ask(page, "フィリピン沿岸警備隊への支援について教えて")
    ask(page, "それは何年から続いていますか")
    chip = newest(page).locator(".context")
    assert "フィリピン沿岸警備隊への支援" in chip.inner_text()
    before = latest(page)
    chip.get_by_role("button", name="話題を補わずに聞き直す").click()
    page.wait_for_function(
        "n => Number(document.querySelector('#conversation .rag-conv').dataset.latest) > n", arg=before
    )
    assert newest(page).locator(".question").inner_text().endswith("\nそれは何年から続いていますか")
    assert newest(page).locator(".context").count() == 0


def test_an_empty_enter_does_nothing(open_page):
    page = open_page()
    before = latest(page)
    page.press("#question textarea", "Enter")
    ask(page, "OSAとは")  # the next question is the next turn: the empty one made none
    assert latest(page) == before + 1


def test_a_question_asked_while_an_empty_enter_is_pending_is_answered(open_page):
    page = open_page()
    held = []

    def hold_the_first(route):  # the empty Enter's request waits until we let it go; later ones pass
        held.append(route) if not held else route.continue_()

    page.route("**/queue/join*", hold_the_first)
    page.press("#question textarea", "Enter")
    for _ in range(1000):  # the route handler runs when Playwright next hears from the browser
        if held:
            break
        page.evaluate("0")
    assert held, "the empty Enter sent no request"
    page.fill("#question textarea", "OSAとは")
    before = latest(page)
    page.press("#question textarea", "Enter")  # pressed while the empty one is still pending
    held[0].continue_()
    page.wait_for_function(
        "n => { const t = document.querySelector('#conversation .turn');"
        " return t && Number(t.dataset.turn) > n && t.querySelector('.card'); }",
        arg=before,
    )
    assert newest(page).locator(".question").inner_text().endswith("OSAとは")


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_the_answer_is_announced_and_an_example_hands_focus_to_it(open_page, locale):
    page = open_page(locale=locale)
    page.locator("#conversation .example").first.focus()
    before = latest(page)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => Number(document.querySelector('#conversation .rag-conv').dataset.latest) > n", arg=before
    )
    page.wait_for_function("() => document.activeElement.matches('#conversation .turn .question')")
    live = page.locator("#rag-live")
    assert live.get_attribute("aria-live") == "polite"
    assert ("新しい回答" if locale == "ja-JP" else "New answer") in live.inner_text()


def test_html_lang_and_title_follow_the_switch(open_page):
    page = open_page()
    assert page.evaluate("document.documentElement.lang") == "ja"
    page.get_by_label("English", exact=True).check()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.title() == "外交力の強化について · Q&A"
    page.get_by_label("日本語", exact=True).check()
    page.wait_for_function("() => document.documentElement.lang === 'ja'")
    assert page.title() == "外交力の強化について · 質問応答"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_on_the_question_box_and_radios_is_visible(open_page, scheme):
    page = open_page(scheme=scheme)
    page.focus("#question textarea")
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.querySelector('#question textarea'));
                   return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"""
    )
    assert ring[0] == "solid" and float(ring[1].rstrip("px")) >= 2
    page.keyboard.press("Shift+Tab")  # back to the language radios
    radio = page.evaluate(
        """() => { const e = document.activeElement; const l = e.closest('label') || e;
                   const s = getComputedStyle(l); return [e.type || '', s.outlineStyle, s.outlineColor]; }"""
    )
    assert radio[0] == "radio" and radio[1] == "solid", radio
    page_bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    for colour in (ring[2], radio[2]):
        assert contrast(_hex(colour), _hex(page_bg)) >= 3.0, (colour, page_bg)


def _hex(css: str) -> str:
    r, g, b = (int(float(v)) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def test_history_survives_a_reload_and_links_open_answers_and_passages(open_page):
    page = open_page()
    ask(page, "フィリピン沿岸警備隊への支援について教えて")
    ask(page, "それは何年から続いていますか")
    kept = json.loads(page.evaluate("() => localStorage.getItem('rag-history')"))
    assert [k["q"] for k in kept] == ["フィリピン沿岸警備隊への支援について教えて", "それは何年から続いていますか"]
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#conversation .turn').length === 2", timeout=60_000)
    assert "(フィリピン沿岸警備隊への支援について)" in newest(page).locator(".question").inner_text()
    page.click("#clear")
    page.wait_for_selector("#conversation .empty")
    saved = page.evaluate("() => localStorage.getItem('rag-history')")
    assert json.loads(saved or "[]") == []  # what Undo brings back is held in memory only
    chunk = page.locator("#docpane .chunk").nth(5).get_attribute("data-chunk")
    page.goto(page.url.split("?")[0].split("#")[0] + "?q=" + "OSAとは" + f"#c-{chunk}")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#conversation .turn .question')]"
        ".some(e => e.innerText.endsWith('OSAとは'))",
        timeout=60_000,
    )
    page.wait_for_function(f"() => document.querySelector('#docpane .chunk.current')?.dataset.chunk === '{chunk}'")


def test_english_readers_get_figures_in_english(open_page):
    page = open_page(locale="en-US")
    page.wait_for_function("() => document.querySelector('#ask')?.innerText.includes('Ask')")
    ask(page, "What is the OSA budget for FY2026?")
    figures = newest(page).locator(".quotes .figures").first.inner_text()
    assert "FY2026" in figures and "about ¥18.1 billion" in figures
    assert "FY" not in newest(page).locator(".status").inner_text()  # FY2026 is a year, not a missing name


@pytest.mark.parametrize("view, scheme", LOOKS)
def test_english_readers_get_glosses_read_in_context(open_page, view, scheme):
    page = open_page(view, scheme, "en-US")
    ask(page, "What is the OSA budget for FY2026?")
    glossary = newest(page).locator(".glossary")
    terms = glossary.locator("dt > span:not(.reading)").all_inner_texts()
    terms = dict(zip(terms, glossary.locator("dd").all_inner_texts(), strict=True))
    assert "as follows" in terms.get("以下のとおり", ""), terms  # the set phrase, not とおり "avenue"
    assert "budget" in terms.get("予算", ""), terms


@pytest.mark.parametrize("view, scheme", LOOKS)
@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_axe_after_answering_voting_and_opening_the_pane(open_page, view, scheme, locale):
    page = open_page(view, scheme, locale)
    ask(page, OSA8)
    newest(page).locator("[data-vote=up]").click()
    newest(page).locator(".quotes a.ref").first.click()
    page.wait_for_selector("#docpane .s.hl")
    ask(page, "こんにちは")
    found = axe_violations(page)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)  # of any impact, minor included
