"""The UI's pure logic: the conversation and document HTML, Markdown and text export, glossary,
language choice and the palette's contrast."""

from __future__ import annotations

import dataclasses
import html
import re
import threading

import pytest

from rag.answer.glossary import glossary, glosses, key_terms, known_words
from rag.documents.metadata import read_meta
from rag.serve.ui.about import Titled, about
from rag.serve.ui.conversation import Conversation
from rag.serve.ui.document import outline, render_document
from rag.serve.ui.export import card_markdown, card_text, clean, conversation_markdown, md_escape, status_line
from rag.serve.ui.palette import AA_TEXT, CONTRAST_PAIRS, PALETTE, contrast
from rag.serve.ui.render import render_card, render_conversation
from rag.serve.ui.text import TEXT, answer_language, language_of

from .conftest import BRIEFING, CORPUS, answer_with_status

PCG = "フィリピン沿岸警備隊への支援で人員はどう変わりましたか"
SIDECAR = read_meta(CORPUS, BRIEFING.name)
ABOUT = {lang: about([Titled(SIDECAR.title, SIDECAR)], {}, lang) for lang in ("ja", "en")}


def card_for(engine, question, status="answered", *, previous=None, missing=()):
    return answer_with_status(engine, question, status, previous=previous, missing=missing)


def conversation_of(*cards) -> Conversation:
    conv = Conversation(session="s1")
    for card in cards:
        conv = conv.add(card.reading.question, card=card, error=None, mode="hybrid")
    return conv


def visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_first_screen_offers_the_sidecars_examples_as_buttons():
    page = render_conversation(Conversation(), "ja", ABOUT["ja"])
    assert page.count('class="example"') == len(SIDECAR.examples) >= 3
    assert all(html.escape(q, quote=True) in page for q in SIDECAR.examples)
    assert "<article" not in page


def test_newest_reply_comes_first_with_its_card(hash_engine):
    older = card_for(hash_engine, "OSAの予算は")
    newer = card_for(hash_engine, PCG)
    page = render_conversation(conversation_of(older, newer), "ja", ABOUT["ja"])
    shown = page[page.index("<article") :]  # the kept history (data-questions) lists them oldest first
    assert shown.index(PCG) < shown.index("OSAの予算は")
    assert 'data-latest="2"' in page and page.count("<article") == 2
    first = page[: page.index("</article>")]
    assert "資料に答えがあります" in first and "出典" in first
    assert first.count("<mark>") == len(newer.quotes) >= 1  # quotes highlighted, sources not
    assert 'data-vote="up" aria-pressed="false"' in first


def test_not_covered_folds_the_nearest_passages_and_marks_nothing(hash_engine):
    card = card_for(hash_engine, "日本の人口は何人ですか", "not_covered")
    page = render_conversation(conversation_of(card), "ja", ABOUT["ja"])
    assert "<mark" not in page and 'class="s hl"' not in page
    assert '<details class="nearest"><summary>参考: 近い箇所 3 件(回答ではありません)</summary>' in page
    assert "この資料には、この質問に答える記述が見当たりません" in page


def test_partial_says_what_is_missing(hash_engine):
    card = card_for(hash_engine, "OSAの令和9年度の予算はいくらですか", "partial", missing=("令和9年度",))
    ja = render_conversation(conversation_of(card), "ja", ABOUT["ja"])
    assert "一部だけ資料にあります — 資料に書かれていない点: 令和9年度" in visible_text(ja)
    en = render_conversation(conversation_of(card), "en", ABOUT["en"], glossary=lambda c: [])
    assert "Partly covered by the documents — Not in the documents: 令和9年度" in visible_text(en)


def test_markup_in_a_question_is_text(hash_engine):
    evil = "<img src=x onerror=alert(1)>OSAとは"
    conv = Conversation().add(evil, card=None, error="the question is empty", mode="hybrid")
    conv = conv.add(evil, card=card_for(hash_engine, evil), error=None, mode="hybrid")
    page = render_conversation(conv, "ja", ABOUT["ja"])
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;OSAとは" in page


def test_a_follow_up_is_shown_as_read(hash_engine):
    first = card_for(hash_engine, "フィリピン沿岸警備隊への支援について教えて")
    second = card_for(hash_engine, "それは何年から続いていますか", previous=first.reading)
    page = render_conversation(conversation_of(first, second), "ja", ABOUT["ja"])
    assert "(フィリピン沿岸警備隊への支援について) それは何年から続いていますか" in page
    assert "支援" in second.passages[0].shared_terms  # the topic it was searched with matched too


def test_citations_point_at_the_passage_and_its_sentences(hash_engine):
    card = card_for(hash_engine, PCG)
    page = render_conversation(conversation_of(card), "ja", ABOUT["ja"])
    top = card.passages[0]
    marks = ",".join(f"{q.start}-{q.end}" for q in card.quotes)
    assert f'data-chunk="{top.chunk_id}" data-marks="{marks}"' in page
    assert f"{top.start}–{top.end}字目" in page and "一致した語: " in page


def test_english_readers_get_a_glossary_and_english_words(hash_engine):
    card = card_for(hash_engine, PCG)
    en = render_conversation(
        conversation_of(card), "en", ABOUT["en"], glossary=lambda c: glossary([q.text for q in c.quotes])
    )
    assert "Answered by the documents" in en and "Glossary (JMdict)" in en and "Sources" in en
    ja = render_conversation(
        conversation_of(card), "ja", ABOUT["ja"], glossary=lambda c: pytest.fail("ja needs no glossary")
    )
    assert "Glossary" not in ja


def test_a_stale_index_is_noted():
    page = render_conversation(Conversation(), "en", ABOUT["en"], notice="manifest is damaged")
    assert "answering from the previous one: manifest is damaged" in page


def test_markdown_and_text_carry_the_citations(hash_engine):
    card = card_for(hash_engine, PCG)
    src = card.passages[0]
    md = card_markdown(card, "ja")
    assert md.startswith(f"## {PCG}\n\n**資料に答えがあります**")
    assert f"> {md_escape(clean(card.quotes[0].text))} [1]" in md
    cited = f"外務省『外交力の強化について』「{src.section[-1]}」"  # issuer and title from the sidecar
    assert f"- [1] {md_escape(cited)} — `{src.source}`, {src.start}–{src.end}字目" in md
    text = card_text(card, "en")
    assert "<" not in text and "**" not in text
    cited_en = f"Ministry of Foreign Affairs of Japan, 『外交力の強化について』, “{src.section[-1]}”"
    assert f"[1] {cited_en} ({src.source}, chars {src.start}–{src.end})" in text


def test_conversation_markdown_is_oldest_first(hash_engine):
    conv = conversation_of(card_for(hash_engine, "OSAの予算は"), card_for(hash_engine, PCG))
    conv = conv.add("", card=None, error="the question is empty", mode="hybrid")
    md = conversation_markdown(conv, "en", ABOUT["en"].title)
    assert md.startswith("# Ask 「外交力の強化について」\n")
    assert md.index("OSAの予算は") < md.index(PCG) < md.index("the question is empty")


def test_quote_cleaning_and_markdown_escaping():
    assert clean("- 令和8(2026)年度(**予算約181億円**)\n(4か国)") == "令和8(2026)年度(予算約181億円) (4か国)"
    assert md_escape("a*b_c[1]<x> > y") == "a\\*b\\_c\\[1\\]\\<x> > y"
    assert md_escape("# not a heading") == "\\# not a heading"


def test_document_pane_renders_the_whole_text_with_every_sentence_addressable(hash_engine):
    source = hash_engine.documents()[0].source
    text = hash_engine.document_text(source)
    chunks = [c for c in hash_engine.live().retriever.index.chunks if c.source == source]
    pane = render_document(source, "外交力の強化について", text, chunks, "ja")
    body = pane[pane.index('<div class="doc-text"') :]
    # Every character is shown (only blank lines between passages and ** marks are not)
    assert re.sub(r"\s", "", visible_text(body)) == re.sub(r"\s", "", text.replace("**", ""))
    for chunk in chunks:
        assert f'id="c-{chunk.id}" data-chunk="{chunk.id}"' in pane
        assert all(f'data-s="{s}" data-e="{e}"' in pane for s, e in chunk.sentences)


def test_outline_follows_the_section_paths():
    @dataclasses.dataclass(frozen=True)
    class C:
        id: str
        section: tuple

    chunks = [C("a", ("T", "A")), C("b", ("T", "A")), C("c", ("T", "A", "B")), C("d", ("T", "C"))]
    assert [(e.depth, e.title, e.chunk_id) for e in outline(chunks)] == [(1, "A", "a"), (2, "B", "c"), (1, "C", "d")]


def test_glossary_glosses_the_quote_offline():
    found = glossary(["PCGの人員は4千人から約3万人に増加。"])
    assert {g.term for g in found} >= {"人員", "増加"}
    assert "increase" in next(g for g in found if g.term == "増加").english
    assert glosses("沿岸警備隊") == ("coast guard",)
    assert known_words("フィリピン沿岸警備隊") == ["フィリピン", "沿岸警備隊"]  # the longest runs JMdict knows
    assert key_terms("PCGの人員は増加。") == ["人員", "増加"]  # Latin and one-character words left out


def test_glossary_works_from_any_thread():
    """The server answers in worker threads; JMdict's SQLite connection must not cross them."""
    glosses("巡視船")  # this thread opens its own connection first
    found = []
    worker = threading.Thread(target=lambda: found.append(glosses("外交官")))
    worker.start()
    worker.join()
    assert found and found[0]


def test_glossary_puts_rare_terms_first():
    rarity = {"人員": 1, "増加": 5}.get
    assert [g.term for g in glossary(["PCGの人員は増加。"], rarity=lambda t: rarity(t, 0))][:2] == ["増加", "人員"]


@pytest.mark.parametrize(
    "header, lang",
    [
        ("ja,en-US;q=0.9", "ja"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("en-US", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("en;q=0.5,ja;q=0.9", "ja"),
        ("*", "ja"),
        ("", "ja"),
        (None, "ja"),
        ("en;q=bad,ja", "ja"),
    ],
)
def test_language_follows_the_browser(header, lang):
    assert language_of(header) == lang


def test_the_answer_is_in_the_picked_language_else_the_browsers():
    assert answer_language("ja", False, "en-US,en;q=0.9") == "en"  # sent before the page was relabelled
    assert answer_language("ja", True, "en-US,en;q=0.9") == "ja"  # picked by the user
    assert answer_language("en", True, "ja") == "en"


def test_both_languages_have_every_string():
    assert set(TEXT["ja"]) == set(TEXT["en"])


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_palette_meets_wcag_aa_for_text(theme):
    colours = PALETTE[theme]
    assert set(colours) == set(PALETTE["light"])
    low = {(f, b): round(contrast(colours[f], colours[b]), 2) for f, b in CONTRAST_PAIRS}
    assert all(ratio >= AA_TEXT for ratio in low.values()), low


def test_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_a_greeting_gets_the_guide_not_a_crash(hash_engine):
    """not_a_question has no quote and no source: what the documents cover and questions to ask."""
    live = hash_engine.live()
    from rag.answer.compose import compose
    from rag.answer.followup import read
    from rag.answer.records import Reason
    from rag.answer.status import Verdict

    reading = read("こんにちは", None)
    verdict = Verdict("not_a_question", Reason("not_a_question"))
    card = compose(hash_engine.search("こんにちは"), verdict, live.picker, live.rows, reading, live.guides["ja"])
    page = render_conversation(conversation_of(card), "ja", ABOUT["ja"])
    assert "資料についての質問ではないようです" in page and "資料の内容" in page
    assert page.count('class="example"') == len(live.guides["ja"].examples) >= 1
    assert "出典" not in page[page.index("<article") :]
    assert card_text(card, "ja").count("\n- ") == len(live.guides["ja"].examples)


def test_english_readers_get_figures_in_english_and_japanese_readers_do_not(hash_engine):
    card = card_for(hash_engine, "OSAの令和8年度の予算はいくらですか")
    assert any("181億円" in q.text for q in card.quotes)
    assert "about ¥18.1 billion" in render_card(card, "en") and "FY2026" in render_card(card, "en")
    assert "¥" not in render_card(card, "ja")


def test_a_refusal_is_said_in_the_ui_language():
    from rag.serve.ui.text import refusal

    assert refusal("長" * 1500, "ja") == "質問が長すぎます(1,500字)。1,000字以内にしてください。"
    assert refusal("長" * 1500, "en") == "The question is too long (1,500 characters); the limit is 1,000."
    assert refusal("!!!", "ja") == "質問に文字がありません。資料についての質問を入力してください。"
    assert refusal("   ", "en") == "Type a question."


def test_status_words_follow_the_ui_not_the_question(hash_engine):
    from rag.answer.records import Reason

    card = card_for(hash_engine, "How many ships did OSA give?", "partial")
    card = dataclasses.replace(card, reason=Reason("missing", ("令和9年度",), "OSA", ("count",)))
    assert status_line(card, "ja").endswith("令和9年度、数") and "number" in status_line(card, "en")
    assert "(count)" not in render_card(card, "ja")


def test_announcement_and_the_kept_history(hash_engine):
    conv = conversation_of(card_for(hash_engine, "OSAの予算は"), card_for(hash_engine, PCG))
    page = render_conversation(conv, "ja", ABOUT["ja"])
    assert 'data-announce="新しい回答: 資料に答えがあります' in page
    assert "&quot;q&quot;: &quot;OSAの予算は&quot;" in page  # oldest first, for localStorage
    assert 'data-title="外交力の強化について · 質問応答"' in page
    assert 'data-title="外交力の強化について · Q&amp;A"' in render_conversation(conv, "en", ABOUT["en"])
