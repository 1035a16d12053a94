"""Any document in: sentences, search normalisation, one sectioner per format, PDFs with pages, many documents.

Fast: the PDFs here are laid out with reportlab in a few milliseconds and indexed with the hashing
embedder. The briefing printed by Chromium, with the real model, is in test_pdf_briefing.py (slow).
"""

from __future__ import annotations

import unicodedata

import pytest

from rag.documents.chunking import chunk_document, chunk_documents
from rag.documents.corpus import Document, read_corpus
from rag.documents.normalize import RADICALS, locate, normalize, search_form
from rag.documents.sectioners import sectioner_for, sections_of
from rag.documents.sentences import split_sentences

from .conftest import BRIEFING

# --- sentences ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("外交力の強化。日米同盟の強化。", ["外交力の強化。", "日米同盟の強化。"]),
        ("本当ですか？はい！そうです．次", ["本当ですか？", "はい！", "そうです．", "次"]),
        ("「外交」。次の文」", ["「外交」。", "次の文」"]),
        ("The U.S. grew 3.5 percent. It slowed.", ["The U.S. grew 3.5 percent.", "It slowed."]),
        ("See e.g. Fig. 3 and Mr. Smith. He agreed.", ["See e.g. Fig. 3 and Mr. Smith.", "He agreed."]),
        ("approx. five ships. Then more!", ["approx. five ships.", "Then more!"]),
        ("Is it so? Yes.", ["Is it so?", "Yes."]),
        ("1. インド太平洋地域を中心に", ["1. インド太平洋地域を中心に"]),
        ("Yahoo!Japan と ３．５倍。", ["Yahoo!Japan と ３．５倍。"]),
        ("Growth in 2026. The end", ["Growth in 2026.", "The end"]),
        ("It rose (by 3%). Then it fell.", ["It rose (by 3%).", "Then it fell."]),
        ("発信(SNSを含む。)を強化する。次。", ["発信(SNSを含む。)を強化する。", "次。"]),
        ("「はい。」と答えた。次。", ["「はい。」と答えた。", "次。"]),
        ("（以下同じ。）", ["（以下同じ。）"]),
        ("開いたまま(未完。次の文。", ["開いたまま(未完。", "次の文。"]),
        ("- **多角化。取組。**", ["- **多角化。", "取組。**"]),
    ],
)
def test_sentences_end_in_either_script_but_not_inside_numbers_or_abbreviations(text, sentences):
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == sentences


# --- search normalisation ------------------------------------------------------------------------------------


def test_nfkc_maps_every_kangxi_radical_to_a_unified_ideograph():
    for cp in range(0x2F00, 0x2FD6):
        mapped = unicodedata.normalize("NFKC", chr(cp))
        assert len(mapped) == 1 and unicodedata.name(mapped).startswith("CJK UNIFIED IDEOGRAPH"), hex(cp)
    assert unicodedata.normalize("NFKC", "\u2f12") == "力"


def test_the_radical_table_covers_what_nfkc_leaves():
    pairs = dict(zip(RADICALS[::2], RADICALS[1::2], strict=True))
    assert "⻑" in pairs and unicodedata.normalize("NFKC", "⻑") == "⻑"  # NFKC does not help here
    for radical, ideograph in pairs.items():
        assert 0x2E80 <= ord(radical) <= 0x2EFF or 0x31C0 <= ord(radical) <= 0x31EF
        assert 0x3400 <= ord(ideograph) <= 0x9FFF or 0x20000 <= ord(ideograph) <= 0x3134F, ideograph


@pytest.mark.parametrize(
    "raw, form",
    [
        ("外交⼒の強化", "外交力の強化"),  # Kangxi radical (pypdf's reading of Chromium's PDF)
        ("⻑期的な⻭止め", "長期的な歯止め"),  # CJK radicals supplement: not NFKC's
        ("同盟国‧同志国", "同盟国・同志国"),  # the hyphenation point Noto CJK shares with 「・」
        ("ＯＳＡの予算（約１８１億円）", "OSAの予算(約181億円)"),  # full width
        ("ﾊﾟﾗｵ国際空港", "パラオ国際空港"),  # half-width kana with a separate voiced mark
        ("国際秩序は流\n動化。", "国際秩序は流動化。"),  # a PDF line break inside a word
        ("Indo-Pacific\nregion", "Indo-Pacific region"),
        ("流動化。\n次の文", "流動化。\n次の文"),  # a line break after a sentence stays
        ("見出し\n- 箇条書き", "見出し\n- 箇条書き"),  # and one before a bullet
        ("第一段落\n\n\n第二段落", "第一段落\n第二段落"),
        ("**日米同盟**の強化", "**日米同盟**の強化"),  # emphasis helps the model (docs/decisions.md)
        ("  二つ   の  空白  ", "二つ の 空白"),
    ],
)
def test_search_form(raw, form):
    assert search_form(raw) == form


def test_the_offset_map_points_back_into_the_text_as_extracted():
    text = "前文。\n外交⼒の強\n化**について**（概観）"
    normalized = normalize(text)
    assert len(normalized.spans) == len(normalized.text)
    for i, ch in enumerate(normalized.text):
        start, end = normalized.spans[i]
        assert ch in search_form(text[start:end]) or text[start:end].isspace()
    start, end = locate(text, "外交力の強化について(概観)")
    assert text[start:end] == "外交⼒の強\n化**について**（概観）"
    assert locate(text, "存在しない") is None


def test_normalising_the_briefing_keeps_every_word():
    text = BRIEFING.read_text(encoding="utf-8")
    form = search_form(text)
    assert "外交力の強化について" in form and "**日米同盟**" in form
    assert "**" not in search_form(text, drop_markup=True)
    assert len(form) > 0.9 * len(text.replace("**", "").replace("\n", ""))


# --- one sectioner per format ---------------------------------------------------------------------------------

PROSE = """ある研究所の年次報告

概要

本報告は、研究所の一年間の活動をまとめたものである。研究員は十二名で、三つの部門に分かれて研究を行った。各部門の成果を以下に述べる。歴史の長い部門もある。

歴史

研究所は1990年に設立された。当初は二名の研究員で始まり、その後少しずつ拡大した。2005年には現在の建物に移転した。

Background

The institute was founded in 1990 by two researchers. It moved to its present building in 2005.

1.1 Results in detail

Three departments published twelve papers. The U.S. partner joined two projects.
"""

SLIDES_EN = """Quarterly review

Overview

- Sales grew in every region.
- Costs fell by 3.5 percent.

Next steps

- Open two offices.
- Hire ten engineers.
"""


def test_the_sectioner_is_picked_by_format_and_content():
    assert sectioner_for(BRIEFING.read_text(encoding="utf-8"), "text") == "slides"
    assert sectioner_for(PROSE, "text") == "prose"
    assert sectioner_for(PROSE, "pdf") == "prose"
    assert sectioner_for("# 題名\n\n本文。\n", "markdown") == "markdown"


def test_prose_headings_in_either_script_are_kept_even_when_their_words_came_before():
    paths = [s.path for s in sections_of(PROSE, kind="text", fallback_title="report")]
    assert paths == [
        ("ある研究所の年次報告", "概要"),
        ("ある研究所の年次報告", "歴史"),  # 歴史 was said in the section before: still a heading
        ("ある研究所の年次報告", "Background"),  # a short Latin line is a heading, not a stray
        ("ある研究所の年次報告", "Background", "1.1 Results in detail"),
    ]


def test_english_slide_headings_are_sections():
    paths = [s.path for s in sections_of(SLIDES_EN, kind="text", fallback_title="deck")]
    assert paths == [("Quarterly review", "Overview"), ("Quarterly review", "Next steps")]


def test_markdown_code_fences_and_underlined_headings():
    text = "Title\n=====\n\nIntro text.\n\nPart two\n--------\n\n```\n# not a heading\n```\n\nMore text.\n"
    sections = sections_of(text, kind="markdown", fallback_title="x")
    assert [s.path for s in sections] == [("Title",), ("Title", "Part two")]
    chunks = chunk_document(Document("a.md", text, "x", kind="markdown"))
    assert any("# not a heading" in c.text for c in chunks)


def test_a_sentence_wrapped_over_lines_is_one_sentence():
    text = "見出し\n\n- 法の支配に基づく国際秩序への挑戦が勢いを加\n速し、国際秩序は流動化。次の文が\n続く。\n- 二つ目"
    (chunk,) = chunk_document(Document("wrapped.txt", text, "x"))
    assert [text[a:b] for a, b in chunk.sentences] == [
        "- 法の支配に基づく国際秩序への挑戦が勢いを加\n速し、国際秩序は流動化。",
        "次の文が\n続く。",
        "- 二つ目",
    ]


# --- many documents: ids, titles ------------------------------------------------------------------------------


def test_ids_are_unique_across_documents_and_stable_per_document():
    text = BRIEFING.read_text(encoding="utf-8")
    one, two = Document("a/briefing.txt", text, "1"), Document("b/briefing.txt", text, "2")
    chunks = chunk_documents([one, two])
    assert len({c.id for c in chunks}) == len(chunks)
    edited = Document("b/briefing.txt", text.replace("約3万人", "約4万人"), "3")
    again = chunk_documents([one, edited])
    ids_of_a = [c.id for c in chunks if c.source == "a/briefing.txt"]
    assert [c.id for c in again if c.source == "a/briefing.txt"] == ids_of_a


# --- JSQuAD Markdown: no passage crosses an article -------------------------------------------------------------

JSQUAD = next((p / "shared/benchmarks/jsquad-valid/corpus" for p in BRIEFING.parents if (p / "shared").is_dir()), None)


@pytest.fixture(scope="module")
def articles():
    if JSQUAD is None or not JSQUAD.is_dir():
        pytest.skip("shared/benchmarks/jsquad-valid is not beside this checkout")
    return read_corpus(JSQUAD, log=lambda _: None)


def test_jsquad_passages_keep_their_article_heading(articles):
    chunks = chunk_documents(articles)
    by_source = {d.source: d for d in articles}
    for c in chunks:
        doc = by_source[c.source]
        assert doc.text[c.start : c.end] == c.text
        assert c.section[0] == doc.text.splitlines()[0].removeprefix("# ")


@pytest.mark.parametrize("kind, heading", [("markdown", "# "), ("text", "")])
def test_no_passage_crosses_an_article_boundary(articles, kind, heading):
    """Articles joined into one file (Markdown `#` titles, or bare title lines read as prose)."""
    parts, bounds, pos = [], [], 0
    for doc in articles[:12]:
        body = doc.text.replace("# ", heading, 1).strip() + "\n\n"
        parts.append(body)
        bounds.append((pos, pos + len(body), body.splitlines()[0].removeprefix(heading)))
        pos += len(body)
    joined = Document("joined", "".join(parts), "x", kind=kind)
    chunks = chunk_document(joined)
    for c in chunks:
        start, end, title = next(b for b in bounds if b[0] <= c.start < b[1])
        assert c.end <= end, f"a passage of {title} runs into the next article"
        assert c.section[-1] == title or c.section[0] == title
    assert {c.section[-1] for c in chunks} >= {title for _, _, title in bounds[1:]}
