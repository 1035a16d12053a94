"""End to end in headless Debian Chromium, at 1280×900 and 390×844, light and dark: the answer card,
the document pane, follow-ups, feedback, language, accessibility (axe-core), safety. Latency is measured,
not asserted: scripts/ui_latency.py."""

from __future__ import annotations

import json
import os
import time

import pytest

from .conftest import ROOT, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # test.sh installs it
VIEWS = {"desktop": (1280, 900), "mobile": (390, 844)}
LOOKS = [(view, scheme) for view in VIEWS for scheme in ("light", "dark")]
PCG = "フィリピン沿岸警備隊への支援で人員はどう変わりましたか"
NEWEST = "#conversation .turn >> nth=0"


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
def open_page(browser, server, requests_seen):
    """open_page(view, scheme, locale) -> a page showing the app, its context closed after the test."""
    contexts = []

    def opener(view="desktop", scheme="light", locale="ja-JP"):
        width, height = VIEWS[view]
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda request: requests_seen.append(request.url))
        page.goto(server[0])
        page.wait_for_selector("#question textarea")
        page.wait_for_selector("#conversation .rag-conv")
        # The page is built in Japanese and relabelled on load for other browsers: act only once the
        # conversation speaks theirs (html[lang] is no sign: Gradio sets it from the browser's locale itself).
        page.wait_for_function(
            "lang => document.querySelector('#conversation .rag-conv')?.lang === lang", arg=locale.split("-")[0]
        )
        return page

    yield opener
    for context in contexts:
        context.close()


def ask(page, question: str) -> float:
    """Type a question, press Enter, wait until its answer card (or refusal) is rendered; seconds taken."""
    before = page.eval_on_selector("#conversation .rag-conv", "c => Number(c.dataset.latest)")
    page.fill("#question textarea", question)
    started = time.perf_counter()
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        "n => { const t = document.querySelector('#conversation .turn');"
        " return t && Number(t.dataset.turn) > n && t.querySelector('.card, .error'); }",
        arg=before,
        timeout=60_000,
    )
    return time.perf_counter() - started


def newest(page):
    return page.locator(NEWEST)


def in_view(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector, "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight - 40; }"
    )


def gold_candidates(built, feedback) -> list[dict]:
    """What `rag eval --feedback` makes of the feedback file, run as a user would."""
    corpus, index, _ = built
    env = {"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)}
    result = run_cli("eval", "--feedback", str(feedback), env=env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: npm install --prefix .cache/axe axe-core@4.14.1 (test.sh does it)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
            v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target)}))"""
    )


# --- each look: 1280×900 and 390×844, light and dark ------------------------------------------------


@pytest.mark.parametrize("view, scheme", LOOKS)
def test_answer_card_top_is_in_view_after_answering(open_page, view, scheme):
    page = open_page(view, scheme)
    for question in ("OSAの令和8年度の予算はいくらですか", PCG):
        ask(page, question)
        page.wait_for_function(
            "() => { const r = document.querySelector('#conversation .turn .card').getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight - 40; }",
            timeout=5_000,
        )
        card = newest(page).locator(".card")
        assert "資料に答えがあります" in card.locator(".status").inner_text()
    assert "PCGの人員は4千人から約3万人に増加。" in newest(page).locator(".quotes").inner_text()


@pytest.mark.parametrize("view, scheme", LOOKS)
def test_the_pcg_follow_up_returns_the_pcg_passage(open_page, view, scheme):
    page = open_page(view, scheme)
    ask(page, "フィリピン沿岸警備隊への支援について教えて")
    ask(page, "それは何年から続いていますか")
    reply = newest(page)
    assert (
        reply.locator(".question")
        .inner_text()
        .endswith("(フィリピン沿岸警備隊への支援について) それは何年から続いていますか")
    )
    assert "2002年から" in reply.locator(".quotes").inner_text()
    top = reply.locator(".sources a[data-chunk]").first.get_attribute("data-chunk")
    assert "2002年から" in page.locator(f'#docpane .chunk[data-chunk="{top}"]').inner_text()


@pytest.mark.parametrize("view, scheme", LOOKS)
def test_a_not_covered_reply_shows_no_highlight(open_page, view, scheme):
    page = open_page(view, scheme)
    ask(page, "日本の人口は何人ですか")
    reply = newest(page)
    assert reply.locator(".card.status-not_covered").count() == 1
    assert "この資料には、この質問に答える記述が見当たりません" in reply.inner_text()
    assert reply.locator("mark").count() == 0 and reply.locator(".quotes").count() == 0
    nearest = reply.locator("details.nearest")
    assert not nearest.evaluate("d => d.open")  # folded away: plainly not answers
    nearest.locator("summary").click()
    nearest.locator("a[data-chunk]").first.click()
    page.wait_for_selector("#docpane .chunk.current")
    assert page.locator("#docpane .s.hl").count() == 0  # opened, but nothing marked as an answer


@pytest.mark.parametrize("view, scheme", LOOKS)
def test_clicking_1_scrolls_the_document_pane_to_the_highlighted_passage(open_page, view, scheme):
    page = open_page(view, scheme)
    ask(page, PCG)
    link = newest(page).locator(".quotes a.ref").first
    chunk = link.get_attribute("data-chunk")
    link.click()
    current = page.locator("#docpane .chunk.current")
    current.wait_for()
    assert current.get_attribute("data-chunk") == chunk
    assert "PCGの人員は4千人から約3万人に増加。" in current.locator(".s.hl").all_inner_texts()
    visible = page.evaluate(
        """() => { const c = document.querySelector('#docpane .chunk.current').getBoundingClientRect();
                   const box = document.querySelector('#docpane .doc-text').getBoundingClientRect();
                   return c.top >= box.top - 1 && c.top < box.bottom && c.top >= 0 && c.top < innerHeight; }"""
    )
    assert visible, "the highlighted passage is not scrolled into view"


@pytest.mark.parametrize("view, scheme", LOOKS)
def test_feedback_after_clearing_records_the_right_question(open_page, server, built, view, scheme):
    url, feedback, app = server
    page = open_page(view, scheme)
    ask(page, "OSAの令和8年度の予算はいくらですか")
    page.click("#clear")
    page.wait_for_selector("#conversation .empty")
    question = f"中国とはどのような関係を築く方針ですか ({view} {scheme})"
    ask(page, question)
    before = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
    down = newest(page).get_by_role("button", name="役に立たなかった")
    down.click()
    page.get_by_text("フィードバックを記録しました").last.wait_for(timeout=10_000)  # shown once it is written
    lines = feedback.read_text(encoding="utf-8").splitlines()
    assert lines[: len(before)] == before  # appended, never rewritten
    record = json.loads(lines[-1])
    assert (record["rating"], record["question"], record["status"]) == ("down", question, "answered")
    assert record["cited"] and all(isinstance(c, str) for c in record["cited"])
    assert down.get_attribute("aria-pressed") == "true"
    assert any(c["question"] == question and c["cited"] == record["cited"] for c in gold_candidates(built, feedback))
    down.click()  # un-click: withdrawn, not a second vote
    page.get_by_text("評価を取り消しました").last.wait_for(timeout=10_000)
    withdrawn = json.loads(feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert (withdrawn["rating"], withdrawn["reply"], withdrawn["question"]) == ("cleared", record["reply"], question)
    assert down.get_attribute("aria-pressed") == "false"
    assert not any(c["question"] == question for c in gold_candidates(built, feedback))


@pytest.mark.parametrize("view, scheme", LOOKS)
def test_axe_finds_no_issue_of_any_impact(open_page, view, scheme):
    page = open_page(view, scheme)
    found = {"first screen": axe_violations(page)}
    ask(page, "フィリピン沿岸警備隊への支援について教えて")
    ask(page, "それは何年から続いていますか")
    ask(page, "日本の人口は何人ですか")
    newest(page).locator("details.nearest summary").click()
    found["answers"] = axe_violations(page)
    bad = {when: vs for when, vs in found.items() if vs}  # of any impact, minor included
    assert bad == {}, json.dumps(bad, ensure_ascii=False, indent=1)


# --- behaviour that does not depend on the look -----------------------------------------------------


def test_an_example_question_asks_when_clicked(open_page):
    page = open_page()
    before = page.locator("#conversation .turn").count()
    page.locator("#conversation .example").nth(1).click()
    page.wait_for_function("n => document.querySelectorAll('#conversation .turn').length > n", arg=before)
    assert newest(page).locator(".question").inner_text().endswith(PCG)


def test_the_outline_opens_a_section_in_the_document(open_page):
    page = open_page()
    link = page.locator("#docpane .outline a", has_text="OSAの現状と当面の方向性")
    link.click()
    current = page.locator("#docpane .chunk.current")
    assert current.get_attribute("data-chunk") == link.get_attribute("data-goto")
    assert "予算約181億円" in current.inner_text()


def test_english_browser_gets_english_and_a_glossary_and_the_switch_rerenders(open_page):
    page = open_page(locale="en-US")
    page.wait_for_function("() => document.querySelector('#ask')?.innerText.includes('Ask')")
    assert page.locator("h1").inner_text().startswith("Ask 「外交力の強化について」")
    ask(page, "How many people does the Philippine Coast Guard have now?")
    reply = newest(page)
    assert "Answered by the documents" in reply.inner_text()
    glossary = reply.locator(".glossary")
    assert glossary.count() == 1 and "Glossary (JMdict)" in glossary.inner_text()
    assert glossary.locator("dd").count() >= 1
    page.get_by_label("日本語", exact=True).check()
    page.wait_for_function("() => document.querySelector('#conversation .status').innerText.includes('資料に答え')")
    assert newest(page).locator(".glossary").count() == 0 and "質問する" in page.locator("#ask").inner_text()


def test_a_question_asked_before_the_page_is_relabelled_is_answered_in_the_browsers_language(browser, server):
    """The picker turns to English only when the load event has run; a question sent before then is
    still answered in English, the browser's language."""
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(server[0])
        page.wait_for_selector("#conversation .rag-conv")  # not waiting for the relabelling
        ask(page, "How many people does the Philippine Coast Guard have now?")
        assert "Answered by the documents" in newest(page).inner_text()
    finally:
        context.close()


def test_keyboard_order_is_question_answer_sources_feedback(open_page):
    page = open_page()
    ask(page, PCG)
    page.focus("#question textarea")
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id === 'ask' || e.closest('#ask') ? 'ask' : e.classList.contains('ref') ? 'quote'"
                " : e.classList.contains('open') ? 'source' : e.classList.contains('vote') ? 'feedback' : 'other'; }"
            )
        )
    firsts = [order.index(kind) for kind in ("ask", "quote", "source", "feedback")]
    assert firsts == sorted(firsts), order


def test_copy_and_download_give_markdown_with_citations(open_page, server):
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server[0].rstrip("/"))
    ask(page, PCG)
    reply = newest(page)
    reply.get_by_role("button", name="Markdownでコピー").click()
    reply.get_by_text("Markdownをコピーしました").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith(f"## {PCG}\n") and "<" not in copied
    assert "> PCGの人員は4千人から約3万人に増加。 [1]" in copied
    assert "- [1] 外務省『外交力の強化について』「海上保安機関能力強化・巡視船供与」" in copied  # fit to print
    assert "`gaikoryoku_no_kyoka.txt`, 2926–3232字目" in copied  # the offsets kept beside it
    reply.get_by_role("button", name="テキストをコピー").click()
    reply.get_by_text("テキストをコピーしました").wait_for()
    text = page.evaluate("() => navigator.clipboard.readText()")
    assert "「PCGの人員は4千人から約3万人に増加。」[1]" in text and "**" not in text and "字目" in text
    with page.expect_download() as download:
        page.click("#conversation .download")
    saved = open(download.value.path(), encoding="utf-8").read()
    assert saved.startswith("# 「外交力の強化について」に質問する\n") and copied in saved


def test_markup_in_a_question_is_shown_as_text_and_runs_nothing(open_page):
    page = open_page()
    evil = "<img src=x onerror=alert(1)>OSAとは"
    ask(page, evil)
    assert evil in newest(page).locator(".question").inner_text()
    assert page.locator("#conversation img").count() == 0 and page.dialogs == []


def test_over_long_question_gets_a_clear_message_and_one_log_line(open_page, server):
    page = open_page()
    ask(page, "長" * 1500)
    assert "1,000字以内にしてください" in newest(page).locator(".error").inner_text()  # in the UI's language
    assert page.input_value("#question textarea") == "長" * 1500  # kept, to be shortened
    assert page.locator("#rag-counter").inner_text() == "1,500 / 1,000字"
    app = server[2]
    app.wait_for(r"user error \(question refused\): the question is 1,500 characters", 10)
    assert "Traceback" not in app.output()


def test_the_browser_made_no_request_outside_loopback(open_page, requests_seen):
    page = open_page()
    ask(page, "OSAの予算は")
    newest(page).locator(".quotes a.ref").first.click()
    page.wait_for_selector("#docpane .chunk.current")
    local = ("http://127.0.0.1", "data:", "blob:")
    assert any(url.startswith("http://127.0.0.1") for url in requests_seen)  # it did watch the traffic
    assert [url for url in requests_seen if not url.startswith(local)] == []


def test_no_share_or_hub_button_and_one_h1(open_page):
    page = open_page()
    assert page.locator("h1").count() == 1
    assert page.get_by_role("button", name="Share").count() == 0
    assert page.locator("footer a").count() == 0
